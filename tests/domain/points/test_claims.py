import datetime as dt
import threading

import pytest
from sqlmodel import select

from portal.domain.audit.tables import AuditEvent
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.points import catalogue, claim_review, claims, evidence
from portal.domain.points.tables import Claim, ClaimEvent, EvidenceFile
from portal.domain.registry.tables import RegistryRecord
from portal.domain.rules import standing
from portal.settings import get_settings
from tests import factories
from tests.support.catalogue import PDF, activity
from tests.support.people import registrant_principal, staff_principal

PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 100


def test_catalogue_values_are_checked_per_field(db):
    boss, _ = staff_principal("boss@example.com")
    with transaction() as session:
        catalogue.ensure_categories(session)
    with pytest.raises(FieldErrors) as refused:
        catalogue.save_activity(
            boss,
            None,
            {"title": "", "category": "party", "starts_on": "2026-02-30", "points": "0"},
        )
    assert set(refused.value.fields) == {"title", "category", "starts_on", "points"}
    registrant = registrant_principal("reader@example.com")
    with pytest.raises(NotAllowed):
        catalogue.save_activity(registrant, None, {"title": "Mine", "category": "seminar"})


def test_claim_a_catalogue_activity_once_and_inside_the_period(db):
    boss, _ = staff_principal("boss@example.com")
    me = registrant_principal("me@example.com")
    seminar = activity(boss)
    claim_id = claims.submit_catalogue(me, seminar)
    with pytest.raises(DomainError) as twice:
        claims.submit_catalogue(me, seminar)
    assert twice.value.key == "claims.duplicate"
    old = activity(boss, days_ago=400)
    with pytest.raises(DomainError) as outside:
        claims.submit_catalogue(me, old)
    assert outside.value.key == "claims.outside_period" and outside.value.params["start"]
    claims.withdraw(me, claim_id)
    claims.submit_catalogue(me, seminar)  # a withdrawn claim frees the activity
    [newest, withdrawn] = claims.my_claims(me)
    assert (newest.status, withdrawn.status) == ("submitted", "withdrawn")
    assert [e.kind for e in withdrawn.timeline] == ["submitted", "withdrawn"]


def test_other_activity_fields_and_someone_elses_claim(db):
    me = registrant_principal("me@example.com")
    other = registrant_principal("other@example.com")
    with pytest.raises(FieldErrors) as refused:
        claims.submit_other(me, {"description": "", "activity_date": "x", "points": "99"})
    assert set(refused.value.fields) == {"description", "organiser", "activity_date", "points"}
    claim_id = claims.submit_other(
        me,
        {
            "description": "地域の就労支援セミナー",
            "organiser": "区役所",
            "activity_date": (today() - dt.timedelta(days=10)).isoformat(),
            "points": "1",
        },
    )
    for attempt in (
        lambda: claims.withdraw(other, claim_id),
        lambda: claims.answer(other, claim_id, "hi"),
        lambda: evidence.attach(other, claim_id, "x.pdf", PDF),
    ):
        with pytest.raises(DomainError) as refused_other:
            attempt()
        assert refused_other.value.key == "claims.unknown"
    assert claims.my_claims(other) == []


def test_evidence_is_checked_by_content_and_served_to_owner_and_staff_only(db, configure):
    configure(PORTAL_EVIDENCE_MAX_FILES="2", PORTAL_EVIDENCE_MAX_MB="1")
    boss, _ = staff_principal("boss@example.com")
    me = registrant_principal("me@example.com")
    other = registrant_principal("other@example.com")
    claim_id = claims.submit_catalogue(me, activity(boss))
    with pytest.raises(DomainError) as wrong:
        evidence.attach(me, claim_id, "evil.pdf", b"MZ\x90\x00 not a pdf")
    assert wrong.value.key == "evidence.wrong_type"
    with pytest.raises(DomainError) as big:
        evidence.attach(me, claim_id, "big.pdf", b"%PDF-" + b"x" * (1024 * 1024))
    assert big.value.key == "evidence.too_large"
    file_id = evidence.attach(me, claim_id, "../../etc/passwd.pdf", PDF)
    evidence.attach(me, claim_id, "photo.png", PNG)
    with pytest.raises(DomainError) as many:
        evidence.attach(me, claim_id, "third.png", PNG)
    assert many.value.key == "evidence.too_many"
    mine = evidence.read(me, file_id)
    assert (mine.name, mine.content_type, mine.data) == ("passwd.pdf", "application/pdf", PDF)
    assert evidence.read(boss, file_id).data == PDF
    for stranger_id in (file_id, 99999, "1"):
        with pytest.raises(DomainError) as hidden:
            evidence.read(other, stranger_id)
        assert hidden.value.key == "evidence.unknown"
    with transaction() as session:
        stored = session.exec(select(EvidenceFile.stored_name)).all()
    folder = get_settings().data_dir / "evidence"
    assert len(stored) == 2 and all((folder / name).is_file() for name in stored)
    assert not any("passwd" in name or "/" in name for name in stored)


def test_review_ask_answer_approve_and_count(db):
    boss, _ = staff_principal("boss@example.com")
    me = registrant_principal("me@example.com")
    claim_id = claims.submit_catalogue(me, activity(boss, points=3))
    claim_review.start_review(boss, claim_id)
    with pytest.raises(FieldErrors):
        claim_review.decide(boss, claim_id, "ask", "")
    claim_review.decide(boss, claim_id, "ask", "Please add the certificate of attendance.")
    assert factories.outbox("me@example.com", "claim_info_requested")
    claims.answer(me, claim_id, "Attached.")
    with pytest.raises(FieldErrors) as adjust:
        claim_review.decide(boss, claim_id, "approve", "", points=2)
    assert "reason" in adjust.value.fields
    claim_review.decide(boss, claim_id, "approve", "Half day attended", points=2)
    [view] = claims.my_claims(me)
    assert [e.kind for e in view.timeline] == [
        "submitted",
        "in_review",
        "info_requested",
        "answered",
        "approved",
    ]
    held = standing.own(me)
    assert (held.count.counted, held.count.pending, held.required) == (2, 0, 5)
    with pytest.raises(DomainError) as again:
        claim_review.decide(boss, claim_id, "reject", "changed my mind")
    assert again.value.key == "review.already_decided"
    with pytest.raises(NotAllowed):
        claim_review.decide(me, claim_id, "approve", "")


def test_two_reviewers_at_once_make_exactly_one_decision(db):
    first, _ = staff_principal("first@example.com")
    second, _ = staff_principal("second@example.com", "reviewer")
    me = registrant_principal("me@example.com")
    claim_id = claims.submit_catalogue(me, activity(first))
    barrier = threading.Barrier(2)
    outcomes = []

    def act(reviewer, action):
        barrier.wait()
        try:
            claim_review.decide(reviewer, claim_id, action, "reason")
            outcomes.append(action)
        except DomainError as exc:
            outcomes.append(exc.key)

    threads = [
        threading.Thread(target=act, args=(first, "approve")),
        threading.Thread(target=act, args=(second, "reject")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("review.already_decided") == 1
    assert {"approve", "reject"} & set(outcomes)
    with transaction() as session:
        decisions = session.exec(
            select(ClaimEvent.kind).where(ClaimEvent.kind.in_(["approved", "rejected"]))
        ).all()
        audits = session.exec(
            select(AuditEvent.action).where(AuditEvent.action.startswith("claim."))
        ).all()
        status = session.exec(select(Claim.status)).one()
    assert len(decisions) == 1 and len(audits) == 1 and status in ("approved", "rejected")
    mails = factories.outbox("me@example.com", "claim_approved") + factories.outbox(
        "me@example.com", "claim_rejected"
    )
    assert len(mails) == 1


def test_queue_is_oldest_first_filtered_and_counts_up_to_a_cap(db, monkeypatch):
    boss, _ = staff_principal("boss@example.com")
    me = registrant_principal("me@example.com")
    first = claims.submit_catalogue(me, activity(boss, days_ago=30))
    second = claims.submit_catalogue(me, activity(boss, days_ago=20, category="lecture"))
    everything = claim_review.queue(boss, claim_review.QueueQuery())
    assert [r.id for r in everything.rows] == [first, second] and not everything.more
    lectures = claim_review.queue(boss, claim_review.QueueQuery(category="lecture"))
    assert [r.id for r in lectures.rows] == [second]
    monkeypatch.setattr(claim_review, "COUNT_CAP", 1)
    capped = claim_review.queue(boss, claim_review.QueueQuery())
    assert (capped.total, capped.more) == (1, True)
    with pytest.raises(NotAllowed):
        claim_review.queue(me, claim_review.QueueQuery())


def test_the_first_and_last_day_of_the_period_are_inside(db):
    me = registrant_principal("me@example.com")
    with transaction() as session:
        record = session.exec(select(RegistryRecord)).one()
        first, last = record.valid_from, record.valid_until
    for day, inside in (
        (first, True),
        (last, True),
        (first - dt.timedelta(days=1), False),
        (last + dt.timedelta(days=1), False),
    ):
        values = {"description": "Talk", "organiser": "Org", "points": "1"}
        values["activity_date"] = day.isoformat()
        if inside:
            claims.submit_other(me, values)
        else:
            with pytest.raises(DomainError) as refused:
                claims.submit_other(me, values)
            assert refused.value.key == "claims.outside_period"
