"""/admin/surveys/[survey_id]: one survey — its questions (a draft's change), open, close,
copy, and the results with a chart and its text equivalent once enough people answered."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.domain.surveys import editing, reminders, results
from portal.domain.surveys.tables import QuestionKind
from portal.i18n import translate
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    labelled_checkbox,
    notice,
    primary_button,
    text_area_field,
)
from portal.web.components.layout import card, scroll_region, shell
from portal.web.components.text import t
from portal.web.errors import text_field, ticked
from portal.web.guard import Need, act, guarded
from portal.web.ids import int_id, path_id
from portal.web.session import translator


class AdminSurveyState(PageState, rx.State):
    """One survey as display strings; results only as the domain allows them."""

    found: bool = False
    survey_id: str = ""
    title: str = ""
    status: str = ""
    status_text: str = ""
    can_remind: bool = False
    questions: list[dict[str, str]] = []  # noqa: RUF012
    can_edit: bool = False
    results_note: str = ""
    bars: list[dict[str, str]] = []  # noqa: RUF012  one row per choice, per question
    texts: list[dict[str, str]] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor, survey_id: int) -> None:
        lang = actor.language
        try:
            found = await asyncio.to_thread(editing.detail, actor, survey_id)
            shown = await asyncio.to_thread(results.results, actor, survey_id)
        except DomainError:
            self.found = False
            return
        self.found, self.survey_id = True, str(found.id)
        self.title = (found.title_ja if lang == "ja" else found.title_en) or found.title_en
        self.status = found.status
        self.status_text = translate(f"survey.status_{found.status}", lang)
        self.can_remind = found.may_remind
        self.questions = [
            {
                "id": str(q.id),
                "text": (q.text_ja if lang == "ja" else q.text_en) or q.text_en,
                "details": " · ".join(
                    part
                    for part in (
                        translate(f"survey.kind_{q.kind}", lang),
                        translate(
                            "survey.answer_required" if q.required else "survey.answer_optional",
                            lang,
                        ),
                        " / ".join(c.get(lang) or c.get("en", "") for c in q.choices),
                    )
                    if part
                ),
            }
            for q in found.questions
        ]
        self.results_note = (
            translate("survey.answers_count", lang, count=shown.answers)
            if shown.shown
            else translate("survey.too_few", lang)
        )
        self.bars = [
            {
                "question": q.text,
                "label": tally.label,
                "count": str(tally.count),
                "percent": f"{tally.percent}%",
            }
            for q in shown.questions
            for tally in q.tallies
        ]
        self.texts = [{"question": q.text, "text": x} for q in shown.questions for x in q.texts]

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """The survey for staff; admins also get its actions."""
        self.can_edit = actor.role == "admin"
        self.errors, self.info, self.problem = {}, "", ""
        survey_id = path_id(self)
        if survey_id is None:
            self.found = False
            return
        await self._fill(actor, survey_id)

    async def _change(self, actor: Actor, work, done_key: str):
        """`work(actor, survey_id)` on this survey (admins: the domain refuses anyone
        else), then the survey again; returns what `work` returned (None when refused)."""
        survey_id = path_id(self)
        if survey_id is None:
            return None
        self.info = ""
        outcome, self.errors, self.problem = await act(self, work, actor, survey_id)
        if self.errors or self.problem:
            return None
        await self._fill(actor, survey_id)
        self.info = (await translator(self))(done_key)
        return outcome

    @rx.event
    @guarded(Need.STAFF)
    async def add_question(self, actor: Actor, form: dict):
        """Add a question to this draft (admins)."""
        if not isinstance(form, dict):
            return
        values = {
            name: text_field(form, name, 2000)
            for name in ("kind", "text_en", "text_ja", "choices", "max_length")
        }
        values["required"] = ticked(form, "required")
        await self._change(
            actor,
            lambda p, s: editing.add_question(p, s, values),
            "survey.question_added",
        )

    @rx.event
    @guarded(Need.STAFF)
    async def remove_question(self, actor: Actor, question_id: str):
        """Remove a question from this draft (admins)."""
        target = int_id(question_id)
        if target is None:
            return
        await self._change(
            actor, lambda p, _s: editing.remove_question(p, target), "survey.removed"
        )

    @rx.event
    @guarded(Need.STAFF)
    async def open_survey(self, actor: Actor):
        """Start asking (admins); the questions are fixed from now on."""
        await self._change(actor, lambda p, s: editing.open_survey(p, s), "survey.opened")

    @rx.event
    @guarded(Need.STAFF)
    async def close_survey(self, actor: Actor):
        """Stop asking (admins)."""
        await self._change(actor, lambda p, s: editing.close_survey(p, s), "survey.closed")

    @rx.event
    @guarded(Need.STAFF)
    async def remind(self, actor: Actor):
        """Mail the one reminder to those in the segment who have not answered (admins)."""
        written = await self._change(actor, lambda p, s: reminders.send(p, s), "survey.reminded")
        if isinstance(written, int):
            self.info = (await translator(self))("survey.reminded_count", count=written)

    @rx.event
    @guarded(Need.STAFF)
    async def copy_survey(self, actor: Actor):
        """A new draft with the same questions; its page opens."""
        twin = await self._change(actor, lambda p, s: editing.copy(p, s), "survey.copied")
        return rx.redirect(f"{paths.ADMIN_SURVEYS}/{twin}") if isinstance(twin, int) else None


def _questions() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            AdminSurveyState.questions,
            lambda q: rx.box(
                rx.text(q["text"], weight="bold"),
                rx.text(q["details"], size="2", color="var(--gray-11)"),
                rx.cond(
                    AdminSurveyState.can_edit & (AdminSurveyState.status == "draft"),
                    rx.button(
                        t("survey.remove"),
                        variant="ghost",
                        color_scheme="red",
                        size="1",
                        on_click=AdminSurveyState.remove_question(q["id"]),
                    ),
                ),
                border_top="1px solid var(--gray-5)",
                padding_top="0.5em",
                width="100%",
            ),
        ),
        width="100%",
        id="survey-questions",
    )


def _question_form() -> rx.Component:
    errors = AdminSurveyState.errors
    return rx.box(
        rx.heading(t("survey.add_question"), as_="h3", size="4"),
        error_summary(errors),
        form(
            rx.box(
                rx.el.label(t("survey.kind"), html_for="kind", font_weight="600"),
                rx.el.select(
                    *[
                        rx.el.option(t(f"survey.kind_{k.value}"), value=k.value)
                        for k in QuestionKind
                    ],
                    name="kind",
                    id="kind",
                    class_name="portal-select",
                ),
                width="100%",
            ),
            field("text_ja", "survey.text_ja", errors, max_length=300),
            field("text_en", "survey.text_en", errors, max_length=300),
            text_area_field(
                "choices", "survey.choices", errors, max_length=2000, hint_key="survey.choices_hint"
            ),
            field("max_length", "survey.max_length", errors, max_length=4, input_mode="numeric"),
            labelled_checkbox("required", t("survey.required")),
            primary_button("survey.add", id="question-add"),
            on_submit=AdminSurveyState.add_question,
            reset_on_submit=True,
        ),
        width="100%",
    )


def _actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            AdminSurveyState.status == "draft",
            rx.button(
                t("survey.open"), size="3", on_click=AdminSurveyState.open_survey, id="survey-open"
            ),
        ),
        rx.cond(
            AdminSurveyState.status == "open",
            rx.button(
                t("survey.close"),
                size="3",
                variant="outline",
                on_click=AdminSurveyState.close_survey,
            ),
        ),
        rx.cond(
            AdminSurveyState.can_remind,
            rx.button(
                t("survey.remind"),
                size="3",
                variant="outline",
                on_click=AdminSurveyState.remind,
                id="survey-remind",
            ),
        ),
        rx.button(
            t("survey.copy"), size="3", variant="soft", on_click=AdminSurveyState.copy_survey
        ),
        spacing="3",
        wrap="wrap",
    )


def _results() -> rx.Component:
    return card(
        rx.heading(t("survey.results"), as_="h2", size="5"),
        rx.text(AdminSurveyState.results_note, id="survey-results-note"),
        rx.cond(
            AdminSurveyState.bars.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                scroll_region(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell(t("survey.question")),
                                rx.table.column_header_cell(t("survey.answer")),
                                rx.table.column_header_cell(t("survey.count")),
                                rx.table.column_header_cell(t("survey.chart")),
                            )
                        ),
                        rx.table.body(
                            rx.foreach(
                                AdminSurveyState.bars,
                                lambda b: rx.table.row(
                                    rx.table.cell(b["question"]),
                                    rx.table.row_header_cell(b["label"]),
                                    rx.table.cell(b["count"], " (", b["percent"], ")"),
                                    rx.table.cell(
                                        rx.box(
                                            rx.box(
                                                width=b["percent"],
                                                height="0.8em",
                                                background="var(--accent-9)",
                                                border_radius="2px",
                                            ),
                                            width="8em",
                                            background="var(--gray-4)",
                                            aria_hidden="true",
                                        )
                                    ),
                                ),
                            )
                        ),
                        size="1",
                        width="100%",
                        id="survey-results",
                    ),
                    "survey.results",
                    overflow_x="auto",
                ),
                rx.foreach(
                    AdminSurveyState.texts,
                    lambda x: rx.text(x["question"], ": ", x["text"], size="2"),
                ),
                rx.el.a(
                    t("survey.download"),
                    href=paths.ADMIN_SURVEYS + "/" + AdminSurveyState.survey_id + "/answers.csv",
                    download=True,
                    reload_document=True,
                    class_name="download-link",
                    id="survey-csv",
                ),
                width="100%",
                align="start",
            ),
        ),
    )


def survey_page() -> rx.Component:
    return shell(
        rx.cond(
            AdminSurveyState.found,
            rx.vstack(
                rx.heading(AdminSurveyState.title, as_="h1", size="7"),
                rx.badge(AdminSurveyState.status_text, size="2"),
                notice(AdminSurveyState.info),
                notice(AdminSurveyState.problem, tone="red"),
                card(
                    rx.heading(t("survey.questions"), as_="h2", size="5"),
                    _questions(),
                    rx.cond(
                        AdminSurveyState.can_edit & (AdminSurveyState.status == "draft"),
                        _question_form(),
                    ),
                    rx.cond(AdminSurveyState.can_edit, _actions()),
                ),
                rx.cond(AdminSurveyState.status != "draft", _results()),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                rx.heading(t("survey.page_title"), as_="h1", size="7"),
                card(
                    rx.text(t("survey.unknown")),
                    rx.link(t("survey.list"), href=paths.ADMIN_SURVEYS),
                ),
                width="100%",
            ),
        ),
    )
