import datetime as dt
import threading

import pytest
from sqlmodel import select

from portal.domain.accounts.actor import Actor
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.organisations import attendance_reports, proposals
from portal.domain.points import claims
from portal.domain.points.tables import Claim
from portal.domain.rules import standing
from tests import factories
from tests.domain.organisations.people import admin, org_user, provider
from tests.support.people import person, staff_principal


def catalogue_seminar(boss, clerk, days_ago: int = 10) -> int:
    """A seminar the clerk's organisation proposed and staff approved; its activity id."""
    day = (today() - dt.timedelta(days=days_ago)).isoformat()
    values = {"title": f"Seminar {days_ago}", "category": "seminar", "starts_on": day}
    proposal_id = proposals.propose(clerk, {**values, "points_requested": "2"})
    return proposals.approve(boss, proposal_id, "2", "seminar")


def csv_bytes(*rows: tuple[str, str]) -> bytes:
    lines = ["登録番号,氏名", *(f"{number},{name}" for number, name in rows)]
    return "\r\n".join(lines).encode("cp932")


@pytest.fixture
def scene(db):
    """An admin, a provider's clerk, an approved seminar ten days ago, three registrants."""
    people = [person(f"p{n}@example.com") for n in range(3)]  # (also adds the categories)
    boss = admin()
    clerk, _ = org_user(boss, "clerk@seminars.example", provider(boss))
    return boss, clerk, catalogue_seminar(boss, clerk), people


def test_the_preview_sorts_the_list_without_revealing_anyone(scene):
    _, clerk, seminar, ((_, n0, name0), (_, n1, _), (p2, n2, name2)) = scene
    claims.submit_catalogue(p2, seminar)  # an open claim for the same seminar
    data = csv_bytes(
        (n0, name0.replace(" ", "")),  # names match without spaces, in any width
        ("ZZ9999", "Nobody"),
        (n1, "Wrong Person"),
        (n0, name0),
        (n2, name2.upper()),
    )
    plan = attendance_reports.preview(clerk, seminar, data)
    assert [n for _, n, _ in plan.matched] == [n0]
    assert [n for _, n, _ in plan.unknown] == ["ZZ9999", n1]  # one answer for both
    assert [(n, name) for _, n, name in plan.unknown][1] == (n1, "Wrong Person")
    assert [line for line, _, _ in plan.repeated] == [5]
    assert [n for _, n, _ in plan.closing] == [n2]
    assert plan.credits == 2


def test_a_confirmed_list_credits_once_and_closes_open_claims(scene):
    boss, clerk, seminar, ((p0, n0, name0), _, (p2, n2, name2)) = scene
    claims.submit_catalogue(p2, seminar)
    data = csv_bytes((n0, name0), (n2, name2))
    report_id = attendance_reports.submit(clerk, seminar, data, "list.csv")
    assert factories.outbox("clerk@seminars.example", "attendance_received")
    assert [r.id for r in attendance_reports.waiting(boss)] == [report_id]
    assert standing.own(p0).count.counted == 0  # nothing before the secretariat confirms
    attendance_reports.confirm(boss, report_id)
    [credited] = claims.my_claims(p0)
    assert credited.credited and credited.status == "approved"
    assert [(e.kind, e.message) for e in credited.timeline] == [("reported", "Tokyo Seminars")]
    [closed] = claims.my_claims(p2)
    assert not closed.credited and closed.status == "approved"
    assert [e.kind for e in closed.timeline][-1] == "confirmed"
    assert standing.own(p0).count.counted == 2 and standing.own(p2).count.counted == 2
    [mail] = factories.outbox("clerk@seminars.example", "attendance_confirmed")
    assert mail.params["count"] == 2
    # The same people on a second list: nothing left to credit.
    again = attendance_reports.preview(clerk, seminar, data)
    assert again.credits == 0 and len(again.already) == 2
    with pytest.raises(DomainError) as nothing:
        attendance_reports.submit(clerk, seminar, data)
    assert nothing.value.key == "attendance.nothing_to_credit"
    assert attendance_reports.of_my_organisation(clerk)[0].status == "confirmed"


def test_two_staff_confirming_one_list_credit_once(scene):
    boss, clerk, seminar, ((_, n0, name0), _, _) = scene
    other = staff_principal("second@example.com")[0]
    report_id = attendance_reports.submit(clerk, seminar, csv_bytes((n0, name0)))
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def confirm(who) -> None:
        start.wait()
        try:
            attendance_reports.confirm(who, report_id)
            outcomes.append("done")
        except DomainError as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=confirm, args=(who,)) for who in (boss, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["attendance.already_decided", "done"]
    with transaction() as db:
        assert len(db.exec(select(Claim).where(Claim.activity_id == seminar)).all()) == 1


def test_a_returned_list_credits_nothing_and_says_why(scene):
    boss, clerk, seminar, ((p0, n0, name0), _, _) = scene
    report_id = attendance_reports.submit(clerk, seminar, csv_bytes((n0, name0)))
    with pytest.raises(FieldErrors):
        attendance_reports.send_back(boss, report_id, " ")
    attendance_reports.send_back(boss, report_id, "Add the afternoon session.")
    [mail] = factories.outbox("clerk@seminars.example", "attendance_returned")
    assert mail.params["reason"] == "Add the afternoon session."
    assert claims.my_claims(p0) == []
    with pytest.raises(DomainError) as decided:
        attendance_reports.confirm(boss, report_id)
    assert decided.value.key == "attendance.already_decided"


def test_a_trusted_association_credits_on_submission(scene, configure):
    configure(PORTAL_ATTENDANCE_AUTO_CREDIT="true")
    _, clerk, seminar, ((p0, n0, name0), _, _) = scene
    attendance_reports.submit(clerk, seminar, csv_bytes((n0, name0)))
    assert standing.own(p0).count.counted == 2
    assert attendance_reports.of_my_organisation(clerk)[0].status == "confirmed"


def test_only_its_own_activities_once_they_took_place_and_only_staff_decide(scene):
    boss, clerk, seminar, ((p0, n0, name0), _, _) = scene
    data = csv_bytes((n0, name0))
    future = catalogue_seminar(boss, clerk, days_ago=-5)
    with pytest.raises(DomainError) as early:
        attendance_reports.preview(clerk, future, data)
    assert early.value.key == "attendance.not_yet"
    other, _ = org_user(boss, "desk@lectures.example", provider(boss, "Osaka Lectures"))
    for activity_id in (seminar, 99999):
        with pytest.raises(DomainError) as foreign:
            attendance_reports.submit(other, activity_id, data)
        assert foreign.value.key == "catalogue.unknown"
    with pytest.raises(DomainError) as unnamed:
        attendance_reports.preview(clerk, seminar, f"{n0}\r\n".encode())
    assert unnamed.value.key == "attendance.names_required"
    for who in (boss, p0):
        with pytest.raises(NotAllowed):
            attendance_reports.preview(who, seminar, data)
    report_id = attendance_reports.submit(clerk, seminar, data)
    assert attendance_reports.of_my_organisation(other) == []
    for attempt in (
        lambda: attendance_reports.waiting(clerk),
        lambda: attendance_reports.confirm(clerk, report_id),
        lambda: attendance_reports.send_back(p0, report_id, "no"),
    ):
        with pytest.raises(NotAllowed):
            attempt()


def test_previews_cannot_be_used_to_search_the_registry(scene):
    """An organisation pairing candidate numbers and names is capped per hour, each check
    is audited with what it matched, and a list cannot be a dump of guesses."""
    _, clerk, seminar, ((_, n0, name0), _, _) = scene
    for _ in range(attendance_reports.PREVIEWS_PER_HOUR):
        attendance_reports.preview(
            Actor(clerk.principal, "198.51.100.4"), seminar, csv_bytes((n0, name0))
        )
    with pytest.raises(DomainError, match=r"attendance\.too_many_previews"):
        attendance_reports.preview(clerk, seminar, csv_bytes((n0, name0)))
    with transaction() as db:
        audited = db.exec(
            select(AuditEvent).where(AuditEvent.action == "organisation.attendance_previewed")
        ).all()
    assert len(audited) == attendance_reports.PREVIEWS_PER_HOUR
    assert audited[0].actor_account_id == clerk.account_id and audited[0].ip == "198.51.100.4"
    assert audited[0].detail == {"lines": 1, "matched": 1}


def test_an_attendance_list_is_as_long_as_a_real_one_at_most(scene):
    _, clerk, seminar, _ = scene
    guesses = [(f"D{n:06d}", "Sato Hanako") for n in range(attendance_reports.MAX_LINES + 1)]
    with pytest.raises(DomainError, match=r"attendance\.too_many_lines"):
        attendance_reports.preview(clerk, seminar, csv_bytes(*guesses))
    with pytest.raises(DomainError, match=r"import\.too_large"):
        attendance_reports.preview(clerk, seminar, b"x" * (attendance_reports.MAX_BYTES + 1))
