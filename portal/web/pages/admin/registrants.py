"""/admin/registrants: the registry list — search, filter, sort and pages, all in the URL."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.registrants import registry_search
from portal.i18n import format_date, translate
from portal.web.changes import PageState
from portal.web.components.forms import date_filter, filter_bar, filter_control
from portal.web.components.layout import page_title, scroll_region, shell
from portal.web.components.pager import neighbour_links, pager, query_href
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.guard import Need, guarded

_COLUMNS = (
    ("number", "field.registration_number"),
    (None, "admin.col_name"),
    ("kana", "admin.col_kana"),
    (None, "login.email"),
    (None, "field.status"),
    ("valid_until", "field.valid_until"),
    (None, "admin.col_account"),
)


_href = query_href(paths.ADMIN_REGISTRANTS)


class AdminRegistrantsState(PageState, rx.State):
    """Only the visible page, as display strings, for staff who passed the guard."""

    rows: list[dict[str, str]] = []  # noqa: RUF012
    summary: str = ""
    params: dict[str, str] = {}  # noqa: RUF012
    sort_links: dict[str, str] = {}  # noqa: RUF012
    prev_link: str = ""
    next_link: str = ""
    export_links: dict[str, str] = {}  # noqa: RUF012

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Run the query in the URL; anyone but staff goes elsewhere."""
        raw = {k: v for k, v in self.router.url.query_parameters.items() if isinstance(v, str)}
        query = registry_search.query_from(raw)
        found = await asyncio.to_thread(registry_search.search, actor, query)
        lang = actor.language
        self.params = {
            "q": query.text,
            "status": query.status,
            "from": query.valid_until_from.isoformat() if query.valid_until_from else "",
            "to": query.valid_until_to.isoformat() if query.valid_until_to else "",
            "sort": query.sort,
            "order": "desc" if query.descending else "",
        }
        self.rows = [
            {
                "id": str(r.record_id),
                "number": r.registration_number,
                "name": r.name,
                "kana": r.kana,
                "email": r.email,
                "status": r.status,
                "status_label": translate(f"status.{r.status}", lang),
                "valid_until": format_date(r.valid_until, lang),
                "account": translate(f"account_status.{r.account_status}", lang),
            }
            for r in found.rows
        ]
        first = (found.page - 1) * registry_search.PER_PAGE + 1 if found.total else 0
        last = first + len(found.rows) - 1 if found.total else 0
        self.summary = translate("admin.showing", lang, first=first, last=last, total=found.total)
        self.sort_links = {
            key: _href(
                {
                    **self.params,
                    "sort": key,
                    "order": "desc" if query.sort == key and not query.descending else "",
                }
            )
            for key in registry_search.SORTS
        }
        filters = {k: v for k, v in self.params.items() if k in ("q", "status", "from", "to") and v}
        self.export_links = {
            enc: paths.REGISTRANTS_EXPORT + "?" + urlencode({**filters, "encoding": enc})
            for enc in ("utf-8", "shift_jis")
        }
        self.prev_link, self.next_link = neighbour_links(
            _href, self.params, found.page, found.pages
        )
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def apply_filters(self, actor: Actor, form: dict):
        """Put the filters into the URL (bookmarkable); the page load runs the query."""
        params = {
            "q": text_field(form, "q", 100).strip(),
            "status": text_field(form, "status", 16),
            "from": text_field(form, "from", 10),
            "to": text_field(form, "to", 10),
            "sort": self.params.get("sort", ""),
            "order": self.params.get("order", ""),
        }
        return rx.redirect(_href(params))


def _filters() -> rx.Component:
    search = rx.input(
        name="q",
        id="q",
        default_value=AdminRegistrantsState.params["q"],
        key=AdminRegistrantsState.params["q"],
        max_length=100,
    )
    status = rx.el.select(
        rx.el.option(t("admin.any_status"), value=""),
        *[rx.el.option(t(f"status.{s}"), value=s) for s in ("active", "expired", "withdrawn")],
        name="status",
        id="status",
        default_value=AdminRegistrantsState.params["status"],
        key=AdminRegistrantsState.params["status"],
        class_name="portal-select compact",
    )
    return filter_bar(
        filter_control("q", "admin.search", search, flex="2 1 16rem"),
        filter_control("status", "field.status", status),
        date_filter("from", "admin.valid_from", AdminRegistrantsState.params),
        date_filter("to", "admin.valid_to", AdminRegistrantsState.params),
        on_submit=AdminRegistrantsState.apply_filters,
        submit_id="search-submit",
    )


def _download(encoding: str, label_key: str, element_id: str) -> rx.Component:
    """A plain link that makes the browser fetch the CSV route (not a client-side navigation)."""
    return rx.el.a(
        t(label_key),
        href=AdminRegistrantsState.export_links[encoding],
        download=True,
        reload_document=True,
        id=element_id,
        class_name="download-link",
    )


def _header(sort_key: str | None, label_key: str) -> rx.Component:
    label = t(label_key)
    if sort_key is None:
        return rx.table.column_header_cell(label)
    return rx.table.column_header_cell(
        rx.link(label, href=AdminRegistrantsState.sort_links[sort_key], id=f"sort-{sort_key}"),
        aria_sort=rx.cond(
            AdminRegistrantsState.params["sort"] == sort_key,
            rx.cond(AdminRegistrantsState.params["order"] == "desc", "descending", "ascending"),
            "none",
        ),
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(row["number"], href=paths.ADMIN_REGISTRANTS + "/" + row["id"])
        ),
        rx.table.cell(row["name"]),
        rx.table.cell(row["kana"]),
        rx.table.cell(row["email"]),
        rx.table.cell(
            rx.badge(
                row["status_label"],
                color_scheme=rx.cond(row["status"] == "active", "green", "gray"),
            )
        ),
        rx.table.cell(row["valid_until"]),
        rx.table.cell(row["account"]),
    )


def registrants_page() -> rx.Component:
    return shell(
        page_title("admin.registrants_title"),
        _filters(),
        rx.hstack(
            rx.text(AdminRegistrantsState.summary, id="summary", role="status"),
            rx.spacer(),
            _download("utf-8", "admin.export_utf8", "export-utf8"),
            _download("shift_jis", "admin.export_sjis", "export-sjis"),
            spacing="4",
            width="100%",
            wrap="wrap",
            align="center",
        ),
        scroll_region(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[_header(key, label) for key, label in _COLUMNS]),
                    position="sticky",
                    top="0",
                    background="var(--color-panel-solid)",
                ),
                rx.table.body(rx.foreach(AdminRegistrantsState.rows, _row)),
                variant="surface",
                size="1",
                width="100%",
                id="registrants",
            ),
            "admin.registrants_title",
            overflow_x="auto",
        ),
        pager(AdminRegistrantsState.prev_link, AdminRegistrantsState.next_link),
        wide=True,
    )
