"""People signed in the way the portal signs them in: password, then the e-mailed code,
then the one-time ticket exchanged for a session."""

from __future__ import annotations

import datetime as dt

import pyotp
from sqlmodel import select

from portal.domain.accounts import operations, sessions, signin, totp
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.points import catalogue
from portal.domain.registry.tables import RegistryRecord
from tests import factories

STAFF_PASSWORD = "Lantern-Orchard-58"
HERE = factories.BROWSER  # the browser the tests' people use


def acting_as(account_id: int | None):
    """The tests' browser acting as `account_id` (a self-service call by account id)."""
    return HERE.known_as(account_id)


def actor_of(secret: str) -> Actor:
    """The Actor of the session whose cookie secret is `secret`, from the tests' browser."""
    return Actor(sessions.resolve(secret), HERE.ip, HERE.user_agent)


def sign_in(email: str, password: str = factories.PASSWORD) -> tuple[Actor, str]:
    """(the Actor, the session cookie's secret) of a fresh sign-in of `email`."""
    step = signin.check_password(email, password, HERE)
    ticket = signin.verify_code(step.attempt, factories.last_code(email), HERE).ticket
    secret = signin.redeem_ticket(ticket, HERE).secret
    return actor_of(secret), secret


def session_cookie(email: str, password: str = factories.PASSWORD) -> str:
    """The Cookie header of a browser `email` just signed in with."""
    return f"portal_session={sign_in(email, password)[1]}"


def staff_principal(email: str, role: str = "admin", name: str = "") -> tuple[Actor, str]:
    """A new staff member (named after the address unless `name`), signed in (the second
    factor done by e-mail code)."""
    operations.create_staff(email, STAFF_PASSWORD, role, name or email.split("@")[0].title())
    return sign_in(email, STAFF_PASSWORD)


def staff(role: str, email: str) -> str:
    """The Cookie header of a new staff member's browser, named after the role."""
    return f"portal_session={staff_principal(email, role, role.title())[1]}"


def signed_in(email: str) -> Actor:
    """A new registrant, signed in."""
    factories.registrant(email)
    return sign_in(email)[0]


def registrant_principal(email: str) -> Actor:
    """A new registrant, signed in, whose validity runs from a year ago to two years ahead
    (with the points catalogue's categories in place)."""
    account_id = factories.registrant(email)
    with transaction() as db:
        record = db.exec(
            select(RegistryRecord).where(RegistryRecord.account_id == account_id)
        ).one()
        record.valid_from = today() - dt.timedelta(days=365)
        record.valid_until = today() + dt.timedelta(days=730)
        catalogue.ensure_categories(db)
    return sign_in(email)[0]


def pending_secret(account_id: int) -> str:
    with transaction() as db:
        return totp._decrypt(db.get(Account, account_id).totp_pending_secret)


def set_up_app(owner, now: dt.datetime | None = None) -> str:
    """The authenticator set up in `owner`'s session (at `now`, the test's clock); returns
    its secret."""
    totp.begin_enrolment(owner)
    secret = pending_secret(owner.account_id)
    at = now or dt.datetime.now(dt.UTC)
    totp.confirm_enrolment(owner, pyotp.TOTP(secret).at(int(at.timestamp())))
    return secret


def number_of(principal) -> str:
    """The registration number of the principal's record."""
    with transaction() as db:
        return db.exec(
            select(RegistryRecord.registration_number).where(
                RegistryRecord.account_id == principal.account_id
            )
        ).one()


def person(email: str) -> tuple[Actor, str, str]:
    """A registrant: (principal, registration number, name as the registry holds it)."""
    principal = registrant_principal(email)
    with transaction() as db:
        record = db.exec(
            select(RegistryRecord).where(RegistryRecord.account_id == principal.account_id)
        ).one()
        return principal, record.registration_number, f"{record.family_name} {record.given_name}"


_readers = [0]


def reviewer() -> Actor:
    """A new signed-in reviewer (staff who read the registry), a fresh address each call."""
    _readers[0] += 1
    return staff_principal(f"reader{_readers[0]}@example.com", "reviewer")[0]
