"""Carry-over and grace in the renewal decision.

Surplus points carried over at a renewal are recorded once, counted in the new period only
(per record, in the batch and in the SQL condition alike), shown with where they came
from, and worked out again when a claim of the earlier period is approved later. Within
the grace days a registrant applies and is approved; the record expires only after them.
"""

import datetime as dt
from dataclasses import replace

from sqlmodel import select

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.points import audits, claim_review
from portal.domain.points.tables import CarriedPoints, Claim, ClaimAudit
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import (
    audit_outcomes,
    eligibility_batch,
    expiry,
    renewal_review,
    renewals,
    requirement_text,
)
from portal.domain.rules import versions
from portal.domain.rules.rule_set import CarryOver
from tests.domain.renewal.renewal_people import ask, grant, record_of, renewing
from tests.support import rules
from tests.support.people import staff_principal


def carrying(max_points: int = 3) -> None:
    """From 1 January 2001 every period may carry `max_points` earned in its last year."""
    rules.put(
        replace(
            rules.FIRST,
            effective_from=dt.date(2001, 1, 1),
            carry_over=CarryOver(max_points=max_points, last_months=12),
        )
    )


def renewed(me, boss) -> RegistryRecord:
    renewal_review.decide(boss, renewals.apply(me, True), "approve")
    return record_of(me)


def eligibility_now(record_id: int):
    with transaction() as db:
        record = db.get(RegistryRecord, record_id)
        return renewals.record_eligibility(db, record, today())


def test_the_surplus_is_carried_once_and_counts_in_the_new_period(db):
    carrying()
    boss, _ = staff_principal("boss@example.com", "reviewer")
    me = renewing("me@example.com", points=9)  # 9 counted of 5: 4 beyond, at most 3 carry
    old_end = record_of(me).valid_until
    record = renewed(me, boss)
    with transaction() as session:
        [row] = session.exec(select(CarriedPoints)).all()
    assert (row.points, row.from_until, row.into_start) == (3, old_end, record.valid_from)

    points = eligibility_now(record.id).requirement("points")
    assert points.facts["counted"] == 3 and points.facts["carried"] == 3 and not points.met
    fact = requirement_text.describe("points", points.met, dict(points.facts), "en").fact
    assert "3 points carried over from the period that ended" in fact
    ja = requirement_text.describe("points", points.met, dict(points.facts), "ja").fact
    assert "3ポイントは" in ja and "繰越" in ja
    book = versions.book()
    assert eligibility_batch.for_all(today(), book)[record.id] == eligibility_now(record.id)

    with transaction() as session:  # 2 more points in the new period: 3 + 2 = 5 met
        grant(session, session.get(RegistryRecord, record.id), "seminar", 2, days_ago=-100)
        grant(session, session.get(RegistryRecord, record.id), "mandatory_course", 1, -100)
    assert eligibility_now(record.id).requirement("points").met
    with transaction() as session:
        short = session.exec(
            select(RegistryRecord.id).where(eligibility_batch.requirement_not_met(book))
        ).all()
    assert record.id not in short


def test_rules_without_carry_over_carry_nothing(db):
    boss, _ = staff_principal("boss@example.com", "reviewer")
    me = renewing("me@example.com", points=9)
    record = renewed(me, boss)
    with transaction() as session:
        assert session.exec(select(CarriedPoints)).all() == []
    assert "carried" not in eligibility_now(record.id).requirement("points").facts


def test_a_claim_of_the_earlier_period_approved_later_changes_what_was_carried(db):
    carrying()
    boss, _ = staff_principal("boss@example.com", "reviewer")
    me = renewing("me@example.com", points=5)  # exactly enough: nothing carries
    with transaction() as session:
        late_id = ask(session, session.get(RegistryRecord, record_of(me).id), "seminar", 2, 10)
    record = renewed(me, boss)
    assert "carried" not in eligibility_now(record.id).requirement("points").facts
    claim_review.decide(boss, late_id, "approve", "")
    points = eligibility_now(record.id).requirement("points")
    assert points.facts["carried"] == 2 and points.facts["counted"] == 2


def test_within_the_grace_days_a_registrant_applies_and_is_approved_without_a_gap(db):
    rules.put(replace(rules.FIRST, effective_from=dt.date(2001, 1, 1), grace_days=30))
    boss, _ = staff_principal("boss@example.com", "reviewer")
    me = renewing("me@example.com", days_left=-10)  # the period ended 10 days ago
    old_end = record_of(me).valid_until
    assert expiry.expire_records(today(), versions.book()) == []  # 20 grace days left
    assert eligibility_now(record_of(me).id).requirement("window").met
    record = renewed(me, boss)
    assert (record.status, record.valid_from) == ("active", old_end + dt.timedelta(days=1))

    late = renewing("late@example.com", days_left=-31)  # the grace days are over
    assert not eligibility_now(record_of(late).id).requirement("window").met
    assert expiry.expire_records(today(), versions.book()) == [record_of(late).id]


def test_a_failed_audit_of_the_earlier_period_takes_back_what_it_carried(db):
    carrying()
    boss, _ = staff_principal("boss@example.com", "reviewer")
    me = renewing("me@example.com", points=9)  # 2 course + 7 seminar: 3 carried
    with transaction() as session:
        seminar = session.exec(
            select(Claim).where(
                Claim.record_id == record_of(me).id, Claim.description == "seminar 7"
            )
        ).one()
        seminar.self_declared = True
    record = renewed(me, boss)
    assert eligibility_now(record.id).requirement("points").facts["carried"] == 3
    audits.draw(None, 100)
    with transaction() as session:
        audit_id = session.exec(select(ClaimAudit.id)).one()
    audit_outcomes.decide(boss, audit_id, False, "The certificate is not for this seminar")
    assert "carried" not in eligibility_now(record.id).requirement("points").facts
    with transaction() as session:
        assert session.exec(select(CarriedPoints.points)).one() == 0
