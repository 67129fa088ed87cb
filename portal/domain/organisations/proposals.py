"""Activities an organisation proposes for the catalogue, and the secretariat's decisions.

Guarantees:
- An organisation user proposes for their own organisation only and reads only its
  proposals; every value is checked per field, as staff's own catalogue entries are.
- Staff approve a waiting proposal (adjusting points or category only with a reason) or
  return it (always with a reason), exactly once: of two decisions at the same moment one
  wins and the other is refused ("already decided").
- Approval puts the activity into the catalogue, with the organisation as organiser, in
  the same transaction.
- The proposer is mailed each step in their language; each step is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core import decisions
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.organisations import mails
from portal.domain.organisations.area import own_organisation
from portal.domain.organisations.tables import (
    ActivityProposal,
    Organisation,
    ProposalStatus,
)
from portal.domain.points import catalogue
from portal.domain.points.tables import Activity, ActivityCategory
from portal.settings import LANGUAGES

MAX_CAPACITY = 100_000


@dataclass(frozen=True)
class ProposalView:
    id: int
    organisation: str
    title: str
    category: str  # code
    starts_on: dt.date
    ends_on: dt.date
    points_requested: int
    points_granted: int | None
    description: str
    place: str
    online: bool
    capacity: int | None
    language: str
    status: str
    reason: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


def _checked(values: dict) -> dict[str, object]:
    """The proposal's values, or FieldErrors naming every wrong field."""
    if not isinstance(values, dict):
        raise DomainError("error.not_allowed")
    errors: dict[str, tuple[str, dict]] = {}
    cleaned: dict[str, object] = {}
    try:
        activity = catalogue.clean_activity(
            {**values, "points": values.get("points_requested"), "notes": "", "organiser": ""}
        )
        cleaned.update(
            title=activity["title"],
            category=activity["category"],
            starts_on=activity["starts_on"],
            ends_on=activity["ends_on"],
            points_requested=activity["points"],
        )
    except FieldErrors as exc:
        errors.update(
            {("points_requested" if k == "points" else k): v for k, v in exc.fields.items()}
        )
    for name, limit in (("description", 1000), ("place", 200)):
        raw = values.get(name, "")
        text = raw.strip() if isinstance(raw, str) else ""
        if len(text) > limit:
            errors[name] = ("record.too_long", {"max": limit})
        cleaned[name] = text
    capacity = str(values.get("capacity") or "").strip()
    if capacity and (not capacity.isdigit() or not 1 <= int(capacity) <= MAX_CAPACITY):
        errors["capacity"] = ("proposal.capacity", {"max": MAX_CAPACITY})
    cleaned["capacity"] = int(capacity) if capacity.isdigit() else None
    cleaned["online"] = values.get("online") in (True, "on", "true", "yes")
    language = values.get("language")
    cleaned["language"] = language if language in LANGUAGES else "en"
    if errors:
        raise FieldErrors(errors)
    return cleaned


def _category_id(db: Session, code: str) -> int:
    return db.exec(select(ActivityCategory.id).where(ActivityCategory.code == code)).one()


def _view(p: ActivityProposal, organisation: str, code: str) -> ProposalView:
    return ProposalView(
        p.id,
        organisation,
        p.title,
        code,
        p.starts_on,
        p.ends_on,
        p.points_requested,
        p.points_granted,
        p.description,
        p.place,
        p.online,
        p.capacity,
        p.language,
        p.status,
        p.reason,
        p.created_at,
        p.decided_at,
    )


def propose(actor: Actor, values: dict) -> int:
    """Propose an activity for the user's own organisation; returns the proposal's id."""
    cleaned = _checked(values)
    with transaction() as db:
        organisation = own_organisation(db, actor)
        proposal = ActivityProposal(
            organisation_id=organisation.id,
            proposed_by=actor.account_id,
            category_id=_category_id(db, cleaned.pop("category")),
            **cleaned,
        )
        db.add(proposal)
        db.flush()
        mails.to_proposer(db, proposal, "proposal_received")
        trail.record(
            db,
            "organisation.proposal_submitted",
            actor,
            target=f"proposal:{proposal.id}",
            organisation=organisation.id,
        )
        return proposal.id


def of_my_organisation(actor: Actor) -> list[ProposalView]:
    """The user's organisation's proposals, newest first."""
    with transaction() as db:
        organisation = own_organisation(db, actor)
        rows = db.exec(
            select(ActivityProposal, ActivityCategory.code)
            .join(ActivityCategory, col(ActivityCategory.id) == ActivityProposal.category_id)
            .where(ActivityProposal.organisation_id == organisation.id)
            .order_by(col(ActivityProposal.created_at).desc(), col(ActivityProposal.id).desc())
        ).all()
        return [_view(p, organisation.name, code) for p, code in rows]


def waiting(actor: Actor) -> list[ProposalView]:
    """Proposals waiting for a decision, oldest first (staff)."""
    if not actor.is_staff:
        raise NotAllowed()
    with transaction() as db:
        rows = db.exec(
            select(ActivityProposal, Organisation.name, ActivityCategory.code)
            .join(Organisation, col(Organisation.id) == ActivityProposal.organisation_id)
            .join(ActivityCategory, col(ActivityCategory.id) == ActivityProposal.category_id)
            .where(ActivityProposal.status == ProposalStatus.SUBMITTED)
            .order_by(col(ActivityProposal.created_at), col(ActivityProposal.id))
        ).all()
        return [_view(p, name, code) for p, name, code in rows]


def _decide(db: Session, actor: Actor, proposal_id: int, **values) -> ActivityProposal:
    """Move a waiting proposal to its decision; DomainError when it is not waiting."""
    return decisions.decide_once(
        db,
        ActivityProposal,
        proposal_id,
        ProposalStatus.SUBMITTED,
        "proposal.already_decided",
        "proposal.unknown",
        decided_by=actor.account_id,
        decided_at=utcnow(),
        **values,
    )


def approve(
    actor: Actor,
    proposal_id: int,
    points: object,
    category: object,
    reason: object = "",
) -> int:
    """Approve a waiting proposal (staff): the activity enters the catalogue with the
    organisation as organiser; returns the activity's id."""
    if not actor.is_staff:
        raise NotAllowed()
    text = str(points or "").strip()
    if not text.isdigit() or not 1 <= int(text) <= catalogue.MAX_POINTS:
        raise FieldErrors({"points": ("catalogue.points", {"max": catalogue.MAX_POINTS})})
    if category not in {c.code for c in catalogue.categories()}:
        raise FieldErrors({"category": ("record.invalid", {})})
    with transaction() as db:
        current = db.get(ActivityProposal, proposal_id)
        if current is None:
            raise DomainError("proposal.unknown")
        category_id = _category_id(db, category)
        changed = int(text) != current.points_requested or category_id != current.category_id
        why = decisions.reason(reason, required=changed)
        proposal = _decide(
            db,
            actor,
            proposal_id,
            status=ProposalStatus.APPROVED,
            points_granted=int(text),
            category_id=category_id,
            reason=why,
        )
        organisation = db.get(Organisation, proposal.organisation_id)
        activity = Activity(
            title=proposal.title,
            category_id=category_id,
            starts_on=proposal.starts_on,
            ends_on=proposal.ends_on,
            points=int(text),
            organiser=organisation.name,
            notes=proposal.description,
        )
        db.add(activity)
        db.flush()
        proposal.activity_id = activity.id
        mails.to_proposer(db, proposal, "proposal_approved", points=int(text), reason=why)
        trail.record(
            db,
            "organisation.proposal_approved",
            actor,
            target=f"proposal:{proposal.id}",
            activity=activity.id,
            points=int(text),
        )
        return activity.id


def send_back(actor: Actor, proposal_id: int, reason: object) -> None:
    """Return a waiting proposal to its organisation with a reason (staff)."""
    if not actor.is_staff:
        raise NotAllowed()
    why = decisions.reason(reason, required=True)
    with transaction() as db:
        proposal = _decide(db, actor, proposal_id, status=ProposalStatus.RETURNED, reason=why)
        mails.to_proposer(db, proposal, "proposal_returned", reason=why)
        trail.record(db, "organisation.proposal_returned", actor, target=f"proposal:{proposal.id}")
