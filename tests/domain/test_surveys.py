"""Anonymous surveys: drafts, who is asked, answering once, anonymity by construction,
small-number protection, CSV safety — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import inspect
from sqlmodel import select

from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors, NotAllowed
from portal.domain.surveys import answering, editing, results
from portal.domain.surveys.tables import SurveyAnswer, SurveyAnswered, SurveyAnswerPool
from tests import factories
from tests.domain.communications_people import change
from tests.support.catalogue import add_category
from tests.support.people import sign_in, staff_principal

TITLE = {"title_en": "How did we do?", "title_ja": "ご意見をお聞かせください"}


def survey(admin, **segment) -> int:
    survey_id = editing.create(admin, {**TITLE, **segment})
    editing.add_question(
        admin,
        survey_id,
        {
            "kind": "single",
            "text_en": "Age band",
            "text_ja": "年代",
            "choices": "under 30 | 30歳未満\n30 or over | 30歳以上",
            "required": True,
        },
    )
    editing.add_question(admin, survey_id, {"kind": "scale", "text_en": "Score", "text_ja": "評価"})
    editing.add_question(
        admin,
        survey_id,
        {"kind": "text", "text_en": "Anything else?", "text_ja": "その他", "max_length": "50"},
    )
    editing.add_question(
        admin,
        survey_id,
        {
            "kind": "multiple",
            "text_en": "Topics",
            "text_ja": "話題",
            "choices": "ethics | 倫理\nlaw | 法律\n=cmd | =cmd",
        },
    )
    return survey_id


def members(count: int, prefix: str = "m") -> list:
    people = []
    for n in range(count):
        factories.registrant(f"{prefix}{n}@example.com")
        people.append(sign_in(f"{prefix}{n}@example.com")[0])
    return people


def ask(person, survey_id: int, single="0", scale="4", text="", multiple=None) -> None:
    q = [q.id for q in answering.form(person, survey_id).questions]
    answering.answer(
        person,
        survey_id,
        {f"q{q[0]}": single, f"q{q[1]}": scale, f"q{q[2]}": text, f"q{q[3]}": multiple or []},
    )


def test_a_draft_changes_then_opens_fixed_and_a_copy_changes_again(db):
    admin, _ = staff_principal("s-admin@example.com")
    survey_id = survey(admin)
    editing.open_survey(admin, survey_id)
    with pytest.raises(DomainError) as fixed:
        editing.add_question(admin, survey_id, {"kind": "scale", "text_en": "x", "text_ja": "x"})
    assert fixed.value.key == "survey.not_draft"
    twin = editing.copy(admin, survey_id)
    editing.add_question(admin, twin, {"kind": "scale", "text_en": "x", "text_ja": "x"})
    editing.close_survey(admin, survey_id)
    assert [s.status for s in editing.listing(admin)] == ["draft", "closed"]
    empty = editing.create(admin, TITLE)
    with pytest.raises(DomainError):
        editing.open_survey(admin, empty)


def test_bad_questions_are_refused_on_their_fields(db):
    admin, _ = staff_principal("s-bad@example.com")
    survey_id = editing.create(admin, TITLE)
    with pytest.raises(FieldErrors) as refused:
        editing.add_question(
            admin, survey_id, {"kind": "single", "text_en": "", "choices": "only one"}
        )
    assert {"text_en", "text_ja", "choices"} <= set(refused.value.fields)
    with pytest.raises(FieldErrors):
        editing.add_question(
            admin, survey_id, {"kind": "text", "text_en": "x", "text_ja": "x", "max_length": "9999"}
        )


def test_only_the_segment_is_asked_each_answers_once_and_answers_are_checked(db):
    admin, _ = staff_principal("s-seg@example.com")
    add_category("student", self_service=True)
    student, other = members(2)
    change(student.account_id, category="student")
    survey_id = survey(admin, categories=["student"])
    assert answering.waiting_for(student) == []  # a draft asks nobody
    editing.open_survey(admin, survey_id)
    assert answering.waiting_for(student) == [(survey_id, "How did we do?")]
    assert answering.waiting_for(other) == []
    with pytest.raises(DomainError):
        answering.form(other, survey_id)
    q = [q.id for q in answering.form(student, survey_id).questions]
    for wrong, field in (
        ({f"q{q[0]}": "7"}, f"q{q[0]}"),
        ({f"q{q[0]}": "0", f"q{q[1]}": "9"}, f"q{q[1]}"),
        ({f"q{q[0]}": "0", f"q{q[2]}": "x" * 51}, f"q{q[2]}"),
        ({f"q{q[0]}": "0", f"q{q[3]}": ["5"]}, f"q{q[3]}"),
        ({}, f"q{q[0]}"),  # required
    ):
        with pytest.raises(FieldErrors) as refused:
            answering.answer(student, survey_id, wrong)
        assert field in refused.value.fields
    ask(student, survey_id)
    assert answering.waiting_for(student) == []
    with pytest.raises(DomainError):
        ask(student, survey_id)
    with pytest.raises(DomainError):
        ask(other, survey_id)


def test_answers_cannot_be_joined_to_who_answered(db):
    admin, _ = staff_principal("s-anon@example.com")
    survey_id = survey(admin)
    editing.open_survey(admin, survey_id)
    people = members(7, "anon")
    pool_ids: list[set[str]] = []
    for n, person in enumerate(people):
        ask(person, survey_id, single=str(n % 2), text=f"note {n}")
        with transaction() as db_session:
            pool_ids.append(set(db_session.exec(select(SurveyAnswerPool.id)).all()))
    # Each answer rewrites the pool under new ids: no waiting row outlives the next answer,
    # so none can be told apart as the one written beside a given "answered" mark.
    assert len(pool_ids[6]) == 2 and not pool_ids[5] & pool_ids[6]
    with transaction() as db_session:
        answers = db_session.exec(select(SurveyAnswer)).all()
        waiting = db_session.exec(select(SurveyAnswerPool)).all()
        marks = db_session.exec(select(SurveyAnswered)).all()
        columns = {c["name"] for c in inspect(db_session.connection()).get_columns("survey_answer")}
    assert columns == {"id", "survey_id", "day", "answers"}  # nothing that points to a person
    assert len(answers) == 5 and len(waiting) == 2 and len(marks) == 7
    assert all(len(a.id) == 32 and not a.id.isdigit() for a in answers)
    assert len({a.day for a in answers}) == 1  # the day of the move, the same for the batch
    editing.close_survey(admin, survey_id)  # two waited: too few to count, discarded
    with transaction() as db_session:
        assert len(db_session.exec(select(SurveyAnswer)).all()) == 5
        assert db_session.exec(select(SurveyAnswerPool)).all() == []
    assert results.results(admin, survey_id).answers == 5  # unchanged by closing


def test_results_only_from_the_minimum_number_of_answers(db):
    admin, _ = staff_principal("s-res@example.com")
    survey_id = survey(admin)
    editing.open_survey(admin, survey_id)
    people = members(5, "res")
    for person in people[:4]:
        ask(person, survey_id, multiple=["0", "2"], text="=HYPERLINK(1)")
    early = results.results(admin, survey_id)
    assert not early.shown and early.questions == [] and early.answers == 0
    with pytest.raises(DomainError):
        results.answers_csv(admin, survey_id)
    ask(people[4], survey_id, single="1", scale="2", multiple=["1"])
    found = results.results(admin, survey_id)
    assert found.shown and found.answers == 5
    age, score, text, topics = found.questions
    assert [(t.label, t.count, t.percent) for t in age.tallies] == [
        ("under 30", 4, 80),
        ("30 or over", 1, 20),
    ]
    assert [t.count for t in score.tallies] == [0, 1, 0, 4, 0]
    assert text.texts == ["=HYPERLINK(1)"] * 4
    assert [t.count for t in topics.tallies] == [4, 1, 4]
    rows = list(csv.reader(io.StringIO(results.answers_csv(admin, survey_id).decode("utf-8-sig"))))
    assert rows[0][0] == "day" and len(rows) == 6
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert any(cell == "'=HYPERLINK(1)" for row in rows for cell in row)


def test_the_renewal_moment_asks_only_after_an_approved_renewal(db):
    admin, _ = staff_principal("s-moment@example.com")
    survey_id = survey(admin, moment="renewal")
    editing.open_survey(admin, survey_id)
    [person] = members(1, "moment")
    assert answering.waiting_for(person) == []
    from portal.domain.core.clock import utcnow
    from portal.domain.renewal.tables import RenewalApplication

    record_id = factories_record_id(person.account_id)
    with transaction() as db_session:
        db_session.add(
            RenewalApplication(
                record_id=record_id,
                cycle_end=utcnow().date(),
                status="approved",
                decided_at=utcnow(),
            )
        )
    assert answering.waiting_for(person) == [(survey_id, "How did we do?")]


def factories_record_id(account_id: int) -> int:
    from portal.domain.registry.tables import RegistryRecord

    with transaction() as db_session:
        return db_session.exec(
            select(RegistryRecord.id).where(RegistryRecord.account_id == account_id)
        ).one()


def test_registrants_and_reviewers_cannot_change_or_read_surveys(db):
    reviewer, _ = staff_principal("s-reviewer@example.com", role="reviewer")
    with pytest.raises(NotAllowed):
        editing.create(reviewer, TITLE)
    [member] = members(1, "nosy")
    for call in (
        lambda: editing.listing(member),
        lambda: results.results(member, 1),
        lambda: results.answers_csv(member, 1),
        lambda: editing.open_survey(member, 1),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_the_attendance_moment_asks_those_credited_for_the_activity(db):
    import datetime as dt

    from portal.domain.core.clock import utcnow
    from portal.domain.points import catalogue
    from portal.domain.points.tables import Activity, ActivityCategory, Claim, ClaimEvent

    with transaction() as db_session:
        catalogue.ensure_categories(db_session)
        category_id = db_session.exec(select(ActivityCategory.id)).first()
        seminars = [
            Activity(
                title=title,
                category_id=category_id,
                starts_on=dt.date(2026, 11, 1),
                ends_on=dt.date(2026, 11, 1),
                points=1,
            )
            for title in ("Ethics", "Law")
        ]
        db_session.add_all(seminars)
        db_session.flush()
        ethics, law = (a.id for a in seminars)
    admin, _ = staff_principal("s-attend@example.com")
    with pytest.raises(FieldErrors):
        editing.create(admin, {**TITLE, "moment": "renewal", "activity_id": str(ethics)})
    survey_id = editing.create(admin, {**TITLE, "moment": "attendance", "activity_id": str(ethics)})
    editing.add_question(admin, survey_id, {"kind": "scale", "text_en": "x", "text_ja": "x"})
    editing.open_survey(admin, survey_id)
    came, elsewhere = members(2, "attend")

    def credit(person, activity_id: int) -> None:
        with transaction() as db_session:
            claim = Claim(
                record_id=factories_record_id(person.account_id),
                activity_id=activity_id,
                category_id=category_id,
                activity_date=dt.date(2026, 11, 1),
                points_requested=1,
                points_granted=1,
                status="approved",
                credited=True,
                decided_at=utcnow(),
            )
            db_session.add(claim)
            db_session.flush()
            db_session.add(ClaimEvent(claim_id=claim.id, kind="credited", points=1))

    credit(came, ethics)
    credit(elsewhere, law)
    assert answering.waiting_for(came) == [(survey_id, "How did we do?")]
    assert answering.waiting_for(elsewhere) == []


def test_one_reminder_to_those_who_chose_news_and_have_not_answered(db):
    from portal.domain.communications import announcements
    from portal.domain.outbox.tables import OutboxMessage
    from portal.domain.staff import outbox_admin
    from portal.domain.surveys import reminders
    from portal.mail import delivery
    from portal.settings import get_settings

    admin, _ = staff_principal("s-remind@example.com")
    survey_id = survey(admin)
    editing.open_survey(admin, survey_id)
    answered, waiting, quiet = members(3, "remind")
    for person in (answered, waiting):
        change(person.account_id, other_notices=True)
    ask(answered, survey_id)
    assert reminders.send(admin, survey_id) == 1
    with transaction() as db_session:
        [mail] = db_session.exec(
            select(OutboxMessage).where(OutboxMessage.template == reminders.REMINDER_TEMPLATE)
        ).all()
    mail = factories.opened(mail)
    assert mail.recipient == "remind1@example.com"
    assert f"/mypage/surveys/{survey_id}" in mail.params["body"]
    assert "topic=news" in mail.params["unsubscribe_url"]
    rendered = delivery.build_message(mail, get_settings())
    assert rendered["List-Unsubscribe"] and "How did we do?" in rendered["Subject"]
    # The outbox page would say who has not answered: it does not show these recipients.
    listed_mail = outbox_admin.page(admin).rows
    [row] = [r for r in listed_mail if r.template == reminders.REMINDER_TEMPLATE]
    assert row.recipient == ""
    [listed] = announcements.listing(admin)
    assert listed.copies == 1 and listed.subject == "Survey: How did we do?"
    with pytest.raises(DomainError):
        reminders.send(admin, survey_id)  # once
    later = survey(admin, moment="renewal")
    editing.open_survey(admin, later)
    with pytest.raises(DomainError):
        reminders.send(admin, later)  # asked at its moment, not by reminder
    assert quiet
