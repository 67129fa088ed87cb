"""The admin's edit of one section of a record on /admin/registrants/[id]: edit → confirm → saved, with a reason."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core.errors import DomainError
from portal.domain.registrants import registry_admin
from portal.domain.registry import records, registrant_categories
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    notice,
    options_select,
    primary_button,
    text_area_field,
)
from portal.web.components.layout import card
from portal.web.components.record_form import changes_table, flag_checkbox
from portal.web.components.text import t
from portal.web.components.values import change_rows
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.ids import path_id
from portal.web.pages.admin.record_state import AdminRecordState
from portal.web.session import page_language, translator

DATE_FIELDS = frozenset({"birth_date", "certified_on", "valid_from", "valid_until"})
STATUSES = ("active", "expired", "withdrawn")


def form_value(name: str, value: object) -> str:
    """A stored value as an edit form's input holds it (ISO dates, 'yes' for ticked flags)."""
    if isinstance(value, bool):
        return "yes" if value else ""
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return "" if value is None else str(value)


class AdminRecordEditState(PageState, rx.State):
    """The section being edited, the reviewed changes and the messages; values stay on the server."""

    section: str = ""
    mode: str = ""  # "" | edit | confirm
    values: dict[str, str] = {}  # noqa: RUF012
    changes: list[dict[str, str]] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    form_error: str = ""
    reason: str = ""
    reinstating: bool = False
    categories: list[dict[str, str]] = []  # noqa: RUF012
    _pending: dict = {}  # noqa: RUF012

    @rx.event
    @guarded(Need.ADMIN)
    async def start(self, actor: Actor, section: str):
        """Open a section's form, filled with the record's current values (admins)."""
        await self._open(actor, section)
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def reinstate(self, actor: Actor):
        """The certification form with the status set back to active, to review with a reason."""
        await self._open(actor, "certification")
        if self.section == "certification":
            self.values["status"], self.reinstating = "active", True
        return None

    async def _open(self, actor: Actor, section: str) -> None:
        self.reinstating = False
        record_id = path_id(self)
        if section not in records.STAFF_SECTIONS or record_id is None:
            return
        found = await asyncio.to_thread(registry_admin.detail, actor, record_id)
        if found is None:
            return
        self.values = {
            name: form_value(name, found.values[name]) for name in records.STAFF_SECTIONS[section]
        }
        lang = await page_language(self)
        categories = await asyncio.to_thread(registrant_categories.listing)
        self.categories = [{"code": c.code, "name": c.name(lang)} for c in categories]
        self.section, self.mode, self.changes, self._pending = section, "edit", [], {}
        self.errors, self.form_error, self.reason = {}, "", ""

    @rx.event
    def cancel(self):
        self.section, self.mode, self._pending, self.changes = "", "", {}, []
        self.reinstating = False
        self.errors, self.form_error = {}, ""

    @rx.event
    def back(self):
        self.mode = "edit"

    @rx.event
    @guarded(Need.ADMIN)
    async def review(self, actor: Actor, form: dict):
        """Check the edit and list exactly what would change; nothing is saved."""
        record_id = path_id(self)
        if self.section not in records.STAFF_SECTIONS or record_id is None:
            return None
        tr = await translator(self)
        values: dict[str, object] = {}
        for name in records.STAFF_SECTIONS[self.section]:
            if name in records.FLAGS:
                values[name] = isinstance(form, dict) and form.get(name) in ("on", True, "true")
            else:
                values[name] = text_field(form, name, 300)
                self.values[name] = str(values[name])
        self.reason = text_field(form, "reason", records.MAX_REASON + 1)
        errors: dict[str, str] = {}
        try:
            changes = await asyncio.to_thread(
                registry_admin.edit_preview, actor, record_id, self.section, values
            )
        except DomainError as exc:
            errors, self.form_error = field_messages(exc, tr)
            changes = []
        if not self.reason.strip():
            errors["reason"] = tr("admin.reason_required")
        self.errors = errors
        if errors or self.form_error:
            return None
        if not changes:
            self.form_error = tr("record.no_changes")
            return None
        self._pending = values
        labels = {f"category:{c['code']}": c["name"] for c in self.categories}
        self.changes = change_rows(changes, actor.language, labels)
        self.mode = "confirm"
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def save(self, actor: Actor):
        """Save the reviewed edit with its reason, then show the record with its new history."""
        record_id = path_id(self)
        if self.mode != "confirm" or not self._pending or record_id is None:
            return None
        tr = await translator(self)
        try:
            await asyncio.to_thread(
                registry_admin.edit,
                actor,
                record_id,
                self.section,
                self._pending,
                self.reason,
            )
        except DomainError as exc:
            self.errors, self.form_error = field_messages(exc, tr)
            self.mode = "edit"
            return None
        self.section, self.mode, self._pending, self.changes = "", "", {}, []
        self.reinstating = False
        return [AdminRecordState.saved, rx.scroll_to("main")]


def _input(name: str) -> rx.Component:
    if name == "category":
        return options_select(
            "category",
            "field.category",
            AdminRecordEditState.categories,
            AdminRecordEditState.values["category"],
        )
    if name in records.FLAGS:
        return flag_checkbox(name, AdminRecordEditState.values[name] == "yes")
    if name == "status":
        return rx.box(
            rx.el.label(t("field.status"), html_for=name, font_weight="600", display="block"),
            rx.el.select(
                *[rx.el.option(t(f"status.{s}"), value=s) for s in STATUSES],
                name=name,
                id=name,
                default_value=AdminRecordEditState.values[name],
                class_name="portal-select",
            ),
            width="100%",
        )
    return field(
        name,
        f"field.{name}",
        AdminRecordEditState.errors,
        type="date" if name in DATE_FIELDS else "text",
        max_length=254 if name == "email" else 200,
        default_value=AdminRecordEditState.values[name],
    )


def _form(section: str) -> rx.Component:
    return form(
        *[_input(name) for name in records.STAFF_SECTIONS[section]],
        text_area_field(
            "reason",
            "admin.reason",
            AdminRecordEditState.errors,
            max_length=records.MAX_REASON,
            hint_key="admin.reason_hint",
            default_value=AdminRecordEditState.reason,
        ),
        primary_button("record.review", id="staff-review"),
        on_submit=AdminRecordEditState.review,
    )


def _confirm() -> rx.Component:
    return rx.vstack(
        rx.text(t("admin.confirm_intro")),
        changes_table(AdminRecordEditState.changes, "staff-changes"),
        rx.text(t("admin.reason"), ": ", AdminRecordEditState.reason),
        rx.hstack(
            rx.button(
                t("record.back_to_edit"),
                variant="outline",
                size="3",
                on_click=AdminRecordEditState.back,
            ),
            rx.button(
                t("admin.save_edit"), size="3", on_click=AdminRecordEditState.save, id="staff-save"
            ),
            spacing="3",
            wrap="wrap",
        ),
        spacing="4",
        width="100%",
    )


def edit_panel() -> rx.Component:
    """The edit in progress, shown above the record while an admin edits a section."""
    return rx.cond(
        AdminRecordEditState.mode != "",
        card(
            rx.heading(
                t("record.section_" + AdminRecordEditState.section),
                as_="h2",
                size="5",
            ),
            rx.cond(
                AdminRecordEditState.reinstating & (AdminRecordEditState.mode == "edit"),
                rx.text(t("admin.reinstate_intro"), id="reinstate-intro"),
            ),
            error_summary(AdminRecordEditState.errors),
            notice(AdminRecordEditState.form_error, tone="red"),
            rx.cond(
                AdminRecordEditState.mode == "confirm",
                _confirm(),
                rx.match(
                    AdminRecordEditState.section,
                    ("basic", _form("basic")),
                    ("workplace", _form("workplace")),
                    _form("certification"),
                ),
            ),
            rx.button(
                t("record.cancel"),
                variant="ghost",
                on_click=AdminRecordEditState.cancel,
                id="staff-cancel",
            ),
            id="staff-edit",
        ),
    )


def edit_buttons() -> rx.Component:
    """One button per section for admins."""
    return rx.flex(
        *[
            rx.button(
                t(f"admin.edit_{section}"),
                variant="soft",
                on_click=AdminRecordEditState.start(section),
                id=f"staff-edit-{section}",
            )
            for section in records.STAFF_SECTIONS
        ],
        spacing="3",
        wrap="wrap",
    )


def reinstate_button() -> rx.Component:
    """For an expired record: reinstate it (status active, dates if need be) with a reason."""
    return rx.button(
        t("admin.reinstate"),
        color_scheme="green",
        on_click=AdminRecordEditState.reinstate,
        id="reinstate",
    )
