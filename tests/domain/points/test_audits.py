"""The audit draw: a uniformly random sample of accepted self-declared claims, each drawn
at most once, recorded and mailed; only admins (or the command line) draw."""

import datetime as dt
import random

import pytest
from sqlmodel import select

from portal.domain.audit.tables import AuditEvent
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.points import audits, catalogue, claims, evidence
from portal.domain.points.tables import AuditDraw, Claim, ClaimAudit, ClaimEvent
from portal.domain.rules import standing
from tests import factories
from tests.support.catalogue import PDF, activity
from tests.support.people import registrant_principal, reviewer, staff_principal

PEOPLE: dict[str, object] = {}  # the registrants made by declared_claims, by address


def declared_claims(admin, people: int, category: str = "seminar") -> list[int]:
    """One self-declared claim per new registrant, in `category` (each signed in, kept in
    PEOPLE)."""
    with transaction() as session:
        catalogue.ensure_categories(session)
    catalogue.set_review_mode(admin, category, "self_declared")
    made = []
    for n in range(people):
        me = PEOPLE[f"{category}{n}@example.com"] = registrant_principal(
            f"{category}{n}@example.com"
        )
        made.append(
            claims.submit_catalogue(me, activity(admin, days_ago=10 + n, category=category))
        )
    return made


def test_only_accepted_self_declared_claims_are_drawn_and_never_twice(db):
    admin, _ = staff_principal("boss@example.com", "admin")
    reviewed = claims.submit_catalogue(
        registrant_principal("waits@example.com"), activity(admin, days_ago=5, category="lecture")
    )
    made = declared_claims(admin, 20)
    with transaction() as session:
        session.get(Claim, made[0]).status = "withdrawn"
        session.get(Claim, made[1]).status = "rejected"
    first = audits.draw(admin, 10)
    assert first.population == 18 and len(first.claim_ids) == 2  # 10 % of 18, rounded up
    assert set(first.claim_ids) <= set(made[2:]) and reviewed not in first.claim_ids
    rest = audits.draw(admin, 100)
    assert rest.population == 16 and set(rest.claim_ids) == set(made[2:]) - set(first.claim_ids)
    assert audits.draw(admin, 100).claim_ids == ()
    with transaction() as session:
        assert len(session.exec(select(ClaimAudit)).all()) == 18
        draws = session.exec(select(AuditDraw).order_by(AuditDraw.id)).all()
    assert [(d.population, d.drawn, d.started_by) for d in draws] == [
        (18, 2, admin.account_id),
        (16, 16, admin.account_id),
        (0, 0, admin.account_id),
    ]


def test_a_drawn_registrant_is_mailed_what_to_send_by_when_and_the_draw_is_audited(db):
    admin, _ = staff_principal("boss@example.com", "admin")
    [claim_id] = declared_claims(admin, 1)
    drawn = audits.draw(None, 5)  # the command line; at least one claim
    assert drawn.claim_ids == (claim_id,) and drawn.due_on == today() + dt.timedelta(days=30)
    [mail] = factories.outbox("seminar0@example.com", "claim_audit")
    assert mail.params["title"] == "Seminar 10" and mail.params["points"] == 2
    with transaction() as session:
        [audit] = session.exec(select(ClaimAudit)).all()
        kinds = session.exec(select(ClaimEvent.kind).where(ClaimEvent.claim_id == claim_id)).all()
        [entry] = session.exec(select(AuditEvent).where(AuditEvent.action == "audits.draw")).all()
    assert (audit.status, audit.due_on) == ("waiting", drawn.due_on)
    assert kinds == ["self_declared", "audit_drawn"]
    assert entry.detail["claims"] == [claim_id] and entry.detail["population"] == 1
    assert entry.actor_account_id is None  # the command line


def test_a_dry_run_and_the_filters(db):
    admin, _ = staff_principal("boss@example.com", "admin")
    seminars = declared_claims(admin, 4)
    others = declared_claims(admin, 2, category="lecture")
    assert audits.draw(admin, 100, category="lecture", dry_run=True).claim_ids == tuple(others)
    recent = audits.draw(admin, 100, since=today() - dt.timedelta(days=11), dry_run=True)
    assert set(recent.claim_ids) == {seminars[0], seminars[1], others[0], others[1]}
    with transaction() as session:
        assert session.exec(select(AuditDraw)).all() == []  # a dry run writes nothing


def test_only_admins_draw_and_at_a_sensible_rate(db):
    admin, _ = staff_principal("boss@example.com", "admin")
    declared_claims(admin, 2)
    for someone in (reviewer(), registrant_principal("nosy@example.com")):
        with pytest.raises(NotAllowed):
            audits.draw(someone, 50)
    for rate in (0, -5, 101, "ten", float("nan")):
        with pytest.raises(FieldErrors):
            audits.draw(admin, rate)
    with pytest.raises(FieldErrors):
        audits.draw(admin, 10, category="nonsense")
    assert audits.sample_size(0, 10) == 0 and audits.sample_size(3, 10) == 1
    assert audits.sample_size(20, 10) == 2 and audits.sample_size(21, 10) == 3


def test_the_draw_is_uniform(db):
    """Over 1,200 draws of 3 claims in 10, each claim is drawn about as often as any other
    (chi-square, 9 degrees of freedom, below the 0.1 % critical value 27.88)."""
    admin, _ = staff_principal("boss@example.com", "admin")
    made = declared_claims(admin, 10)
    seeded = random.Random(29)
    counts = dict.fromkeys(made, 0)
    rounds = 1200
    for _ in range(rounds):
        for claim_id in audits.draw(admin, 30, dry_run=True, chooser=seeded).claim_ids:
            counts[claim_id] += 1
    expected = rounds * 3 / 10
    chi_square = sum((seen - expected) ** 2 / expected for seen in counts.values())
    assert chi_square < 27.88, counts


def test_a_claim_another_draw_took_is_not_drawn_again(db):
    admin, _ = staff_principal("boss@example.com", "admin")
    [claim_id] = declared_claims(admin, 1)
    with transaction() as session:  # as if another draw had just taken it
        other = AuditDraw(percent=100, population=1, drawn=1)
        session.add(other)
        session.flush()
        session.add(ClaimAudit(claim_id=claim_id, draw_id=other.id, due_on=today()))
    assert audits.draw(admin, 100).claim_ids == ()


def drawn_claim(admin):
    [claim_id] = declared_claims(admin, 1)
    [audit_id] = audit_ids()
    return claim_id, audit_id


def audit_ids() -> list[int]:
    audits.draw(None, 100)
    with transaction() as session:
        return list(session.exec(select(ClaimAudit.id)).all())


def test_the_registrant_answers_and_a_reviewer_fails_it_so_the_points_stop_counting(db):
    admin, _ = staff_principal("boss@example.com", "admin")
    claim_id, audit_id = drawn_claim(admin)
    me = PEOPLE["seminar0@example.com"]
    assert standing.own(me).count.counted == 2  # counted while under audit
    with pytest.raises(DomainError):
        evidence.attach(registrant_principal("other@example.com"), claim_id, "x.pdf", PDF)
    evidence.attach(me, claim_id, "受講証明.pdf", PDF)
    with transaction() as session:
        assert session.get(ClaimAudit, audit_id).status == "sent"
    with pytest.raises(NotAllowed):
        audits.decide(me, audit_id, True)  # nobody passes their own audit
    with pytest.raises(FieldErrors):
        audits.decide(reviewer(), audit_id, False, " ")  # failing needs a reason
    audits.decide(reviewer(), audit_id, False, "The certificate is for another seminar")
    assert standing.own(me).count.counted == 0
    [mail] = factories.outbox("seminar0@example.com", "claim_audit_failed")
    assert mail.params["reason"] == "The certificate is for another seminar"
    with pytest.raises(DomainError) as twice:
        audits.decide(reviewer(), audit_id, True)
    assert twice.value.key == "review.already_decided"
    with transaction() as session:
        assert session.get(Claim, claim_id).status == "rejected"


def test_a_passed_audit_keeps_the_points_and_says_so(db):
    admin, _ = staff_principal("boss@example.com", "admin")
    _, audit_id = drawn_claim(admin)
    audits.decide(reviewer(), audit_id, True)
    assert standing.own(PEOPLE["seminar0@example.com"]).count.counted == 2
    assert len(factories.outbox("seminar0@example.com", "claim_audit_passed")) == 1


def test_an_audit_without_evidence_by_its_day_ends_overdue_and_the_points_stop_counting(db):
    admin, _ = staff_principal("boss@example.com", "admin")
    claim_id, audit_id = drawn_claim(admin)
    answered_claim = declared_claims(admin, 1, category="lecture")[0]
    audits.draw(None, 100)
    evidence.attach(PEOPLE["lecture0@example.com"], answered_claim, "a.pdf", PDF)
    due = today() + dt.timedelta(days=30)
    assert audits.close_overdue(due) == 0  # the last day is still in time
    assert audits.close_overdue(due + dt.timedelta(days=1)) == 1  # the answered one waits
    with transaction() as session:
        assert session.get(ClaimAudit, audit_id).status == "overdue"
        assert session.get(Claim, claim_id).status == "rejected"
    assert standing.own(PEOPLE["seminar0@example.com"]).count.counted == 0
    assert len(factories.outbox("seminar0@example.com", "claim_audit_overdue")) == 1
    assert audits.close_overdue(due + dt.timedelta(days=2)) == 0
