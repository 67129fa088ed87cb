"""Surveys on the pages: an admin builds and opens one, a registrant answers on their page
(once), results only from the minimum — and hostile clients get nothing."""

from __future__ import annotations

from sqlmodel import func, select

from portal.domain.core.db import transaction
from portal.domain.surveys.tables import Survey, SurveyAnswered
from portal.web.pages.admin.survey import AdminSurveyState
from portal.web.pages.admin.surveys import AdminSurveysState
from portal.web.pages.mypage.dashboard import DashboardState
from portal.web.pages.mypage.survey import SurveyAnswerState, SurveysWaitingState
from tests import factories
from tests.support.people import session_cookie, staff


def count(table) -> int:
    with transaction() as db:
        return db.exec(select(func.count()).select_from(table)).one()


async def test_build_open_answer_and_read_results(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false", PORTAL_SURVEY_MIN_RESPONSES="2")
    admin = tabs(staff("admin", "s-desk@example.com"))
    await admin.send(AdminSurveysState, "load", path="/admin/surveys")
    await admin.send(
        AdminSurveysState, "create", {"form": {"title_en": "Feedback", "title_ja": "ご意見"}}
    )
    [survey_id] = [str(i) for i in _ids()]
    path = f"/admin/surveys/{survey_id}"
    await admin.send(AdminSurveyState, "load", path=path)
    await admin.send(
        AdminSurveyState,
        "add_question",
        {"form": {"kind": "scale", "text_en": "Score", "text_ja": "評価", "required": "on"}},
        path=path,
    )
    await admin.send(AdminSurveyState, "open_survey", path=path)
    state = await admin.state(AdminSurveyState)
    assert state.status == "open" and len(state.questions) == 1
    assert state.questions[0]["details"] == "Scale 1 to 5 · Answer required"
    assert "enough" in state.results_note

    for n in range(2):
        factories.registrant(f"s-member{n}@example.com")
        me = tabs(session_cookie(f"s-member{n}@example.com"))
        await me.send(DashboardState, "load", path="/mypage")
        [waiting] = (await me.state(SurveysWaitingState)).waiting
        answer_path = f"/mypage/surveys/{waiting['id']}"
        # Until the check has run the page claims nothing ("not open to you" included).
        assert not (await me.state(SurveyAnswerState)).checked
        await me.send(SurveyAnswerState, "load", path=answer_path)
        assert (await me.state(SurveyAnswerState)).checked
        [question] = (await me.state(SurveyAnswerState)).questions
        await me.send(SurveyAnswerState, "submit", {"form": {}}, path=answer_path)
        assert question["name"] in (await me.state(SurveyAnswerState)).errors  # required
        await me.send(
            SurveyAnswerState, "submit", {"form": {question["name"]: "5"}}, path=answer_path
        )
        assert (await me.state(SurveyAnswerState)).done
        await me.send(SurveyAnswerState, "load", path=answer_path)  # again: not for them now
        assert not (await me.state(SurveyAnswerState)).found
    await admin.send(AdminSurveyState, "load", path=path)
    state = await admin.state(AdminSurveyState)
    assert [b["count"] for b in state.bars] == ["0", "0", "0", "0", "2"]


def _ids() -> list[int]:
    with transaction() as db:
        return list(db.exec(select(Survey.id)).all())


async def test_hostile_clients_cannot_build_read_or_answer_for_others(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    factories.registrant("s-nosy@example.com")
    for cookie in ("", "portal_session=forged", session_cookie("s-nosy@example.com")):
        tab = tabs(cookie)
        await tab.send(AdminSurveysState, "create", {"form": {"title_en": "x", "title_ja": "x"}})
        await tab.send(AdminSurveysState, "load", path="/admin/surveys")
        await tab.send(AdminSurveyState, "open_survey", path="/admin/surveys/1")
        assert (await tab.state(AdminSurveysState)).rows == []
    reviewer = tabs(staff("reviewer", "s-reader@example.com"))
    await reviewer.send(AdminSurveysState, "create", {"form": {"title_en": "x", "title_ja": "x"}})
    assert count(Survey) == 0
    anyone = tabs(session_cookie("s-nosy@example.com"))
    await anyone.send(SurveyAnswerState, "submit", {"form": {"q1": "1"}}, path="/mypage/surveys/1")
    assert count(SurveyAnswered) == 0
