"""Organisations and their signed-in users, for tests."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from portal.domain.accounts import password_reset, signin
from portal.domain.accounts.actor import Actor
from portal.domain.organisations import directory
from tests import factories
from tests.support.people import HERE, STAFF_PASSWORD, actor_of, staff_principal


def admin():
    """A new signed-in admin principal (call once per test)."""
    return staff_principal("org-admin@example.com")[0]


def provider(by, name: str = "Tokyo Seminars") -> int:
    """An active training provider created by the admin `by`; returns its id."""
    return directory.create(by, name, "provider", "office@seminars.example")


def invitation_token(email: str) -> str:
    [mail] = factories.outbox(email, "organisation_invite")
    return parse_qs(urlparse(mail.params["link"]).query)["token"][0]


def sign_in(email: str) -> tuple[Actor, str, str]:
    """Sign an active account in with its e-mailed code: (actor, cookie secret, landing)."""
    step = signin.check_password(email, STAFF_PASSWORD, HERE)
    ticket = signin.verify_code(step.attempt, factories.last_code(email), HERE).ticket
    started = signin.redeem_ticket(ticket, HERE)
    return actor_of(started.secret), started.secret, started.landing


def org_user(by, email: str, organisation_id: int, language: str = "en"):
    """An organisation user invited by the admin `by`, who accepted the invitation and
    signed in: (principal, secret)."""
    directory.invite_user(by, organisation_id, email, "Provider Clerk", language)
    password_reset.complete(invitation_token(email), STAFF_PASSWORD, STAFF_PASSWORD, HERE)
    principal, secret, _ = sign_in(email)
    return principal, secret
