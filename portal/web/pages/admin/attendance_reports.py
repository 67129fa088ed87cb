"""The queue of attendance lists organisations reported, on /admin/activities: confirm (the
points are credited) or return with a reason."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.organisations import attendance_reports
from portal.i18n import format_datetime, translate
from portal.web.changes import PageState
from portal.web.components.forms import form, notice, text_area_field
from portal.web.components.layout import card
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.guard import Need, act, guarded
from portal.web.ids import int_id
from portal.web.session import translator

# What a report's counts are called on the page (the stored counts' names).
COUNT_KEYS = (
    ("credited", "attendance.matched"),
    ("closed", "attendance.closing"),
    ("unknown", "attendance.not_found"),
    ("already", "attendance.already"),
    ("outside", "attendance.outside"),
    ("repeated", "attendance.repeated"),
)


def counts_text(counts: dict[str, int], lang: str) -> str:
    """A report's counts in one line: `To be credited: 3 · Not found: 1`, zeros left out."""
    return " · ".join(
        f"{translate(key, lang)}: {counts[name]}" for name, key in COUNT_KEYS if counts.get(name)
    )


class AdminReportsState(PageState, rx.State):
    """Waiting attendance lists as display strings; the one being decided; its messages."""

    rows: list[dict[str, str]] = []  # noqa: RUF012
    open_id: str = ""
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor) -> None:
        lang = actor.language
        found = await asyncio.to_thread(attendance_reports.waiting, actor)
        self.rows = [
            {
                "id": str(r.id),
                "organisation": r.organisation,
                "activity": r.activity,
                "file": r.file_name or "—",
                "counts": counts_text(r.counts, lang),
                "sent": format_datetime(r.created_at, lang),
            }
            for r in found
        ]
        if self.open_id not in {r["id"] for r in self.rows}:
            self.open_id = ""

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff see the lists waiting; anyone else is sent away."""
        self.open_id, self.errors, self.info, self.problem = "", {}, "", ""
        await self._fill(actor)

    @rx.event
    @guarded(Need.STAFF)
    async def open(self, actor: Actor, report_id: str):
        """Show the decision of one waiting list."""
        self.errors, self.info, self.problem = {}, "", ""
        self.open_id = report_id if report_id in {r["id"] for r in self.rows} else ""

    async def _decide(self, actor: Actor, work, done_key: str, *args) -> None:
        """Decide the open list by `work(actor, report_id, *args)`; the lists again."""
        target = int_id(self.open_id)
        if target is None:
            self.errors, self.info = {}, ""
            self.problem = (await translator(self))("attendance.unknown_list")
            return
        _, self.errors, self.problem = await act(self, work, actor, target, *args)
        if self.errors or self.problem:
            self.info = ""
        else:
            self.open_id, self.info = "", (await translator(self))(done_key)
        await self._fill(actor)

    @rx.event
    @guarded(Need.STAFF)
    async def confirm(self, actor: Actor):
        """Credit the open list (planned again against today's registry and claims)."""
        await self._decide(actor, attendance_reports.confirm, "report.confirmed")

    @rx.event
    @guarded(Need.STAFF)
    async def send_back(self, actor: Actor, form: dict):
        """Return the open list to its organisation with the reason typed."""
        reason = text_field(form, "report_reason", 1001)
        await self._decide(actor, attendance_reports.send_back, "report.returned", reason)


def _decision(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.button(
            t("report.confirm"), size="3", on_click=AdminReportsState.confirm, id="confirm-report"
        ),
        form(
            text_area_field(
                "report_reason", "proposal.reason", AdminReportsState.errors, max_length=1000
            ),
            rx.button(t("report.return"), type="submit", variant="outline", id="return-report"),
            on_submit=AdminReportsState.send_back,
        ),
        width="100%",
        spacing="3",
    )


def _report(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.heading(row["activity"], as_="h3", size="4"),
        rx.text(row["organisation"], " · ", row["sent"], " · ", row["file"], size="2"),
        rx.text(row["counts"], size="2"),
        rx.cond(
            AdminReportsState.open_id == row["id"],
            _decision(row),
            rx.button(
                t("proposal.decide"),
                variant="outline",
                on_click=AdminReportsState.open(row["id"]),
                id="open-report-" + row["id"],
            ),
        ),
        border_top="1px solid var(--gray-5)",
        padding_top="1em",
        width="100%",
    )


def reports_queue() -> rx.Component:
    """The card listing the waiting attendance lists, each with its decision."""
    return card(
        rx.heading(t("report.queue_title"), as_="h2", size="5"),
        notice(AdminReportsState.info),
        notice(AdminReportsState.problem, tone="red"),
        rx.cond(
            AdminReportsState.rows.length() == 0,  # type: ignore[attr-defined]
            rx.text(t("report.queue_none"), color_scheme="gray"),
            rx.vstack(rx.foreach(AdminReportsState.rows, _report), width="100%"),
        ),
        id="reports",
    )
