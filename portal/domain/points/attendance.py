"""Crediting an activity's attendance list: registration numbers in, points granted without a claim.

Guarantees:
- The file is read like the ledger (UTF-8 with or without BOM, Shift_JIS): the
  first column holds registration numbers; a header row is skipped.
- `plan()` saves nothing and sorts every line: matched, unknown number, already
  credited or claimed for this activity, activity outside the person's validity
  period, repeated in the file.
- `apply()` plans again and credits every matched person in one transaction —
  an approved claim marked "credited", with a "credited" event on their
  timeline — plus one audit entry; unknown, repeated and ineligible lines are
  skipped and reported, never guessed.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from portal.domain.accounts.sessions import Principal
from portal.domain.audit import trail
from portal.domain.core import bulk
from portal.domain.core.clock import utcnow
from portal.domain.core.db import column_defaults, transaction
from portal.domain.core.errors import DomainError, NotAllowed
from portal.domain.points import claims
from portal.domain.points.tables import Activity, Claim, ClaimEvent, ClaimStatus
from portal.domain.registrants import registry_import
from portal.domain.registry.tables import RegistryRecord

_BATCH = 1000


@dataclass
class AttendancePlan:
    """What crediting a list would do. Each entry is (line, registration number, name)."""

    matched: list[tuple[int, str, str]] = field(default_factory=list)
    unknown: list[tuple[int, str, str]] = field(default_factory=list)
    already: list[tuple[int, str, str]] = field(default_factory=list)
    outside: list[tuple[int, str, str]] = field(default_factory=list)
    repeated: list[tuple[int, str, str]] = field(default_factory=list)
    file_problem: tuple[str, dict] | None = None
    _record_ids: list[int] = field(default_factory=list)


def _numbers(text: str) -> list[tuple[int, str]]:
    found = []
    for line, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if not row or not row[0].strip():
            continue
        number = unicodedata.normalize("NFKC", row[0]).strip()
        if line == 1 and not any(ch.isdigit() for ch in number):
            continue  # a header such as "registration_number" or 登録番号
        found.append((line, number[:40]))
    return found


def _plan(db: Session, activity: Activity, text: str) -> AttendancePlan:
    plan = AttendancePlan()
    try:
        lines = _numbers(text)
    except csv.Error:
        plan.file_problem = ("import.unreadable", {})
        return plan
    if not lines:
        plan.file_problem = ("import.empty", {})
        return plan
    records: dict[str, RegistryRecord] = {}
    wanted = sorted({number for _, number in lines})
    for start in range(0, len(wanted), _BATCH):
        for record in db.exec(
            select(RegistryRecord).where(
                col(RegistryRecord.registration_number).in_(wanted[start : start + _BATCH])
            )
        ).all():
            records[record.registration_number] = record
    taken = set(
        db.exec(
            select(Claim.record_id).where(
                Claim.activity_id == activity.id, Claim.status != ClaimStatus.WITHDRAWN
            )
        ).all()
    )
    seen: set[str] = set()
    for line, number in lines:
        record = records.get(number)
        name = f"{record.family_name} {record.given_name}" if record else ""
        entry = (line, number, name)
        if number in seen:
            plan.repeated.append(entry)
            continue
        seen.add(number)
        if record is None:
            plan.unknown.append(entry)
        elif record.id in taken:
            plan.already.append(entry)
        elif (record.valid_from and activity.ends_on < record.valid_from) or (
            record.valid_until and activity.ends_on > record.valid_until
        ):
            plan.outside.append(entry)
        else:
            plan.matched.append(entry)
            plan._record_ids.append(record.id)
    return plan


def _activity(db: Session, principal: Principal, activity_id: int) -> Activity:
    if not principal.is_staff:
        raise NotAllowed()
    activity = db.get(Activity, activity_id) if isinstance(activity_id, int) else None
    if activity is None:
        raise DomainError("catalogue.unknown")
    return activity


def plan(principal: Principal, activity_id: int, data: bytes) -> AttendancePlan:
    """What crediting `data` to the activity would do (staff); saves nothing."""
    try:
        text = registry_import.decode(data)
    except DomainError as exc:
        return AttendancePlan(file_problem=(exc.key, exc.params))
    with transaction() as db:
        return _plan(db, _activity(db, principal, activity_id), text)


def apply(principal: Principal, activity_id: int, data: bytes) -> AttendancePlan:
    """Credit every matched person in one transaction; returns the plan that was applied."""
    text = registry_import.decode(data)
    with transaction() as db:
        activity = _activity(db, principal, activity_id)
        the_plan = _plan(db, activity, text)
        if the_plan.file_problem is not None:
            key, params = the_plan.file_problem
            raise DomainError(key, **params)
        now = utcnow()
        base = column_defaults(Claim) | {"created_at": now, "updated_at": now}
        claim_ids = bulk.insert_returning_ids(
            db,
            Claim.__table__,
            [
                base
                | claims.activity_claim(
                    record_id,
                    activity,
                    points_granted=activity.points,
                    status=ClaimStatus.APPROVED,
                    credited=True,
                    decided_at=now,
                    decided_by=principal.account_id,
                )
                for record_id in the_plan._record_ids
            ],
        )
        event = column_defaults(ClaimEvent) | {"at": now}
        bulk.insert_rows(
            db,
            ClaimEvent.__table__,
            [
                event
                | {
                    "claim_id": claim_id,
                    "kind": "credited",
                    "actor_id": principal.account_id,
                    "by_staff": True,
                    "message": "",
                    "points": activity.points,
                }
                for claim_id in claim_ids
            ],
        )
        trail.record(
            db,
            "attendance.credited",
            actor_id=principal.account_id,
            target=f"activity:{activity.id}",
            credited=len(claim_ids),
            unknown=len(the_plan.unknown),
            already=len(the_plan.already),
            outside=len(the_plan.outside),
            repeated=len(the_plan.repeated),
        )
        return the_plan
