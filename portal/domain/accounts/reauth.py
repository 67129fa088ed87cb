"""Proving again that it is the owner, before a sign-in factor changes.

Someone with a borrowed session for a minute must not make it a permanent takeover by
setting up their own authenticator or linking their own identity-provider account.

Guarantees:
- A sign-in factor changes (authenticator set up, replaced or removed; a provider account
  linked or unlinked) only within `session_confirmation.WINDOW` of the session's last
  confirmation: signing in, or `confirm` with the password or a current code of the
  authenticator (the factor changes themselves call `session_confirmation.require_recent`).
- When the account has an authenticator, replacing it needs that authenticator proven (a
  current code or a recovery code, at sign-in or in `confirm`): the password alone does
  not do.
- Wrong passwords and codes given here count toward the account's lockouts, as at the
  sign-in page; every confirmation is audited.
"""

from __future__ import annotations

from portal.domain.accounts import lockout, passwords, session_confirmation, totp
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.session_confirmation import AUTHENTICATOR
from portal.domain.accounts.tables import Account
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors


def confirm(actor: Actor, password: str, code: str) -> None:
    """Confirm the session: with `code` (a current authenticator or recovery code) when the
    account has an authenticator and a code is given, else with `password`. Raises
    FieldErrors on "reauth_password" / "reauth_code"."""
    with transaction() as db:
        account = db.get(Account, actor.account_id)
        if account is None:
            raise DomainError("error.not_allowed")
        password_hash, has_app = account.password_hash, bool(account.totp_secret)
    code = code.strip() if isinstance(code, str) else ""
    password = password if isinstance(password, str) else ""
    if has_app and code:
        with transaction() as db:
            account = db.get(Account, actor.account_id)
            proven = totp.accept_code(db, account, code) or totp.accept_recovery_code(
                db, account.id, code, actor
            )
            if proven:
                session_confirmation.mark(db, actor, AUTHENTICATOR)
        if not proven:
            with transaction() as db:  # counted in a transaction of its own: it must stay
                lockout.factor_failed(db, actor.account_id, actor)
            raise FieldErrors({"reauth_code": ("code.wrong", {"tries": 0})})
        return
    if not password:
        raise FieldErrors({"reauth_password": ("password.required", {})})
    if not passwords.verify_password(password[:200], password_hash):
        lockout.password_failed(actor.account_id, actor)
        raise FieldErrors({"reauth_password": ("password.wrong", {})})
    with transaction() as db:
        session_confirmation.mark(db, actor, "password")


def is_recent(actor: Actor) -> bool:
    """Whether a factor may change in this session now (for the page to ask first)."""
    with transaction() as db:
        try:
            session_confirmation.require_recent(db, actor)
        except DomainError:
            return False
    return True
