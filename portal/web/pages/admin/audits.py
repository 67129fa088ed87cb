"""/admin/audits: random audits of self-declared claims — admins draw, staff decide what
the registrants sent, everyone on staff reads the draws and the pass rates."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import StaffRole
from portal.domain.core import typed_dates
from portal.domain.points import audits, catalogue
from portal.domain.renewal import audit_outcomes
from portal.i18n import format_date, translate
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    form,
    notice,
    options_select,
    primary_button,
    radio_choices,
    text_area_field,
)
from portal.web.components.forms import (
    field as input_field,
)
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.guard import Need, act, guarded
from portal.web.ids import int_id
from portal.web.presenters import audits as presenter
from portal.web.session import translator


class AdminAuditsState(PageState, rx.State):
    """The open audits, the draws and the pass rates, as display values."""

    queue: list[presenter.AuditItem] = []  # noqa: RUF012
    draws: list[str] = []  # noqa: RUF012
    rates: list[str] = []  # noqa: RUF012
    categories: list[dict[str, str]] = []  # noqa: RUF012
    is_admin: bool = False
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor: Actor) -> None:
        lang = actor.language
        found, kinds = await asyncio.gather(
            asyncio.to_thread(audits.overview, actor), asyncio.to_thread(catalogue.categories)
        )
        names = {c.code: c.name(lang) for c in kinds}
        self.is_admin = actor.role == StaffRole.ADMIN
        every = translate("audits.every_category", lang)
        self.categories = [{"code": "", "name": every}] + [
            {"code": c.code, "name": c.name(lang)} for c in kinds if c.self_declared
        ]
        self.queue = presenter.items(found.queue, names, lang)
        self.draws = presenter.draw_lines(found.draws, names, lang)
        self.rates = presenter.rate_lines(found.rates, names, lang)

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff read the audits; anyone else is sent away."""
        self.errors, self.info, self.problem = {}, "", ""
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def draw(self, actor: Actor, form_data: dict):
        """Draw a random sample now (the domain checks the rate and the category)."""
        since_text = str(form_data.get("since") or "").strip()[:20]
        since = typed_dates.parse(since_text) if since_text else None
        tr = await translator(self)
        if since_text and since is None:
            self.errors, self.info = {"since": tr("record.date")}, ""
            return None
        percent = str(form_data.get("percent") or "").strip()[:10]
        category = str(form_data.get("category") or "")[:32]
        drawn, self.errors, self.problem = await act(
            self, audits.draw, actor, percent, category, since
        )
        if drawn is None:
            self.info = ""
            return None
        self.info = tr(
            "audits.drawn",
            claims=tr("count.claims", count=len(drawn.claim_ids)),
            population=drawn.population,
            date=format_date(drawn.due_on, actor.language),
        )
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def decide(self, actor: Actor, form_data: dict):
        """Pass or fail one open audit (failing needs a reason); decided once."""
        target = int_id(str(form_data.get("audit_id") or ""))
        outcome = form_data.get("outcome")
        if target is None or outcome not in ("pass", "fail"):
            return None
        reason = str(form_data.get("reason") or "")[:1001]
        _, self.errors, self.problem = await act(
            self, audit_outcomes.decide, actor, target, outcome == "pass", reason
        )
        if self.errors or self.problem:
            self.info = ""
            return None
        self.info = (await translator(self))(f"audits.done_{outcome}")
        await self._fill(actor)
        return None


def _draw_form() -> rx.Component:
    return card(
        rx.heading(t("audits.draw_title"), as_="h2", size="5"),
        rx.text(t("audits.draw_hint"), size="2", color="var(--gray-11)"),
        error_summary(AdminAuditsState.errors),
        form(
            rx.flex(
                rx.box(
                    input_field(
                        "percent",
                        "audits.percent_label",
                        AdminAuditsState.errors,
                        input_mode="decimal",
                        max_length=5,
                    ),
                    flex="1 1 10rem",
                ),
                rx.box(
                    options_select("category", "audits.category", AdminAuditsState.categories),
                    flex="1 1 12rem",
                ),
                rx.box(
                    input_field("since", "audits.since", AdminAuditsState.errors, type="date"),
                    flex="1 1 12rem",
                ),
                spacing="3",
                wrap="wrap",
                width="100%",
            ),
            primary_button("audits.draw", id="draw-audit"),
            on_submit=AdminAuditsState.draw,
            reset_on_submit=False,
        ),
        id="audit-draw",
    )


def _item(item: rx.Var) -> rx.Component:
    return card(
        rx.hstack(
            rx.heading(item.title, as_="h3", size="4"),
            rx.badge(
                item.status_text,
                color_scheme=rx.cond(item.status == "sent", "blue", "amber"),
            ),
            wrap="wrap",
            align="center",
        ),
        rx.text(item.who, size="2"),
        rx.text(item.facts, size="2", color="var(--gray-11)"),
        rx.cond(
            item.files.length() > 0,
            rx.el.ul(
                rx.foreach(
                    item.files,
                    lambda f: rx.el.li(
                        rx.link(f.name, href=f.href, is_external=True, class_name="download-link")
                    ),
                ),
                padding_left="1.2em",
            ),
            rx.text(t("audits.no_evidence_yet"), size="2"),
        ),
        form(
            rx.el.input(type="hidden", name="audit_id", value=item.id),
            radio_choices(
                "outcome", "audits.outcome", ("pass", "fail"), "audits.outcome_", "pass", False
            ),
            text_area_field("reason", "review.reason", AdminAuditsState.errors, max_length=1000),
            primary_button("review.record_decision", id="decide-" + item.id),
            on_submit=AdminAuditsState.decide,
            reset_on_submit=True,
        ),
        id="audit-item-" + item.id,
    )


def audits_page() -> rx.Component:
    return shell(
        page_title("audits.title"),
        rx.text(t("audits.intro")),
        notice(AdminAuditsState.info),
        notice(AdminAuditsState.problem, tone="red"),
        rx.cond(AdminAuditsState.is_admin, _draw_form()),
        rx.heading(t("audits.queue"), as_="h2", size="5"),
        rx.cond(
            AdminAuditsState.queue.length() > 0,
            rx.foreach(AdminAuditsState.queue, _item),
            rx.text(t("audits.queue_empty")),
        ),
        card(
            rx.heading(t("audits.rates"), as_="h2", size="5"),
            rx.cond(
                AdminAuditsState.rates.length() > 0,
                rx.el.ul(rx.foreach(AdminAuditsState.rates, rx.el.li), padding_left="1.2em"),
                rx.text(t("audits.rates_empty"), size="2"),
            ),
            rx.heading(t("audits.draws"), as_="h2", size="5"),
            rx.cond(
                AdminAuditsState.draws.length() > 0,
                rx.el.ul(rx.foreach(AdminAuditsState.draws, rx.el.li), padding_left="1.2em"),
                rx.text(t("audits.draws_empty"), size="2"),
            ),
            id="audit-figures",
        ),
    )
