"""/admin: the secretariat's overview counts."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain import registry
from portal.domain.models import AccountKind
from portal.i18n import translate
from portal.web.components.layout import page_title, shell
from portal.web.components.text import t
from portal.web.session import require, turn_away

_TILES = (
    ("registrants", "admin.registrants"),
    ("active", "admin.active"),
    ("due_within_6_months", "admin.due"),
    ("expired", "admin.expired"),
    ("withdrawn", "admin.withdrawn"),
    ("with_account", "admin.with_account"),
    ("staff", "admin.staff"),
)


class AdminOverviewState(rx.State):
    """Counts only; filled for staff who passed the guard."""

    counts: dict[str, int] = {}  # noqa: RUF012
    signed_in_as: str = ""

    @rx.event
    async def load(self):
        """Staff see the counts; everyone else is sent to their own start page."""
        principal = await require(self, AccountKind.STAFF)
        if principal is None:
            return await turn_away(self)
        overview = await asyncio.to_thread(registry.overview)
        self.counts = {name: getattr(overview, name) for name, _ in _TILES}
        role = translate(f"role.{principal.role}", principal.language)
        self.signed_in_as = translate(
            "admin.signed_in_as", principal.language, name=principal.display_name, role=role
        )
        return None


def _tile(name: str, key: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(t(key), size="2", color="var(--gray-11)"),
            rx.text(AdminOverviewState.counts[name], size="7", weight="bold", id=f"count-{name}"),
            spacing="1",
        ),
        size="2",
    )


def overview_page() -> rx.Component:
    return shell(
        page_title("admin.title"),
        rx.text(AdminOverviewState.signed_in_as, color="var(--gray-11)"),
        rx.grid(
            *[_tile(name, key) for name, key in _TILES],
            columns=rx.breakpoints(initial="1", sm="2", md="4"),
            spacing="4",
            width="100%",
        ),
        wide=True,
    )
