"""Server-side sessions behind an HttpOnly cookie.

Guarantees: a session exists only after both sign-in factors passed; its
secret has 256 bits and is stored only as a digest; `resolve()` refuses a
revoked session, one idle longer than the idle timeout, one past its absolute
lifetime, and one whose account is no longer active — checked on every call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select, update

from portal.domain.accounts import tokens
from portal.domain.accounts.tables import Account, AccountKind, AccountStatus, WebSession
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.registry.tables import RegistryRecord
from portal.settings import get_settings

_TOUCH_EVERY = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Principal:
    """Who is asking: plain values, safe to keep in server-side state."""

    account_id: int
    session_id: int
    kind: str
    role: str | None
    email: str
    language: str
    display_name: str
    totp_enabled: bool
    needs_totp_enrolment: bool

    @property
    def is_staff(self) -> bool:
        return self.kind == AccountKind.STAFF

    @property
    def is_registrant(self) -> bool:
        return self.kind == AccountKind.REGISTRANT


def start(db: Session, account_id: int, ip: str = "", user_agent: str = "") -> str:
    """Create a session for `account_id`; returns the secret for the cookie (never stored)."""
    settings = get_settings()
    secret = tokens.new_token()
    now = utcnow()
    db.add(
        WebSession(
            account_id=account_id,
            secret_digest=tokens.digest("session", secret),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=settings.session_absolute_hours),
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    return secret


def _needs_enrolment(account: Account) -> bool:
    return (
        account.kind == AccountKind.STAFF
        and get_settings().staff_require_totp
        and not account.totp_secret
    )


def resolve(secret: str | None) -> Principal | None:
    """The principal behind a cookie secret, or None when it is not a live session."""
    if not secret or len(secret) > 100:
        return None
    now = utcnow()
    idle = dt.timedelta(minutes=get_settings().session_idle_minutes)
    with transaction() as db:
        row = db.exec(
            select(WebSession, Account, RegistryRecord)
            .join(Account, col(Account.id) == WebSession.account_id)
            .join(
                RegistryRecord,
                col(RegistryRecord.account_id) == Account.id,
                isouter=True,
            )
            .where(WebSession.secret_digest == tokens.digest("session", secret))
        ).first()
        if row is None:
            return None
        web_session, account, record = row
        if (
            web_session.revoked_at is not None
            or now >= web_session.expires_at
            or now - web_session.last_seen_at >= idle
            or account.status != AccountStatus.ACTIVE
        ):
            return None
        if now - web_session.last_seen_at >= _TOUCH_EVERY:
            db.execute(
                update(WebSession)
                .where(col(WebSession.id) == web_session.id)
                .values(last_seen_at=now)
            )
        name = f"{record.family_name} {record.given_name}" if record else account.display_name
        return Principal(
            account_id=account.id,
            session_id=web_session.id,
            kind=account.kind,
            role=account.role,
            email=account.email,
            language=account.language,
            display_name=name,
            totp_enabled=bool(account.totp_secret),
            needs_totp_enrolment=_needs_enrolment(account),
        )


def end(secret: str | None) -> None:
    """Revoke the session behind `secret`, if any (logout)."""
    if not secret:
        return
    with transaction() as db:
        db.execute(
            update(WebSession)
            .where(WebSession.secret_digest == tokens.digest("session", secret))
            .where(col(WebSession.revoked_at).is_(None))
            .values(revoked_at=utcnow())
        )


def end_all(db: Session, account_id: int, except_session_id: int | None = None) -> int:
    """Revoke every live session of an account but one; returns how many were ended."""
    query = (
        update(WebSession)
        .where(WebSession.account_id == account_id)
        .where(col(WebSession.revoked_at).is_(None))
    )
    if except_session_id is not None:
        query = query.where(WebSession.id != except_session_id)
    return db.execute(query.values(revoked_at=utcnow())).rowcount or 0
