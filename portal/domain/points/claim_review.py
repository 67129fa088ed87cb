"""The secretariat's decisions on claims: approve (maybe adjusting points), reject, ask for more.

Guarantees:
- Staff only. A decision needs a reason, except approving the points asked.
- Exactly one decision wins when two reviewers act at once: the status change
  is one conditional UPDATE; the loser is told the claim was already decided
  and writes nothing — one timeline event, one audit entry, one mail.
- The registrant is mailed each decision in their language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import col, func, select, update

from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core import decisions, typed_dates
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.points import carried, claims, mails
from portal.domain.points.tables import (
    OPEN_CONDITION,
    OPEN_STATUSES,
    Activity,
    ActivityCategory,
    Claim,
    ClaimEvent,
    ClaimStatus,
    EvidenceFile,
)
from portal.domain.registry.tables import RegistryRecord

ACTIONS = {
    "approve": ClaimStatus.APPROVED,
    "reject": ClaimStatus.REJECTED,
    "ask": ClaimStatus.INFO_REQUESTED,
}
MAX_POINTS = 50


def start_review(actor: Actor, claim_id: int) -> None:
    """A reviewer opened a submitted claim: it shows as "in review" (nothing if already so)."""
    if not actor.is_staff:
        raise NotAllowed()
    with transaction() as db:
        changed = db.execute(
            update(Claim)
            .where(col(Claim.id) == claim_id, Claim.status == ClaimStatus.SUBMITTED)
            .values(status=ClaimStatus.IN_REVIEW, updated_at=utcnow())
        ).rowcount
        if changed:
            db.add(
                ClaimEvent(
                    claim_id=claim_id,
                    kind="in_review",
                    actor_id=actor.account_id,
                    by_staff=True,
                )
            )


def decide(
    actor: Actor, claim_id: int, action: str, reason: str, points: int | None = None
) -> None:
    """Record one decision on an open claim, tell the registrant, audit it."""
    if not actor.is_staff:
        raise NotAllowed()
    if action not in ACTIONS:
        raise DomainError("error.not_allowed")
    reason = decisions.reason(reason, action != "approve", "review.reason_required")
    with transaction() as db:
        claim = db.get(Claim, claim_id) if isinstance(claim_id, int) else None
        if claim is None:
            raise DomainError("claims.unknown")
        granted = None
        if action == "approve":
            granted = claim.points_requested if points is None else points
            if not isinstance(granted, int) or not 0 <= granted <= MAX_POINTS:
                raise FieldErrors({"points": ("catalogue.points", {"max": MAX_POINTS})})
            if granted != claim.points_requested and not reason:
                raise FieldErrors({"reason": ("review.reason_for_adjustment", {})})
        status = ACTIONS[action]
        now = utcnow()
        decidable = [s for s in OPEN_STATUSES if action != "ask" or s != ClaimStatus.INFO_REQUESTED]
        decisions.decide_once(
            db,
            Claim,
            claim.id,
            decidable,
            "review.already_decided",
            "claims.unknown",
            status=status,
            updated_at=now,
            points_granted=granted,
            decided_at=now if action != "ask" else None,
            decided_by=actor.account_id if action != "ask" else None,
        )
        db.add(
            ClaimEvent(
                claim_id=claim.id,
                kind=status,
                at=now,
                actor_id=actor.account_id,
                by_staff=True,
                message=reason,
                points=granted,
            )
        )
        if action == "approve":
            carried.refresh(db, [claim.record_id], claim.activity_date)
        mails.claim_decided(db, claim, status, reason, granted)
        trail.record(db, f"claim.{action}", actor, target=f"claim:{claim.id}", points=granted)


PER_PAGE = 50
COUNT_CAP = 1_000  # the queue counts exactly up to here, then says "1,000+"
QUEUE_STATUSES = ("open", *(s.value for s in ClaimStatus))


@dataclass(frozen=True)
class QueueQuery:
    status: str = "open"
    category: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1


@dataclass(frozen=True)
class QueueRow:
    id: int
    number: str
    name: str
    title: str
    category: str
    activity_date: dt.date
    points: int
    status: str
    created_at: dt.datetime
    from_catalogue: bool


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int  # exact up to COUNT_CAP
    page: int
    pages: int
    more: bool  # more than COUNT_CAP match


def queue_query(params: dict[str, str]) -> QueueQuery:
    """The queue query a URL asks for; anything unusable is ignored."""
    status = params.get("status", "open")
    page = params.get("page", "1")
    return QueueQuery(
        status=status if status in QUEUE_STATUSES else "open",
        category=params.get("category", "")[:32],
        date_from=typed_dates.parse(params.get("from", "")[:20]),
        date_to=typed_dates.parse(params.get("to", "")[:20]),
        page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
    )


def queue(actor: Actor, query: QueueQuery) -> QueuePage:
    """Claims for review, oldest first, one page, filtered in SQL (staff only)."""
    if not actor.is_staff:
        raise NotAllowed()
    conditions = []
    if query.status == "open":
        conditions.append(text(OPEN_CONDITION))
    else:
        conditions.append(Claim.status == query.status)
    if query.category:
        conditions.append(
            Claim.category_id
            == select(ActivityCategory.id)
            .where(ActivityCategory.code == query.category)
            .scalar_subquery()
        )
    if query.date_from:
        conditions.append(Claim.activity_date >= query.date_from)
    if query.date_to:
        conditions.append(Claim.activity_date <= query.date_to)
    with transaction() as db:
        counted = db.exec(
            select(func.count()).select_from(
                select(Claim.id).where(*conditions).limit(COUNT_CAP + 1).subquery()
            )
        ).one()
        total = min(counted, COUNT_CAP)
        pages = max(1, -(-total // PER_PAGE))
        page = min(query.page, pages)
        page_ids = (
            select(Claim.id)
            .where(*conditions)
            .order_by(col(Claim.created_at), col(Claim.id))
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        )
        found = db.exec(
            select(Claim, RegistryRecord, ActivityCategory.code, Activity.title)
            .join(RegistryRecord, col(RegistryRecord.id) == Claim.record_id)
            .join(ActivityCategory, col(ActivityCategory.id) == Claim.category_id)
            .join(Activity, col(Activity.id) == Claim.activity_id, isouter=True)
            .where(col(Claim.id).in_(page_ids))
            .order_by(col(Claim.created_at), col(Claim.id))
        ).all()
    rows = [
        QueueRow(
            id=claim.id,
            number=record.registration_number,
            name=f"{record.family_name} {record.given_name}",
            title=title or claim.description,
            category=code,
            activity_date=claim.activity_date,
            points=claim.points_requested,
            status=claim.status,
            created_at=claim.created_at,
            from_catalogue=claim.activity_id is not None,
        )
        for claim, record, code, title in found
    ]
    return QueuePage(rows=rows, total=total, page=page, pages=pages, more=counted > COUNT_CAP)


def approve_many(actor: Actor, claim_ids: list[int]) -> int:
    """Approve open catalogue claims with the points asked; returns how many this call approved.

    Claims from outside the catalogue, and ones decided meanwhile, are skipped.
    """
    if not actor.is_staff:
        raise NotAllowed()
    with transaction() as db:
        wanted = db.exec(
            select(Claim.id).where(
                col(Claim.id).in_([i for i in claim_ids if isinstance(i, int)][:PER_PAGE]),
                col(Claim.activity_id).is_not(None),
                col(Claim.status).in_(OPEN_STATUSES),
            )
        ).all()
    approved = 0
    for claim_id in wanted:
        try:
            decide(actor, claim_id, "approve", "")
        except DomainError:
            continue
        approved += 1
    return approved


@dataclass(frozen=True)
class ReviewDetail:
    claim: claims.ClaimView
    number: str
    name: str
    record_id: int
    files: list[tuple[int, str, str]]  # id, name, content type


def detail(actor: Actor, claim_id: int) -> ReviewDetail | None:
    """One claim with its registrant and evidence, for staff; None when unknown."""
    if not actor.is_staff:
        raise NotAllowed()
    with transaction() as db:
        claim = db.get(Claim, claim_id) if isinstance(claim_id, int) else None
        if claim is None:
            return None
        record = db.get(RegistryRecord, claim.record_id)
        [view] = claims.views(db, [claim])
        files = [
            (f.id, f.original_name, f.content_type)
            for f in db.exec(
                select(EvidenceFile)
                .where(EvidenceFile.claim_id == claim.id)
                .order_by(col(EvidenceFile.id))
            ).all()
        ]
        return ReviewDetail(
            claim=view,
            number=record.registration_number,
            name=f"{record.family_name} {record.given_name}",
            record_id=record.id,
            files=files,
        )
