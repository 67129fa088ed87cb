"""Issuing and redeeming e-mailed tokens (reset, e-mail change, activation).

Guarantees: a token is 256 bits from `secrets`, stored only as a digest,
looked up by digest; it is live only until it expires, is used, or is voided
(a newer token of the same purpose voids older ones); `redeem()` succeeds for
exactly one caller even under concurrent redemption.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select, update

from portal.domain.accounts import tokens
from portal.domain.accounts.tables import ActionToken
from portal.domain.core.clock import utcnow
from portal.domain.core.db import column_defaults


def row(
    account_id: int,
    purpose: str,
    lifetime: dt.timedelta,
    token: str,
    new_email: str | None = None,
) -> dict:
    """The complete column values of a new token row (for ORM or bulk inserts)."""
    return {
        **column_defaults(ActionToken),
        "account_id": account_id,
        "purpose": purpose,
        "token_digest": tokens.digest(f"action:{purpose}", token),
        "new_email": new_email,
        "expires_at": utcnow() + lifetime,
    }


def issue(
    db: Session,
    account_id: int,
    purpose: str,
    lifetime: dt.timedelta,
    new_email: str | None = None,
    token: str | None = None,
) -> str:
    """A fresh token (or the given one) for `account_id`; earlier live ones of this purpose stop."""
    void(db, account_id, purpose)
    token = token or tokens.new_token()
    db.add(ActionToken(**row(account_id, purpose, lifetime, token, new_email)))
    return token


def find_live(db: Session, purpose: str, token: str | None) -> ActionToken | None:
    """The live token row for `token`, or None when unknown, used, voided or expired."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    row = db.exec(
        select(ActionToken).where(
            ActionToken.token_digest == tokens.digest(f"action:{purpose}", token)
        )
    ).first()
    if row is None or row.purpose != purpose:
        return None
    if row.used_at is not None or row.voided_at is not None or utcnow() >= row.expires_at:
        return None
    return row


def redeem(db: Session, row: ActionToken) -> bool:
    """Mark the token used; True for exactly one caller."""
    result = db.execute(
        update(ActionToken)
        .where(col(ActionToken.id) == row.id)
        .where(col(ActionToken.used_at).is_(None))
        .where(col(ActionToken.voided_at).is_(None))
        .values(used_at=utcnow())
    )
    return result.rowcount == 1


def void(db: Session, account_id: int, *purposes: str) -> None:
    """Make every live token of these purposes (all purposes when none given) unusable."""
    query = (
        update(ActionToken)
        .where(ActionToken.account_id == account_id)
        .where(col(ActionToken.used_at).is_(None))
        .where(col(ActionToken.voided_at).is_(None))
    )
    if purposes:
        query = query.where(col(ActionToken.purpose).in_(purposes))
    db.execute(query.values(voided_at=utcnow()))
