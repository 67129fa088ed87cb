"""/admin/surveys: the list and a new draft (admins write; staff read)."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.communications import categories_and_topics
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.domain.points import catalogue as activity_catalogue
from portal.domain.surveys import editing
from portal.domain.surveys.tables import SurveyMoment
from portal.i18n import format_date, translate
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    notice,
    options_select,
    primary_button,
)
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.segment_form import read_segment, segment_fields
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.session import translator


class AdminSurveysState(PageState, rx.State):
    """The surveys as display strings, and the new-draft form's messages."""

    rows: list[dict[str, str]] = []  # noqa: RUF012
    categories: list[dict[str, str]] = []  # noqa: RUF012
    activities: list[dict[str, str]] = []  # noqa: RUF012
    can_edit: bool = False
    errors: dict[str, str] = {}  # noqa: RUF012
    problem: str = ""

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff read the list; admins also get the form."""
        lang = actor.language
        found = await asyncio.to_thread(editing.listing, actor)
        self.rows = [
            {
                "id": str(s.id),
                "title": (s.title_ja if lang == "ja" else s.title_en) or s.title_en,
                "status": translate(f"survey.status_{s.status}", lang),
                "moment": translate(f"survey.moment_{s.moment or 'none'}", lang),
                "answers": str(s.answers),
            }
            for s in found
        ]
        catalogue = await asyncio.to_thread(categories_and_topics.read, actor)
        self.categories = [{"code": c.code, "name": c.name(lang)} for c in catalogue.categories]
        found_activities = await asyncio.to_thread(activity_catalogue.activities)
        self.activities = [{"code": "", "name": translate("survey.any_activity", lang)}] + [
            {"code": str(a.id), "name": f"{format_date(a.starts_on, lang)} {a.title}"}
            for a in found_activities[:100]
        ]
        self.can_edit = actor.role == "admin"
        self.errors, self.problem = {}, ""
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def create(self, actor: Actor, form: dict):
        """A new draft; its page opens to add questions (admins)."""
        if not isinstance(form, dict):
            return None
        tr = await translator(self)
        values = {
            "title_en": text_field(form, "title_en", 300),
            "title_ja": text_field(form, "title_ja", 300),
            "moment": text_field(form, "moment", 20),
            "activity_id": text_field(form, "activity_id", 12),
            **read_segment(form),
        }
        try:
            survey_id = await asyncio.to_thread(editing.create, actor, values)
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            return rx.set_focus("error-summary") if self.errors else None
        return rx.redirect(f"{paths.ADMIN_SURVEYS}/{survey_id}")


def _list() -> rx.Component:
    headers = ("survey.title", "survey.status", "survey.moment", "survey.answers")
    return card(
        rx.heading(t("survey.list"), as_="h2", size="5"),
        scroll_region(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])
                ),
                rx.table.body(
                    rx.foreach(
                        AdminSurveysState.rows,
                        lambda row: rx.table.row(
                            rx.table.row_header_cell(
                                rx.link(row["title"], href=paths.ADMIN_SURVEYS + "/" + row["id"])
                            ),
                            rx.table.cell(row["status"]),
                            rx.table.cell(row["moment"]),
                            rx.table.cell(row["answers"]),
                        ),
                    )
                ),
                size="2",
                width="100%",
                id="survey-list",
            ),
            "survey.list",
            overflow_x="auto",
        ),
    )


def _create() -> rx.Component:
    errors = AdminSurveysState.errors
    return card(
        rx.heading(t("survey.new"), as_="h2", size="5"),
        error_summary(errors),
        form(
            field("title_ja", "survey.title_ja", errors, max_length=200),
            field("title_en", "survey.title_en", errors, max_length=200),
            rx.box(
                rx.el.label(t("survey.moment"), html_for="moment", font_weight="600"),
                rx.el.select(
                    *[
                        rx.el.option(t(f"survey.moment_{m.value or 'none'}"), value=m.value)
                        for m in SurveyMoment
                    ],
                    name="moment",
                    id="moment",
                    class_name="portal-select",
                ),
                width="100%",
            ),
            options_select("activity_id", "survey.activity", AdminSurveysState.activities, ""),
            segment_fields(AdminSurveysState.categories, errors),
            primary_button("survey.create", id="survey-create"),
            on_submit=AdminSurveysState.create,
        ),
    )


def surveys_page() -> rx.Component:
    return shell(
        page_title("survey.page_title"),
        notice(AdminSurveysState.problem, tone="red"),
        _list(),
        rx.cond(AdminSurveysState.can_edit, _create()),
    )
