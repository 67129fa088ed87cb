"""/admin/claims/[claim_id]: one claim for review — evidence, the registrant's standing, the decision."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.domain.points import claim_review
from portal.domain.points.tables import OPEN_STATUSES
from portal.domain.rules import standing as standings
from portal.domain.rules.standing_text import pending_review
from portal.i18n import format_date, format_datetime, translate
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    notice,
    primary_button,
    radio_choices,
    text_area_field,
)
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.ids import path_id
from portal.web.session import translator

ACTIONS = ("approve", "ask", "reject")


class AdminClaimState(PageState, rx.State):
    """The claim under review as display strings; the decision form's messages."""

    found: bool = False
    facts: list[dict[str, str]] = []  # noqa: RUF012
    standing: list[str] = []  # noqa: RUF012
    timeline: list[dict[str, str]] = []  # noqa: RUF012
    images: list[dict[str, str]] = []  # noqa: RUF012
    documents: list[dict[str, str]] = []  # noqa: RUF012
    title: str = ""
    requested: str = ""
    is_open: bool = False
    next_href: str = ""
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor) -> None:
        claim_id = path_id(self)
        found = await asyncio.to_thread(claim_review.detail, actor, claim_id) if claim_id else None
        self.found = found is not None
        waiting = await asyncio.to_thread(claim_review.queue, actor, claim_review.QueueQuery())
        following = next((r.id for r in waiting.rows if r.id != claim_id), None)
        self.next_href = f"{paths.ADMIN_CLAIMS}/{following}" if following else ""
        if found is None:
            return
        lang = actor.language
        claim = found.claim
        self.title = claim.title
        self.requested = str(claim.points_requested)
        self.is_open = claim.status in OPEN_STATUSES
        self.facts = [
            {"key": "review.registrant", "value": f"{found.name} ({found.number})"},
            {"key": "field.status", "value": translate(f"claim_status.{claim.status}", lang)},
            {"key": "points.activity_date", "value": format_date(claim.activity_date, lang)},
            {"key": "points.organiser", "value": claim.organiser or "—"},
            {"key": "points.points_asked", "value": str(claim.points_requested)},
        ]
        held = await asyncio.to_thread(standings.of_record, actor, found.record_id)
        count = held.count
        self.standing = [
            translate("review.standing", lang, counted=held.total, required=held.required),
            pending_review(count.pending_claims, count.pending, lang),
        ]
        self.timeline = [
            {
                "when": format_datetime(e.at, lang),
                "what": translate(f"claim_event.{e.kind}", lang),
                "who": e.staff_name or (found.name if not e.by_staff else ""),
                "message": e.message,
            }
            for e in claim.timeline
        ]
        self.images = [
            {"name": name, "href": f"{paths.EVIDENCE}/{file_id}"}
            for file_id, name, kind in found.files
            if kind.startswith("image/")
        ]
        self.documents = [
            {"name": name, "href": f"{paths.EVIDENCE}/{file_id}"}
            for file_id, name, kind in found.files
            if not kind.startswith("image/")
        ]

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff open the claim (a submitted one is now "in review"); anyone else is sent away."""
        claim_id = path_id(self)
        if claim_id is not None:
            await asyncio.to_thread(claim_review.start_review, actor, claim_id)
        self.errors, self.info, self.problem = {}, "", ""
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def decide(self, actor: Actor, form: dict):
        """Record the decision; when someone else decided first, show theirs."""
        tr = await translator(self)
        claim_id = path_id(self)
        action = text_field(form, "action", 10)
        points_text = text_field(form, "points", 3).strip()
        points = int(points_text) if points_text.isdigit() else None
        if action == "approve" and points_text and points is None:
            self.errors = {"points": tr("catalogue.points", max=claim_review.MAX_POINTS)}
            return None
        try:
            if claim_id is None or action not in ACTIONS:
                raise DomainError("error.not_allowed")
            await asyncio.to_thread(
                claim_review.decide,
                actor,
                claim_id,
                action,
                text_field(form, "reason", 1001),
                points if action == "approve" else None,
            )
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            self.info = ""
            await self._fill(actor)
            return None
        self.errors, self.problem = {}, ""
        self.info = tr(f"review.done_{action}")
        await self._fill(actor)
        return None


def _pairs() -> rx.Component:
    return rx.data_list.root(
        rx.foreach(
            AdminClaimState.facts,
            lambda row: rx.data_list.item(
                rx.data_list.label(t(row["key"])), rx.data_list.value(row["value"])
            ),
        ),
        orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
    )


def _evidence() -> rx.Component:
    return card(
        rx.heading(t("review.evidence"), as_="h2", size="5"),
        rx.cond(
            (AdminClaimState.images.length() + AdminClaimState.documents.length()) == 0,
            rx.text(t("review.no_evidence")),
        ),
        rx.foreach(
            AdminClaimState.images,
            lambda f: rx.box(
                rx.image(src=f["href"], alt=f["name"], max_width="100%", max_height="32rem"),
                rx.el.a(f["name"], href=f["href"], download=True, reload_document=True),
            ),
        ),
        rx.foreach(
            AdminClaimState.documents,
            lambda f: rx.el.a(
                f["name"],
                href=f["href"],
                download=True,
                reload_document=True,
                class_name="download-link",
            ),
        ),
    )


def _decision() -> rx.Component:
    return card(
        rx.heading(t("review.decision"), as_="h2", size="5"),
        form(
            radio_choices("action", "review.action", ACTIONS, "review.action_", "approve"),
            field(
                "points",
                "review.points_granted",
                AdminClaimState.errors,
                input_mode="numeric",
                max_length=2,
                hint_key="review.points_hint",
                default_value=AdminClaimState.requested,
            ),
            text_area_field("reason", "review.reason", AdminClaimState.errors, max_length=1000),
            primary_button("review.record_decision", id="record-decision"),
            on_submit=AdminClaimState.decide,
            reset_on_submit=False,
        ),
    )


def claim_page() -> rx.Component:
    return shell(
        rx.link(t("review.back"), href=paths.ADMIN_CLAIMS),
        rx.cond(
            AdminClaimState.found,
            rx.fragment(
                rx.heading(AdminClaimState.title, as_="h1", size="7", id="claim-title"),
                notice(AdminClaimState.info),
                notice(AdminClaimState.problem, tone="red"),
                rx.cond(
                    (AdminClaimState.info != "") & (AdminClaimState.next_href != ""),
                    rx.link(
                        t("review.next"),
                        href=AdminClaimState.next_href,
                        id="next-claim",
                        auto_focus=True,
                        size="4",
                        weight="bold",
                    ),
                ),
                error_summary(AdminClaimState.errors),
                card(
                    _pairs(),
                    rx.foreach(AdminClaimState.standing, lambda line: rx.text(line, size="2")),
                ),
                _evidence(),
                rx.cond(AdminClaimState.is_open, _decision()),
                card(
                    rx.heading(t("review.timeline"), as_="h2", size="5"),
                    rx.el.ol(
                        rx.foreach(
                            AdminClaimState.timeline,
                            lambda e: rx.el.li(
                                rx.text(
                                    e["when"],
                                    " — ",
                                    rx.text.strong(e["what"]),
                                    " · ",
                                    e["who"],
                                    size="2",
                                ),
                                rx.cond(
                                    e["message"] != "",
                                    rx.text(e["message"], size="2", color="var(--gray-11)"),
                                ),
                            ),
                        ),
                        class_name="timeline",
                        id="review-timeline",
                    ),
                ),
            ),
            page_title("review.not_found"),
        ),
        wide=True,
    )
