"""/admin/claims: the review queue — oldest first, filters in the URL, bulk approval of catalogue claims."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.clock import local_date
from portal.domain.points import catalogue, claim_review
from portal.i18n import format_date, translate
from portal.web.changes import PageState
from portal.web.components.forms import date_filter, filter_bar, filter_control, notice
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.pager import neighbour_links, pager
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.guard import Need, guarded
from portal.web.selection import toggled
from portal.web.session import translator

ROUTE = paths.ADMIN_CLAIMS
FILTERS = ("status", "category", "from", "to")


def _href(params: dict[str, str]) -> str:
    kept = {k: v for k, v in params.items() if v and not (k == "status" and v == "open")}
    return ROUTE + (f"?{urlencode(kept)}" if kept else "")


class AdminClaimsState(PageState, rx.State):
    """One page of the queue as display strings; the selection for bulk approval."""

    rows: list[dict[str, str]] = []  # noqa: RUF012
    categories: list[dict[str, str]] = []  # noqa: RUF012
    params: dict[str, str] = {}  # noqa: RUF012
    summary: str = ""
    prev_link: str = ""
    next_link: str = ""
    selected: list[str] = []  # noqa: RUF012
    info: str = ""

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Run the query in the URL (staff); anyone else is sent away."""
        await self._refresh(actor)
        return None

    async def _refresh(self, actor) -> None:
        raw = {k: v for k, v in self.router.url.query_parameters.items() if isinstance(v, str)}
        query = claim_review.queue_query(raw)
        found = await asyncio.to_thread(claim_review.queue, actor, query)
        activity_categories = await asyncio.to_thread(catalogue.categories)
        lang = actor.language
        names = {c.code: c.name(lang) for c in activity_categories}
        self.categories = [{"code": c.code, "name": c.name(lang)} for c in activity_categories]
        self.params = {
            "status": query.status,
            "category": query.category,
            "from": query.date_from.isoformat() if query.date_from else "",
            "to": query.date_to.isoformat() if query.date_to else "",
        }
        self.rows = [
            {
                "id": str(r.id),
                "href": f"{ROUTE}/{r.id}",
                "number": r.number,
                "name": r.name,
                "title": r.title,
                "category": names.get(r.category, r.category),
                "date": format_date(r.activity_date, lang),
                "points": str(r.points),
                "status": translate(f"claim_status.{r.status}", lang),
                "submitted": format_date(local_date(r.created_at), lang),
                "bulk": "yes" if r.from_catalogue and r.status != "info_requested" else "",
            }
            for r in found.rows
        ]
        first = (found.page - 1) * claim_review.PER_PAGE + 1 if found.total else 0
        self.summary = translate(
            "admin.showing",
            lang,
            first=first,
            last=first + len(found.rows) - 1 if found.rows else 0,
            total=f"{found.total:,}+" if found.more else f"{found.total:,}",
        )
        self.prev_link, self.next_link = neighbour_links(
            _href, self.params, found.page, found.pages
        )
        self.selected, self.info = [], ""

    @rx.event
    @guarded(Need.STAFF)
    async def apply_filters(self, actor: Actor, form: dict):
        """Put the filters into the URL (bookmarkable); the page load runs the query."""
        return rx.redirect(_href({name: text_field(form, name, 32) for name in FILTERS}))

    @rx.event
    def toggle(self, claim_id: str, checked: bool):
        self.selected = toggled(self.selected, claim_id, checked, {r["id"] for r in self.rows})

    @rx.event
    @guarded(Need.STAFF)
    async def approve_selected(self, actor: Actor):
        """Approve the selected catalogue claims with the points asked."""
        tr = await translator(self)
        ids = [int(i) for i in self.selected if i.isdigit()]
        approved = await asyncio.to_thread(claim_review.approve_many, actor, ids)
        await self._refresh(actor)
        self.info = tr("review.bulk_done", count=approved)
        return None


def _filters() -> rx.Component:
    status = rx.el.select(
        *[
            rx.el.option(t(f"review.status_{s}"), value=s)
            for s in claim_review.QUEUE_STATUSES
            if s != "withdrawn"
        ],
        name="status",
        id="status",
        default_value=AdminClaimsState.params["status"],
        key=AdminClaimsState.params["status"],
        class_name="portal-select compact",
    )
    category = rx.el.select(
        rx.el.option(t("review.any_category"), value=""),
        rx.foreach(AdminClaimsState.categories, lambda c: rx.el.option(c["name"], value=c["code"])),
        name="category",
        id="category",
        default_value=AdminClaimsState.params["category"],
        key=AdminClaimsState.params["category"],
        class_name="portal-select compact",
    )

    return filter_bar(
        filter_control("status", "field.status", status),
        filter_control("category", "activities.category", category),
        date_filter("from", "review.from", AdminClaimsState.params),
        date_filter("to", "review.to", AdminClaimsState.params),
        on_submit=AdminClaimsState.apply_filters,
        submit_id="queue-submit",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.cond(
                row["bulk"] == "yes",
                rx.checkbox(
                    checked=AdminClaimsState.selected.contains(row["id"]),
                    on_change=lambda checked: AdminClaimsState.toggle(row["id"], checked),
                    aria_label=t("review.select") + " " + row["title"],
                    id="select-" + row["id"],
                ),
            )
        ),
        rx.table.cell(row["submitted"], white_space="nowrap"),
        rx.table.row_header_cell(rx.link(row["title"], href=row["href"], id="open-" + row["id"])),
        rx.table.cell(row["name"], " ", rx.text(row["number"], size="1", as_="span")),
        rx.table.cell(row["category"]),
        rx.table.cell(row["date"], white_space="nowrap"),
        rx.table.cell(row["points"]),
        rx.table.cell(row["status"]),
    )


def claims_queue_page() -> rx.Component:
    headers = (
        "review.select",
        "review.submitted",
        "review.claim",
        "admin.col_name",
        "activities.category",
        "points.activity_date",
        "activities.points",
        "field.status",
    )
    return shell(
        page_title("review.queue_title"),
        notice(AdminClaimsState.info),
        card(_filters()),
        card(
            rx.flex(
                rx.text(AdminClaimsState.summary, id="queue-summary"),
                rx.button(
                    t("review.approve_selected"),
                    on_click=AdminClaimsState.approve_selected,
                    disabled=AdminClaimsState.selected.length() == 0,
                    id="approve-selected",
                ),
                justify="between",
                align="center",
                spacing="3",
                wrap="wrap",
                width="100%",
            ),
            scroll_region(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])
                    ),
                    rx.table.body(rx.foreach(AdminClaimsState.rows, _row)),
                    size="2",
                    width="100%",
                    id="queue",
                ),
                "review.queue_title",
                overflow_x="auto",
            ),
            pager(AdminClaimsState.prev_link, AdminClaimsState.next_link),
        ),
        wide=True,
    )
