"""/mypage/record: the registrant's record in sections, each edited as edit → confirm → done."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.domain.registry import mail_topics, records, registrant_categories
from portal.i18n import format_datetime
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    labelled_checkbox,
    notice,
    options_select,
    primary_button,
)
from portal.web.components.layout import card, page_title, shell
from portal.web.components.record_form import changes_table, flag_checkbox
from portal.web.components.shown_value import shown_value
from portal.web.components.text import t
from portal.web.components.values import change_rows
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.presenters.labelled import Labelled
from portal.web.presenters.own_record import Option, TopicChoice, own_record
from portal.web.session import page_language, translator


def _is_flag(value: object) -> bool:
    return isinstance(value, bool)


HINTS = {
    "postal_code": "record.postal_hint",
    "phone": "record.phone_hint",
    "workplace_phone": "record.phone_hint",
    "family_name_kana": "record.kana_hint",
    "given_name_kana": "record.kana_hint",
}


class RecordState(PageState, rx.State):
    """Plain display strings of the signed-in registrant's own record and the edit in progress."""

    rows: dict[str, list[Labelled]] = {}  # noqa: RUF012
    texts: dict[str, str] = {}  # noqa: RUF012
    ticked: dict[str, bool] = {}  # noqa: RUF012
    updated: dict[str, str] = {}  # noqa: RUF012
    mode: str = "view"
    section: str = ""
    changes: list[dict[str, str]] = []  # noqa: RUF012
    topics: list[TopicChoice] = []  # noqa: RUF012  (the topics the association added)
    categories: list[Option] = []  # noqa: RUF012  (those a registrant may choose)
    category_editable: bool = False
    newsletter_warning: bool = False
    saved: str = ""
    errors: dict[str, str] = {}  # noqa: RUF012
    form_error: str = ""
    _pending: dict = {}  # noqa: RUF012

    async def _refresh(self, actor: Actor) -> records.RecordView:
        view, categories, topics = await asyncio.gather(
            asyncio.to_thread(records.view, actor),
            asyncio.to_thread(registrant_categories.listing),
            asyncio.to_thread(mail_topics.listing),
        )
        shown = own_record(view, categories, topics, await page_language(self))
        self.rows, self.texts, self.ticked = shown.sections, shown.texts, shown.ticked
        self.updated, self.topics = shown.updated, shown.topics
        self.categories, self.category_editable = shown.categories, shown.category_editable
        return view

    @rx.event
    @guarded(Need.REGISTRANT)
    async def load(self, actor: Actor):
        """Show the record of the signed-in registrant; anyone else goes elsewhere."""
        await self._refresh(actor)
        self.mode, self.section, self.saved = "view", "", ""
        self.errors, self.form_error = {}, ""
        return None

    @rx.event
    def start_edit(self, section: str):
        """Open one section's edit form."""
        if section not in records.SECTIONS or self.rows == {}:
            return
        self.mode, self.section, self.saved = "edit", section, ""
        self.errors, self.form_error = {}, ""

    @rx.event
    def cancel(self):
        self.mode, self.section, self._pending = "view", "", {}

    @rx.event
    @guarded(Need.REGISTRANT)
    async def review(self, actor: Actor, form: dict):
        """Check what was typed and show exactly what would change; nothing is saved."""
        if self.section not in records.SECTIONS:
            return None
        tr = await translator(self)
        names = list(records.SECTIONS[self.section])
        if self.section == "mail":
            names += [t.field for t in self.topics]
        if self.section == "basic" and not self.category_editable:
            names.remove("category")
        values: dict[str, object] = {}
        for name in names:
            if name in records.FLAGS or name.startswith(mail_topics.FIELD_PREFIX):
                values[name] = isinstance(form, dict) and form.get(name) in ("on", True, "true")
            else:
                values[name] = text_field(form, name, 1000)
        self.texts = {**self.texts, **{k: str(v) for k, v in values.items() if not _is_flag(v)}}
        self.ticked = {**self.ticked, **{k: v for k, v in values.items() if _is_flag(v)}}
        try:
            changes = await asyncio.to_thread(records.preview, actor, self.section, values)
        except DomainError as exc:
            self.errors, self.form_error = field_messages(exc, tr)
            return rx.set_focus("error-summary") if self.errors else None
        self.errors = {}
        if not changes:
            self.form_error = tr("record.no_changes")
            return None
        self.form_error = ""
        self.changes = change_rows(changes, actor.language, self._labels())
        self.newsletter_warning = any(c.field == "newsletter" and c.new == "no" for c in changes)
        self._pending = values
        self.mode = "confirm"
        return rx.scroll_to("main")

    def _labels(self) -> dict[str, str]:
        """Labels of the fields that are data (added topics), and category names."""
        return {
            **{t.field: t.name for t in self.topics},
            **{f"category:{c.code}": c.name for c in self.categories},
        }

    @rx.event
    def back_to_edit(self):
        if self.mode == "confirm":
            self.mode = "edit"

    @rx.event
    @guarded(Need.REGISTRANT)
    async def update(self, actor: Actor):
        """Save the reviewed changes; they are recorded with who and when."""
        if self.mode != "confirm" or not self._pending:
            return None
        tr = await translator(self)
        try:
            await asyncio.to_thread(lambda: records.apply(actor, self.section, self._pending))
        except DomainError as exc:
            self.errors, self.form_error = field_messages(exc, tr)
            self.mode = "edit"
            return None
        view = await self._refresh(actor)
        lang = await page_language(self)
        self.saved = tr(
            "record.saved",
            section=tr(f"record.section_{self.section}"),
            when=format_datetime(view.updated[self.section], lang),
        )
        self._pending = {}
        self.mode = "done"
        return rx.scroll_to("main")


def _rows(section: str) -> rx.Component:
    return rx.data_list.root(
        rx.foreach(
            RecordState.rows[section],
            lambda row: rx.data_list.item(
                rx.data_list.label(rx.cond(row.label != "", row.label, t(row.key))),
                shown_value(row.value),
            ),
        ),
        orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
    )


def _section_card(section: str, editable: bool) -> rx.Component:
    return card(
        rx.hstack(
            rx.heading(t(f"record.section_{section}"), as_="h2", size="5"),
            rx.spacer(),
            rx.cond(
                editable,
                rx.button(
                    t("record.edit"),
                    variant="soft",
                    on_click=RecordState.start_edit(section),
                    id=f"edit-{section}",
                ),
            ),
            width="100%",
            align="center",
        ),
        _rows(section),
        rx.text(
            RecordState.updated[section] if editable else t("record.certification_readonly"),
            size="2",
            color="var(--gray-11)",
        ),
    )


def _category_field() -> rx.Component:
    """The category: a choice among the self-service ones, or a fact only staff change."""
    return rx.cond(
        RecordState.category_editable,
        options_select(
            "category",
            "field.category",
            RecordState.categories,
            RecordState.texts["category"],
        ),
        rx.text(t("record.category_staff_only"), size="2"),
    )


def _topic_checkbox(topic: rx.Var) -> rx.Component:
    checked = RecordState.ticked[topic.field]
    return labelled_checkbox(topic.field, topic.name, checked, topic.description)


def _edit_form(section: str) -> rx.Component:
    text_fields = [
        f for f in records.SECTIONS[section] if f not in records.FLAGS and f != "category"
    ]
    flags = [f for f in records.SECTIONS[section] if f in records.FLAGS]
    return card(
        rx.heading(t(f"record.section_{section}"), as_="h2", size="5"),
        form(
            *[
                field(
                    name,
                    f"field.{name}",
                    RecordState.errors,
                    hint_key=HINTS.get(name),
                    max_length=200,
                    default_value=RecordState.texts[name],
                )
                for name in text_fields
            ],
            *([_category_field()] if section == "basic" else []),
            *[flag_checkbox(name, RecordState.ticked[name]) for name in flags],
            *([rx.foreach(RecordState.topics, _topic_checkbox)] if section == "mail" else []),
            rx.cond(section == "basic", rx.text(t("record.birth_date_readonly"), size="2")),
            primary_button("record.review", id="review-submit"),
            on_submit=RecordState.review,
        ),
        rx.button(
            t("record.cancel"), variant="ghost", on_click=RecordState.cancel, id="cancel-edit"
        ),
    )


def _confirm() -> rx.Component:
    return card(
        rx.heading(t("record.confirm_title"), as_="h2", size="5"),
        rx.text(t("record.confirm_intro")),
        rx.cond(
            RecordState.newsletter_warning,
            rx.callout(
                t("record.newsletter_warning"),
                color_scheme="amber",
                icon="triangle_alert",
                width="100%",
            ),
        ),
        changes_table(RecordState.changes, "changes"),
        rx.hstack(
            rx.button(
                t("record.back_to_edit"),
                variant="outline",
                size="3",
                on_click=RecordState.back_to_edit,
            ),
            rx.button(
                t("record.update"), size="3", on_click=RecordState.update, id="update-record"
            ),
            spacing="3",
            wrap="wrap",
        ),
    )


def record_page() -> rx.Component:
    return shell(
        page_title("record.title"),
        error_summary(RecordState.errors),
        notice(RecordState.form_error, tone="red"),
        rx.match(
            RecordState.mode,
            (
                "edit",
                rx.match(
                    RecordState.section,
                    ("basic", _edit_form("basic")),
                    ("mail", _edit_form("mail")),
                    _edit_form("workplace"),
                ),
            ),
            ("confirm", _confirm()),
            (
                "done",
                card(
                    rx.callout(
                        RecordState.saved, color_scheme="green", role="status", width="100%"
                    ),
                    rx.button(
                        t("record.back_to_record"),
                        on_click=RecordState.cancel,
                        size="3",
                        id="back-to-record",
                    ),
                ),
            ),
            rx.vstack(
                _section_card("basic", True),
                _section_card("workplace", True),
                _section_card("mail", True),
                _section_card("certification", False),
                rx.link(t("app.my_account"), href=paths.MY_ACCOUNT),
                spacing="5",
                width="100%",
            ),
        ),
    )
