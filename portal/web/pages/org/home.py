"""/org: an organisation user's start page — their organisation, the activities it proposed
(with where each stands) and a form to propose one, and its people."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core.errors import DomainError
from portal.domain.organisations import area, proposals
from portal.i18n import LANGUAGE_NAMES, translate
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    notice,
    options_select,
    primary_button,
    select_field,
    text_area_field,
)
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.pages.admin.proposals import category_options, proposal_rows
from portal.web.pages.org.attendance import report_panel
from portal.web.session import translator

PROPOSAL_FIELDS = {
    "title": 201,
    "category": 32,
    "starts_on": 40,
    "ends_on": 40,
    "points_requested": 3,
    "description": 1001,
    "place": 201,
    "online": 5,
    "capacity": 7,
    "language": 5,
}


class OrgHomeState(PageState, rx.State):
    """The signed-in user's own organisation only, as display strings."""

    name: str = ""
    kind: str = ""
    contact: str = ""
    people: list[dict[str, str]] = []  # noqa: RUF012
    proposals: list[dict[str, str]] = []  # noqa: RUF012
    categories: list[dict[str, str]] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor) -> None:
        lang = actor.language
        found = await asyncio.to_thread(proposals.of_my_organisation, actor)
        self.categories = await asyncio.to_thread(category_options, lang)
        self.proposals = proposal_rows(found, lang, self.categories)

    @rx.event
    @guarded(Need.ORGANISATION)
    async def load(self, actor: Actor):
        """Fill the page for an organisation user; anyone else goes to their own start page."""
        mine = await asyncio.to_thread(area.overview, actor)
        self.errors, self.info, self.problem = {}, "", ""
        await self._fill(actor)
        lang = actor.language
        self.name = mine.name
        self.kind = translate(f"organisation_kind.{mine.kind}", lang)
        self.contact = mine.contact_email or "—"
        self.people = [
            {
                "name": u.name,
                "email": u.email,
                "status": translate(f"account_status.{u.status}", lang),
            }
            for u in mine.users
        ]
        return None

    @rx.event
    @guarded(Need.ORGANISATION)
    async def propose(self, actor: Actor, form: dict):
        """Send a proposal for the catalogue; every field is checked on the server."""
        tr = await translator(self)
        values = {name: text_field(form, name, limit) for name, limit in PROPOSAL_FIELDS.items()}
        try:
            await asyncio.to_thread(proposals.propose, actor, values)
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            self.info = ""
            return None
        self.errors, self.problem = {}, ""
        self.info = tr("proposal.sent")
        await self._fill(actor)
        return rx.call_script("document.getElementById('proposal-form').reset()")


def _facts() -> rx.Component:
    return card(
        rx.heading(OrgHomeState.name, as_="h2", size="5", id="org-name"),
        rx.data_list.root(
            rx.data_list.item(
                rx.data_list.label(t("organisation.kind")),
                rx.data_list.value(OrgHomeState.kind),
            ),
            rx.data_list.item(
                rx.data_list.label(t("organisation.contact")),
                rx.data_list.value(OrgHomeState.contact),
            ),
            orientation={"initial": "vertical", "sm": "horizontal"},
        ),
    )


def _people() -> rx.Component:
    return card(
        rx.heading(t("organisation.people"), as_="h2", size="5"),
        rx.el.ul(
            rx.foreach(
                OrgHomeState.people,
                lambda p: rx.el.li(
                    rx.text(p["name"], weight="bold"),
                    rx.text(p["email"], " · ", p["status"], size="2", color_scheme="gray"),
                    padding_y="0.4em",
                ),
            ),
            id="org-people",
            list_style="none",
            padding="0",
            margin="0",
        ),
    )


def _proposal(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(row["title"], weight="bold"),
        rx.text(row["dates"], " · ", row["category_name"], " · ", row["points_text"], size="2"),
        rx.text(row["place"], size="2", color_scheme="gray"),
        rx.badge(
            row["status_text"],
            color_scheme=rx.match(
                row["status"], ("approved", "green"), ("returned", "red"), "amber"
            ),
        ),
        rx.cond(row["reason"] != "", rx.text(t("proposal.reason"), ": ", row["reason"], size="2")),
        padding_y="0.6em",
        border_bottom="1px solid var(--gray-5)",
    )


def _proposals() -> rx.Component:
    return card(
        rx.heading(t("proposal.title_section"), as_="h2", size="5"),
        rx.cond(
            OrgHomeState.proposals.length() == 0,  # type: ignore[attr-defined]
            rx.text(t("proposal.none"), color_scheme="gray"),
            rx.el.ul(
                rx.foreach(OrgHomeState.proposals, _proposal),
                id="org-proposals",
                list_style="none",
                padding="0",
                margin="0",
                width="100%",
            ),
        ),
    )


def _proposal_form() -> rx.Component:
    errors = OrgHomeState.errors
    half = {"flex": "1 1 10rem"}
    return card(
        rx.heading(t("proposal.form_title"), as_="h2", size="5"),
        rx.text(t("proposal.form_intro"), size="2"),
        form(
            field("title", "proposal.title", errors, max_length=200),
            options_select("category", "proposal.category", OrgHomeState.categories),
            rx.flex(
                rx.box(field("starts_on", "proposal.starts_on", errors, type="date"), **half),
                rx.box(field("ends_on", "proposal.ends_on", errors, type="date"), **half),
                spacing="3",
                wrap="wrap",
                width="100%",
            ),
            field(
                "points_requested",
                "proposal.points_requested",
                errors,
                input_mode="numeric",
                max_length=2,
            ),
            text_area_field("description", "proposal.description", errors, max_length=1000),
            field("place", "proposal.place", errors, max_length=200),
            rx.el.label(
                rx.hstack(
                    rx.checkbox(name="online", id="online", size="3"),
                    rx.text(t("proposal.online")),
                    align="center",
                ),
                html_for="online",
            ),
            field(
                "capacity", "proposal.capacity_label", errors, input_mode="numeric", max_length=6
            ),
            select_field("language", "proposal.language", list(LANGUAGE_NAMES.items())),
            primary_button("proposal.submit", id="send-proposal"),
            on_submit=OrgHomeState.propose,
            id="proposal-form",
        ),
    )


def org_home_page() -> rx.Component:
    return shell(
        page_title("organisation.area_title"),
        rx.text(t("organisation.area_intro")),
        notice(OrgHomeState.info),
        notice(OrgHomeState.problem, tone="red"),
        error_summary(OrgHomeState.errors),
        _facts(),
        _proposals(),
        report_panel(),
        _proposal_form(),
        _people(),
    )
