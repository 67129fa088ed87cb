import datetime as dt
import threading

import pytest
from sqlmodel import select

from portal.domain.audit.tables import AuditEvent
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.registry.tables import RecordChange
from portal.domain.renewal import renewal_review, renewals
from portal.domain.renewal.tables import Certificate, RenewalEvent
from tests import factories
from tests.domain.renewal.renewal_people import record_of, renewing
from tests.support.people import staff_principal


def test_an_eligible_registrant_applies_once_per_cycle(db):
    me = renewing("me@example.com")
    assert renewals.mine(me).eligibility.can_apply
    app_id = renewals.apply(me, True)
    with pytest.raises(DomainError) as again:
        renewals.apply(me, True)
    assert again.value.key == "renewal.already_applied"
    mine = renewals.mine(me)
    assert mine.applied_this_cycle and mine.application.id == app_id
    assert mine.application.status == "submitted"
    assert [s.kind for s in mine.application.timeline] == ["submitted"]
    assert mine.application.mailing["address"] == "東京都千代田区1-1"


def test_applying_is_refused_with_the_reason_when_anything_is_missing(db):
    short = renewing("short@example.com", points=4)
    with pytest.raises(DomainError) as refused:
        renewals.apply(short, True)
    assert refused.value.key == "renewal.not_eligible"
    early = renewing("early@example.com", days_left=400)
    with pytest.raises(DomainError) as too_early:
        renewals.apply(early, True)
    assert too_early.value.key == "renewal.not_eligible"
    ready = renewing("ready@example.com")
    with pytest.raises(FieldErrors) as undeclared:
        renewals.apply(ready, False)
    assert undeclared.value.field == "declare"
    homeless = renewing("homeless@example.com", address="")
    with pytest.raises(DomainError) as no_address:
        renewals.apply(homeless, True)
    assert no_address.value.key == "renewal.no_address"
    with transaction() as session:
        assert not session.exec(select(RenewalEvent)).all()


def test_a_withdrawn_or_rejected_application_can_be_made_again(db):
    boss, _ = staff_principal("boss@example.com", "reviewer")
    me = renewing("me@example.com")
    first = renewals.apply(me, True)
    renewals.withdraw(me, first)
    with pytest.raises(DomainError):
        renewals.withdraw(me, first)
    second = renewals.apply(me, True)
    with pytest.raises(FieldErrors) as no_reason:
        renewal_review.decide(boss, second, "reject", " ")
    assert no_reason.value.field == "reason"
    renewal_review.decide(boss, second, "reject", "Course certificate unreadable")
    [mail] = factories.outbox("me@example.com", "renewal_rejected")
    assert mail.params["reason"] == "Course certificate unreadable"
    third = renewals.apply(me, True)
    assert renewals.mine(me).application.id == third


def test_approval_starts_the_next_period_and_issues_one_certificate(db):
    boss, _ = staff_principal("boss@example.com", "reviewer")
    me = renewing("me@example.com")
    old_end = record_of(me).valid_until
    app_id = renewals.apply(me, True)
    renewal_review.decide(boss, app_id, "approve")
    record = record_of(me)
    assert record.valid_from == old_end + dt.timedelta(days=1)
    assert record.valid_until == old_end.replace(year=old_end.year + 3)
    with transaction() as session:
        [cert] = session.exec(select(Certificate)).all()
        changed = session.exec(
            select(RecordChange.field).where(RecordChange.reason == f"renewal:{app_id}")
        ).all()
        actions = session.exec(select(AuditEvent.action)).all()
    assert cert.holder_name == "山田 花子" and cert.valid_until == record.valid_until
    assert cert.mailing_status == "to_mail"
    assert set(changed) == {"valid_from", "valid_until"}
    assert "renewal.approve" in actions and "renewal.applied" in actions
    [mail] = factories.outbox("me@example.com", "renewal_approved")
    assert mail.params["number"] == cert.number
    mine = renewals.mine(me)
    assert mine.application.certificate_number == cert.number
    assert not mine.applied_this_cycle  # the new cycle has not been applied for
    assert not mine.eligibility.requirement("window").met
    with pytest.raises(DomainError) as twice:
        renewal_review.decide(boss, app_id, "approve")
    assert twice.value.key == "review.already_decided"


def test_two_reviewers_approving_at_once_make_one_certificate(db):
    first, _ = staff_principal("first@example.com", "reviewer")
    second, _ = staff_principal("second@example.com", "admin")
    me = renewing("me@example.com")
    app_id = renewals.apply(me, True)
    barrier = threading.Barrier(2)
    outcomes = []

    def act(reviewer):
        barrier.wait()
        try:
            renewal_review.decide(reviewer, app_id, "approve")
            outcomes.append("approved")
        except DomainError as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=act, args=(r,)) for r in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved", "review.already_decided"]
    with transaction() as session:
        assert len(session.exec(select(Certificate)).all()) == 1
    assert len(factories.outbox("me@example.com", "renewal_approved")) == 1


def test_a_registrant_cannot_use_the_secretariat_side(db):
    me = renewing("me@example.com")
    other = renewing("other@example.com")
    app_id = renewals.apply(other, True)
    for call in (
        lambda: renewal_review.decide(me, app_id, "approve"),
        lambda: renewal_review.queue(me),
        lambda: renewal_review.detail(me, app_id),
        lambda: renewal_review.mark_mailed(me, [1]),
        lambda: renewal_review.mailing_labels(me),
    ):
        with pytest.raises(NotAllowed):
            call()
    with pytest.raises(DomainError):
        renewals.withdraw(me, app_id)  # someone else's application behaves as unknown
    assert renewals.mine(other).application.status == "submitted"


def test_the_queue_shows_eligibility_then_and_now(db):
    boss, _ = staff_principal("boss@example.com", "reviewer")
    me = renewing("me@example.com")
    app_id = renewals.apply(me, True)
    with transaction() as session:
        record = session.get(type(record_of(me)), record_of(me).id)
        record.newsletter = False
    page = renewal_review.queue(boss)
    [row] = page.rows
    assert (row.id, row.eligible_then, row.eligible_now) == (app_id, True, False)
    detail = renewal_review.detail(boss, app_id)
    assert detail.snapshot["can_apply"] and not detail.current.can_apply
    assert renewal_review.detail(boss, 999_999) is None


def test_the_queue_finds_an_applicant_by_name_or_number_and_pages(db, monkeypatch):
    boss, _ = staff_principal("boss@example.com", "reviewer")
    first = renewing("first@example.com", family_name="佐藤", given_name="一郎")
    second = renewing("second@example.com", family_name="鈴木", given_name="二郎")
    for who in (first, second):
        renewals.apply(who, True)
    [found] = renewal_review.queue(boss, text="鈴木").rows
    assert found.name == "鈴木 二郎"
    number = record_of(first).registration_number
    assert [r.number for r in renewal_review.queue(boss, text=number).rows] == [number]
    assert renewal_review.queue(boss, text="nobody").total == 0
    assert renewal_review.queue(boss, status="approved", text="鈴木").rows == []
    monkeypatch.setattr(renewal_review, "PER_PAGE", 1)
    one, two = renewal_review.queue(boss, page=1), renewal_review.queue(boss, page=2)
    assert (one.pages, one.total, two.page) == (2, 2, 2)
    assert one.rows[0].id != two.rows[0].id
    assert renewal_review.queue(boss, page=99).page == 2  # past the end: the last page


def test_certificates_are_marked_mailed_and_listed_as_labels(db):
    boss, _ = staff_principal("boss@example.com", "reviewer")
    me = renewing("me@example.com", address="=HYPERLINK(1)")
    renewal_review.decide(boss, renewals.apply(me, True), "approve")
    [row] = renewal_review.to_mail(boss)
    labels = renewal_review.mailing_labels(boss).decode("utf-8-sig").splitlines()
    assert labels[0] == "postal_code,address,name,registration_number,certificate_number"
    assert labels[1].startswith("100-0001,'=HYPERLINK(1),山田 花子,")
    assert renewal_review.mark_mailed(boss, [row.certificate_id, "x"]) == 1
    assert renewal_review.mark_mailed(boss, [row.certificate_id]) == 0
    assert renewal_review.to_mail(boss) == []
    [cert] = renewals.mine(me).certificates
    assert (cert.mailing_status, cert.mailed_on) == ("mailed", today())
