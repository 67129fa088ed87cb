"""/admin/categories-and-topics: registrant categories and mail topics — staff read, admins add or
change (a code that exists is changed; codes never change)."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.communications import categories_and_topics
from portal.domain.core.errors import DomainError
from portal.i18n import translate
from portal.web.changes import PageState
from portal.web.components.forms import field, form, labelled_checkbox, notice, primary_button
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.session import translator


class AdminCategoriesTopicsState(PageState, rx.State):
    """Categories and topics as display strings, and the two forms' messages."""

    categories: list[dict[str, str]] = []  # noqa: RUF012
    topics: list[dict[str, str]] = []  # noqa: RUF012
    can_edit: bool = False
    category_errors: dict[str, str] = {}  # noqa: RUF012
    topic_errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor) -> None:
        found = await asyncio.to_thread(categories_and_topics.read, actor)
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
                "default_on": translate("categories_topics.built_in", lang)
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
        self.info = tr("categories_topics.saved", code=code)
        return code, {}

    @rx.event
    @guarded(Need.STAFF)
    async def save_category(self, actor: Actor, form: dict):
        """Add a category or change the one with this code (admins)."""
        code, self.category_errors = await self._save(
            actor,
            categories_and_topics.save_category,
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
            categories_and_topics.save_topic,
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
    errors = AdminCategoriesTopicsState.category_errors
    return rx.box(
        rx.heading(t("categories_topics.category_form"), as_="h3", size="4"),
        form(
            field(
                "category_code",
                "categories_topics.code",
                errors,
                hint_key="categories_topics.code_hint",
                max_length=32,
            ),
            field("category_name_en", "categories_topics.name_en", errors, max_length=100),
            field("category_name_ja", "categories_topics.name_ja", errors, max_length=100),
            labelled_checkbox("category_self_service", t("categories_topics.self_service")),
            primary_button("categories_topics.save", id="category-submit"),
            on_submit=AdminCategoriesTopicsState.save_category,
            reset_on_submit=True,
        ),
        id="category-form",
        tab_index=-1,
        width="100%",
    )


def _topic_form() -> rx.Component:
    errors = AdminCategoriesTopicsState.topic_errors
    return rx.box(
        rx.heading(t("categories_topics.topic_form"), as_="h3", size="4"),
        form(
            field(
                "topic_code",
                "categories_topics.code",
                errors,
                hint_key="categories_topics.code_hint",
                max_length=24,
            ),
            field("topic_name_en", "categories_topics.name_en", errors, max_length=100),
            field("topic_name_ja", "categories_topics.name_ja", errors, max_length=100),
            field(
                "topic_description_en", "categories_topics.description_en", errors, max_length=300
            ),
            field(
                "topic_description_ja", "categories_topics.description_ja", errors, max_length=300
            ),
            labelled_checkbox("topic_default_on", t("categories_topics.default_on")),
            primary_button("categories_topics.save", id="topic-submit"),
            on_submit=AdminCategoriesTopicsState.save_topic,
            reset_on_submit=True,
        ),
        id="topic-form",
        tab_index=-1,
        width="100%",
    )


def categories_and_topics_page() -> rx.Component:
    return shell(
        page_title("categories_topics.title"),
        notice(AdminCategoriesTopicsState.info),
        notice(AdminCategoriesTopicsState.problem, tone="red"),
        card(
            rx.heading(t("categories_topics.categories"), as_="h2", size="5"),
            rx.text(t("categories_topics.categories_intro"), size="2"),
            _table(
                AdminCategoriesTopicsState.categories,
                (
                    ("code", "categories_topics.code"),
                    ("name_en", "categories_topics.name_en"),
                    ("name_ja", "categories_topics.name_ja"),
                    ("self_service", "categories_topics.self_service"),
                ),
                "categories_topics.categories",
                "category-list",
            ),
            rx.cond(
                AdminCategoriesTopicsState.can_edit,
                _category_form(),
            ),
        ),
        card(
            rx.heading(t("categories_topics.topics"), as_="h2", size="5"),
            rx.text(t("categories_topics.topics_intro"), size="2"),
            _table(
                AdminCategoriesTopicsState.topics,
                (
                    ("code", "categories_topics.code"),
                    ("name_en", "categories_topics.name_en"),
                    ("name_ja", "categories_topics.name_ja"),
                    ("description", "categories_topics.description"),
                    ("default_on", "categories_topics.default_on"),
                ),
                "categories_topics.topics",
                "topic-list",
            ),
            rx.cond(AdminCategoriesTopicsState.can_edit, _topic_form()),
        ),
    )
