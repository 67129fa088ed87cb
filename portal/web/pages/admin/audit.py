"""/admin/audit: the audit log for admins — filter, page back in time; nothing on it can be changed."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.staff import audit_log
from portal.i18n import format_datetime
from portal.web.changes import PageState
from portal.web.components.forms import date_filter, filter_bar, filter_control
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.guard import Need, guarded

ROUTE = paths.ADMIN_AUDIT
FILTERS = ("category", "actor", "target", "from", "to")


def _href(params: dict[str, str]) -> str:
    kept = {k: v for k, v in params.items() if v}
    return ROUTE + (f"?{urlencode(kept)}" if kept else "")


class AdminAuditState(PageState, rx.State):
    """One page of the log as display strings, and the filters as the URL holds them."""

    entries: list[dict[str, str]] = []  # noqa: RUF012
    params: dict[str, str] = {}  # noqa: RUF012
    older_link: str = ""
    newest_link: str = ""

    @rx.event
    @guarded(Need.ADMIN)
    async def load(self, actor: Actor):
        """Read the page the URL asks for (admins); anyone else is sent away."""
        raw = {k: v for k, v in self.router.url.query_parameters.items() if isinstance(v, str)}
        query = audit_log.query_from(raw)
        found = await asyncio.to_thread(audit_log.page, actor, query)
        lang = actor.language
        self.params = {
            "category": query.category,
            "actor": query.actor,
            "target": query.target,
            "from": query.date_from.isoformat() if query.date_from else "",
            "to": query.date_to.isoformat() if query.date_to else "",
        }
        self.entries = [
            {
                "at": format_datetime(e.at, lang),
                "actor": e.actor or "—",
                "action": e.action,
                "category": "audit.category_" + e.action.split(".", 1)[0],
                "target": e.target,
                "ip": e.ip,
                "detail": e.detail,
            }
            for e in found.entries
        ]
        self.older_link = _href({**self.params, "before": str(found.older)}) if found.older else ""
        self.newest_link = _href(self.params) if query.before else ""
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def apply_filters(self, actor: Actor, form: dict):
        """Put the filters into the URL (bookmarkable); the page load runs the query."""
        return rx.redirect(_href({name: text_field(form, name, 100).strip() for name in FILTERS}))


def _filters() -> rx.Component:
    category = rx.el.select(
        rx.el.option(t("audit.any_category"), value=""),
        *[rx.el.option(t(f"audit.category_{c}"), value=c) for c in audit_log.CATEGORIES],
        name="category",
        id="category",
        default_value=AdminAuditState.params["category"],
        key=AdminAuditState.params["category"],
        class_name="portal-select compact",
    )

    def text_input(name: str) -> rx.Component:
        return rx.input(
            name=name,
            id=name,
            default_value=AdminAuditState.params[name],
            key=AdminAuditState.params[name],
            max_length=100,
        )

    return filter_bar(
        filter_control("category", "audit.category", category),
        filter_control("actor", "audit.actor", text_input("actor")),
        filter_control("target", "audit.target", text_input("target")),
        date_filter("from", "audit.from", AdminAuditState.params),
        date_filter("to", "audit.to", AdminAuditState.params),
        on_submit=AdminAuditState.apply_filters,
        submit_id="audit-submit",
    )


def _table() -> rx.Component:
    headers = (
        "admin.when",
        "audit.actor",
        "audit.event",
        "audit.target",
        "audit.ip",
        "audit.detail",
    )
    return scroll_region(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])),
            rx.table.body(
                rx.foreach(
                    AdminAuditState.entries,
                    lambda e: rx.table.row(
                        rx.table.cell(e["at"], white_space="nowrap"),
                        rx.table.cell(e["actor"]),
                        rx.table.cell(
                            rx.text(t(e["category"]), size="1", color="var(--gray-11)"),
                            rx.code(e["action"], variant="ghost"),
                        ),
                        rx.table.cell(e["target"]),
                        rx.table.cell(e["ip"]),
                        rx.table.cell(e["detail"], word_break="break-word"),
                    ),
                )
            ),
            size="1",
            width="100%",
            id="audit-log",
        ),
        "audit.title",
        overflow_x="auto",
    )


def audit_page() -> rx.Component:
    return shell(
        page_title("audit.title"),
        rx.text(t("audit.intro"), size="2"),
        card(_filters()),
        card(
            rx.cond(AdminAuditState.entries.length() > 0, _table(), rx.text(t("audit.none"))),
            rx.flex(
                rx.cond(
                    AdminAuditState.newest_link != "",
                    rx.link(t("audit.newest"), href=AdminAuditState.newest_link, id="audit-newest"),
                ),
                rx.cond(
                    AdminAuditState.older_link != "",
                    rx.link(t("audit.older"), href=AdminAuditState.older_link, id="audit-older"),
                ),
                spacing="4",
            ),
        ),
        wide=True,
    )
