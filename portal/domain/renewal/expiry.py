"""Records whose validity ended without renewal become expired.

Guarantees of `expire_records()`:
- An active record becomes expired once `valid_until` plus the grace days of its
  period's rules (`RuleBook.for_period`) has passed — unless a renewal application for that period is still waiting
  for a decision, or staff reinstated the record (set it active, with a reason)
  after that day.
- Each expiry is a history row on the record (by the system, reason
  "expired") and the run is one `registry.expired` audit entry with the count;
  running it again the same day changes nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select, update

from portal.domain.audit import trail
from portal.domain.core import bulk
from portal.domain.core.clock import local_date, utcnow
from portal.domain.core.db import column_defaults, transaction
from portal.domain.core.origin import SYSTEM
from portal.domain.registry.tables import RecordChange, RecordStatus, RegistryRecord
from portal.domain.renewal.tables import ApplicationStatus, RenewalApplication
from portal.domain.rules.rule_set import RuleBook

CHUNK = 1000


def _due(on: dt.date, book: RuleBook) -> list[int]:
    cutoff = on - dt.timedelta(days=min(v.grace_days for v in book.versions))
    with transaction() as db:
        rows = db.execute(
            select(
                RegistryRecord.id,
                RegistryRecord.valid_from,
                RegistryRecord.valid_until,
                RegistryRecord.category,
            ).where(
                RegistryRecord.status == RecordStatus.ACTIVE,
                col(RegistryRecord.valid_until) < cutoff,
            )
        ).all()
        closes = {  # the last day of each record's grace
            record_id: end + dt.timedelta(days=book.for_period(start, category).grace_days)
            for record_id, start, end, category in rows
        }
        candidates = {r: day for r, day in closes.items() if day < on}
        if not candidates:
            return []
        waiting = set(
            db.exec(
                select(RenewalApplication.record_id).where(
                    RenewalApplication.status == ApplicationStatus.SUBMITTED,
                    col(RenewalApplication.record_id).in_(list(candidates)),
                )
            ).all()
        )
        reinstated = db.execute(
            select(RecordChange.record_id, RecordChange.changed_at).where(
                RecordChange.field == "status",
                RecordChange.new_value == RecordStatus.ACTIVE,
                col(RecordChange.record_id).in_(list(candidates)),
            )
        ).all()
    kept = {r for r, at in reinstated if local_date(at) > candidates[r]}
    return sorted(set(candidates) - waiting - kept)


def expire_records(on: dt.date, book: RuleBook, dry_run: bool = False) -> list[int]:
    """Expire every record due on `on`; returns their ids (nothing written when `dry_run`)."""
    due = _due(on, book)
    if dry_run or not due:
        return due
    now = utcnow()
    template = column_defaults(RecordChange)
    with transaction() as db:
        for start in range(0, len(due), CHUNK):
            ids = due[start : start + CHUNK]
            db.execute(
                update(RegistryRecord)
                .where(col(RegistryRecord.id).in_(ids), RegistryRecord.status == "active")
                .values(status=RecordStatus.EXPIRED, updated_at=now)
            )
            bulk.insert_rows(
                db,
                RecordChange.__table__,
                [
                    {
                        **template,
                        "record_id": record_id,
                        "section": "certification",
                        "field": "status",
                        "old_value": RecordStatus.ACTIVE,
                        "new_value": RecordStatus.EXPIRED,
                        "reason": "expired",
                        "changed_at": now,
                    }
                    for record_id in ids
                ],
            )
        trail.record(db, "registry.expired", SYSTEM, count=len(due), on=on.isoformat())
    return due
