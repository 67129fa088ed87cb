"""Random audits of self-declared claims.

Guarantees of `draw()`:
- Only admins (or the command line) draw. The population is every approved
  self-declared claim never drawn before (of one category and activities on or after a
  day, when asked); a withdrawn, rejected or already audited claim is never drawn.
- The sample is uniformly random, from `secrets.SystemRandom` (the operating system's
  randomness: not predictable from ids, times or earlier draws); its size is the rate
  of the population rounded up, so at least one claim when any qualify. Tests pass a
  seeded generator; production code never does.
- A draw is recorded with who started it, the rate, the population and the claims
  drawn (and in the audit log); each drawn claim gets its audit (due in
  `PORTAL_AUDIT_DAYS`), a timeline entry, and its registrant a mail in their language.
  Nothing is told before the draw. `dry_run` says what would be drawn from and writes
  nothing.
- A claim is drawn at most once, even by two draws at the same moment (`claim_audit`'s
  unique claim).

An audit then waits for the registrant's evidence (uploaded as for any claim: the first
file marks it sent), and a reviewer passes or fails it (`decide`, once). A failed audit,
or one still waiting after its day (`close_overdue`, the daily job), withdraws the
claim's points at once; until then the claim counts.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select, update

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account
from portal.domain.audit import trail
from portal.domain.core import decisions
from portal.domain.core.clock import today, utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.core.origin import SYSTEM
from portal.domain.points import carried, mails
from portal.domain.points.tables import (
    Activity,
    ActivityCategory,
    AuditDraw,
    AuditStatus,
    Claim,
    ClaimAudit,
    ClaimEvent,
    ClaimStatus,
    EvidenceFile,
)
from portal.domain.registry.tables import RegistryRecord
from portal.settings import get_settings


@dataclass(frozen=True)
class Drawn:
    """What a draw found and chose (`draw_id` None for a dry run)."""

    population: int
    claim_ids: tuple[int, ...]
    draw_id: int | None
    due_on: dt.date


def sample_size(population: int, percent: float) -> int:
    """How many of `population` claims a draw at `percent` takes: the rate rounded up, so
    at least one whenever there is any."""
    return min(population, math.ceil(population * percent / 100 - 1e-9)) if population else 0


def _checked_percent(percent: object) -> float:
    try:
        value = float(percent)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = -1.0
    if not 0 < value <= 100 or math.isnan(value):
        raise FieldErrors({"percent": ("audits.percent", {})})
    return value


def _population(db, category: str, since: dt.date | None) -> list[int]:
    drawn_before = select(ClaimAudit.claim_id)
    statement = select(Claim.id).where(
        Claim.status == ClaimStatus.APPROVED,
        col(Claim.self_declared).is_(True),
        col(Claim.id).not_in(drawn_before),
    )
    if category:
        statement = statement.join(
            ActivityCategory, col(ActivityCategory.id) == Claim.category_id
        ).where(ActivityCategory.code == category)
    if since is not None:
        statement = statement.where(Claim.activity_date >= since)
    return list(db.exec(statement.order_by(col(Claim.id))).all())


def draw(
    actor: Actor | None,
    percent: float,
    category: str = "",
    since: dt.date | None = None,
    dry_run: bool = False,
    chooser: random.Random | None = None,
) -> Drawn:
    """Draw `percent` % of the qualifying claims for audit; see the module's guarantees.
    `actor` None is the command line."""
    if actor is not None:
        permissions.require_admin(actor)
    by = actor or SYSTEM
    rate = _checked_percent(percent)
    category = str(category or "").strip()
    due_on = today() + dt.timedelta(days=get_settings().evidence.audit_days)
    with transaction() as db:
        if (
            category
            and db.exec(
                select(ActivityCategory.id).where(ActivityCategory.code == category)
            ).first()
            is None
        ):
            raise FieldErrors({"category": ("catalogue.unknown_category", {})})
        population = _population(db, category, since)
        chosen = sorted(
            (chooser or secrets.SystemRandom()).sample(
                population, sample_size(len(population), rate)
            )
        )
        if dry_run:
            return Drawn(len(population), tuple(chosen), None, due_on)
        record = AuditDraw(
            started_by=by.account_id,
            percent=rate,
            category=category,
            since=since,
            population=len(population),
            drawn=len(chosen),
        )
        db.add(record)
        db.flush()
        now = utcnow()
        for claim_id in chosen:
            db.add(ClaimAudit(claim_id=claim_id, draw_id=record.id, due_on=due_on))
            db.add(ClaimEvent(claim_id=claim_id, kind="audit_drawn", at=now, by_staff=True))
        try:
            db.flush()
        except IntegrityError as exc:  # another draw took one of them at the same moment
            raise DomainError("audits.busy") from exc
        for claim_id in chosen:
            mails.claim_audited(db, db.get(Claim, claim_id), due_on)
        trail.record(
            db,
            "audits.draw",
            by,
            target=f"audit_draw:{record.id}",
            percent=rate,
            category=category,
            since=since.isoformat() if since else "",
            population=len(population),
            claims=chosen,
        )
        return Drawn(len(population), tuple(chosen), record.id, due_on)


OPEN = (AuditStatus.WAITING, AuditStatus.SENT)


Teller = Callable[..., None]  # (db, claim, kind, reason): tells the registrant the outcome


def _withdraw_points(db, claim: Claim, kind: str, message: str, by, tell: Teller) -> None:
    """The claim of a failed or overdue audit stops counting, in this transaction:
    eligibility, dashboard and reminders read only approved claims, and points it carried
    into a later period are worked out again."""
    claim.status, claim.updated_at = ClaimStatus.REJECTED, utcnow()
    db.add(claim)
    db.add(
        ClaimEvent(
            claim_id=claim.id,
            kind=kind,
            actor_id=by.account_id,
            by_staff=True,
            message=message,
            points=0,
        )
    )
    db.flush()
    carried.refresh(db, [claim.record_id], claim.activity_date)
    tell(db, claim, kind, message)


def decide(
    actor: Actor,
    audit_id: int,
    passed: bool,
    reason: str = "",
    tell: Teller = mails.claim_audit_ended,
) -> None:
    """A reviewer passes or fails an open audit (a reason is needed to fail); decided once,
    even by two reviewers at the same moment. Failing withdraws the claim's points; `tell`
    mails the registrant the outcome (the renewal package's says what is left to do)."""
    permissions.require_staff(actor)
    if not isinstance(audit_id, int) or not isinstance(passed, bool):
        raise DomainError("error.not_allowed")
    reason = decisions.reason(reason, not passed, "review.reason_required")
    now = utcnow()
    with transaction() as db:
        audit = decisions.decide_once(
            db,
            ClaimAudit,
            audit_id,
            OPEN,
            "review.already_decided",
            "audits.unknown",
            status=AuditStatus.PASSED if passed else AuditStatus.FAILED,
            decided_at=now,
            decided_by=actor.account_id,
            reason=reason,
        )
        claim = db.get(Claim, audit.claim_id)
        if passed:
            db.add(
                ClaimEvent(
                    claim_id=claim.id,
                    kind="audit_passed",
                    actor_id=actor.account_id,
                    by_staff=True,
                    message=reason,
                )
            )
            tell(db, claim, "audit_passed", reason)
        else:
            _withdraw_points(db, claim, "audit_failed", reason, actor, tell)
        trail.record(
            db,
            "audits.passed" if passed else "audits.failed",
            actor,
            target=f"claim:{claim.id}",
            reason=reason,
        )


def close_overdue(on: dt.date, tell: Teller = mails.claim_audit_ended) -> int:
    """Every audit still waiting for evidence after its day ends as overdue and its claim
    stops counting (the daily job); returns how many."""
    with transaction() as db:
        due = db.exec(
            select(ClaimAudit.id).where(
                ClaimAudit.status == AuditStatus.WAITING, ClaimAudit.due_on < on
            )
        ).all()
        closed = 0
        for audit_id in due:
            moved = db.execute(
                update(ClaimAudit)
                .where(col(ClaimAudit.id) == audit_id, ClaimAudit.status == AuditStatus.WAITING)
                .values(status=AuditStatus.OVERDUE, decided_at=utcnow())
            )
            if moved.rowcount != 1:
                continue
            audit = db.get(ClaimAudit, audit_id)
            claim = db.get(Claim, audit.claim_id)
            _withdraw_points(db, claim, "audit_overdue", "", SYSTEM, tell)
            closed += 1
        if closed:
            trail.record(db, "audits.overdue", SYSTEM, count=closed, on=on.isoformat())
        return closed


def open_audit(db, claim_id: int) -> ClaimAudit | None:
    """The claim's audit while it waits for evidence or a decision (None otherwise)."""
    return db.exec(
        select(ClaimAudit).where(ClaimAudit.claim_id == claim_id, col(ClaimAudit.status).in_(OPEN))
    ).first()


def evidence_sent(db, claim_id: int) -> bool:
    """Mark the claim's waiting audit as answered (evidence sent); whether it had one."""
    moved = db.execute(
        update(ClaimAudit)
        .where(ClaimAudit.claim_id == claim_id, ClaimAudit.status == AuditStatus.WAITING)
        .values(status=AuditStatus.SENT)
    )
    return moved.rowcount == 1


@dataclass(frozen=True)
class RecordAudit:
    """One audit of a registrant's claim, as their pages and the staff record page show it."""

    title: str
    due_on: dt.date
    status: str  # waiting | sent (open) | passed | failed | overdue
    reason: str


def of_record(db, record_id: int, open_only: bool = False) -> list[RecordAudit]:
    """The audits of the record's claims (only the open ones when asked), soonest due
    first (one indexed query)."""
    statement = (
        select(
            Claim.description,
            Activity.title,
            ClaimAudit.due_on,
            ClaimAudit.status,
            ClaimAudit.reason,
        )
        .join(Claim, col(Claim.id) == ClaimAudit.claim_id)
        .join(Activity, col(Activity.id) == Claim.activity_id, isouter=True)
        .where(Claim.record_id == record_id)
        .order_by(col(ClaimAudit.due_on), col(ClaimAudit.id))
    )
    if open_only:
        statement = statement.where(col(ClaimAudit.status).in_(OPEN))
    return [
        RecordAudit(title or description, due, status, reason)
        for description, title, due, status, reason in db.execute(statement).all()
    ]


@dataclass(frozen=True)
class DrawRow:
    id: int
    started_at: dt.datetime
    started_by: str  # the staff member's name; "" for the command line
    percent: float
    category: str
    population: int
    drawn: int
    outcomes: dict[str, int]  # audit status -> claims


@dataclass(frozen=True)
class CategoryRate:
    category: str
    decided: int  # passed, failed or overdue
    passed: int


@dataclass(frozen=True)
class QueueRow:
    audit_id: int
    claim_id: int
    registration_number: str
    name: str
    title: str
    category: str
    points: int
    due_on: dt.date
    status: str
    files: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Overview:
    queue: list[QueueRow]  # open audits: evidence sent first, then the soonest due
    draws: list[DrawRow]  # newest first (the last 50)
    rates: list[CategoryRate]


def overview(actor: Actor) -> Overview:
    """What /admin/audits shows (staff only)."""
    permissions.require_staff(actor)
    with transaction() as db:
        return Overview(_queue(db), _draws(db), _rates(db))


def _queue(db) -> list[QueueRow]:
    rows = db.exec(
        select(ClaimAudit, Claim, RegistryRecord, Activity.title, ActivityCategory.code)
        .join(Claim, col(Claim.id) == ClaimAudit.claim_id)
        .join(RegistryRecord, col(RegistryRecord.id) == Claim.record_id)
        .join(ActivityCategory, col(ActivityCategory.id) == Claim.category_id)
        .join(Activity, col(Activity.id) == Claim.activity_id, isouter=True)
        .where(col(ClaimAudit.status).in_(OPEN))
        .order_by(
            (ClaimAudit.status == AuditStatus.WAITING).asc(),
            col(ClaimAudit.due_on),
            col(ClaimAudit.id),
        )
        .limit(200)
    ).all()
    ids = [claim.id for _, claim, *_ in rows]
    files: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    for file_id, claim_id, name in db.exec(
        select(EvidenceFile.id, EvidenceFile.claim_id, EvidenceFile.original_name)
        .where(col(EvidenceFile.claim_id).in_(ids))
        .order_by(col(EvidenceFile.id))
    ).all():
        files[claim_id].append((file_id, name))
    return [
        QueueRow(
            audit_id=audit.id,
            claim_id=claim.id,
            registration_number=record.registration_number,
            name=f"{record.family_name} {record.given_name}".strip(),
            title=title or claim.description,
            category=code,
            points=claim.points_granted or 0,
            due_on=audit.due_on,
            status=audit.status,
            files=tuple(files[claim.id]),
        )
        for audit, claim, record, title, code in rows
    ]


def _draws(db) -> list[DrawRow]:
    draws = db.exec(
        select(AuditDraw, Account.display_name)
        .join(Account, col(Account.id) == AuditDraw.started_by, isouter=True)
        .order_by(col(AuditDraw.id).desc())
        .limit(50)
    ).all()
    ids = [d.id for d, _ in draws]
    outcomes: dict[int, dict[str, int]] = {i: {} for i in ids}
    for draw_id, status, count in db.exec(
        select(ClaimAudit.draw_id, ClaimAudit.status, func.count())
        .where(col(ClaimAudit.draw_id).in_(ids))
        .group_by(ClaimAudit.draw_id, ClaimAudit.status)
    ).all():
        outcomes[draw_id][status] = count
    return [
        DrawRow(
            d.id,
            d.started_at,
            name or "",
            d.percent,
            d.category,
            d.population,
            d.drawn,
            outcomes[d.id],
        )
        for d, name in draws
    ]


def _rates(db) -> list[CategoryRate]:
    ended = (AuditStatus.PASSED, AuditStatus.FAILED, AuditStatus.OVERDUE)
    rows = db.exec(
        select(ActivityCategory.code, ClaimAudit.status, func.count())
        .join(Claim, col(Claim.id) == ClaimAudit.claim_id)
        .join(ActivityCategory, col(ActivityCategory.id) == Claim.category_id)
        .where(col(ClaimAudit.status).in_(ended))
        .group_by(ActivityCategory.code, ClaimAudit.status)
    ).all()
    totals: dict[str, list[int]] = {}
    for code, status, count in rows:
        seen = totals.setdefault(code, [0, 0])
        seen[0] += count
        seen[1] += count if status == AuditStatus.PASSED else 0
    return [
        CategoryRate(code, decided, passed) for code, (decided, passed) in sorted(totals.items())
    ]


def open_counts(db, record_ids: list[int]) -> dict[int, int]:
    """How many of each record's claims are under an open audit (records with none left
    out), in one grouped query."""
    if not record_ids:
        return {}
    rows = db.execute(
        select(Claim.record_id, func.count())
        .join(ClaimAudit, col(ClaimAudit.claim_id) == Claim.id)
        .where(col(Claim.record_id).in_(record_ids), col(ClaimAudit.status).in_(OPEN))
        .group_by(Claim.record_id)
    ).all()
    return {record_id: count for record_id, count in rows}
