"""/org: an organisation user's start page — their organisation and its people."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.tables import AccountKind
from portal.domain.organisations import area
from portal.i18n import translate
from portal.web.changes import PageState
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.session import require, turn_away


class OrgHomeState(PageState, rx.State):
    """The signed-in user's own organisation only, as display strings."""

    name: str = ""
    kind: str = ""
    contact: str = ""
    people: list[dict[str, str]] = []  # noqa: RUF012

    @rx.event
    async def load(self):
        """Fill the page for an organisation user; anyone else goes to their own start page."""
        principal = await require(self, AccountKind.ORGANISATION)
        if principal is None:
            return await turn_away(self)
        mine = await asyncio.to_thread(area.overview, principal)
        lang = principal.language
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


def org_home_page() -> rx.Component:
    return shell(
        page_title("organisation.area_title"),
        rx.text(t("organisation.area_intro")),
        _facts(),
        _people(),
    )
