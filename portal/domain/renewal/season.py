"""The renewal season at a glance, for the secretariat's overview.

Guarantee: every figure is one grouped SQL query (no per-record work), so the
overview costs the same whatever the registry's size — apart from reading the
validity index for the 12 months ahead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import col, func, select

from portal.domain.accounts.actor import Actor
from portal.domain.core.clock import day_start
from portal.domain.core.db import transaction
from portal.domain.core.errors import NotAllowed
from portal.domain.outbox.tables import OutboxMessage, OutboxStatus
from portal.domain.points.tables import OPEN_CONDITION, Claim
from portal.domain.registry.tables import RecordStatus, RegistryRecord
from portal.domain.renewal.tables import ApplicationStatus, Reminder, RenewalApplication


@dataclass(frozen=True)
class Season:
    due_by_month: list[tuple[dt.date, int]]  # first day of each of the next 12 months, count
    claims_waiting: int
    oldest_claim: dt.datetime | None
    applications_waiting: int
    oldest_application: dt.datetime | None
    reminders_sent_week: int
    reminders_failed_week: int


def _month(day: dt.date, add: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + add
    return dt.date(index // 12, index % 12 + 1, 1)


def season(actor: Actor, on: dt.date) -> Season:
    """Renewals due per month for 12 months from `on`'s month, the queues, this week's reminders."""
    if not actor.is_staff:
        raise NotAllowed()
    months = [_month(on, i) for i in range(13)]
    week_start = on - dt.timedelta(days=on.weekday())
    with transaction() as db:
        if db.get_bind().dialect.name == "postgresql":
            month = func.to_char(RegistryRecord.valid_until, "YYYY-MM")
        else:
            month = func.strftime("%Y-%m", RegistryRecord.valid_until)
        counted = dict(
            db.execute(
                select(month, func.count())
                .where(
                    RegistryRecord.status == RecordStatus.ACTIVE,
                    col(RegistryRecord.valid_until) >= months[0],
                    col(RegistryRecord.valid_until) < months[-1],
                )
                .group_by(month)
            ).all()
        )
        due = {m: counted.get(f"{m:%Y-%m}", 0) for m in months[:-1]}
        claims_waiting, oldest_claim = db.execute(
            select(func.count(), func.min(Claim.created_at)).where(text(OPEN_CONDITION))
        ).one()
        apps_waiting, oldest_app = db.execute(
            select(func.count(), func.min(RenewalApplication.submitted_at)).where(
                RenewalApplication.status == ApplicationStatus.SUBMITTED
            )
        ).one()
        delivery = dict(
            db.execute(
                select(OutboxMessage.status, func.count())
                .join(Reminder, col(Reminder.message_id) == OutboxMessage.id)
                .where(col(Reminder.sent_at) >= day_start(week_start))
                .group_by(OutboxMessage.status)
            ).all()
        )
    return Season(
        due_by_month=list(due.items()),
        claims_waiting=claims_waiting,
        oldest_claim=oldest_claim,
        applications_waiting=apps_waiting,
        oldest_application=oldest_app,
        reminders_sent_week=sum(delivery.values()),
        reminders_failed_week=delivery.get(OutboxStatus.FAILED, 0),
    )
