"""A registrant's claims for points: submit (catalogue or other activity), withdraw, answer, read.

Guarantees:
- Every function acts on the signed-in registrant's own record only; a claim
  id of someone else's claim behaves exactly like an unknown one.
- A claim dated outside the current validity period is refused with the
  period; the same catalogue activity is claimed at most once (withdrawn
  claims aside) — also when two submissions race (a unique index decides).
- Every step is an event on the claim's timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account
from portal.domain.core import typed_dates
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.points import catalogue, points_rules
from portal.domain.points.tables import (
    OPEN_STATUSES,
    Activity,
    ActivityCategory,
    Claim,
    ClaimAudit,
    ClaimEvent,
    ClaimStatus,
    EvidenceFile,
    ReviewMode,
)
from portal.domain.registry import record_fields
from portal.domain.registry.tables import RegistryRecord

OTHER = "other"
MAX_OTHER_POINTS = 10


# Statements read on every dashboard visit are built once (bound by name when run).
_OWN_RECORD = select(RegistryRecord.__table__).where(
    RegistryRecord.account_id == bindparam("account_id")
)
_RECORD_CLAIMS = (
    select(
        ActivityCategory.code,
        Claim.status,
        Claim.activity_date,
        Claim.points_requested,
        Claim.points_granted,
    )
    .join(ActivityCategory, ActivityCategory.id == Claim.category_id)
    .where(Claim.record_id == bindparam("record_id"))
)


def own_record(db: Session | Connection, actor: Actor) -> Row:
    """The principal's registry record, as its columns (read-only; a Session or a plain
    connection may ask); NotAllowed for staff or an account without one."""
    if actor.is_staff:
        raise NotAllowed()
    record = db.execute(_OWN_RECORD, {"account_id": actor.account_id}).first()
    if record is None:
        raise NotAllowed()
    return record


def _in_period(record: RegistryRecord, day: dt.date) -> bool:
    return not (
        (record.valid_from and day < record.valid_from)
        or (record.valid_until and day > record.valid_until)
    )


def _inside_period(record: RegistryRecord, day: dt.date) -> None:
    if not _in_period(record, day):
        raise DomainError(
            "claims.outside_period",
            field="activity_date",
            start=record.valid_from.isoformat() if record.valid_from else "",
            end=record.valid_until.isoformat() if record.valid_until else "",
        )


def activity_claim(record_id: int, activity: Activity, **overrides: object) -> dict:
    """The column values of a claim for a catalogue activity; `overrides` win."""
    return {
        "record_id": record_id,
        "activity_id": activity.id,
        "category_id": activity.category_id,
        "organiser": activity.organiser,
        "activity_date": activity.ends_on,
        "points_requested": activity.points,
        **overrides,
    }


def _add(db: Session, claim: Claim, actor: Actor) -> int:
    """Store a new claim: waiting for review, or — in a self-declared category — accepted
    and counted at once with the points asked (auditable later)."""
    category = db.get(ActivityCategory, claim.category_id)
    if category is not None and category.review_mode == ReviewMode.SELF_DECLARED:
        claim.status, claim.points_granted = ClaimStatus.APPROVED, claim.points_requested
        claim.self_declared, claim.decided_at = True, utcnow()
    db.add(claim)
    try:
        db.flush()
    except IntegrityError as exc:
        raise DomainError("claims.duplicate") from exc
    kind = "self_declared" if claim.self_declared else "submitted"
    db.add(ClaimEvent(claim_id=claim.id, kind=kind, actor_id=actor.account_id))
    return claim.id


def claimable(actor: Actor) -> list[catalogue.ActivityView]:
    """The catalogue activities the registrant may claim: shown, and inside their validity period."""
    with transaction() as db:
        record = own_record(db, actor)
    return [a for a in catalogue.activities() if _in_period(record, a.ends_on)]


def submit_catalogue(actor: Actor, activity_id: int) -> int:
    """Claim the points of a catalogue activity; returns the claim id."""
    with transaction() as db:
        record = own_record(db, actor)
        activity = db.get(Activity, activity_id) if isinstance(activity_id, int) else None
        if activity is None or activity.archived:
            raise DomainError("catalogue.unknown")
        _inside_period(record, activity.ends_on)
        taken = db.exec(
            select(Claim.id).where(
                Claim.record_id == record.id,
                Claim.activity_id == activity.id,
                Claim.status != ClaimStatus.WITHDRAWN,
            )
        ).first()
        if taken is not None:
            raise DomainError("claims.duplicate")
        return _add(db, Claim(**activity_claim(record.id, activity)), actor)


def submit_other(actor: Actor, values: dict) -> int:
    """Claim points for an activity outside the catalogue; every field is checked."""
    values = values if isinstance(values, dict) else {}
    errors: dict[str, tuple[str, dict]] = {}
    description = str(values.get("description") or "").strip()
    organiser = str(values.get("organiser") or "").strip()
    for name, text, limit in (("description", description, 500), ("organiser", organiser, 200)):
        if record_fields.has_control_chars(text):
            errors[name] = ("record.control_chars", {})
        elif not text:
            errors[name] = ("record.required", {})
        elif len(text) > limit:
            errors[name] = ("record.too_long", {"max": limit})
    day = typed_dates.parse(str(values.get("activity_date") or ""))
    if day is None:
        errors["activity_date"] = ("record.date", {})
    points = str(values.get("points") or "").strip()
    if not points.isdigit() or not 1 <= int(points) <= MAX_OTHER_POINTS:
        errors["points"] = ("catalogue.points", {"max": MAX_OTHER_POINTS})
    if errors:
        raise FieldErrors(errors)
    with transaction() as db:
        record = own_record(db, actor)
        _inside_period(record, day)
        category_id = db.exec(
            select(ActivityCategory.id).where(ActivityCategory.code == OTHER)
        ).one()
        return _add(
            db,
            Claim(
                record_id=record.id,
                category_id=category_id,
                description=description,
                organiser=organiser,
                activity_date=day,
                points_requested=int(points),
            ),
            actor,
        )


def own_claim(db: Session, actor: Actor, claim_id: object) -> Claim:
    record = own_record(db, actor)
    claim = db.get(Claim, claim_id) if isinstance(claim_id, int) else None
    if claim is None or claim.record_id != record.id:
        raise DomainError("claims.unknown")
    return claim


def withdraw(actor: Actor, claim_id: int) -> None:
    """Withdraw one's own claim while it is still open."""
    with transaction() as db:
        claim = own_claim(db, actor, claim_id)
        changed = db.execute(
            update(Claim)
            .where(col(Claim.id) == claim.id, col(Claim.status).in_(OPEN_STATUSES))
            .values(status=ClaimStatus.WITHDRAWN, updated_at=utcnow())
        ).rowcount
        if not changed:
            raise DomainError("claims.not_open")
        db.add(ClaimEvent(claim_id=claim.id, kind="withdrawn", actor_id=actor.account_id))


def answer(actor: Actor, claim_id: int, message: str) -> None:
    """Answer the secretariat's question; the claim goes back to the review queue."""
    message = message.strip() if isinstance(message, str) else ""
    if not message:
        raise FieldErrors({"message": ("record.required", {})})
    if len(message) > 1000 or record_fields.has_control_chars(message):
        raise FieldErrors({"message": ("record.invalid", {})})
    with transaction() as db:
        claim = own_claim(db, actor, claim_id)
        changed = db.execute(
            update(Claim)
            .where(col(Claim.id) == claim.id, Claim.status == ClaimStatus.INFO_REQUESTED)
            .values(status=ClaimStatus.SUBMITTED, updated_at=utcnow())
        ).rowcount
        if not changed:
            raise DomainError("claims.no_question")
        db.add(
            ClaimEvent(
                claim_id=claim.id, kind="answered", actor_id=actor.account_id, message=message
            )
        )


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: dt.datetime
    by_staff: bool
    message: str
    points: int | None
    staff_name: str  # who acted for the secretariat (for staff screens), else ""


@dataclass(frozen=True)
class ClaimView:
    id: int
    activity_id: int | None
    title: str
    category: str
    activity_date: dt.date
    organiser: str
    points_requested: int
    points_granted: int | None
    status: str
    credited: bool
    created_at: dt.datetime
    files: list[tuple[int, str]]
    timeline: list[TimelineEntry]
    audit_status: str = ""  # its audit's status when it was drawn ("" when never)
    audit_due: dt.date | None = None


def views(db: Session, claims: list[Claim]) -> list[ClaimView]:
    """Claims as plain values with their files and timelines (oldest event first)."""
    if not claims:
        return []
    ids = [c.id for c in claims]
    titles = dict(
        db.exec(
            select(Activity.id, Activity.title).where(
                col(Activity.id).in_([c.activity_id for c in claims if c.activity_id])
            )
        ).all()
    )
    codes = dict(db.exec(select(ActivityCategory.id, ActivityCategory.code)).all())
    events: dict[int, list[TimelineEntry]] = {i: [] for i in ids}
    for event, staff_name in db.exec(
        select(ClaimEvent, Account.display_name)
        .join(Account, col(Account.id) == ClaimEvent.actor_id, isouter=True)
        .where(col(ClaimEvent.claim_id).in_(ids))
        .order_by(col(ClaimEvent.at), col(ClaimEvent.id))
    ).all():
        events[event.claim_id].append(
            TimelineEntry(
                event.kind,
                event.at,
                event.by_staff,
                event.message,
                event.points,
                (staff_name or "") if event.by_staff else "",
            )
        )
    files: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    for file in db.exec(
        select(EvidenceFile)
        .where(col(EvidenceFile.claim_id).in_(ids))
        .order_by(col(EvidenceFile.id))
    ).all():
        files[file.claim_id].append((file.id, file.original_name))
    audited = {
        claim_id: (status, due)
        for claim_id, status, due in db.exec(
            select(ClaimAudit.claim_id, ClaimAudit.status, ClaimAudit.due_on).where(
                col(ClaimAudit.claim_id).in_(ids)
            )
        ).all()
    }
    return [
        ClaimView(
            id=c.id,
            activity_id=c.activity_id,
            title=titles.get(c.activity_id, "") or c.description,
            category=codes.get(c.category_id, ""),
            activity_date=c.activity_date,
            organiser=c.organiser,
            points_requested=c.points_requested,
            points_granted=c.points_granted,
            status=c.status,
            credited=c.credited,
            created_at=c.created_at,
            files=files[c.id],
            timeline=events[c.id],
            audit_status=audited.get(c.id, ("", None))[0],
            audit_due=audited.get(c.id, ("", None))[1],
        )
        for c in claims
    ]


def my_claims(actor: Actor) -> list[ClaimView]:
    """The registrant's claims, newest first, with timelines."""
    with transaction() as db:
        record = own_record(db, actor)
        rows = db.exec(
            select(Claim)
            .where(Claim.record_id == record.id)
            .order_by(col(Claim.created_at).desc(), col(Claim.id).desc())
        ).all()
        return views(db, list(rows))


def record_claims(db: Session | Connection, record: Row) -> list[points_rules.ClaimFacts]:
    """One record's claims as counting facts — one query."""
    return claims_of(db, record.id)


def claims_of(db: Session | Connection, record_id: int) -> list[points_rules.ClaimFacts]:
    """The claims of the record `record_id` as counting facts — one query."""
    rows = db.execute(_RECORD_CLAIMS, {"record_id": record_id}).all()
    return [points_rules.ClaimFacts(*row) for row in rows]
