"""Reading the registry: a registrant's own summary and the overview counts staff see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import func, select

from portal.domain.clock import today
from portal.domain.db import transaction
from portal.domain.models import Account, AccountKind, RecordStatus, RegistryRecord


@dataclass(frozen=True)
class RecordSummary:
    """What the first screen of /mypage shows: plain values only."""

    registration_number: str
    family_name: str
    given_name: str
    valid_until: dt.date | None
    status: str
    days_left: int | None


def summary_for_account(account_id: int) -> RecordSummary | None:
    """The registry record linked to this account, or None when there is none."""
    with transaction() as db:
        record = db.exec(
            select(RegistryRecord).where(RegistryRecord.account_id == account_id)
        ).first()
        if record is None:
            return None
        days_left = (record.valid_until - today()).days if record.valid_until else None
        return RecordSummary(
            registration_number=record.registration_number,
            family_name=record.family_name,
            given_name=record.given_name,
            valid_until=record.valid_until,
            status=record.status,
            days_left=days_left,
        )


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


def overview() -> Overview:
    """Registry and account counts, each computed in SQL."""
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
