"""Counting wrong answers per account: passwords (at sign-in and inside a session) lock
the account for a while; second-factor codes lock the second factor until staff unlock it.

Guarantees:
- Each failure is counted in one SQL statement, so parallel attempts are all counted;
  the failure that reaches a threshold — and only that one — locks and queues the mail.
- Wrong second-factor codes count per account across challenges: a new challenge or a
  resent code starts no new count. FACTOR_LIMIT in a row lock the second factor (no
  sign-in at all) until `accounts.operations.unlock`; the owner is mailed. A right code
  clears the count.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, update

from portal.domain.accounts import mails
from portal.domain.accounts.tables import Account
from portal.domain.audit import trail
from portal.domain.audit.trail import Acting
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.settings import get_settings

FACTOR_LIMIT = 10


def _count_then_lock(
    db: Session, account_id: int, counter, limit: int, lock, lock_value, action: str, by: Acting
) -> Account | None:
    """Add one to the account's `counter`; the failure that reaches `limit` sets `lock`
    (when not set yet) and is audited as `action`. Returns the account when this call
    locked it (so its caller mails the owner once), else None."""
    failures = db.execute(
        update(Account)
        .where(col(Account.id) == account_id)
        .values({counter: counter + 1})
        .returning(counter)
    ).scalar_one()
    if failures < limit:
        return None
    locked = db.execute(
        update(Account)
        .where(col(Account.id) == account_id)
        .where(col(lock).is_(None))
        .values({lock: lock_value})
    )
    if locked.rowcount != 1:
        return None
    trail.record(db, action, by, target=f"account:{account_id}")
    return db.get(Account, account_id)


def password_failed(account_id: int, by: Acting) -> None:
    """One wrong password for the account (at sign-in, or a current-password check inside
    a session); the one reaching PORTAL_LOCKOUT_THRESHOLD locks it and mails the owner."""
    settings = get_settings()
    until = utcnow() + dt.timedelta(minutes=settings.sign_in.lockout_minutes)
    with transaction() as db:
        trail.record(db, "signin.password_failed", by, target=f"account:{account_id}")
        account = _count_then_lock(
            db,
            account_id,
            Account.failed_attempts,
            settings.sign_in.lockout_threshold,
            Account.locked_until,
            until,
            "account.locked",
            by,
        )
        if account is not None:
            mails.to_owner(
                db,
                account,
                "account_locked",
                minutes=settings.sign_in.lockout_minutes,
            )


def factor_failed(db: Session, account_id: int, by: Acting) -> None:
    """One wrong second-factor code; the FACTOR_LIMIT-th in a row locks the factor."""
    account = _count_then_lock(
        db,
        account_id,
        Account.factor_failures,
        FACTOR_LIMIT,
        Account.factor_locked_at,
        utcnow(),
        "account.factor_locked",
        by,
    )
    if account is not None:
        mails.to_owner(db, account, "factor_locked", tries=FACTOR_LIMIT)


def factor_passed(db: Session, account_id: int) -> None:
    """A right code: the count of wrong ones starts again."""
    db.execute(update(Account).where(col(Account.id) == account_id).values(factor_failures=0))
