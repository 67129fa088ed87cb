"""Changes a signed-in person makes to their own account: password, e-mail, closing it.

Guarantees:
- Password change needs the current password; the new one must meet the policy,
  differ from the current one and match its confirmation; every other session
  ends and the owner is told.
- E-mail change needs the password; nothing changes until the link sent to the
  new address (valid PORTAL_EMAIL_LINK_HOURS, 24 by default) is used; the old address is told at request and
  at change; the change fails cleanly if the address was taken meanwhile; it
  ends every session and voids pending reset links. Whether an address is in
  use is never shown on screen: its owner is told by mail instead.
- Closing needs "I understand" and the password; sign-in is removed and every
  session ends; the registry record stays, linked, so a later activation can
  reopen the account.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select

from portal.domain.accounts import (
    action_tokens,
    lockout,
    mails,
    new_password,
    passwords,
    sessions,
    throttle,
)
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.password_reset import set_password
from portal.domain.accounts.tables import Account, AccountStatus, RecoveryCode, TokenPurpose
from portal.domain.audit import trail
from portal.domain.core import email_address, paths
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.core.origin import Origin
from portal.domain.registry.tables import RegistryRecord
from portal.settings import get_settings

EMAIL_CHANGES_PER_DAY = 5


def _account(db, account_id: int) -> Account:
    account = db.get(Account, account_id)
    if account is None or account.status != AccountStatus.ACTIVE:
        raise DomainError("error.not_allowed")
    return account


def _names(db, account: Account) -> tuple[str, ...]:
    record = db.exec(select(RegistryRecord).where(RegistryRecord.account_id == account.id)).first()
    return (record.family_name, record.given_name) if record else (account.display_name,)


def _require_password(actor: Actor, password_hash: str | None, password: str) -> None:
    """The current password, or FieldErrors; a wrong one counts toward the lockout (someone
    in a borrowed session guessing it is stopped as at the sign-in page)."""
    if not password:
        raise FieldErrors({"current_password": ("password.required", {})})
    if not passwords.verify_password(password, password_hash):
        lockout.password_failed(actor.account_id, actor)
        raise FieldErrors({"current_password": ("password.wrong", {})})


def change_password(actor: Actor, current: str, new: str, confirmation: str) -> None:
    """Replace the password; other sessions end. Raises FieldErrors per field."""
    with transaction() as db:
        account = _account(db, actor.account_id)
        password_hash, email, names = account.password_hash, account.email, _names(db, account)
    _require_password(actor, password_hash, current)
    new_password.check(new, confirmation, email=email, names=names, current_hash=password_hash)
    new_hash = passwords.hash_password(new)
    with transaction() as db:
        account = _account(db, actor.account_id)
        set_password(db, account, new_hash)
        sessions.end_all(db, actor.account_id, except_session_id=actor.session_id)
        trail.record(db, "password.changed", actor, target=f"account:{actor.account_id}")


def request_email_change(actor: Actor, new_email: str, confirmation: str, password: str) -> None:
    """Send a confirmation link to the new address; raises FieldErrors per field."""
    errors: dict[str, tuple[str, dict]] = {}
    if (problem := email_address.problem(new_email)) is not None:
        errors["new_email"] = (problem, {})
    elif email_address.normalize(confirmation) != email_address.normalize(new_email):
        errors["new_email_confirm"] = ("email.confirm_differs", {})
    address = email_address.normalize(new_email)
    with transaction() as db:
        account = _account(db, actor.account_id)
        if not errors and address == account.email:
            errors["new_email"] = ("email.same_as_current", {})
        password_hash = account.password_hash
    if errors:
        raise FieldErrors(errors)
    _require_password(actor, password_hash, password)
    settings = get_settings()
    with transaction() as db:
        if not throttle.allow(
            db, "email-change", str(actor.account_id), EMAIL_CHANGES_PER_DAY, dt.timedelta(days=1)
        ):
            raise DomainError("email.change_throttled")
        account = _account(db, actor.account_id)
        taken = db.exec(select(Account).where(Account.email == address)).first()
        if taken is not None:
            mails.to_owner(db, taken, "email_in_use")
        else:
            lifetime = dt.timedelta(hours=settings.links.email_change_hours)
            token = action_tokens.issue(
                db, actor.account_id, TokenPurpose.EMAIL_CHANGE, lifetime, new_email=address
            )
            mails.to_address(
                db,
                address,
                account.language,
                "email_change_confirm",
                link=f"{settings.base_url}{paths.EMAIL_CONFIRM}?token={token}",
                hours=settings.links.email_change_hours,
            )
        mails.to_owner(db, account, "email_change_requested", new_email=address)
        trail.record(db, "email.change_requested", actor, target=f"account:{actor.account_id}")


def confirm_email_change(token: str | None, origin: Origin) -> str:
    """Apply a pending e-mail change; returns the new address.

    Raises DomainError("email.link_invalid") for a dead link and
    DomainError("email.taken") when the address was taken meanwhile.
    """
    try:
        with transaction() as db:
            row = action_tokens.find_live(db, TokenPurpose.EMAIL_CHANGE, token)
            if row is None or not action_tokens.redeem(db, row):
                raise DomainError("email.link_invalid")
            account = _account(db, row.account_id)
            if db.exec(select(Account).where(Account.email == row.new_email)).first() is not None:
                raise DomainError("email.taken")
            old = account.email
            account.email = row.new_email
            record = db.exec(
                select(RegistryRecord).where(RegistryRecord.account_id == account.id)
            ).first()
            if record is not None:
                record.email = row.new_email
            db.flush()
            action_tokens.void(
                db, account.id, TokenPurpose.PASSWORD_RESET, TokenPurpose.EMAIL_CHANGE
            )
            sessions.end_all(db, account.id)
            mails.to_address(db, old, account.language, "email_changed", new_email=row.new_email)
            trail.record(
                db, "email.changed", origin.known_as(account.id), target=f"account:{account.id}"
            )
            return row.new_email
    except IntegrityError:
        raise DomainError("email.taken") from None


def close(actor: Actor, understood: bool, password: str) -> None:
    """Close the account. Raises FieldErrors when not understood or the password is wrong."""
    if understood is not True:
        raise FieldErrors({"understood": ("close.must_understand", {})})
    with transaction() as db:
        password_hash = _account(db, actor.account_id).password_hash
    _require_password(actor, password_hash, password)
    with transaction() as db:
        account = _account(db, actor.account_id)
        account.status = AccountStatus.CLOSED
        account.password_hash = None
        account.totp_secret = None
        account.totp_pending_secret = None
        db.execute(delete(RecoveryCode).where(col(RecoveryCode.account_id) == actor.account_id))
        action_tokens.void(db, actor.account_id)
        sessions.end_all(db, actor.account_id)
        mails.to_owner(db, account, "account_closed")
        trail.record(db, "account.closed", actor, target=f"account:{actor.account_id}")
