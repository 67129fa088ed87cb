"""Crediting an activity's attendance list: registration numbers in, points granted without a claim.

Guarantees:
- The file is read like the ledger (UTF-8 with or without BOM, Shift_JIS): the
  first column holds registration numbers, the second (optional) the attendee's
  name or reading; a header row is skipped.
- A plan saves nothing and sorts every line: to credit, an open claim to close as
  approved, unknown number (for a list that gives names: or a name that does not
  match the number — the same answer, so a list is no oracle of who holds a
  number), already credited or decided for this activity, activity outside the
  person's validity period, repeated in the file.
- Crediting plans again and, in one transaction, gives every matched person an
  approved claim marked "credited" with a timeline event, and closes every open
  claim for the activity as approved with the activity's points — never two
  credits for one person and activity (a unique index backs this).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field

from sqlmodel import Session, col, select, update

from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core import bulk, search_text
from portal.domain.core.clock import utcnow
from portal.domain.core.db import column_defaults, transaction
from portal.domain.core.errors import DomainError, NotAllowed
from portal.domain.points import carried, claims
from portal.domain.points.tables import OPEN_STATUSES, Activity, Claim, ClaimEvent, ClaimStatus
from portal.domain.registrants import registry_import
from portal.domain.registry.tables import RegistryRecord

_BATCH = 1000

# One line of a list: (line number in the file, registration number, name).
Entry = tuple[int, str, str]


@dataclass
class AttendancePlan:
    """What crediting a list would do. Each entry is (line, registration number, name): the
    name the registry holds on the secretariat's lists, the name the file gave on a list
    that gives names (an organisation's)."""

    matched: list[Entry] = field(default_factory=list)
    closing: list[Entry] = field(default_factory=list)  # an open claim becomes approved
    unknown: list[Entry] = field(default_factory=list)
    already: list[Entry] = field(default_factory=list)
    outside: list[Entry] = field(default_factory=list)
    repeated: list[Entry] = field(default_factory=list)
    file_problem: tuple[str, dict] | None = None
    _record_ids: list[int] = field(default_factory=list)
    _claim_ids: list[int] = field(default_factory=list)

    @property
    def credits(self) -> int:
        """How many people crediting would give the activity's points."""
        return len(self.matched) + len(self.closing)


def read_lines(data: bytes) -> list[Entry]:
    """The file's lines as (line, number, name); DomainError for an unreadable file."""
    text = registry_import.decode(data)
    found = []
    try:
        for line, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if not row or not row[0].strip():
                continue
            number = unicodedata.normalize("NFKC", row[0]).strip()
            if line == 1 and not any(ch.isdigit() for ch in number):
                continue  # a header such as "registration_number" or 登録番号
            name = row[1].strip() if len(row) > 1 else ""
            found.append((line, number[:40], name[:100]))
    except csv.Error as exc:
        raise DomainError("import.unreadable") from exc
    if not found:
        raise DomainError("import.empty")
    return found


def _names_match(record: RegistryRecord, given: str) -> bool:
    """True when `given` is the record's name or reading, in either order, ignoring width,
    case, spaces and hiragana/katakana."""
    wanted = search_text.fold(given).replace(" ", "")
    if not wanted:
        return False
    forms = (
        record.family_name + record.given_name,
        record.given_name + record.family_name,
        record.family_name_kana + record.given_name_kana,
        record.given_name_kana + record.family_name_kana,
    )
    return any(wanted == search_text.fold(f).replace(" ", "") for f in forms if f.strip())


def plan_lines(
    db: Session, activity: Activity, lines: list[Entry], check_names: bool = False
) -> AttendancePlan:
    """Sort `lines` against the registry and the activity's claims; saves nothing."""
    plan = AttendancePlan()
    records: dict[str, RegistryRecord] = {}
    wanted = sorted({number for _, number, _ in lines})
    for start in range(0, len(wanted), _BATCH):
        for record in db.exec(
            select(RegistryRecord).where(
                col(RegistryRecord.registration_number).in_(wanted[start : start + _BATCH])
            )
        ).all():
            records[record.registration_number] = record
    claimed = {
        record_id: (claim_id, status)
        for claim_id, record_id, status in db.exec(
            select(Claim.id, Claim.record_id, Claim.status).where(
                Claim.activity_id == activity.id, Claim.status != ClaimStatus.WITHDRAWN
            )
        ).all()
    }
    seen: set[str] = set()
    for line, number, given in lines:
        record = records.get(number)
        if record is not None and check_names and not _names_match(record, given):
            record = None  # a wrong name answers exactly like an unknown number
        if check_names:
            entry = (line, number, given)
        else:
            entry = (line, number, f"{record.family_name} {record.given_name}" if record else "")
        if number in seen:
            plan.repeated.append(entry)
            continue
        seen.add(number)
        if record is None:
            plan.unknown.append(entry)
        elif record.id in claimed and claimed[record.id][1] not in OPEN_STATUSES:
            plan.already.append(entry)
        elif (record.valid_from and activity.ends_on < record.valid_from) or (
            record.valid_until and activity.ends_on > record.valid_until
        ):
            plan.outside.append(entry)
        elif record.id in claimed:
            plan.closing.append(entry)
            plan._claim_ids.append(claimed[record.id][0])
        else:
            plan.matched.append(entry)
            plan._record_ids.append(record.id)
    return plan


def credit(
    db: Session,
    activity: Activity,
    plan: AttendancePlan,
    actor_id: int | None,
    by_staff: bool = True,
    reported_by: str = "",
) -> None:
    """Carry out `plan` inside the caller's transaction: new credited claims for the matched,
    open claims closed as approved; each with its timeline event. `reported_by` names the
    organisation whose list it was (shown on the timeline)."""
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
                decided_by=actor_id,
            )
            for record_id in plan._record_ids
        ],
    )
    if plan._claim_ids:
        db.execute(
            update(Claim)
            .where(col(Claim.id).in_(plan._claim_ids))
            .values(
                status=ClaimStatus.APPROVED,
                points_granted=activity.points,
                decided_at=now,
                decided_by=actor_id,
                updated_at=now,
            )
        )
    closed = db.exec(select(Claim.record_id).where(col(Claim.id).in_(plan._claim_ids))).all()
    carried.refresh(db, [*plan._record_ids, *closed], activity.ends_on)
    event = column_defaults(ClaimEvent) | {
        "at": now,
        "actor_id": actor_id,
        "by_staff": by_staff,
        "points": activity.points,
    }
    bulk.insert_rows(
        db,
        ClaimEvent.__table__,
        [
            event
            | {
                "claim_id": claim_id,
                "kind": "reported" if reported_by else "credited",
                "message": reported_by,
            }
            for claim_id in claim_ids
        ]
        + [
            event | {"claim_id": claim_id, "kind": "confirmed", "message": reported_by}
            for claim_id in plan._claim_ids
        ],
    )


def _activity(db: Session, actor: Actor, activity_id: int) -> Activity:
    if not actor.is_staff:
        raise NotAllowed()
    activity = db.get(Activity, activity_id) if isinstance(activity_id, int) else None
    if activity is None:
        raise DomainError("catalogue.unknown")
    return activity


def plan(actor: Actor, activity_id: int, data: bytes) -> AttendancePlan:
    """What crediting `data` to the activity would do (staff); saves nothing."""
    try:
        lines = read_lines(data)
    except DomainError as exc:
        return AttendancePlan(file_problem=(exc.key, exc.params))
    with transaction() as db:
        return plan_lines(db, _activity(db, actor, activity_id), lines)


def apply(actor: Actor, activity_id: int, data: bytes) -> AttendancePlan:
    """Credit every matched person in one transaction; returns the plan that was applied."""
    lines = read_lines(data)
    with transaction() as db:
        activity = _activity(db, actor, activity_id)
        the_plan = plan_lines(db, activity, lines)
        credit(db, activity, the_plan, actor.account_id)
        trail.record(
            db, "attendance.credited", actor, target=f"activity:{activity.id}", **counts(the_plan)
        )
        return the_plan


def counts(plan: AttendancePlan) -> dict[str, int]:
    """How many lines of each kind a plan has (for the audit log and the pages)."""
    return {
        "credited": len(plan.matched),
        "closed": len(plan.closing),
        "unknown": len(plan.unknown),
        "already": len(plan.already),
        "outside": len(plan.outside),
        "repeated": len(plan.repeated),
    }
