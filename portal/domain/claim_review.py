"""The secretariat's decisions on claims: approve (maybe adjusting points), reject, ask for more.

Guarantees:
- Staff only. A decision needs a reason, except approving the points asked.
- Exactly one decision wins when two reviewers act at once: the status change
  is one conditional UPDATE; the loser is told the claim was already decided
  and writes nothing — one timeline event, one audit entry, one mail.
- The registrant is mailed each decision in their language.
"""

from __future__ import annotations

from sqlmodel import col, select, update

from portal.domain import audit, outbox
from portal.domain.clock import utcnow
from portal.domain.db import transaction
from portal.domain.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.models import (
    OPEN_STATUSES,
    Account,
    Activity,
    Claim,
    ClaimEvent,
    ClaimStatus,
    RegistryRecord,
)
from portal.domain.sessions import Principal
from portal.settings import get_settings

ACTIONS = {
    "approve": ClaimStatus.APPROVED,
    "reject": ClaimStatus.REJECTED,
    "ask": ClaimStatus.INFO_REQUESTED,
}
MAX_POINTS = 50


def start_review(principal: Principal, claim_id: int) -> None:
    """A reviewer opened a submitted claim: it shows as "in review" (nothing if already so)."""
    if not principal.is_staff:
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
                    actor_id=principal.account_id,
                    by_staff=True,
                )
            )


def decide(
    principal: Principal, claim_id: int, action: str, reason: str, points: int | None = None
) -> None:
    """Record one decision on an open claim, tell the registrant, audit it."""
    if not principal.is_staff:
        raise NotAllowed()
    if action not in ACTIONS:
        raise DomainError("error.not_allowed")
    reason = reason.strip() if isinstance(reason, str) else ""
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
        elif not reason:
            raise FieldErrors({"reason": ("review.reason_required", {})})
        if len(reason) > 1000:
            raise FieldErrors({"reason": ("record.too_long", {"max": 1000})})
        status = ACTIONS[action]
        now = utcnow()
        decidable = [s for s in OPEN_STATUSES if action != "ask" or s != ClaimStatus.INFO_REQUESTED]
        changed = db.execute(
            update(Claim)
            .where(col(Claim.id) == claim.id, col(Claim.status).in_(decidable))
            .values(
                status=status,
                updated_at=now,
                points_granted=granted,
                decided_at=now if action != "ask" else None,
                decided_by=principal.account_id if action != "ask" else None,
            )
        ).rowcount
        if not changed:
            raise DomainError("review.already_decided")
        db.add(
            ClaimEvent(
                claim_id=claim.id,
                kind=status,
                at=now,
                actor_id=principal.account_id,
                by_staff=True,
                message=reason,
                points=granted,
            )
        )
        _mail(db, claim, status, reason, granted)
        audit.record(
            db,
            f"claim.{action}",
            actor_id=principal.account_id,
            target=f"claim:{claim.id}",
            points=granted,
        )


def _mail(db, claim: Claim, status: str, reason: str, granted: int | None) -> None:
    record = db.get(RegistryRecord, claim.record_id)
    account = db.get(Account, record.account_id) if record and record.account_id else None
    if account is None:
        return
    title = claim.description
    if claim.activity_id:
        title = db.exec(select(Activity.title).where(col(Activity.id) == claim.activity_id)).one()
    outbox.enqueue(
        db,
        account.email,
        f"claim_{status}",
        account.language,
        title=title,
        reason=reason or "-",
        points=granted if granted is not None else claim.points_requested,
        link=f"{get_settings().base_url}/mypage/points",
    )
