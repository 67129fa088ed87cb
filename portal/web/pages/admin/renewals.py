"""/admin/renewals: the application queue, one application's decision, certificates to mail."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.clock import local_date
from portal.domain.renewal import renewal_review, requirement_text
from portal.i18n import format_date, translate
from portal.web.changes import PageState
from portal.web.components.forms import filter_bar, filter_control, notice, text_area_field
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.pager import neighbour_links, pager, query_href
from portal.web.components.requirements import as_rows, checklist
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.guard import Need, act, guarded
from portal.web.ids import int_id
from portal.web.selection import toggled
from portal.web.session import translator

ROUTE = paths.ADMIN_RENEWALS
_href = query_href(ROUTE)


class AdminRenewalsState(PageState, rx.State):
    """One page of the queue, the open application and the certificates to mail, as strings."""

    status: str = "submitted"
    text: str = ""  # the search in the URL (name, kana, number, e-mail)
    status_links: dict[str, str] = {}  # noqa: RUF012
    prev_link: str = ""
    next_link: str = ""
    rows: list[dict[str, str]] = []  # noqa: RUF012
    summary: str = ""
    open_id: str = ""
    detail: dict[str, str] = {}  # noqa: RUF012
    then: list[dict[str, str]] = []  # noqa: RUF012
    now: list[dict[str, str]] = []  # noqa: RUF012
    timeline: list[dict[str, str]] = []  # noqa: RUF012
    to_mail: list[dict[str, str]] = []  # noqa: RUF012
    selected: list[str] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff see the queue in the URL's status; anyone else is sent away."""
        params = self.router.url.query_parameters
        status = params.get("status", "submitted")
        self.status = status if status in renewal_review.STATUSES else "submitted"
        self.text = params.get("q", "")[:100].strip() if isinstance(params.get("q"), str) else ""
        self.status_links = {
            s: _href({"status": s, "q": self.text}) for s in renewal_review.STATUSES
        }
        self.open_id, self.detail, self.errors, self.info, self.problem = "", {}, {}, "", ""
        await self._refresh(actor)
        return None

    async def _refresh(self, actor) -> None:
        lang = actor.language
        page, mailing = await asyncio.gather(
            asyncio.to_thread(renewal_review.queue, actor, self.status, self._page(), self.text),
            asyncio.to_thread(renewal_review.to_mail, actor),
        )

        def eligible(flag: bool) -> str:
            return translate("renewals.eligible" if flag else "renewals.not_eligible", lang)

        self.rows = [
            {
                "id": str(r.id),
                "number": r.number,
                "name": r.name,
                "record_href": f"{paths.ADMIN_REGISTRANTS}/{r.record_id}",
                "cycle_end": format_date(r.cycle_end, lang),
                "submitted": format_date(local_date(r.submitted_at), lang),
                "then": eligible(r.eligible_then),
                "now": eligible(r.eligible_now),
                "now_ok": "yes" if r.eligible_now else "",
                "audits": translate("renewals.under_audit", lang, count=r.open_audits)
                if r.open_audits
                else "",
            }
            for r in page.rows
        ]
        first = (page.page - 1) * renewal_review.PER_PAGE + 1 if page.rows else 0
        self.summary = translate(
            "admin.showing",
            lang,
            first=first,
            last=first + len(page.rows) - 1 if page.rows else 0,
            total=f"{page.total:,}",
        )
        self.prev_link, self.next_link = neighbour_links(
            _href, {"status": self.status, "q": self.text}, page.page, page.pages
        )
        self.to_mail = [
            {
                "id": str(m.certificate_id),
                "number": m.number,
                "name": m.name,
                "registration_number": m.registration_number,
                "address": f"〒{m.postal_code} {m.address}",
                "issued": format_date(local_date(m.issued_at), lang),
            }
            for m in mailing
        ]
        self.selected = []

    def _page(self) -> int:
        raw = self.router.url.query_parameters.get("page", "1")
        return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 7 else 1

    @rx.event
    @guarded(Need.STAFF)
    async def search(self, actor: Actor, form: dict):
        """Put the search into the URL (bookmarkable); the page load runs it."""
        return rx.redirect(_href({"status": self.status, "q": text_field(form, "q", 100).strip()}))

    @rx.event
    @guarded(Need.STAFF)
    async def open_application(self, actor: Actor, application_id: str):
        """Show one application with its eligibility then and now."""
        target = int_id(application_id)
        found = await asyncio.to_thread(renewal_review.detail, actor, target) if target else None
        self.errors, self.info, self.problem = {}, "", ""
        if found is None:
            self.open_id, self.detail = "", {}
            self.problem = translate("renewal.unknown", actor.language)
            return None
        lang = actor.language
        app = found.application
        self.open_id = str(app.id)
        self.detail = {
            "name": found.name,
            "number": found.number,
            "record_href": f"{paths.ADMIN_REGISTRANTS}/{found.record_id}",
            "status": translate(f"renewal_status.{app.status}", lang),
            "decidable": "yes" if app.status == "submitted" else "",
            "period": translate(
                "renewal.period",
                lang,
                start=format_date(found.valid_from, lang),
                end=format_date(found.valid_until, lang),
            ),
            "mailing": f"{app.mailing.get('name', '')} 〒{app.mailing.get('postal_code', '')} "
            f"{app.mailing.get('address', '')}",
            "reason": app.reason,
            "certificate": app.certificate_number,
        }
        self.then = as_rows(requirement_text.for_snapshot(found.snapshot, lang))
        self.now = as_rows(requirement_text.for_eligibility(found.current, lang))
        self.timeline = [
            {
                "what": translate(f"renewal_event.{s.kind}", lang),
                "when": format_date(local_date(s.at), lang),
                "message": s.message,
            }
            for s in app.timeline
        ]
        return rx.scroll_to("decision")

    async def _decide(self, actor: Actor, action: str, reason: str):
        """Decide the open application; the list again, with what happened."""
        target = int_id(self.open_id) or 0
        _, self.errors, self.problem = await act(
            self, renewal_review.decide, actor, target, action, reason
        )
        if self.errors or self.problem:
            return None
        tr = await translator(self)
        found = await asyncio.to_thread(renewal_review.detail, actor, target)
        if action == "approve" and found is not None:
            self.info = tr(
                "renewals.approved",
                number=found.application.certificate_number,
                end=format_date(found.valid_until, actor.language),
            )
        else:
            self.info = tr("renewals.rejected")
        self.open_id, self.detail = "", {}
        await self._refresh(actor)
        return rx.scroll_to("main")

    @rx.event
    @guarded(Need.STAFF)
    async def approve(self, actor: Actor):
        """Approve the open application: next period, certificate, mail."""
        return await self._decide(actor, "approve", "")

    @rx.event
    @guarded(Need.STAFF)
    async def reject(self, actor: Actor, form: dict):
        """Reject the open application with the reason typed."""
        return await self._decide(actor, "reject", text_field(form, "reason", 2000))

    @rx.event
    def toggle(self, certificate_id: str, checked: bool):
        shown = {r["id"] for r in self.to_mail}
        self.selected = toggled(self.selected, certificate_id, checked, shown)

    @rx.event
    @guarded(Need.STAFF)
    async def mark_mailed(self, actor: Actor):
        """Mark the selected certificates as mailed today."""
        ids = [int(i) for i in self.selected if i.isdigit()]
        count = await asyncio.to_thread(renewal_review.mark_mailed, actor, ids)
        await self._refresh(actor)
        self.info = (await translator(self))("renewals.marked", count=count)


def _status_links() -> rx.Component:
    return rx.flex(
        *[
            rx.link(
                t(f"renewals.status_{s}"),
                href=AdminRenewalsState.status_links[s],
                weight=rx.cond(AdminRenewalsState.status == s, "bold", "regular"),
                aria_current=rx.cond(AdminRenewalsState.status == s, "page", "false"),
            )
            for s in renewal_review.STATUSES
        ],
        spacing="4",
        wrap="wrap",
    )


def _search() -> rx.Component:
    box = rx.input(
        name="q",
        id="q",
        default_value=AdminRenewalsState.text,
        key=AdminRenewalsState.text,
        max_length=100,
    )
    return filter_bar(
        filter_control("q", "admin.search", box, flex="2 1 16rem"),
        on_submit=AdminRenewalsState.search,
        submit_id="renewals-search",
    )


def _queue_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["submitted"], white_space="nowrap"),
        rx.table.row_header_cell(
            rx.link(row["name"], href=row["record_href"]),
            " ",
            rx.text(row["number"], size="1", as_="span"),
        ),
        rx.table.cell(row["cycle_end"], white_space="nowrap"),
        rx.table.cell(row["then"]),
        rx.table.cell(
            rx.badge(row["now"], color_scheme=rx.cond(row["now_ok"] == "yes", "green", "red")),
            rx.cond(row["audits"] != "", rx.text(row["audits"], size="1")),
        ),
        rx.table.cell(
            rx.button(
                t("renewals.review"),
                size="1",
                variant="soft",
                on_click=AdminRenewalsState.open_application(row["id"]),
                id="review-" + row["id"],
            )
        ),
    )


def _queue() -> rx.Component:
    headers = (
        "renewals.submitted",
        "admin.col_name",
        "renewals.cycle_end",
        "renewals.then",
        "renewals.now",
        "renewals.review",
    )
    return card(
        _status_links(),
        _search(),
        rx.text(AdminRenewalsState.summary, id="renewals-summary"),
        scroll_region(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])
                ),
                rx.table.body(rx.foreach(AdminRenewalsState.rows, _queue_row)),
                size="2",
                width="100%",
                id="renewals-queue",
            ),
            "renewals.title",
            overflow_x="auto",
        ),
        pager(AdminRenewalsState.prev_link, AdminRenewalsState.next_link),
    )


def _decision() -> rx.Component:
    detail = AdminRenewalsState.detail
    return card(
        rx.heading(detail["name"], " ", detail["number"], as_="h2", size="5"),
        rx.text(detail["status"], " · ", detail["period"]),
        rx.text(detail["mailing"], size="2", color="var(--gray-11)"),
        rx.link(t("renewals.record"), href=detail["record_href"], size="2"),
        rx.grid(
            rx.vstack(
                rx.heading(t("renewals.then"), as_="h3", size="3"),
                checklist(AdminRenewalsState.then, "then-"),
            ),
            rx.vstack(
                rx.heading(t("renewals.now"), as_="h3", size="3"),
                checklist(AdminRenewalsState.now, "now-"),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="5",
            width="100%",
        ),
        rx.cond(
            detail["decidable"] == "yes",
            rx.vstack(
                rx.button(
                    t("renewals.approve"),
                    size="3",
                    color_scheme="green",
                    on_click=AdminRenewalsState.approve,
                    id="approve-renewal",
                ),
                rx.form(
                    rx.vstack(
                        text_area_field(
                            "reason",
                            "renewals.reason",
                            AdminRenewalsState.errors,
                            max_length=1000,
                        ),
                        rx.button(
                            t("renewals.reject"),
                            type="submit",
                            variant="outline",
                            color_scheme="red",
                            id="reject-renewal",
                        ),
                        width="100%",
                    ),
                    on_submit=AdminRenewalsState.reject,
                    width="100%",
                ),
                width="100%",
                spacing="4",
            ),
        ),
        id="decision",
    )


def _mail_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.checkbox(
                checked=AdminRenewalsState.selected.contains(row["id"]),
                on_change=lambda checked: AdminRenewalsState.toggle(row["id"], checked),
                aria_label=t("renewals.select") + " " + row["number"],
                id="mail-" + row["id"],
            )
        ),
        rx.table.row_header_cell(row["number"], white_space="nowrap"),
        rx.table.cell(row["name"], " ", rx.text(row["registration_number"], size="1", as_="span")),
        rx.table.cell(row["address"]),
        rx.table.cell(row["issued"], white_space="nowrap"),
    )


def _mailing() -> rx.Component:
    headers = (
        "renewals.select",
        "renewals.certificate",
        "admin.col_name",
        "renewals.address",
        "certificate.issued_on",
    )
    return card(
        rx.heading(t("renewals.to_mail"), as_="h2", size="5"),
        rx.cond(
            AdminRenewalsState.to_mail.length() > 0,
            rx.vstack(
                rx.flex(
                    rx.button(
                        t("renewals.mark_mailed"),
                        on_click=AdminRenewalsState.mark_mailed,
                        disabled=AdminRenewalsState.selected.length() == 0,
                        id="mark-mailed",
                    ),
                    rx.el.a(
                        t("renewals.labels"),
                        href=f"{ROUTE}/labels",
                        class_name="download-link",
                        reload_document=True,
                    ),
                    spacing="4",
                    align="center",
                    wrap="wrap",
                ),
                scroll_region(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])
                        ),
                        rx.table.body(rx.foreach(AdminRenewalsState.to_mail, _mail_row)),
                        size="2",
                        width="100%",
                        id="to-mail",
                    ),
                    "renewals.to_mail",
                    overflow_x="auto",
                ),
                width="100%",
            ),
            rx.text(t("renewals.to_mail_none")),
        ),
    )


def renewals_page() -> rx.Component:
    return shell(
        page_title("renewals.title"),
        notice(AdminRenewalsState.info),
        notice(AdminRenewalsState.problem, "red"),
        rx.cond(AdminRenewalsState.open_id != "", _decision()),
        _queue(),
        _mailing(),
        wide=True,
    )
