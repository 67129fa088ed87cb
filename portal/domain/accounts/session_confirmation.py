"""When a session last proved it is the owner (signing in, or `accounts.reauth.confirm`),
and the rule the changes of a sign-in factor check (see accounts.reauth)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, update

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account, WebSession
from portal.domain.audit import trail
from portal.domain.core.clock import utcnow
from portal.domain.core.errors import DomainError

WINDOW = dt.timedelta(minutes=5)
AUTHENTICATOR = "totp"  # what a session confirmed with when the authenticator was proven


def mark(db: Session, actor: Actor, method: str) -> None:
    """Record that the session's owner proved it is them, now, with `method`."""
    db.execute(
        update(WebSession)
        .where(col(WebSession.id) == actor.session_id)
        .values(confirmed_at=utcnow(), confirmed_with=method)
    )
    trail.record(
        db, "account.reauthenticated", actor, target=f"account:{actor.account_id}", method=method
    )


def require_recent(db: Session, actor: Actor) -> None:
    """DomainError("reauth.needed") unless this session was confirmed within WINDOW — with
    the authenticator itself when the account has one."""
    session = db.get(WebSession, actor.session_id)
    account = db.get(Account, actor.account_id)
    if session is None or account is None or session.confirmed_at is None:
        raise DomainError("reauth.needed")
    confirmed = session.confirmed_at
    if confirmed.tzinfo is None:  # SQLite returns it naive
        confirmed = confirmed.replace(tzinfo=dt.UTC)
    if utcnow() - confirmed > WINDOW:
        raise DomainError("reauth.needed")
    if account.totp_secret and session.confirmed_with != AUTHENTICATOR:
        raise DomainError("reauth.needed_app")
