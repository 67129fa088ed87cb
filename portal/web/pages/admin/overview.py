"""/admin: the secretariat's overview — counts, the season's renewals by month, the queues."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.clock import today, utcnow
from portal.domain.registrants import figures
from portal.domain.renewal import season
from portal.i18n import translate
from portal.web.changes import PageState
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.guard import Need, guarded

_TILES = (
    ("registrants", "admin.registrants"),
    ("active", "admin.active"),
    ("due_within_6_months", "admin.due"),
    ("expired", "admin.expired"),
    ("withdrawn", "admin.withdrawn"),
    ("with_account", "admin.with_account"),
    ("staff", "admin.staff"),
)


def _waiting(count: int, oldest, lang: str) -> str:
    if not count or oldest is None:
        return translate("overview.none_waiting", lang)
    return translate("overview.oldest", lang, count=(utcnow() - oldest).days)


class AdminOverviewState(PageState, rx.State):
    """Counts only; filled for staff who passed the guard."""

    counts: dict[str, int] = {}  # noqa: RUF012
    signed_in_as: str = ""
    due: list[dict[str, str | int]] = []  # noqa: RUF012
    queues: list[dict[str, str]] = []  # noqa: RUF012

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff see the counts; everyone else is sent to their own start page."""
        overview, now = await asyncio.gather(
            asyncio.to_thread(figures.overview, actor),
            asyncio.to_thread(season.season, actor, today()),
        )
        lang = actor.language
        self.counts = {name: getattr(overview, name) for name, _ in _TILES}
        role = translate(f"role.{actor.role}", lang)
        self.signed_in_as = translate(
            "admin.signed_in_as", lang, name=actor.display_name, role=role
        )
        self.due = [
            {"month": f"{m:%Y-%m}", "count": n, "label": f"{m:%Y-%m}: {n:,}"}
            for m, n in now.due_by_month
        ]
        self.queues = [
            {
                "id": "claims",
                "title": translate("overview.claims_waiting", lang),
                "value": f"{now.claims_waiting:,}",
                "note": _waiting(now.claims_waiting, now.oldest_claim, lang),
                "href": paths.ADMIN_CLAIMS,
            },
            {
                "id": "applications",
                "title": translate("overview.applications_waiting", lang),
                "value": f"{now.applications_waiting:,}",
                "note": _waiting(now.applications_waiting, now.oldest_application, lang),
                "href": paths.ADMIN_RENEWALS,
            },
            {
                "id": "reminders",
                "title": translate("overview.reminders_week", lang),
                "value": f"{now.reminders_sent_week:,}",
                "note": translate(
                    "overview.reminders_value",
                    lang,
                    sent=now.reminders_sent_week,
                    failed=now.reminders_failed_week,
                ),
                "href": paths.ADMIN_OUTBOX + "?status=failed",
            },
        ]
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


def _queue(item: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(item["title"], size="2", color="var(--gray-11)"),
            rx.text(item["value"], size="7", weight="bold", id="queue-" + item["id"]),
            rx.text(item["note"], size="2"),
            rx.link(t("overview.open_queue"), href=item["href"], size="2"),
            spacing="1",
        ),
        size="2",
    )


def _chart() -> rx.Component:
    return card(
        rx.heading(t("overview.due_chart"), as_="h2", size="4"),
        rx.text(t("overview.due_chart_hint"), size="2", color="var(--gray-11)"),
        rx.box(
            rx.recharts.bar_chart(
                rx.recharts.bar(data_key="count", fill="var(--accent-9)", name="count"),
                rx.recharts.x_axis(data_key="month"),
                rx.recharts.y_axis(allow_decimals=False),
                rx.recharts.graphing_tooltip(),
                data=AdminOverviewState.due,
                width="100%",
                height=260,
            ),
            width="100%",
        ),
        # The same figures as text, for screen readers and for copying.
        rx.el.ul(
            rx.foreach(AdminOverviewState.due, lambda d: rx.el.li(d["label"])),
            class_name="sr-only",
            id="due-by-month",
        ),
    )


def overview_page() -> rx.Component:
    return shell(
        page_title("admin.title"),
        rx.text(AdminOverviewState.signed_in_as, color="var(--gray-11)"),
        rx.grid(
            rx.foreach(AdminOverviewState.queues, _queue),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="4",
            width="100%",
        ),
        _chart(),
        rx.grid(
            *[_tile(name, key) for name, key in _TILES],
            columns=rx.breakpoints(initial="1", sm="2", md="4"),
            spacing="4",
            width="100%",
        ),
        wide=True,
    )
