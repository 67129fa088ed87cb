"""Reading the registry: days left on a record and the overview counts staff see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import func, select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account, AccountKind
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.registry.tables import RecordStatus, RegistryRecord


def days_left(valid_until: dt.date | None, on: dt.date) -> int | None:
    """Days from `on` to the end of validity (negative once it has passed); None without an end."""
    return (valid_until - on).days if valid_until else None


@dataclass(frozen=True)
class Overview:
    """Counts on the secretariat's first screen."""

    registrants: int
    active: int
    expired: int
    withdrawn: int
    with_account: int
    due_within_6_months: int
    staff: int


def overview(actor: Actor) -> Overview:
    """Registry and account counts, each computed in SQL (staff; NotAllowed for others)."""
    permissions.require_staff(actor)
    horizon = today() + dt.timedelta(days=183)
    with transaction() as db:
        by_status = dict(
            db.exec(
                select(RegistryRecord.status, func.count()).group_by(RegistryRecord.status)
            ).all()
        )
        with_account = db.exec(
            select(func.count())
            .select_from(RegistryRecord)
            .where(RegistryRecord.account_id.is_not(None))  # type: ignore[union-attr]
        ).one()
        due = db.exec(
            select(func.count())
            .select_from(RegistryRecord)
            .where(RegistryRecord.status == RecordStatus.ACTIVE)
            .where(RegistryRecord.valid_until <= horizon)  # type: ignore[operator]
        ).one()
        staff = db.exec(
            select(func.count()).select_from(Account).where(Account.kind == AccountKind.STAFF)
        ).one()
    return Overview(
        registrants=sum(by_status.values()),
        active=by_status.get(RecordStatus.ACTIVE, 0),
        expired=by_status.get(RecordStatus.EXPIRED, 0),
        withdrawn=by_status.get(RecordStatus.WITHDRAWN, 0),
        with_account=with_account,
        due_within_6_months=due,
        staff=staff,
    )
