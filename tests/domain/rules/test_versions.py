"""Keeping the rule versions: who may, which dates, what the audit log keeps."""

import datetime as dt

import pytest
from sqlmodel import select

from portal.domain.audit.tables import AuditEvent
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.points import catalogue
from portal.domain.renewal import staff_view
from portal.domain.rules import versions
from tests.support.catalogue import add_category
from tests.support.people import registrant_principal, reviewer, staff_principal


def document(days_ahead: int = 30, **values) -> dict:
    day = today() + dt.timedelta(days=days_ahead)
    return {"effective_from": day.isoformat(), "points_required": 10, **values}


@pytest.fixture
def admin(db):
    with transaction() as session:
        catalogue.ensure_categories(session)
    return staff_principal("keeper@example.com", "admin")[0]


def test_only_administrators_keep_the_rules_and_every_staff_member_reads_them(admin):
    hostile = [reviewer(), registrant_principal("someone@example.com")]
    draft = versions.save_draft(admin, document())
    for actor in hostile:
        for attempt in (
            lambda a: versions.save_draft(a, document()),
            lambda a: versions.publish(a, draft),
            lambda a: versions.discard(a, draft),
            lambda a: versions.withdraw(a, draft),
        ):
            with pytest.raises(NotAllowed):
                attempt(actor)
    assert len(versions.listing(hostile[0])) == 2  # the reviewer reads: rule set 1 and the draft
    with pytest.raises(NotAllowed):
        versions.listing(hostile[1])
    assert [v.points_required for v in versions.book().versions] == [5]


def test_a_draft_applies_to_nobody_until_published_and_then_from_its_date(admin):
    add_category("student", self_service=False)
    draft = versions.save_draft(
        admin,
        document(
            categories={"seminar": {"minimum": 2}},
            registrant_categories={"student": {"points_required": 5}},
        ),
        note="Announced at the general meeting",
    )
    assert len(versions.book().versions) == 1
    versions.publish(admin, draft)
    book = versions.book()
    assert [v.points_required for v in book.versions] == [5, 10]
    start = today() + dt.timedelta(days=30)
    assert book.for_period(start - dt.timedelta(days=1), "general").points_required == 5
    assert book.for_period(start, "student").points_required == 5
    assert book.for_period(start, "general").points_required == 10
    listed = versions.listing(admin)
    assert [(v.status, v.in_force, v.locked) for v in listed] == [
        ("published", False, False),
        ("published", True, True),
    ]
    assert listed[0].note == "Announced at the general meeting"
    with transaction() as session:
        actions = session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a.startswith("rules.")] == [
        "rules.draft_saved",
        "rules.published",
    ]


def test_dates_decide_what_may_change(admin, frozen):
    with pytest.raises(DomainError) as past:
        versions.publish(admin, versions.save_draft(admin, document(days_ahead=-1)))
    assert (past.value.key, past.value.field) == ("rules.date_passed", "effective_from")
    today_draft = versions.save_draft(admin, document(days_ahead=0))
    versions.publish(admin, today_draft)  # today is allowed
    with pytest.raises(DomainError) as same:
        versions.publish(admin, versions.save_draft(admin, document(days_ahead=0)))
    assert same.value.key == "rules.same_date"
    with pytest.raises(DomainError) as locked:
        versions.withdraw(admin, today_draft)  # its date is reached: only a newer one follows
    assert locked.value.key == "rules.locked"
    later = versions.save_draft(admin, document(days_ahead=10))
    versions.publish(admin, later)
    versions.withdraw(admin, later)  # still ahead: back to a draft
    assert later not in {v.id for v in versions.book().versions}
    versions.discard(admin, later)
    with pytest.raises(DomainError) as gone:
        versions.publish(admin, later)
    assert gone.value.key == "rules.not_a_draft"


def test_a_wrong_document_is_refused_field_by_field_and_nothing_is_saved(admin):
    with pytest.raises(FieldErrors) as raised:
        versions.save_draft(admin, document(points_required="ten", categories={"chess": {}}))
    assert set(raised.value.fields) == {"points_required", "categories.chess"}
    assert len(versions.listing(admin)) == 1


def test_a_registrant_cannot_read_another_persons_standing(admin):
    someone = registrant_principal("nosy@example.com")
    with pytest.raises(NotAllowed):
        staff_view.of_record(someone, number="anything")
    assert staff_view.of_record(reviewer(), number="no such number") is None
