"""A failed or overdue audit is mailed with what it means for the renewal: still met, how
many points are missing and until when, or the period already over."""

import datetime as dt

from sqlmodel import select

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.points import audits
from portal.domain.points.tables import Claim, ClaimAudit
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import audit_outcomes
from portal.i18n import format_date
from tests import factories
from tests.domain.renewal.renewal_people import grant, record_of, renewing
from tests.support.people import reviewer


def audited(email: str, points: int, lecture: int = 0, **values):
    """A registrant with `points` approved (and `lecture` more), whose seminar claim was
    self-declared and is drawn; (the registrant, the audit's id)."""
    me = renewing(email, points=points, **values)
    with transaction() as db:
        record = db.get(RegistryRecord, record_of(me).id)
        if lecture:
            grant(db, record, "lecture", lecture)
        seminar = db.exec(
            select(Claim).where(
                Claim.record_id == record.id, Claim.description == f"seminar {points - 2}"
            )
        ).one()
        seminar.self_declared = True
    audits.draw(None, 100)
    with transaction() as db:
        return me, db.exec(select(ClaimAudit.id).where(ClaimAudit.claim_id == seminar.id)).one()


def test_a_failed_audit_says_how_many_points_are_missing_and_until_when(db):
    me, audit_id = audited("short@example.com", points=5)  # 2 course + 3 seminar
    audit_outcomes.decide(reviewer(), audit_id, False, "Another seminar's certificate")
    [mail] = factories.outbox("short@example.com", "claim_audit_failed")
    end = format_date(record_of(me).valid_until, "en")
    assert mail.params["outlook"] == (
        f"You now have 2 of 5 points counted: 3 more points are needed, claimed by {end}."
    )


def test_one_who_still_meets_the_requirement_is_told_so(db):
    _, audit_id = audited("plenty@example.com", points=5, lecture=5)
    audit_outcomes.decide(reviewer(), audit_id, False, "Not this seminar")
    [mail] = factories.outbox("plenty@example.com", "claim_audit_failed")
    assert mail.params["outlook"] == "You still meet the points requirement: 7 of 5 points counted."
    _, passing = audited("fine@example.com", points=5)
    audit_outcomes.decide(reviewer(), passing, True)
    [passed] = factories.outbox("fine@example.com", "claim_audit_passed")
    assert passed.params["outlook"] == ""


def test_an_overdue_audit_after_the_period_ended_asks_to_contact_the_secretariat(db):
    audited("ended@example.com", points=5, days_left=-3)
    assert audit_outcomes.close_overdue(today() + dt.timedelta(days=31)) == 1
    [mail] = factories.outbox("ended@example.com", "claim_audit_overdue")
    assert mail.params["outlook"] == (
        "You now have 2 of 5 points counted and the validity period has ended: please contact"
        " the secretariat."
    )
