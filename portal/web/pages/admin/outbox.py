"""/admin/outbox: every queued e-mail's delivery state, filtered by state; failed mail retried."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.domain.staff import outbox_admin
from portal.i18n import format_datetime, translate
from portal.web.changes import PageState
from portal.web.components.forms import notice
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.pager import neighbour_links, pager, query_href
from portal.web.components.text import t
from portal.web.guard import Need, guarded
from portal.web.ids import int_id
from portal.web.session import translator

ROUTE = paths.ADMIN_OUTBOX


class AdminOutboxState(PageState, rx.State):
    """One page of messages as display strings (never their contents)."""

    status: str = ""
    rows: list[dict[str, str]] = []  # noqa: RUF012
    counts: dict[str, str] = {}  # noqa: RUF012
    prev_link: str = ""
    next_link: str = ""
    info: str = ""
    problem: str = ""

    @rx.event
    @guarded(Need.ADMIN)
    async def load(self, actor: Actor):
        """Admins see the page in the URL; anyone else is sent away."""
        self.info, self.problem = "", ""
        await self._refresh(actor)
        return None

    async def _refresh(self, actor) -> None:
        query = self.router.url.query_parameters
        status = query.get("status", "")
        self.status = status if status in outbox_admin.STATES else ""
        number = int_id(query.get("page", "1")) or 1
        found = await asyncio.to_thread(outbox_admin.page, actor, self.status, number)
        lang = actor.language
        self.counts = {s: f"{n:,}" for s, n in found.counts.items()}
        self.rows = [
            {
                "id": str(m.id),
                "created": format_datetime(m.created_at, lang),
                "recipient": m.recipient or translate("outbox.recipient_hidden", lang),
                "template": m.template,
                "status": m.status,
                "status_text": translate(f"outbox.state_{m.status}", lang),
                "attempts": str(m.attempts),
                "error": m.last_error,
                "sent": format_datetime(m.sent_at, lang),
            }
            for m in found.rows
        ]
        self.prev_link, self.next_link = neighbour_links(
            query_href(ROUTE), {"status": self.status}, found.page, found.pages
        )

    @rx.event
    @guarded(Need.ADMIN)
    async def retry(self, actor: Actor, message_id: str):
        """Send a failed message again."""
        tr = await translator(self)
        try:
            await asyncio.to_thread(outbox_admin.retry, actor, int_id(message_id) or 0)
        except DomainError as exc:
            self.info, self.problem = "", tr(exc.key)
            return None
        await self._refresh(actor)
        self.info, self.problem = tr("outbox.retried"), ""
        return None


def _filters() -> rx.Component:
    return rx.flex(
        rx.link(
            t("outbox.any"),
            href=ROUTE,
            weight=rx.cond(AdminOutboxState.status == "", "bold", "regular"),
        ),
        *[
            rx.link(
                t(f"outbox.state_{s}"),
                " (",
                AdminOutboxState.counts[s],
                ")",
                href=f"{ROUTE}?status={s}",
                weight=rx.cond(AdminOutboxState.status == s, "bold", "regular"),
                id=f"outbox-{s}",
            )
            for s in outbox_admin.STATES
        ],
        spacing="4",
        wrap="wrap",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["created"], white_space="nowrap"),
        rx.table.row_header_cell(row["recipient"]),
        rx.table.cell(row["template"]),
        rx.table.cell(
            rx.badge(
                row["status_text"],
                color_scheme=rx.match(
                    row["status"], ("failed", "red"), ("sent", "green"), ("logged", "gray"), "amber"
                ),
            )
        ),
        rx.table.cell(row["attempts"]),
        rx.table.cell(row["error"], max_width="20em"),
        rx.table.cell(
            rx.cond(
                row["status"] == "failed",
                rx.button(
                    t("outbox.retry"),
                    size="1",
                    variant="soft",
                    on_click=AdminOutboxState.retry(row["id"]),
                    id="retry-" + row["id"],
                ),
            )
        ),
    )


def outbox_page() -> rx.Component:
    headers = (
        "outbox.created",
        "outbox.recipient",
        "outbox.template",
        "field.status",
        "outbox.attempts",
        "outbox.error",
        "outbox.retry",
    )
    return shell(
        page_title("outbox.title"),
        notice(AdminOutboxState.info),
        notice(AdminOutboxState.problem, "red"),
        card(
            _filters(),
            scroll_region(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])
                    ),
                    rx.table.body(rx.foreach(AdminOutboxState.rows, _row)),
                    size="2",
                    width="100%",
                    id="outbox",
                ),
                "outbox.title",
                overflow_x="auto",
            ),
            pager(AdminOutboxState.prev_link, AdminOutboxState.next_link),
        ),
        wide=True,
    )
