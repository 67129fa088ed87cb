"""On /org: the organisation's activities in the catalogue and its attendance lists — upload a
list for an activity that has taken place, see what it would do, send it to the secretariat."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import staged_files
from portal.domain.core.errors import DomainError
from portal.domain.organisations import attendance_reports
from portal.i18n import format_date_range, format_datetime, translate
from portal.web.changes import PageState
from portal.web.components.attendance_preview import csv_drop, preview_rows, preview_view
from portal.web.components.forms import notice
from portal.web.components.layout import card
from portal.web.components.text import t
from portal.web.guard import Need, guarded
from portal.web.ids import int_id
from portal.web.pages.admin.attendance_reports import counts_text
from portal.web.session import translator
from portal.web.uploads import one_upload

REPORT_UPLOAD = "report-file"


class OrgReportState(PageState, rx.State):
    """The organisation's own activities and lists; the list being checked (staged on the
    server, never in the browser's state)."""

    activities: list[dict[str, str]] = []  # noqa: RUF012
    reports: list[dict[str, str]] = []  # noqa: RUF012
    report_for: str = ""
    report_title: str = ""
    counts: list[dict[str, str]] = []  # noqa: RUF012
    lines: list[dict[str, str]] = []  # noqa: RUF012
    ready: bool = False
    info: str = ""
    problem: str = ""
    _staged: str = ""
    _file_name: str = ""

    async def _fill(self, actor) -> None:
        lang = actor.language
        found = await asyncio.to_thread(attendance_reports.reportable, actor)
        self.activities = [
            {
                "id": str(a.id),
                "title": a.title,
                "dates": format_date_range(a.starts_on, a.ends_on, lang),
                "points": translate("count.points", lang, count=a.points),
                "done": "yes" if a.taken_place else "",
            }
            for a in found
        ]
        reports = await asyncio.to_thread(attendance_reports.of_my_organisation, actor)
        self.reports = [
            {
                "activity": r.activity,
                "sent": format_datetime(r.created_at, lang),
                "status": r.status,
                "status_text": translate(f"report_status.{r.status}", lang),
                "counts": counts_text(r.counts, lang),
                "reason": r.reason,
            }
            for r in reports
        ]

    def _forget(self) -> None:
        if self._staged:
            staged_files.discard(self._staged)
        self._staged, self._file_name, self.ready = "", "", False
        self.counts, self.lines = [], []

    @rx.event
    @guarded(Need.ORGANISATION)
    async def load(self, actor: Actor):
        """Fill the organisation's activities and lists; anyone else is sent away."""
        self._forget()
        self.report_for, self.info, self.problem = "", "", ""
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.ORGANISATION)
    async def start(self, actor: Actor, activity_id: str):
        """Open the upload for one of the organisation's activities that has taken place."""
        chosen = [a for a in self.activities if a["id"] == activity_id and a["done"]]
        self._forget()
        self.info, self.problem = "", ""
        self.report_for = chosen[0]["id"] if chosen else ""
        self.report_title = chosen[0]["title"] if chosen else ""
        return rx.scroll_to("report-panel") if chosen else None

    @rx.event
    def close(self):
        self._forget()
        self.report_for = ""

    @rx.event
    @guarded(Need.ORGANISATION)
    async def check(self, actor: Actor, files: list[rx.UploadFile]):
        """Stage the list on the server and show what it would do; nothing is sent yet."""
        tr = await translator(self)
        target = int_id(self.report_for)
        self._forget()
        data, self.problem = await one_upload(files, attendance_reports.MAX_BYTES, tr)
        if target is None or data is None:
            return None
        try:
            plan = await asyncio.to_thread(attendance_reports.preview, actor, target, data)
        except DomainError as exc:
            self.problem = tr(exc.key, **exc.params)
            return None
        self.counts, self.lines = preview_rows(plan, "attendance.not_found")
        self._staged = await asyncio.to_thread(staged_files.stage, data)
        self._file_name = (getattr(files[0], "name", "") or "")[:200]
        self.ready, self.problem = plan.credits > 0, ""
        return None

    @rx.event
    @guarded(Need.ORGANISATION)
    async def send(self, actor: Actor):
        """Send the checked list to the secretariat."""
        tr = await translator(self)
        target = int_id(self.report_for)
        data = await asyncio.to_thread(staged_files.load, self._staged) if self._staged else None
        if target is None or data is None or not self.ready:
            return None
        try:
            await asyncio.to_thread(attendance_reports.submit, actor, target, data, self._file_name)
        except DomainError as exc:
            self.problem = tr(exc.key, **exc.params)
            return None
        self._forget()
        self.report_for, self.info = "", tr("report.sent")
        await self._fill(actor)
        return None


def _activity(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(row["title"], weight="bold"),
        rx.text(row["dates"], " · ", row["points"], size="2"),
        rx.cond(
            row["done"] == "yes",
            rx.button(
                t("report.start"),
                variant="outline",
                size="2",
                on_click=OrgReportState.start(row["id"]),
                id="report-" + row["id"],
            ),
        ),
        padding_y="0.6em",
        border_bottom="1px solid var(--gray-5)",
    )


def _report(row: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(row["activity"], weight="bold"),
        rx.text(row["sent"], " · ", row["counts"], size="2"),
        rx.badge(
            row["status_text"],
            color_scheme=rx.match(
                row["status"], ("confirmed", "green"), ("returned", "red"), "amber"
            ),
        ),
        rx.cond(row["reason"] != "", rx.text(t("proposal.reason"), ": ", row["reason"], size="2")),
        padding_y="0.6em",
        border_bottom="1px solid var(--gray-5)",
    )


def _upload() -> rx.Component:
    return rx.vstack(
        rx.heading(OrgReportState.report_title, as_="h3", size="4"),
        csv_drop(REPORT_UPLOAD),
        rx.flex(
            rx.button(
                t("report.check"),
                on_click=OrgReportState.check(rx.upload_files(upload_id=REPORT_UPLOAD)),
                id="check-report",
            ),
            rx.cond(
                OrgReportState.ready,
                rx.button(t("report.submit"), on_click=OrgReportState.send, id="send-report"),
            ),
            rx.button(t("record.cancel"), variant="ghost", on_click=OrgReportState.close),
            spacing="3",
            wrap="wrap",
        ),
        preview_view(OrgReportState.counts, OrgReportState.lines, id="report-counts"),
        width="100%",
        id="report-panel",
    )


def _plain_list(items: rx.Var, render, id: str) -> rx.Component:
    return rx.el.ul(
        rx.foreach(items, render), id=id, list_style="none", padding="0", margin="0", width="100%"
    )


def report_panel() -> rx.Component:
    """The card of the organisation's activities and attendance lists."""
    return card(
        rx.heading(t("report.section"), as_="h2", size="5"),
        rx.text(t("report.intro"), size="2"),
        notice(OrgReportState.info),
        notice(OrgReportState.problem, tone="red"),
        rx.cond(
            OrgReportState.activities.length() == 0,  # type: ignore[attr-defined]
            rx.text(t("report.no_activity"), color_scheme="gray"),
            _plain_list(OrgReportState.activities, _activity, "org-activities"),
        ),
        rx.cond(OrgReportState.report_for != "", _upload()),
        rx.cond(
            OrgReportState.reports.length() == 0,  # type: ignore[attr-defined]
            rx.text(t("report.none"), color_scheme="gray"),
            _plain_list(OrgReportState.reports, _report, "org-reports"),
        ),
    )
