"""Self-declared categories: a claim counts at once, marked as auditable; the review mode
is the admins' choice per category, audited, and changes only claims made afterwards."""

import pytest
from sqlmodel import select

from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, NotAllowed
from portal.domain.points import catalogue, claims
from portal.domain.points.tables import Claim, ClaimEvent
from portal.domain.rules import standing
from tests.support.catalogue import activity
from tests.support.people import registrant_principal, reviewer, staff_principal


def claim_of(claim_id: int) -> Claim:
    with transaction() as db:
        found = db.get(Claim, claim_id)
        db.expunge(found)
        return found


def test_a_self_declared_claim_counts_at_once_and_a_reviewed_one_waits(db):
    admin, _ = staff_principal("boss@example.com", "admin")
    me = registrant_principal("me@example.com")
    before = claims.submit_catalogue(me, activity(admin, days_ago=40, points=2))
    assert claim_of(before).status == "submitted"  # the default: reviewed

    catalogue.set_review_mode(admin, "seminar", "self_declared")
    assert [c.self_declared for c in catalogue.categories() if c.code == "seminar"] == [True]
    declared = claims.submit_catalogue(me, activity(admin, days_ago=20, points=3))
    found = claim_of(declared)
    assert (found.status, found.points_granted, found.self_declared) == ("approved", 3, True)
    assert claim_of(before).status == "submitted"  # claims already made keep their state
    assert standing.own(me).count.counted == 3
    with transaction() as session:
        kinds = session.exec(select(ClaimEvent.kind).where(ClaimEvent.claim_id == declared)).all()
        [audit] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "catalogue.review_mode")
        ).all()
    assert kinds == ["self_declared"]
    assert audit.target == "category:seminar"
    assert (audit.detail["before"], audit.detail["after"]) == ("reviewed", "self_declared")

    catalogue.set_review_mode(admin, "other", "self_declared")
    other = claims.submit_other(
        me,
        {
            "description": "Volunteer counselling",
            "organiser": "City job fair",
            "activity_date": found.activity_date.isoformat(),
            "points": "1",
        },
    )
    assert claim_of(other).status == "approved"


def test_only_admins_choose_a_review_mode_and_only_a_known_one(db):
    admin, _ = staff_principal("boss@example.com", "admin")
    for someone in (reviewer(), registrant_principal("me@example.com")):
        with pytest.raises(NotAllowed):
            catalogue.set_review_mode(someone, "seminar", "self_declared")
    with pytest.raises(DomainError):
        catalogue.set_review_mode(admin, "seminar", "anything")
    with pytest.raises(DomainError) as unknown:
        catalogue.set_review_mode(admin, "nonsense", "self_declared")
    assert unknown.value.key == "catalogue.unknown_category"
    assert all(not c.self_declared for c in catalogue.categories())
