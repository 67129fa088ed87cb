"""Forgotten passwords: a link by e-mail, valid 24 hours (PORTAL_RESET_LINK_HOURS), used once.

Guarantees: `request()` answers nothing about whether the address exists (the
caller shows one message either way) and mails at most 3 links per address
and hour, 20 per client and hour; a newer request, a password change and an
e-mail change void older links; completing a reset sets the password, clears
a lockout and the "must set a new password" flag, ends every session, tells
the owner — and does not sign anyone in.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from portal.domain.accounts import (
    action_tokens,
    factors,
    mails,
    new_password,
    passwords,
    sessions,
    throttle,
)
from portal.domain.accounts.tables import Account, AccountKind, AccountStatus, TokenPurpose
from portal.domain.audit import trail
from portal.domain.core import email_address, paths
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.core.origin import Origin
from portal.domain.registry.tables import RegistryRecord
from portal.settings import get_settings

PER_ADDRESS = 3
PER_CLIENT = 20
WINDOW = dt.timedelta(hours=1)


def request(email: str, origin: Origin) -> None:
    """Mail a reset link when `email` belongs to an active account; otherwise do nothing."""
    address = email_address.normalize(email)[:254]
    with transaction() as db:
        if not throttle.allow(db, "reset-client", throttle.client(origin), PER_CLIENT, WINDOW):
            return
        if not throttle.allow(db, "reset-address", address, PER_ADDRESS, WINDOW):
            return
        account = db.exec(select(Account).where(Account.email == address)).first()
        if account is None or account.status != AccountStatus.ACTIVE:
            return
        send_link(db, account, origin)


def send_link(db, account: Account, origin: Origin) -> None:
    """Issue a reset token for `account` and queue the mail carrying its link."""
    settings = get_settings()
    lifetime = dt.timedelta(hours=settings.links.reset_hours)
    token = action_tokens.issue(db, account.id, TokenPurpose.PASSWORD_RESET, lifetime)
    mails.to_owner(
        db,
        account,
        "password_reset",
        link=f"{settings.base_url}{paths.PASSWORD_RESET}?token={token}",
        hours=settings.links.reset_hours,
    )
    trail.record(db, "password.reset_requested", origin, target=f"account:{account.id}")


def link_is_live(token: str | None) -> bool:
    """True while the link can still set a password."""
    with transaction() as db:
        return action_tokens.find_live(db, TokenPurpose.PASSWORD_RESET, token) is not None


def complete(
    token: str | None,
    password: str,
    confirmation: str,
    origin: Origin,
    remove_factors: bool = False,
) -> None:
    """Set the new password through a live link; every session ends and pending e-mail
    changes die. With `remove_factors` (the owner's choice on the reset page) the
    authenticator app, its recovery codes and the provider link go too, so a factor an
    intruder added does not survive the reset.

    Raises DomainError("reset.link_invalid") for a dead link and FieldErrors
    for a password the policy refuses or a confirmation that differs.
    """
    with transaction() as db:
        row = action_tokens.find_live(db, TokenPurpose.PASSWORD_RESET, token)
        if row is None:
            raise DomainError("reset.link_invalid")
        account = db.get(Account, row.account_id)
        record = db.exec(
            select(RegistryRecord).where(RegistryRecord.account_id == account.id)
        ).first()
        names = (record.family_name, record.given_name) if record else (account.display_name,)
        email, current_hash = account.email, account.password_hash
    new_password.check(password, confirmation, email=email, names=names, current_hash=current_hash)
    password_hash = passwords.hash_password(password)
    with transaction() as db:
        row = action_tokens.find_live(db, TokenPurpose.PASSWORD_RESET, token)
        if row is None or not action_tokens.redeem(db, row):
            raise DomainError("reset.link_invalid")
        account = db.get(Account, row.account_id)
        # An invited staff or organisation user sets their first password: nothing changed.
        first = account.kind != AccountKind.REGISTRANT and account.status == AccountStatus.INVITED
        set_password(db, account, password_hash, tell_owner=not first)
        if first:
            account.status = AccountStatus.ACTIVE
        sessions.end_all(db, account.id)
        owner = origin.known_as(account.id)
        trail.record(db, "password.reset", owner, target=f"account:{account.id}")
        if remove_factors:
            factors.remove_all(db, account, owner)


def set_password(db, account: Account, password_hash: str, tell_owner: bool = True) -> None:
    """Store a new password hash; clears lockout and the must-reset flag, voids reset links
    and pending e-mail changes (one asked with the old password must not move the account
    after it); mails the owner that the password changed (unless `tell_owner` is false: a
    first one)."""
    account.password_hash = password_hash
    account.password_changed_at = utcnow()
    account.must_reset_password = False
    account.failed_attempts = 0
    account.locked_until = None
    action_tokens.void(db, account.id, TokenPurpose.PASSWORD_RESET, TokenPurpose.EMAIL_CHANGE)
    if tell_owner:
        mails.to_owner(db, account, "password_changed")
