"""/admin/communications: registrant categories and mail topics — staff read, admins add or
change (a code that exists is changed; codes never change)."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.communications import kinds
from portal.domain.core.errors import DomainError
from portal.i18n import translate
from portal.web.changes import PageState
from portal.web.components.forms import field, form, labelled_checkbox, notice, primary_button
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.session import translator


class AdminKindsState(PageState, rx.State):
    """Categories and topics as display strings, and the two forms' messages."""

    categories: list[dict[str, str]] = []  # noqa: RUF012
    topics: list[dict[str, str]] = []  # noqa: RUF012
    can_edit: bool = False
    category_errors: dict[str, str] = {}  # noqa: RUF012
    topic_errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor) -> None:
        found = await asyncio.to_thread(kinds.read, actor)
        lang = actor.language

        def yes_no(value: bool) -> str:
            return translate("record.yes" if value else "record.no", lang)

        self.categories = [
            {
                "code": c.code,
                "name_en": c.name_en,
                "name_ja": c.name_ja,
                "self_service": yes_no(c.self_service),
            }
            for c in found.categories
        ]
        self.topics = [
            {
                "code": t.code,
                "name_en": t.name_en,
                "name_ja": t.name_ja,
                "description": t.description(lang),
                "default_on": translate("kinds.built_in", lang)
                if t.built_in
                else yes_no(t.default_on),
            }
            for t in found.topics
        ]

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff read; admins also get the forms."""
        self.can_edit = actor.role == "admin"
        self.category_errors, self.topic_errors, self.info, self.problem = {}, {}, "", ""
        await self._fill(actor)
        return None

    async def _save(
        self, actor: Actor, work, form: dict, prefix: str, names: tuple[str, ...], flag: str
    ):
        """Run `work` with the form's values (inputs are named `prefix` + name: two forms
        share the page); returns (the code saved or None, messages per input)."""
        tr = await translator(self)
        values: dict[str, object] = {n: text_field(form, prefix + n, 400) for n in names}
        values[flag] = isinstance(form, dict) and form.get(prefix + flag) in ("on", True, "true")
        self.info, self.problem = "", ""
        try:
            code = await asyncio.to_thread(work, actor, values)
        except DomainError as exc:
            errors, self.problem = field_messages(exc, tr, {n: prefix + n for n in names})
            return None, errors
        await self._fill(actor)
        self.info = tr("kinds.saved", code=code)
        return code, {}

    @rx.event
    @guarded(Need.STAFF)
    async def save_category(self, actor: Actor, form: dict):
        """Add a category or change the one with this code (admins)."""
        code, self.category_errors = await self._save(
            actor,
            kinds.save_category,
            form,
            "category_",
            ("code", "name_en", "name_ja"),
            "self_service",
        )
        return None if code else rx.set_focus("category-form")

    @rx.event
    @guarded(Need.STAFF)
    async def save_topic(self, actor: Actor, form: dict):
        """Add a mail topic or change the one with this code (admins)."""
        code, self.topic_errors = await self._save(
            actor,
            kinds.save_topic,
            form,
            "topic_",
            ("code", "name_en", "name_ja", "description_en", "description_ja"),
            "default_on",
        )
        return None if code else rx.set_focus("topic-form")


def _table(rows: rx.Var, columns: tuple[tuple[str, str], ...], label_key: str, element_id: str):
    return scroll_region(
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(t(key)) for _, key in columns])
            ),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda row: rx.table.row(
                        rx.table.row_header_cell(rx.code(row[columns[0][0]])),
                        *[rx.table.cell(row[name]) for name, _ in columns[1:]],
                    ),
                )
            ),
            size="2",
            width="100%",
            id=element_id,
        ),
        label_key,
        overflow_x="auto",
    )


def _category_form() -> rx.Component:
    errors = AdminKindsState.category_errors
    return rx.box(
        rx.heading(t("kinds.category_form"), as_="h3", size="4"),
        form(
            field("category_code", "kinds.code", errors, hint_key="kinds.code_hint", max_length=32),
            field("category_name_en", "kinds.name_en", errors, max_length=100),
            field("category_name_ja", "kinds.name_ja", errors, max_length=100),
            labelled_checkbox("category_self_service", t("kinds.self_service")),
            primary_button("kinds.save", id="category-submit"),
            on_submit=AdminKindsState.save_category,
            reset_on_submit=True,
        ),
        id="category-form",
        tab_index=-1,
        width="100%",
    )


def _topic_form() -> rx.Component:
    errors = AdminKindsState.topic_errors
    return rx.box(
        rx.heading(t("kinds.topic_form"), as_="h3", size="4"),
        form(
            field("topic_code", "kinds.code", errors, hint_key="kinds.code_hint", max_length=24),
            field("topic_name_en", "kinds.name_en", errors, max_length=100),
            field("topic_name_ja", "kinds.name_ja", errors, max_length=100),
            field("topic_description_en", "kinds.description_en", errors, max_length=300),
            field("topic_description_ja", "kinds.description_ja", errors, max_length=300),
            labelled_checkbox("topic_default_on", t("kinds.default_on")),
            primary_button("kinds.save", id="topic-submit"),
            on_submit=AdminKindsState.save_topic,
            reset_on_submit=True,
        ),
        id="topic-form",
        tab_index=-1,
        width="100%",
    )


def communications_page() -> rx.Component:
    return shell(
        page_title("kinds.title"),
        notice(AdminKindsState.info),
        notice(AdminKindsState.problem, tone="red"),
        card(
            rx.heading(t("kinds.categories"), as_="h2", size="5"),
            rx.text(t("kinds.categories_intro"), size="2"),
            _table(
                AdminKindsState.categories,
                (
                    ("code", "kinds.code"),
                    ("name_en", "kinds.name_en"),
                    ("name_ja", "kinds.name_ja"),
                    ("self_service", "kinds.self_service"),
                ),
                "kinds.categories",
                "category-list",
            ),
            rx.cond(
                AdminKindsState.can_edit,
                _category_form(),
            ),
        ),
        card(
            rx.heading(t("kinds.topics"), as_="h2", size="5"),
            rx.text(t("kinds.topics_intro"), size="2"),
            _table(
                AdminKindsState.topics,
                (
                    ("code", "kinds.code"),
                    ("name_en", "kinds.name_en"),
                    ("name_ja", "kinds.name_ja"),
                    ("description", "kinds.description"),
                    ("default_on", "kinds.default_on"),
                ),
                "kinds.topics",
                "topic-list",
            ),
            rx.cond(AdminKindsState.can_edit, _topic_form()),
        ),
    )
