"""/admin/staff: secretariat accounts for admins — invite, change role, deactivate, reactivate."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.staff import staff_accounts
from portal.i18n import LANGUAGE_NAMES
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    notice,
    primary_button,
    select_field,
)
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.guard import Need, act, guarded
from portal.web.ids import int_id
from portal.web.presenters import staff as staff_rows
from portal.web.session import PROVIDER_NAME, translator


class AdminStaffState(PageState, rx.State):
    """The staff list as display strings, and the invitation form's messages."""

    members: list[staff_rows.MemberRow] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""
    confirming: str = ""

    async def _fill(self, actor) -> None:
        found = await asyncio.to_thread(staff_accounts.members, actor)
        self.members = staff_rows.members(found, actor.account_id, actor.language)

    @rx.event
    @guarded(Need.ADMIN)
    async def load(self, actor: Actor):
        """Admins see every staff account; anyone else is sent away."""
        self.errors, self.info, self.problem, self.confirming = {}, "", "", ""
        await self._fill(actor)

    @rx.event
    @guarded(Need.ADMIN)
    async def invite(self, actor: Actor, form: dict):
        """Create an invited account and mail it the link to choose a password."""
        email = text_field(form, "email", 254)
        _, self.errors, self.problem = await act(
            self,
            staff_accounts.invite,
            actor,
            email,
            text_field(form, "name", 101),
            text_field(form, "role", 16),
            text_field(form, "language", 5),
        )
        if self.errors or self.problem:
            self.info = ""
            return None
        self.info = (await translator(self))("staff.invited", email=email.strip().lower())
        await self._fill(actor)
        return rx.set_value("email", "")

    async def _change(self, actor: Actor, work: Callable, account_id: object, done: str) -> None:
        """One change to another member's account, then the list again."""
        self.confirming = ""
        target = int_id(account_id)
        if target is None:
            self.problem, self.info = (await translator(self))("staff.unknown"), ""
            return
        _, _, self.problem = await act(self, work, actor, target)
        self.info = "" if self.problem else (await translator(self))(done)
        await self._fill(actor)

    @rx.event
    @guarded(Need.ADMIN)
    async def set_role(self, actor: Actor, account_id: str, role: str):
        """Give another staff member the admin or reviewer role (never the last active admin's)."""

        def work(who, target):
            staff_accounts.change_role(who, target, role)

        await self._change(actor, work, account_id, "staff.role_changed")

    @rx.event
    @guarded(Need.ADMIN)
    async def ask_deactivate(self, actor: Actor, account_id: str):
        """Ask for confirmation before deactivating."""
        self.confirming = account_id if int_id(account_id) is not None else ""

    @rx.event
    def keep(self):
        self.confirming = ""

    @rx.event
    @guarded(Need.ADMIN)
    async def deactivate(self, actor: Actor, account_id: str):
        """Disable the account and end its sessions."""
        await self._change(actor, staff_accounts.deactivate, account_id, "staff.deactivated")

    @rx.event
    @guarded(Need.ADMIN)
    async def ask_reset(self, actor: Actor, account_id: str):
        """Ask for confirmation before resetting a member's second factor."""
        self.confirming = "reset:" + account_id if int_id(account_id) is not None else ""

    @rx.event
    @guarded(Need.ADMIN)
    async def reset_second_factor(self, actor: Actor, account_id: str):
        """Remove the member's authenticator app and provider link (a lost phone)."""
        await self._change(
            actor, staff_accounts.reset_second_factor, account_id, "admin.second_factor_reset"
        )

    @rx.event
    @guarded(Need.ADMIN)
    async def reactivate(self, actor: Actor, account_id: str):
        """Let a deactivated member in again (or re-send an unanswered invitation)."""
        await self._change(actor, staff_accounts.reactivate, account_id, "staff.reactivated")


def _actions(member: rx.Var) -> rx.Component:
    button = {"variant": "outline", "size": "2"}
    return rx.cond(
        member.me,
        rx.text(t("staff.you"), size="2"),
        rx.cond(
            AdminStaffState.confirming == "reset:" + member.id,
            _confirm_row(
                rx.text(t("admin.reset_second_factor_explain"), size="2"),
                "admin.reset_second_factor",
                AdminStaffState.reset_second_factor(member.id),
                "confirm-reset-" + member.id,
            ),
            _deactivate_or_buttons(member, button),
        ),
    )


def _confirm_row(question: rx.Component, action_key: str, on_click, button_id) -> rx.Component:
    """A question about one member, the red button that does it, and Cancel."""
    return rx.flex(
        question,
        rx.button(t(action_key), color_scheme="red", size="2", on_click=on_click, id=button_id),
        rx.button(t("record.cancel"), variant="ghost", size="2", on_click=AdminStaffState.keep),
        spacing="2",
        wrap="wrap",
        align="center",
    )


def _deactivate_or_buttons(member: rx.Var, button: dict) -> rx.Component:
    return rx.cond(
        AdminStaffState.confirming == member.id,
        _confirm_row(
            rx.text(t("staff.confirm_deactivate"), size="2", weight="bold"),
            "staff.deactivate",
            AdminStaffState.deactivate(member.id),
            "confirm-deactivate-" + member.id,
        ),
        rx.flex(
            rx.cond(
                member.role == "admin",
                rx.button(
                    t("staff.make_reviewer"),
                    on_click=AdminStaffState.set_role(member.id, "reviewer"),
                    id="make-reviewer-" + member.id,
                    **button,
                ),
                rx.button(
                    t("staff.make_admin"),
                    on_click=AdminStaffState.set_role(member.id, "admin"),
                    id="make-admin-" + member.id,
                    **button,
                ),
            ),
            rx.cond(
                member.status == "disabled",
                rx.button(
                    t("staff.reactivate"),
                    on_click=AdminStaffState.reactivate(member.id),
                    id="reactivate-" + member.id,
                    **button,
                ),
                rx.button(
                    t("staff.deactivate"),
                    color_scheme="red",
                    on_click=AdminStaffState.ask_deactivate(member.id),
                    id="deactivate-" + member.id,
                    **button,
                ),
            ),
            rx.cond(
                member.status == "invited",
                rx.button(
                    t("staff.resend"),
                    on_click=AdminStaffState.reactivate(member.id),
                    id="resend-" + member.id,
                    **button,
                ),
            ),
            rx.cond(
                (member.status == "active") & member.resettable,
                rx.button(
                    t("admin.reset_second_factor"),
                    color_scheme="red",
                    on_click=AdminStaffState.ask_reset(member.id),
                    id="reset-" + member.id,
                    **button,
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
    )


def _list() -> rx.Component:
    headers = (
        "admin.col_name",
        "login.email",
        "staff.role",
        "admin.account_status",
        "account.totp_title",
        "admin.last_sign_in",
        *(["admin.provider_link"] if PROVIDER_NAME else []),
        "staff.actions",
    )
    return scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])),
            rx.table.body(
                rx.foreach(
                    AdminStaffState.members,
                    lambda m: rx.table.row(
                        rx.table.row_header_cell(m.name),
                        rx.table.cell(m.email),
                        rx.table.cell(m.role_text),
                        rx.table.cell(m.status_text),
                        rx.table.cell(m.totp),
                        rx.table.cell(m.last),
                        *([rx.table.cell(m.provider)] if PROVIDER_NAME else []),
                        rx.table.cell(_actions(m)),
                    ),
                )
            ),
            size="2",
            width="100%",
            id="staff-list",
        ),
        "admin.staff",
        overflow_x="auto",
    )


def _invite_form() -> rx.Component:
    return card(
        rx.heading(t("staff.invite_title"), as_="h2", size="5"),
        rx.text(t("staff.invite_intro"), size="2"),
        form(
            field("name", "staff.name", AdminStaffState.errors, max_length=100),
            field(
                "email",
                "login.email",
                AdminStaffState.errors,
                type="email",
                autocomplete="off",
            ),
            select_field(
                "role",
                "staff.role",
                [("reviewer", t("role.reviewer")), ("admin", t("role.admin"))],
            ),
            select_field("language", "staff.language", list(LANGUAGE_NAMES.items())),
            primary_button("staff.send_invitation", id="send-invitation"),
            on_submit=AdminStaffState.invite,
        ),
    )


def staff_page() -> rx.Component:
    return shell(
        page_title("admin.staff"),
        notice(AdminStaffState.info),
        notice(AdminStaffState.problem, tone="red"),
        error_summary(AdminStaffState.errors),
        card(_list()),
        _invite_form(),
        wide=True,
    )
