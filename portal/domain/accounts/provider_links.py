"""Accounts linked to the identity provider, and signing in through it.

Guarantees:
- A provider subject (issuer + subject) reaches an account only through a link its
  owner made while signed in the usual way; nothing is ever matched on e-mail.
- One link per account and one account per subject (database constraints, so two
  racing links cannot both land).
- Signing in through a link is refused, with the same audit trail as any refusal, for
  kinds of account PORTAL_OIDC_FOR leaves out and for accounts that are not active or
  are locked; otherwise it is followed by the portal's own second factor unless the
  provider proved multi-factor (PORTAL_OIDC_MFA_CLAIM).
- Linking and unlinking (which needs the password) are audited and mailed to the owner;
  the account keeps its password throughout.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, delete, select

from portal.domain.accounts import lockout, mails, passwords, sessions, signin
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account, AccountStatus, ProviderLink, WebSession
from portal.domain.audit import trail
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.core.origin import Origin
from portal.settings import OidcSettings, get_settings


@dataclass(frozen=True)
class ProviderSignIn:
    """The outcome of a provider sign-in: a refusal, a second factor to pass, or a session."""

    problem: str | None = None  # "unlinked", "not_for_you" or "refused"
    attempt: str | None = None
    method: str | None = None
    session: signin.SessionStart | None = None


def _provider() -> OidcSettings:
    oidc = get_settings().oidc
    if oidc is None:
        raise DomainError("account.provider_not_configured")
    return oidc


def may_use(kind: str) -> bool:
    """True when accounts of `kind` may sign in through the provider."""
    oidc = get_settings().oidc
    return oidc is not None and kind in oidc.kinds


def sign_in(issuer: str, subject: str, mfa_proved: bool, origin: Origin) -> ProviderSignIn:
    """Sign in the account linked to (issuer, subject), or say why not."""
    now = utcnow()
    with transaction() as db:
        link = db.exec(
            select(ProviderLink).where(
                ProviderLink.issuer == issuer, ProviderLink.subject == subject
            )
        ).first()
        if link is None:
            trail.record(db, "signin.provider_unlinked", origin)
            return ProviderSignIn(problem="unlinked")
        account = db.get(Account, link.account_id)
        signin.clear_expired_lock(db, account, now)
        target = f"account:{account.id}"
        if not may_use(account.kind):
            trail.record(db, "signin.provider_refused", origin, target=target, why="kind")
            return ProviderSignIn(problem="not_for_you")
        if account.status != AccountStatus.ACTIVE or account.locked_until is not None:
            trail.record(db, "signin.provider_refused", origin, target=target, why="unusable")
            return ProviderSignIn(problem="refused")
        link.last_used_at = now
        if mfa_proved:
            secret = sessions.start(db, account.id, origin, provider_mfa=True)
            trail.record(
                db, "signin.success", origin.known_as(account.id), target=target, via="provider"
            )
            landing = signin.landing_for(db, account, provider_mfa=True)
            return ProviderSignIn(session=signin.SessionStart(secret=secret, landing=landing))
        attempt, method = signin.new_challenge(db, account)
        trail.record(db, "signin.provider_ok", origin, target=target, method=method)
        return ProviderSignIn(attempt=attempt, method=method)


def _live_session(db, account_id: int, session_id: int | None) -> bool:
    found = db.get(WebSession, session_id) if session_id else None
    idle = dt.timedelta(minutes=get_settings().sessions.idle_minutes)
    now = utcnow()
    return (
        found is not None
        and found.account_id == account_id
        and found.revoked_at is None
        and now < found.expires_at
        and now - found.last_seen_at < idle + dt.timedelta(minutes=10)
    )


def link(
    account_id: int, session_id: int | None, issuer: str, subject: str, origin: Origin
) -> None:
    """Link the account to (issuer, subject) for the session that asked (self-service: the
    provider's answer names the account its trip began for); mails the owner.

    Raises DomainError: "account.provider_session_gone" when that session ended meanwhile,
    "account.provider_not_for_you" for a kind of account the provider is not for,
    "account.provider_already_linked" when the account has a link, "account.provider_taken" when the
    subject is linked to another account.
    """
    name = _provider().name
    try:
        with transaction() as db:
            account = db.get(Account, account_id)
            if account is None or account.status != AccountStatus.ACTIVE:
                raise DomainError("account.provider_session_gone")
            if not _live_session(db, account_id, session_id):
                raise DomainError("account.provider_session_gone")
            if not may_use(account.kind):
                raise DomainError("account.provider_not_for_you")
            taken = db.exec(
                select(ProviderLink).where(
                    ProviderLink.issuer == issuer, ProviderLink.subject == subject
                )
            ).first()
            if taken is not None and taken.account_id != account_id:
                trail.record(
                    db,
                    "provider.link_refused",
                    origin.known_as(account_id),
                    target=f"account:{account_id}",
                )
                raise DomainError("account.provider_taken")
            own = db.exec(select(ProviderLink).where(ProviderLink.account_id == account_id)).first()
            if own is not None:
                raise DomainError("account.provider_already_linked")
            db.add(ProviderLink(account_id=account_id, issuer=issuer, subject=subject))
            db.flush()
            trail.record(
                db,
                "provider.linked",
                origin.known_as(account_id),
                target=f"account:{account_id}",
                issuer=issuer,
            )
            mails.to_owner(db, account, "provider_linked", provider=name)
    except IntegrityError:
        raise DomainError("account.provider_taken") from None


def unlink(actor: Actor, password: str) -> None:
    """Remove the principal's link after checking their password; mails the owner.

    Slow by design (bcrypt): call it off the event loop. Raises FieldErrors on the
    password field, DomainError("account.provider_not_linked") when there is nothing to remove.
    """
    name = _provider().name
    with transaction() as db:
        account = db.get(Account, actor.account_id)
        password_hash = account.password_hash if account else None
    if not password:
        raise FieldErrors({"unlink_password": ("password.required", {})})
    if not passwords.verify_password(password, password_hash):
        lockout.password_failed(actor.account_id, actor)
        raise FieldErrors({"unlink_password": ("password.wrong", {})})
    with transaction() as db:
        removed = db.execute(
            delete(ProviderLink).where(col(ProviderLink.account_id) == actor.account_id)
        )
        if removed.rowcount != 1:
            raise DomainError("account.provider_not_linked")
        account = db.get(Account, actor.account_id)
        trail.record(db, "provider.unlinked", actor, target=f"account:{actor.account_id}")
        mails.to_owner(db, account, "provider_unlinked", provider=name)


def linked_since(account_ids: list[int]) -> dict[int, dt.datetime]:
    """When each of these accounts was linked to the provider (absent: not linked)."""
    if not account_ids:
        return {}
    with transaction() as db:
        rows = db.exec(
            select(ProviderLink.account_id, ProviderLink.created_at).where(
                col(ProviderLink.account_id).in_(account_ids)
            )
        ).all()
    return dict(rows)
