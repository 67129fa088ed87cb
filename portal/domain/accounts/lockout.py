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

from portal.domain.accounts.tables import Account
from portal.domain.audit import trail
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.outbox import post
from portal.settings import get_settings

FACTOR_LIMIT = 10


def password_failed(account_id: int, ip: str) -> None:
    """One wrong password for the account (at sign-in, or a current-password check inside
    a session); the one reaching PORTAL_LOCKOUT_THRESHOLD locks it and mails the owner."""
    settings = get_settings()
    now = utcnow()
    with transaction() as db:
        failures = db.execute(
            update(Account)
            .where(col(Account.id) == account_id)
            .values(failed_attempts=Account.failed_attempts + 1)
            .returning(Account.failed_attempts)
        ).scalar_one()
        trail.record(db, "signin.password_failed", target=f"account:{account_id}", ip=ip)
        if failures < settings.lockout_threshold:
            return
        locked = db.execute(
            update(Account)
            .where(col(Account.id) == account_id)
            .where(col(Account.locked_until).is_(None))
            .values(locked_until=now + dt.timedelta(minutes=settings.lockout_minutes))
        )
        if locked.rowcount == 1:
            account = db.get(Account, account_id)
            trail.record(db, "account.locked", target=f"account:{account_id}", ip=ip)
            post.enqueue(
                db,
                account.email,
                "account_locked",
                account.language,
                minutes=settings.lockout_minutes,
            )


def factor_failed(db: Session, account_id: int, ip: str) -> None:
    """One wrong second-factor code; the FACTOR_LIMIT-th in a row locks the factor."""
    failures = db.execute(
        update(Account)
        .where(col(Account.id) == account_id)
        .values(factor_failures=Account.factor_failures + 1)
        .returning(Account.factor_failures)
    ).scalar_one()
    if failures < FACTOR_LIMIT:
        return
    locked = db.execute(
        update(Account)
        .where(col(Account.id) == account_id)
        .where(col(Account.factor_locked_at).is_(None))
        .values(factor_locked_at=utcnow())
    )
    if locked.rowcount == 1:
        account = db.get(Account, account_id)
        trail.record(db, "account.factor_locked", target=f"account:{account_id}", ip=ip)
        post.enqueue(db, account.email, "factor_locked", account.language, tries=FACTOR_LIMIT)


def factor_passed(db: Session, account_id: int) -> None:
    """A right code: the count of wrong ones starts again."""
    db.execute(update(Account).where(col(Account.id) == account_id).values(factor_failures=0))
