"""/mypage/surveys/[survey_id]: answer a survey once, anonymously — or skip it (never a gate
to anything). The "Surveys for you" card of /mypage lives here too."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.domain.surveys import answering
from portal.settings import get_settings
from portal.web.changes import PageState
from portal.web.components.forms import error_summary, form, labelled_checkbox, primary_button
from portal.web.components.layout import card, shell
from portal.web.components.text import t
from portal.web.errors import field_messages
from portal.web.guard import Need, guarded
from portal.web.ids import path_id
from portal.web.session import translator

SCALE = ("1", "2", "3", "4", "5")


class SurveyAnswerState(PageState, rx.State):
    """The survey's questions as display strings; what was answered never comes back."""

    checked: bool = False  # whether `load` has asked; until then the page shows a placeholder
    found: bool = False
    done: bool = False
    title: str = ""
    anonymity: str = ""  # what the survey promises, with the minimum number of answers
    questions: list[dict] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012

    @rx.event
    @guarded(Need.REGISTRANT)
    async def load(self, actor: Actor):
        """The questions, when this registrant may answer this survey."""
        self.done, self.errors = False, {}
        survey_id = path_id(self)
        try:
            if survey_id is None:
                raise DomainError("survey.not_for_you")
            found = await asyncio.to_thread(answering.form, actor, survey_id)
        except DomainError:
            self.found, self.questions, self.title = False, [], ""
            self.checked = True
            return None
        self.found, self.title, self.checked = True, found.title, True
        tr = await translator(self)
        self.anonymity = tr("survey.anonymous_note", count=get_settings().survey_min_responses)
        self.questions = [
            {
                "name": f"q{q.id}",
                "kind": q.kind,
                "text": q.text,
                "required": "yes" if q.required else "",
                "max_length": str(q.max_length),
                "choices": [{"value": str(i), "label": c} for i, c in enumerate(q.choices)],
            }
            for q in found.questions
        ]
        return None

    @rx.event
    @guarded(Need.REGISTRANT)
    async def submit(self, actor: Actor, form: dict):
        """Send the answers; they are kept apart from who gave them."""
        survey_id = path_id(self)
        if survey_id is None or not isinstance(form, dict):
            return None
        tr = await translator(self)
        values: dict[str, object] = {}
        for q in self.questions:
            name = q["name"]
            if q["kind"] == "multiple":
                values[name] = [
                    c["value"] for c in q["choices"] if form.get(f"{name}:{c['value']}") == "on"
                ]
            else:
                raw = form.get(name, "")
                values[name] = raw[:2000] if isinstance(raw, str) else ""
        try:
            await asyncio.to_thread(answering.answer, actor, survey_id, values)
        except DomainError as exc:
            self.errors, problem = field_messages(exc, tr)
            if problem:
                self.found = False
            return rx.set_focus("error-summary") if self.errors else None
        self.done, self.errors, self.questions = True, {}, []
        return rx.scroll_to("main")


class SurveysWaitingState(PageState, rx.State):
    """The surveys waiting for the signed-in registrant (filled by DashboardState.load)."""

    waiting: list[dict[str, str]] = []  # noqa: RUF012

    def _show(self, found: list[tuple[int, str]]) -> None:
        shown = [{"id": str(i), "title": title} for i, title in found]
        if shown != self.waiting:
            self.waiting = shown


def surveys_card() -> rx.Component:
    """ "Surveys for you", when there are any."""
    return rx.cond(
        SurveysWaitingState.waiting.length() > 0,  # type: ignore[attr-defined]
        card(
            rx.heading(t("survey.for_you"), as_="h2", size="5"),
            rx.text(t("survey.for_you_intro"), size="2"),
            rx.foreach(
                SurveysWaitingState.waiting,
                lambda s: rx.link(s["title"], href=paths.MY_SURVEYS + "/" + s["id"], weight="bold"),
            ),
            id="surveys-waiting",
        ),
    )


def _question(q: rx.Var) -> rx.Component:
    name = q["name"].to(str)
    label = rx.el.legend(q["text"], rx.cond(q["required"] == "yes", " *", ""), font_weight="600")
    error = rx.cond(
        SurveyAnswerState.errors.contains(name),
        rx.text(SurveyAnswerState.errors[name], color="var(--red-11)", size="2"),
    )
    return rx.el.fieldset(
        label,
        rx.match(
            q["kind"],
            (
                "single",
                rx.radio_group.root(
                    rx.foreach(
                        q["choices"].to(list[dict[str, str]]),
                        lambda c: rx.radio_group.item(c["label"], value=c["value"]),
                    ),
                    name=name,
                    direction="column",
                    size="3",
                ),
            ),
            (
                "scale",
                rx.radio_group.root(
                    *[rx.radio_group.item(v, value=v) for v in SCALE],
                    name=name,
                    direction="row",
                    size="3",
                ),
            ),
            (
                "multiple",
                rx.vstack(
                    rx.foreach(
                        q["choices"].to(list[dict[str, str]]),
                        lambda c: labelled_checkbox(name + ":" + c["value"], c["label"]),
                    )
                ),
            ),
            rx.input(
                name=name,
                max_length=q["max_length"].to(int),
                size="3",
                width="100%",
                aria_label=q["text"],
            ),
        ),
        error,
        border="none",
        padding="0",
        margin="0",
        width="100%",
    )


def _answer_or_refusal() -> rx.Component:
    return rx.cond(
        SurveyAnswerState.done,
        card(
            rx.callout(t("survey.thanks"), color_scheme="green", role="status", width="100%"),
            rx.link(t("app.my_page"), href=paths.MY_PAGE, id="back-to-mypage"),
        ),
        rx.cond(
            SurveyAnswerState.found,
            rx.vstack(
                rx.heading(SurveyAnswerState.title, as_="h1", size="7"),
                rx.text(SurveyAnswerState.anonymity, size="2", id="survey-anonymity"),
                error_summary(SurveyAnswerState.errors),
                card(
                    form(
                        rx.foreach(SurveyAnswerState.questions, _question),
                        primary_button("survey.send", id="survey-send"),
                        on_submit=SurveyAnswerState.submit,
                    ),
                    rx.link(t("survey.not_now"), href=paths.MY_PAGE, id="survey-skip"),
                ),
                width="100%",
            ),
            card(
                rx.text(t("survey.not_for_you"), id="survey-not-for-you"),
                rx.link(t("app.my_page"), href=paths.MY_PAGE),
            ),
        ),
    )


def survey_answer_page() -> rx.Component:
    """Nothing is said about the survey until the server has checked it (a placeholder)."""
    return shell(
        rx.cond(
            SurveyAnswerState.checked,
            _answer_or_refusal(),
            card(rx.skeleton(height="1.5em"), rx.skeleton(height="6em"), id="survey-checking"),
        ),
    )
