"""/admin/organisations: training providers for admins — create, invite users, deactivate."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core.errors import DomainError
from portal.domain.organisations import directory
from portal.domain.organisations.tables import OrganisationKind
from portal.i18n import LANGUAGE_NAMES, format_datetime, translate
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    notice,
    primary_button,
    select_field,
    text_area_field,
)
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.ids import int_id
from portal.web.session import translator

_CREATE_FIELDS = {"name": "org_name", "kind": "org_kind", "notes": "org_notes"}
_INVITE_FIELDS = {"email": "user_email", "name": "user_name"}


class AdminOrganisationsState(PageState, rx.State):
    """The organisations as display strings; the open one with its users; form messages."""

    rows: list[dict[str, str]] = []  # noqa: RUF012
    open_id: str = ""
    detail: dict[str, str] = {}  # noqa: RUF012
    users: list[dict[str, str]] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    invite_errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""
    confirming: str = ""  # "organisation", or the id of a user to deactivate

    async def _fill(self, actor) -> None:
        lang = actor.language
        found = await asyncio.to_thread(directory.listing, actor)
        self.rows = [
            {
                "id": str(o.id),
                "name": o.name,
                "kind": translate(f"organisation_kind.{o.kind}", lang),
                "status": translate(f"organisation_status.{o.status}", lang),
                "contact": o.contact_email or "—",
                "users": str(o.users),
            }
            for o in found
        ]
        target = int_id(self.open_id)
        opened = await asyncio.to_thread(directory.detail, actor, target) if target else None
        if opened is None:
            self.open_id, self.detail, self.users = "", {}, []
            return
        self.detail = {
            "name": opened.name,
            "kind": translate(f"organisation_kind.{opened.kind}", lang),
            "status": opened.status,
            "status_text": translate(f"organisation_status.{opened.status}", lang),
            "contact": opened.contact_email or "—",
            "notes": opened.notes or "—",
            "created": format_datetime(opened.created_at, lang),
        }
        self.users = [
            {
                "id": str(u.account_id),
                "name": u.name,
                "email": u.email,
                "status": u.status,
                "status_text": translate(f"account_status.{u.status}", lang),
            }
            for u in opened.users
        ]

    def _clear_messages(self) -> None:
        self.errors, self.invite_errors, self.info, self.problem = {}, {}, "", ""
        self.confirming = ""

    @rx.event
    @guarded(Need.ADMIN)
    async def load(self, actor: Actor):
        """Admins see every organisation; anyone else is sent away."""
        self._clear_messages()
        self.open_id = ""
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def create(self, actor: Actor, form: dict):
        """Create an organisation and open it, ready to invite its first user."""
        tr = await translator(self)
        self._clear_messages()
        try:
            new_id = await asyncio.to_thread(
                directory.create,
                actor,
                text_field(form, "org_name", 201),
                text_field(form, "org_kind", 16),
                text_field(form, "contact_email", 255),
                text_field(form, "org_notes", 2001),
            )
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr, _CREATE_FIELDS)
            return None
        self.open_id = str(new_id)
        self.info = tr("organisation.created")
        await self._fill(actor)
        return [rx.set_value(name, "") for name in ("org_name", "contact_email", "org_notes")]

    @rx.event
    @guarded(Need.ADMIN)
    async def open(self, actor: Actor, organisation_id: str):
        """Show one organisation with its users."""
        self._clear_messages()
        self.open_id = organisation_id if int_id(organisation_id) is not None else ""
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def invite(self, actor: Actor, form: dict):
        """Invite a user of the open organisation by e-mail."""
        tr = await translator(self)
        target = int_id(self.open_id)
        self._clear_messages()
        email = text_field(form, "user_email", 255)
        try:
            if target is None:
                raise DomainError("organisation.unknown")
            await asyncio.to_thread(
                directory.invite_user,
                actor,
                target,
                email,
                text_field(form, "user_name", 101),
                text_field(form, "user_language", 5),
            )
        except DomainError as exc:
            self.invite_errors, self.problem = field_messages(exc, tr, _INVITE_FIELDS)
            return None
        self.info = tr("staff.invited", email=email.strip().lower())
        await self._fill(actor)
        return [rx.set_value("user_email", ""), rx.set_value("user_name", "")]

    @rx.event
    @guarded(Need.ADMIN)
    async def ask(self, actor: Actor, what: str):
        """Ask for confirmation before deactivating the organisation or one of its users."""
        self.confirming = what if what == "organisation" or int_id(what) is not None else ""
        return None

    @rx.event
    def keep(self):
        self.confirming = ""

    @rx.event
    @guarded(Need.ADMIN)
    async def deactivate(self, actor: Actor, what: str):
        """Deactivate the open organisation ("organisation") or the user with id `what`."""
        tr = await translator(self)
        organisation_id, user_id = int_id(self.open_id), int_id(what)
        self._clear_messages()
        try:
            if what == "organisation" and organisation_id is not None:
                await asyncio.to_thread(directory.deactivate, actor, organisation_id)
                self.info = tr("organisation.deactivated")
            elif user_id is not None:
                await asyncio.to_thread(directory.deactivate_user, actor, user_id)
                self.info = tr("organisation.user_deactivated")
            else:
                raise DomainError("organisation.unknown")
        except DomainError as exc:
            self.problem = tr(exc.key, **exc.params)
        await self._fill(actor)
        return None


def _list() -> rx.Component:
    headers = (
        "organisation.name",
        "organisation.kind",
        "organisation.status",
        "organisation.contact",
        "organisation.users",
        "staff.actions",
    )
    return scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])),
            rx.table.body(
                rx.foreach(
                    AdminOrganisationsState.rows,
                    lambda o: rx.table.row(
                        rx.table.row_header_cell(o["name"]),
                        rx.table.cell(o["kind"]),
                        rx.table.cell(o["status"]),
                        rx.table.cell(o["contact"]),
                        rx.table.cell(o["users"]),
                        rx.table.cell(
                            rx.button(
                                t("organisation.open"),
                                variant="outline",
                                size="2",
                                on_click=AdminOrganisationsState.open(o["id"]),
                                id="open-organisation-" + o["id"],
                            )
                        ),
                    ),
                )
            ),
            size="2",
            width="100%",
            id="organisation-list",
        ),
        "organisation.nav",
    )


def _confirm(what: rx.Var | str, question_key: str, button_key: str) -> rx.Component:
    return rx.flex(
        rx.text(t(question_key), size="2", weight="bold"),
        rx.button(
            t(button_key),
            color_scheme="red",
            size="2",
            on_click=AdminOrganisationsState.deactivate(what),
            id="confirm-deactivate-" + what,
        ),
        rx.button(
            t("record.cancel"), variant="ghost", size="2", on_click=AdminOrganisationsState.keep
        ),
        spacing="2",
        wrap="wrap",
        align="center",
    )


def _user_row(user: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(user["name"]),
        rx.table.cell(user["email"]),
        rx.table.cell(user["status_text"]),
        rx.table.cell(
            rx.cond(
                user["status"] == "disabled",
                rx.fragment(),
                rx.cond(
                    AdminOrganisationsState.confirming == user["id"],
                    _confirm(user["id"], "organisation.confirm_user", "staff.deactivate"),
                    rx.button(
                        t("staff.deactivate"),
                        color_scheme="red",
                        variant="outline",
                        size="2",
                        on_click=AdminOrganisationsState.ask(user["id"]),
                        id="deactivate-user-" + user["id"],
                    ),
                ),
            )
        ),
    )


def _users() -> rx.Component:
    headers = ("admin.col_name", "login.email", "admin.account_status", "staff.actions")
    return scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])),
            rx.table.body(rx.foreach(AdminOrganisationsState.users, _user_row)),
            size="2",
            width="100%",
            id="organisation-users",
        ),
        "organisation.users",
    )


def _invite_form() -> rx.Component:
    errors = AdminOrganisationsState.invite_errors
    return form(
        rx.heading(t("organisation.invite_title"), as_="h3", size="4"),
        field("user_name", "staff.name", errors, max_length=100),
        field("user_email", "login.email", errors, type="email", autocomplete="off"),
        select_field("user_language", "staff.language", list(LANGUAGE_NAMES.items())),
        primary_button("staff.send_invitation", id="send-organisation-invitation"),
        on_submit=AdminOrganisationsState.invite,
    )


def _opened() -> rx.Component:
    detail = AdminOrganisationsState.detail
    active = detail["status"] == "active"
    return card(
        rx.heading(detail["name"], as_="h2", size="5", id="organisation-open"),
        rx.data_list.root(
            *[
                rx.data_list.item(rx.data_list.label(t(key)), rx.data_list.value(detail[name]))
                for key, name in (
                    ("organisation.kind", "kind"),
                    ("organisation.status", "status_text"),
                    ("organisation.contact", "contact"),
                    ("organisation.notes", "notes"),
                    ("organisation.since", "created"),
                )
            ],
            orientation={"initial": "vertical", "sm": "horizontal"},
        ),
        _users(),
        rx.cond(active, _invite_form()),
        rx.cond(
            active,
            rx.cond(
                AdminOrganisationsState.confirming == "organisation",
                _confirm("organisation", "organisation.confirm_deactivate", "staff.deactivate"),
                rx.button(
                    t("organisation.deactivate"),
                    color_scheme="red",
                    variant="outline",
                    on_click=AdminOrganisationsState.ask("organisation"),
                    id="deactivate-organisation",
                ),
            ),
        ),
    )


def _create_form() -> rx.Component:
    errors = AdminOrganisationsState.errors
    return card(
        rx.heading(t("organisation.create_title"), as_="h2", size="5"),
        form(
            field("org_name", "organisation.name", errors, max_length=200),
            select_field(
                "org_kind",
                "organisation.kind",
                [(kind.value, t(f"organisation_kind.{kind.value}")) for kind in OrganisationKind],
            ),
            field(
                "contact_email",
                "organisation.contact",
                errors,
                type="email",
                autocomplete="off",
            ),
            text_area_field("org_notes", "organisation.notes", errors, max_length=2000),
            primary_button("organisation.create", id="create-organisation"),
            on_submit=AdminOrganisationsState.create,
        ),
    )


def organisations_page() -> rx.Component:
    return shell(
        page_title("organisation.nav"),
        notice(AdminOrganisationsState.info),
        notice(AdminOrganisationsState.problem, tone="red"),
        error_summary(AdminOrganisationsState.errors),
        error_summary(AdminOrganisationsState.invite_errors),
        card(_list()),
        rx.cond(AdminOrganisationsState.open_id != "", _opened()),
        _create_form(),
        wide=True,
    )
