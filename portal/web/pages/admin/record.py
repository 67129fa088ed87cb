"""/admin/registrants/[record_id]: one record for staff — fields, account state, history, actions."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain import registry_admin, reminders
from portal.domain.errors import DomainError
from portal.domain.models import AccountKind, StaffRole
from portal.i18n import format_date, format_datetime, translate
from portal.web.components.forms import notice
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.text import t
from portal.web.components.values import change_text, display_value
from portal.web.ids import int_id, path_id
from portal.web.pages.admin.record_edit import edit_buttons, edit_panel, reinstate_button
from portal.web.session import ShellState, require, translator, turn_away


class AdminRecordState(rx.State):
    """Display strings of one record for staff who passed the guard."""

    found: bool = False
    title: str = ""
    rows: list[dict[str, str]] = []  # noqa: RUF012
    account_rows: list[dict[str, str]] = []  # noqa: RUF012
    history: list[dict[str, str]] = []  # noqa: RUF012
    reminders: list[dict[str, str]] = []  # noqa: RUF012
    can_act: bool = False
    expired: bool = False
    has_account: bool = False
    requests: list[dict[str, str]] = []  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, principal) -> None:
        record_id = path_id(self)
        found = await asyncio.to_thread(registry_admin.detail, record_id) if record_id else None
        lang = principal.language
        self.found = found is not None
        self.can_act = principal.role == StaffRole.ADMIN
        if found is None:
            self.rows, self.account_rows, self.history, self.title = [], [], [], ""
            self.requests, self.reminders = [], []
            return
        sent = await asyncio.to_thread(reminders.for_record, record_id)
        self.reminders = [
            {
                "stage": translate(f"reminder_stage.{r.stage}", lang),
                "cycle_end": format_date(r.cycle_end, lang),
                "sent": format_datetime(r.sent_at, lang),
                "delivery": translate(f"outbox.state_{r.delivery}", lang) if r.delivery else "—",
                "failed": "yes" if r.delivery == "failed" else "",
                "error": r.error,
            }
            for r in sent
        ]
        pending = await asyncio.to_thread(registry_admin.requests_for, principal, record_id)
        self.requests = [
            {
                "id": str(r.id),
                "email": r.requested_email,
                "when": format_datetime(r.created_at, lang),
            }
            for r in pending
        ]
        values = found.values
        self.expired = values["status"] == "expired"
        self.title = (
            f"{values['registration_number']}  {values['family_name']} {values['given_name']}"
        )
        self.rows = [
            {"key": f"field.{k}", "value": display_value(k, v, lang)} for k, v in values.items()
        ]
        self.has_account = found.account is not None
        facts = found.account
        self.account_rows = (
            [
                {"key": "login.email", "value": facts.email},
                {
                    "key": "admin.account_status",
                    "value": translate(f"account_status.{facts.status}", lang),
                },
                {
                    "key": "admin.locked",
                    "value": translate("record.yes" if facts.locked else "record.no", lang),
                },
                {
                    "key": "account.totp_title",
                    "value": translate("record.yes" if facts.totp else "record.no", lang),
                },
                {
                    "key": "admin.last_sign_in",
                    "value": format_datetime(facts.last_sign_in, lang) or "—",
                },
            ]
            if facts
            else []
        )
        self.history = [
            {
                "when": format_datetime(h.changed_at, lang),
                "field": f"field.{h.field}",
                "old": change_text(h.field, h.old, lang),
                "new": change_text(h.field, h.new, lang),
                "by": h.by
                + (" (" + translate("admin.staff_member", lang) + ")" if h.by_staff else ""),
                "reason": h.reason,
            }
            for h in found.history
        ]

    @rx.event
    async def load(self):
        """Staff read the record; anyone else is sent away."""
        principal = await require(self, AccountKind.STAFF)
        if principal is None:
            return await turn_away(self)
        self.info = self.problem = ""
        await self._fill(principal)
        return None

    async def _act(self, work, done_key: str) -> None:
        principal = await require(self, AccountKind.STAFF)
        if principal is None:
            return
        tr = await translator(self)
        record_id = path_id(self)
        try:
            if record_id is None:
                raise DomainError("activation.unknown_record")
            await asyncio.to_thread(work, principal, record_id)
        except DomainError as exc:
            self.problem, self.info = tr(exc.key), ""
            return
        self.info, self.problem = tr(done_key), ""
        await self._fill(principal)

    @rx.event
    async def unlock(self):
        """Clear the account's lockout (admins)."""
        principal = await require(self, AccountKind.STAFF)
        if principal is None:
            return await turn_away(self)
        await self._act(registry_admin.unlock, "admin.unlocked")
        return None

    @rx.event
    async def saved(self):
        """After an admin's edit: the record and its history as they are now."""
        principal = await require(self, AccountKind.STAFF)
        if principal is None:
            return await turn_away(self)
        tr = await translator(self)
        await self._fill(principal)
        self.info, self.problem = tr("admin.edit_saved"), ""
        return None

    @rx.event
    async def approve_request(self, request_id: str):
        """Take the requested address into the record and send the invitation (admins)."""
        principal = await require(self, AccountKind.STAFF)
        if principal is None:
            return await turn_away(self)
        target = int_id(request_id)
        if target is None:
            return None
        await self._act(
            lambda who, record_id: registry_admin.approve_request(who, record_id, target),
            "admin.request_approved",
        )
        return None

    @rx.event
    async def resend_invitation(self):
        """Send a new activation invitation (admins)."""
        principal = await require(self, AccountKind.STAFF)
        if principal is None:
            return await turn_away(self)
        await self._act(registry_admin.resend_invitation, "admin.invitation_sent")
        return None


def _pairs(rows: rx.Var) -> rx.Component:
    return rx.data_list.root(
        rx.foreach(
            rows,
            lambda row: rx.data_list.item(
                rx.data_list.label(ShellState.tr[row["key"]]), rx.data_list.value(row["value"])
            ),
        ),
        orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
    )


def _history() -> rx.Component:
    return scroll_region(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(t(key))
                        for key in (
                            "admin.when",
                            "admin.col_field",
                            "record.old",
                            "record.new",
                            "admin.by",
                            "admin.reason",
                        )
                    ]
                )
            ),
            rx.table.body(
                rx.foreach(
                    AdminRecordState.history,
                    lambda h: rx.table.row(
                        rx.table.cell(h["when"]),
                        rx.table.row_header_cell(ShellState.tr[h["field"]]),
                        rx.table.cell(h["old"]),
                        rx.table.cell(h["new"]),
                        rx.table.cell(h["by"]),
                        rx.table.cell(h["reason"]),
                    ),
                )
            ),
            size="1",
            width="100%",
            id="history",
        ),
        "admin.history",
        overflow_x="auto",
    )


def _requests() -> rx.Component:
    return card(
        rx.heading(t("admin.requests_title"), as_="h2", size="5"),
        rx.text(t("admin.requests_intro"), size="2"),
        rx.foreach(
            AdminRecordState.requests,
            lambda r: rx.flex(
                rx.text(r["email"], weight="bold"),
                rx.text(r["when"], size="2"),
                rx.cond(
                    AdminRecordState.can_act,
                    rx.button(
                        t("admin.approve_request"),
                        variant="outline",
                        on_click=AdminRecordState.approve_request(r["id"]),
                        id="approve-" + r["id"],
                    ),
                ),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
        ),
    )


def _reminders() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(t(k))
                    for k in (
                        "reminder.stage",
                        "renewals.cycle_end",
                        "reminder.sent",
                        "field.status",
                    )
                ]
            )
        ),
        rx.table.body(
            rx.foreach(
                AdminRecordState.reminders,
                lambda r: rx.table.row(
                    rx.table.row_header_cell(r["stage"]),
                    rx.table.cell(r["cycle_end"]),
                    rx.table.cell(r["sent"]),
                    rx.table.cell(
                        rx.badge(
                            r["delivery"], color_scheme=rx.cond(r["failed"] == "yes", "red", "gray")
                        ),
                        " ",
                        r["error"],
                    ),
                ),
            )
        ),
        width="100%",
        id="reminders",
    )


def admin_record_page() -> rx.Component:
    return shell(
        rx.link(t("admin.back_to_list"), href="/admin/registrants"),
        rx.cond(
            AdminRecordState.found,
            rx.fragment(
                rx.heading(AdminRecordState.title, as_="h1", size="7", id="record-title"),
                notice(AdminRecordState.info),
                notice(AdminRecordState.problem, tone="red"),
                edit_panel(),
                card(
                    rx.heading(t("admin.record"), as_="h2", size="5"),
                    _pairs(AdminRecordState.rows),
                    rx.cond(
                        AdminRecordState.can_act,
                        rx.vstack(
                            rx.cond(AdminRecordState.expired, reinstate_button()),
                            edit_buttons(),
                            spacing="3",
                        ),
                    ),
                ),
                rx.cond(AdminRecordState.requests.length() > 0, _requests()),
                card(
                    rx.heading(t("admin.portal_account"), as_="h2", size="5"),
                    rx.cond(
                        AdminRecordState.has_account,
                        _pairs(AdminRecordState.account_rows),
                        rx.text(t("account_status.none")),
                    ),
                    rx.cond(
                        AdminRecordState.can_act,
                        rx.hstack(
                            rx.button(
                                t("admin.unlock"),
                                variant="outline",
                                on_click=AdminRecordState.unlock,
                                id="unlock",
                            ),
                            rx.button(
                                t("admin.resend_invitation"),
                                variant="outline",
                                on_click=AdminRecordState.resend_invitation,
                                id="resend-invitation",
                            ),
                            spacing="3",
                            wrap="wrap",
                        ),
                    ),
                ),
                card(
                    rx.heading(t("reminder.title"), as_="h2", size="5"),
                    rx.cond(
                        AdminRecordState.reminders.length() > 0,
                        _reminders(),
                        rx.text(t("reminder.none")),
                    ),
                ),
                card(
                    rx.heading(t("admin.history"), as_="h2", size="5"),
                    rx.cond(
                        AdminRecordState.history.length() > 0,
                        _history(),
                        rx.text(t("admin.no_history")),
                    ),
                ),
            ),
            page_title("admin.record_not_found"),
        ),
        wide=True,
    )
