"""The queue of activities organisations proposed, on /admin/activities: approve into the
catalogue (points or category adjusted with a reason) or return with a reason."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core.errors import DomainError
from portal.domain.organisations import proposals
from portal.domain.points import catalogue
from portal.i18n import LANGUAGE_NAMES, format_date_range, translate
from portal.web.changes import PageState
from portal.web.components.forms import field, form, notice, options_select, text_area_field
from portal.web.components.layout import card
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.ids import int_id
from portal.web.session import translator


def category_options(lang: str) -> list[dict[str, str]]:
    """The categories in use, as select options."""
    return [{"code": c.code, "name": c.name(lang)} for c in catalogue.categories()]


def place_text(proposal: proposals.ProposalView, lang: str) -> str:
    """Where the activity is held: the place, "Online", both, or a dash."""
    online = translate("proposal.online_yes", lang) if proposal.online else ""
    return ", ".join(part for part in (proposal.place, online) if part) or "—"


def proposal_rows(
    found: list[proposals.ProposalView], lang: str, categories: list[dict[str, str]]
) -> list[dict[str, str]]:
    """Proposals as display strings, for the staff queue and the organisation's own page."""
    names = {c["code"]: c["name"] for c in categories}
    return [
        {
            "id": str(p.id),
            "title": p.title,
            "organisation": p.organisation,
            "category": p.category,
            "category_name": names.get(p.category, p.category),
            "dates": format_date_range(p.starts_on, p.ends_on, lang),
            "points": str(p.points_requested),
            "points_text": translate(
                "count.points",
                lang,
                count=p.points_requested if p.points_granted is None else p.points_granted,
            ),
            "description": p.description or "—",
            "place": place_text(p, lang),
            "capacity": str(p.capacity) if p.capacity else "—",
            "language": LANGUAGE_NAMES.get(p.language, p.language),
            "status": p.status,
            "status_text": translate(f"proposal_status.{p.status}", lang),
            "reason": p.reason,
        }
        for p in found
    ]


class AdminProposalsState(PageState, rx.State):
    """Waiting proposals as display strings; the one being decided; its messages."""

    rows: list[dict[str, str]] = []  # noqa: RUF012
    categories: list[dict[str, str]] = []  # noqa: RUF012
    open_id: str = ""
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor) -> None:
        lang = actor.language
        found = await asyncio.to_thread(proposals.waiting, actor)
        self.categories = await asyncio.to_thread(category_options, lang)
        self.rows = proposal_rows(found, lang, self.categories)
        if self.open_id not in {r["id"] for r in self.rows}:
            self.open_id = ""

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff see the proposals waiting; anyone else is sent away."""
        self.open_id, self.errors, self.info, self.problem = "", {}, "", ""
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def open(self, actor: Actor, proposal_id: str):
        """Show the decision form of one waiting proposal."""
        self.errors, self.info, self.problem = {}, "", ""
        self.open_id = proposal_id if proposal_id in {r["id"] for r in self.rows} else ""
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def decide(self, actor: Actor, form: dict):
        """Approve into the catalogue or return to the organisation."""
        tr = await translator(self)
        target = int_id(self.open_id)
        decision = text_field(form, "decision", 8)
        reason = text_field(form, "reason", 1001)
        try:
            if target is None or decision not in ("approve", "return"):
                raise DomainError("proposal.unknown")
            if decision == "approve":
                await asyncio.to_thread(
                    proposals.approve,
                    actor,
                    target,
                    text_field(form, "points", 3),
                    text_field(form, "category", 32),
                    reason,
                )
            else:
                await asyncio.to_thread(proposals.send_back, actor, target, reason)
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            self.info = ""
            if exc.key in ("proposal.already_decided", "proposal.unknown"):
                await self._fill(actor)
            return None
        self.errors, self.problem, self.open_id = {}, "", ""
        self.info = tr("proposal.approved" if decision == "approve" else "proposal.returned")
        await self._fill(actor)
        return None


def _fact(key: str, value: rx.Var) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(t(key)), rx.data_list.value(value))


def _decision_form(row: rx.Var, then: rx.EventHandler) -> rx.Component:
    errors = AdminProposalsState.errors
    return form(
        rx.el.fieldset(
            rx.el.legend(t("proposal.decision"), font_weight="600"),
            rx.radio_group.root(
                rx.radio_group.item(t("proposal.approve"), value="approve"),
                rx.radio_group.item(t("proposal.return"), value="return"),
                name="decision",
                default_value="approve",
                direction="column",
            ),
            border="none",
            padding="0",
            margin="0",
        ),
        field(
            "points",
            "activities.points",
            errors,
            input_mode="numeric",
            max_length=2,
            default_value=row["points"],
        ),
        options_select(
            "category", "activities.category", AdminProposalsState.categories, row["category"]
        ),
        text_area_field(
            "reason",
            "proposal.reason",
            errors,
            max_length=1000,
            hint_key="proposal.reason_hint",
        ),
        rx.button(t("proposal.decide"), type="submit", size="3", id="decide-proposal"),
        on_submit=[AdminProposalsState.decide, then],
    )


def _proposal(row: rx.Var, then: rx.EventHandler) -> rx.Component:
    return rx.box(
        rx.heading(row["title"], as_="h3", size="4"),
        rx.data_list.root(
            _fact("proposal.organisation", row["organisation"]),
            _fact("proposal.dates", row["dates"]),
            _fact("proposal.category", row["category_name"]),
            _fact("proposal.points_requested", row["points"]),
            _fact("proposal.place", row["place"]),
            _fact("proposal.capacity_label", row["capacity"]),
            _fact("proposal.language", row["language"]),
            _fact("proposal.description", row["description"]),
            orientation={"initial": "vertical", "sm": "horizontal"},
        ),
        rx.cond(
            AdminProposalsState.open_id == row["id"],
            _decision_form(row, then),
            rx.button(
                t("proposal.decide"),
                variant="outline",
                on_click=AdminProposalsState.open(row["id"]),
                id="open-proposal-" + row["id"],
            ),
        ),
        border_top="1px solid var(--gray-5)",
        padding_top="1em",
        width="100%",
    )


def proposals_queue(then: rx.EventHandler) -> rx.Component:
    """The card listing the waiting proposals, each with its decision; `then` runs after a
    decision (the page reads its catalogue again: an approval added to it)."""
    return card(
        rx.heading(t("proposal.queue_title"), as_="h2", size="5"),
        notice(AdminProposalsState.info),
        notice(AdminProposalsState.problem, tone="red"),
        rx.cond(
            AdminProposalsState.rows.length() == 0,  # type: ignore[attr-defined]
            rx.text(t("proposal.queue_none"), color_scheme="gray"),
            rx.vstack(
                rx.foreach(AdminProposalsState.rows, lambda row: _proposal(row, then)),
                width="100%",
            ),
        ),
        id="proposals",
    )
