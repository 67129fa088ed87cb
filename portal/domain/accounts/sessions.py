"""Server-side sessions behind an HttpOnly cookie.

Guarantees: a session exists only after both sign-in factors passed; its
secret has 256 bits and is stored only as a digest; `resolve()` refuses a
revoked session, one idle longer than the idle timeout, one past its absolute
lifetime, and one whose account is no longer active — checked on every call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, select, update

from portal.domain.accounts import consents, tokens
from portal.domain.accounts.tables import Account, AccountKind, AccountStatus, WebSession
from portal.domain.core.clock import utcnow
from portal.domain.core.db import reading, transaction
from portal.domain.core.origin import Origin
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
    # Legal documents whose version in force the account has not accepted, as `resolve()`
    # found them in the same read (accounts.consents answers the same question on its own).
    consent_missing: tuple[str, ...] = ()

    @property
    def is_staff(self) -> bool:
        return self.kind == AccountKind.STAFF

    @property
    def is_registrant(self) -> bool:
        return self.kind == AccountKind.REGISTRANT

    @property
    def is_organisation(self) -> bool:
        return self.kind == AccountKind.ORGANISATION


def start(
    db: Session,
    account_id: int,
    origin: Origin,
    provider_mfa: bool = False,
    signed_in_with: str = "provider",
) -> str:
    """Create a session for `account_id`; returns the secret for the cookie (never stored).

    `provider_mfa`: the identity provider proved multi-factor for this sign-in, which stands
    in for the authenticator app staff must otherwise enrol. `signed_in_with`: the second
    factor the sign-in passed ("email", "totp") or "provider"; signing in is the session's
    first confirmation (accounts.reauth).
    """
    settings = get_settings()
    secret = tokens.new_token()
    now = utcnow()
    db.add(
        WebSession(
            account_id=account_id,
            secret_digest=tokens.digest("session", secret),
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=settings.sessions.absolute_hours),
            ip=origin.ip[:64],
            user_agent=origin.user_agent[:300],
            provider_mfa=provider_mfa,
            confirmed_at=now,
            confirmed_with=signed_in_with,
        )
    )
    return secret


_RESOLVE = (
    select(
        WebSession.id,
        WebSession.revoked_at,
        WebSession.expires_at,
        WebSession.last_seen_at,
        WebSession.provider_mfa,
        Account.id.label("account_id"),
        Account.kind,
        Account.role,
        Account.email,
        Account.language,
        Account.status,
        Account.display_name,
        (col(Account.totp_secret).is_not(None) & (Account.totp_secret != "")).label("has_totp"),
        RegistryRecord.family_name,
        RegistryRecord.given_name,
        *consents.accepted_in_force(Account.id),
    )
    .join(Account, col(Account.id) == WebSession.account_id)
    .join(RegistryRecord, col(RegistryRecord.account_id) == Account.id, isouter=True)
    .where(WebSession.secret_digest == bindparam("digest"))
)


def resolve(secret: str | None) -> Principal | None:
    """The principal behind a cookie secret, or None when it is not a live session.

    Runs on every event: one read of plain columns (no ORM objects), and a write only
    when the session's last-seen time is over a minute old. The same read tells which legal
    documents in force the account has not accepted (`Principal.consent_missing`).
    """
    if not secret or len(secret) > 100:
        return None
    now = utcnow()
    idle = dt.timedelta(minutes=get_settings().sessions.idle_minutes)
    values = {"digest": tokens.digest("session", secret), **consents.in_force_values()}
    with reading() as connection:
        row = connection.execute(_RESOLVE, values).first()
    if row is None or (
        row.revoked_at is not None
        or now >= row.expires_at
        or now - row.last_seen_at >= idle
        or row.status != AccountStatus.ACTIVE
    ):
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        with transaction() as db:
            db.execute(
                update(WebSession).where(col(WebSession.id) == row.id).values(last_seen_at=now)
            )
    has_record = row.family_name is not None
    return Principal(
        account_id=row.account_id,
        session_id=row.id,
        kind=row.kind,
        role=row.role,
        email=row.email,
        language=row.language,
        display_name=f"{row.family_name} {row.given_name}" if has_record else row.display_name,
        totp_enabled=bool(row.has_totp),
        needs_totp_enrolment=needs_totp_enrolment(row.kind, bool(row.has_totp), row.provider_mfa),
        consent_missing=consents.missing_from(row),
    )


def needs_totp_enrolment(kind: str, has_totp: bool, provider_mfa: bool) -> bool:
    """True for staff who must enrol an authenticator app before reaching staff pages."""
    return (
        kind == AccountKind.STAFF
        and get_settings().sign_in.staff_require_totp
        and not has_totp
        and not provider_mfa
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
