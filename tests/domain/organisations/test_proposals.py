import threading

import pytest
from sqlmodel import select

from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.organisations import proposals
from portal.domain.points import catalogue
from portal.domain.points.tables import Activity
from tests import factories
from tests.domain.organisations.people import admin, org_user, provider
from tests.support.people import staff_principal

SEMINAR = {
    "title": "Interviewing skills",
    "category": "seminar",
    "starts_on": "2026-12-10",
    "ends_on": "",
    "points_requested": "2",
    "description": "Half a day, with role play.",
    "place": "Shinjuku",
    "online": "",
    "capacity": "40",
    "language": "en",
}


@pytest.fixture
def people(db):
    with transaction() as session:
        catalogue.ensure_categories(session)
    boss = admin()
    clerk, _ = org_user(boss, "clerk@seminars.example", provider(boss))
    return boss, clerk


def test_a_provider_proposes_and_staff_approve_it_into_the_catalogue(people):
    boss, clerk = people
    proposal_id = proposals.propose(clerk, SEMINAR)
    assert factories.outbox("clerk@seminars.example", "proposal_received")
    [mine] = proposals.of_my_organisation(clerk)
    assert (mine.id, mine.status, mine.capacity, mine.ends_on) == (
        proposal_id,
        "submitted",
        40,
        mine.starts_on,
    )
    assert [p.id for p in proposals.waiting(boss)] == [proposal_id]
    activity_id = proposals.approve(boss, proposal_id, "2", "seminar")
    with transaction() as db:
        activity = db.get(Activity, activity_id)
        assert (activity.title, activity.points, activity.organiser) == (
            "Interviewing skills",
            2,
            "Tokyo Seminars",
        )
    [mail] = factories.outbox("clerk@seminars.example", "proposal_approved")
    assert mail.params["points"] == 2
    assert proposals.of_my_organisation(clerk)[0].status == "approved"
    assert proposals.waiting(boss) == []


def test_changing_points_or_category_needs_a_reason_that_the_provider_reads(people):
    boss, clerk = people
    proposal_id = proposals.propose(clerk, SEMINAR)
    for points, category in (("1", "seminar"), ("2", "lecture")):
        with pytest.raises(FieldErrors) as refused:
            proposals.approve(boss, proposal_id, points, category, reason=" ")
        assert set(refused.value.fields) == {"reason"}
    proposals.approve(boss, proposal_id, "1", "lecture", reason="A lecture, two hours.")
    [mail] = factories.outbox("clerk@seminars.example", "proposal_approved")
    assert mail.params["reason"] == "A lecture, two hours."
    mine = proposals.of_my_organisation(clerk)[0]
    assert (mine.category, mine.points_granted) == ("lecture", 1)


def test_returning_needs_a_reason_and_a_decision_is_taken_once(people):
    boss, clerk = people
    proposal_id = proposals.propose(clerk, SEMINAR)
    with pytest.raises(FieldErrors):
        proposals.send_back(boss, proposal_id, "")
    proposals.send_back(boss, proposal_id, "Give the programme.")
    [mail] = factories.outbox("clerk@seminars.example", "proposal_returned")
    assert mail.params["reason"] == "Give the programme."
    with pytest.raises(DomainError) as again:
        proposals.approve(boss, proposal_id, "2", "seminar")
    assert again.value.key == "proposal.already_decided"
    with pytest.raises(DomainError) as unknown:
        proposals.send_back(boss, 999, "x")
    assert unknown.value.key == "proposal.unknown"


def test_two_staff_deciding_at_once_make_one_catalogue_entry(people):
    boss, clerk = people
    other = staff_principal("second@example.com")[0]
    proposal_id = proposals.propose(clerk, SEMINAR)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def decide(who, approve: bool) -> None:
        start.wait()
        try:
            if approve:
                proposals.approve(who, proposal_id, "2", "seminar")
            else:
                proposals.send_back(who, proposal_id, "Not for us.")
            outcomes.append("done")
        except DomainError as exc:
            outcomes.append(exc.key)

    threads = [
        threading.Thread(target=decide, args=(boss, True)),
        threading.Thread(target=decide, args=(other, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "proposal.already_decided"]
    with transaction() as db:
        activities = db.exec(select(Activity)).all()
    status = proposals.of_my_organisation(clerk)[0].status
    assert len(activities) == (1 if status == "approved" else 0)


def test_every_field_is_checked_and_nothing_is_kept_of_a_refused_proposal(people):
    _, clerk = people
    bad = {
        **SEMINAR,
        "title": "",
        "category": "nap",
        "starts_on": "2026-02-30",
        "points_requested": "0",
        "capacity": "-3",
        "description": "x" * 1001,
    }
    with pytest.raises(FieldErrors) as refused:
        proposals.propose(clerk, bad)
    assert set(refused.value.fields) == {
        "title",
        "category",
        "starts_on",
        "points_requested",
        "capacity",
        "description",
    }
    assert proposals.of_my_organisation(clerk) == []


def test_only_organisation_users_propose_and_only_staff_decide(people):
    boss, clerk = people
    factories.registrant("reg@example.com")
    reviewer = staff_principal("rev@example.com", "reviewer")[0]
    proposal_id = proposals.propose(clerk, SEMINAR)
    for who in (boss, reviewer):
        with pytest.raises(NotAllowed):
            proposals.propose(who, SEMINAR)
        with pytest.raises(NotAllowed):
            proposals.of_my_organisation(who)
    with pytest.raises(NotAllowed):
        proposals.waiting(clerk)
    with pytest.raises(NotAllowed):
        proposals.approve(clerk, proposal_id, "2", "seminar")
    with pytest.raises(NotAllowed):
        proposals.send_back(clerk, proposal_id, "no")


def test_an_organisation_sees_only_its_own_proposals(people):
    boss, clerk = people
    other, _ = org_user(boss, "desk@lectures.example", provider(boss, "Osaka Lectures"))
    proposals.propose(clerk, SEMINAR)
    proposals.propose(other, {**SEMINAR, "title": "Osaka lecture"})
    assert [p.title for p in proposals.of_my_organisation(clerk)] == ["Interviewing skills"]
    assert [p.title for p in proposals.of_my_organisation(other)] == ["Osaka lecture"]
