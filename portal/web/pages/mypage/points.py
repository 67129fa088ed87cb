"""/mypage/points: where the registrant stands, claiming points, evidence, and each claim's timeline."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.domain.points import catalogue, claims, evidence
from portal.domain.rules import standing, standing_text
from portal.i18n import translate
from portal.settings import get_settings
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    file_drop,
    form,
    notice,
    primary_button,
)
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.guard import Need, act, guarded
from portal.web.ids import int_id
from portal.web.presenters import points
from portal.web.session import translator
from portal.web.uploads import read_at_most

UPLOAD_ID = "evidence-file"


class PointsState(PageState, rx.State):
    """Display strings of the signed-in registrant's own points and claims only."""

    counted: int = 0
    required: int = 0
    summary: list[str] = []  # noqa: RUF012
    activities: list[points.OfferedActivity] = []  # noqa: RUF012
    claims: list[points.ClaimCard] = []  # noqa: RUF012
    mode: str = ""  # "" | other | attach
    attach_to: str = ""
    attach_title: str = ""
    attach_rules: str = ""
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor: Actor) -> None:
        lang = actor.language
        held, mine, claimable = await asyncio.gather(
            asyncio.to_thread(standing.own, actor),
            asyncio.to_thread(claims.my_claims, actor),
            asyncio.to_thread(claims.claimable, actor),
        )
        names = {c.code: c.name(lang) for c in await asyncio.to_thread(catalogue.categories)}
        settings = get_settings()
        self.counted, self.required = held.total, held.required
        self.summary = standing_text.summary(held, names, lang)
        self.activities = points.offered(claimable, mine, lang)
        self.attach_rules = translate(
            "points.attach_rules",
            lang,
            mb=settings.evidence.max_mb,
            files=settings.evidence.max_files,
        )
        self.claims = points.claim_cards(mine, names, lang, settings.evidence.review_days)

    @rx.event
    @guarded(Need.REGISTRANT)
    async def load(self, actor: Actor):
        """Show the signed-in registrant's points; anyone else goes elsewhere."""
        self.mode, self.attach_to, self.errors, self.info, self.problem = "", "", {}, "", ""
        await self._fill(actor)
        return None

    async def _run(self, actor: Actor, work, done_key: str, **params) -> bool:
        """Run a claims service `work(actor)` for the registrant; then the page again
        with the outcome in their language. True when it was done."""
        _, self.errors, self.problem = await act(self, work, actor)
        if self.errors or self.problem:
            self.info = ""
            return False
        self.info = (await translator(self))(done_key, **params)
        await self._fill(actor)
        return True

    @rx.event
    @guarded(Need.REGISTRANT)
    async def claim_activity(self, actor: Actor, activity_id: str):
        """Claim a catalogue activity, then offer to attach evidence to the new claim."""
        target = int_id(activity_id)
        created: list[int] = []

        def work(actor):
            created.append(claims.submit_catalogue(actor, target or 0))

        if await self._run(actor, work, "points.claimed"):
            await self._after_claim(str(created[0]))
        return None

    @rx.event
    def show_other(self):
        self.mode, self.errors, self.problem, self.info = "other", {}, "", ""

    @rx.event
    def close_panel(self):
        self.mode, self.attach_to, self.errors = "", "", {}

    @rx.event
    @guarded(Need.REGISTRANT)
    async def submit_other(self, actor: Actor, form: dict):
        """Claim an activity outside the catalogue."""
        values = {
            name: text_field(form, name, 600)
            for name in ("description", "organiser", "activity_date", "points")
        }
        created: list[int] = []

        def work(actor):
            created.append(claims.submit_other(actor, values))

        if await self._run(actor, work, "points.claimed"):
            await self._after_claim(str(created[0]))
        return None

    async def _after_claim(self, claim_id: str) -> None:
        """A claim waiting for review is offered its evidence now; one of a self-declared
        category already counts, and the registrant is told to keep the evidence."""
        found = next((c for c in self.claims if c.id == claim_id), None)
        if found is not None and not found.open:
            self.info = (await translator(self))("points.claimed_self")
            return
        self._offer_attach(claim_id)

    def _offer_attach(self, claim_id: str) -> None:
        found = next((c for c in self.claims if c.id == claim_id), None)
        if found is None or not (found.open or found.audit_open):
            return
        self.mode, self.attach_to, self.attach_title = "attach", claim_id, found.title

    @rx.event
    @guarded(Need.REGISTRANT)
    async def start_attach(self, actor: Actor, claim_id: str):
        """Open the evidence panel for one of the registrant's open claims."""
        self.errors, self.problem, self.info = {}, "", ""
        self._offer_attach(claim_id if isinstance(claim_id, str) else "")
        return None

    @rx.event
    @guarded(Need.REGISTRANT)
    async def upload_evidence(self, actor: Actor, files: list[rx.UploadFile]):
        """Attach the chosen files to the claim the panel is open for (checked on the server)."""
        tr = await translator(self)
        claim_id = int_id(self.attach_to)
        limit = get_settings().evidence.max_mb * 1024 * 1024
        if claim_id is None or not isinstance(files, list) or not files:
            self.problem = tr("points.choose_file")
            return None
        added = 0
        for upload in files[: get_settings().evidence.max_files]:
            data = await read_at_most(upload, limit)
            try:
                if data is None:
                    raise DomainError("evidence.too_large", mb=get_settings().evidence.max_mb)
                await asyncio.to_thread(evidence.attach, actor, claim_id, upload.filename, data)
            except DomainError as exc:
                self.problem = f"{upload.filename}: {tr(exc.key, **exc.params)}"
                break
            added += 1
        if added:
            self.info = tr("points.files_added", count=added)
        if not self.problem:
            self.mode, self.attach_to = "", ""
        await self._fill(actor)
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    @guarded(Need.REGISTRANT)
    async def withdraw(self, actor: Actor, claim_id: str):
        """Withdraw one of the registrant's open claims."""
        target = int_id(claim_id) or 0
        await self._run(actor, lambda actor: claims.withdraw(actor, target), "points.withdrawn")
        return None

    @rx.event
    @guarded(Need.REGISTRANT)
    async def answer(self, actor: Actor, form: dict):
        """Answer the secretariat's question about a claim."""
        target = int_id(text_field(form, "claim_id", 12)) or 0
        message = text_field(form, "message", 1001)
        await self._run(
            actor, lambda actor: claims.answer(actor, target, message), "points.answered"
        )
        return None


def _summary() -> rx.Component:
    return card(
        rx.heading(t("points.standing"), as_="h2", size="5"),
        rx.text(
            PointsState.counted,
            " / ",
            PointsState.required,
            " ",
            t("points.counted_label"),
            size="7",
            weight="bold",
            id="points-counted",
        ),
        rx.progress(
            value=PointsState.counted,
            max=rx.cond(PointsState.required > 0, PointsState.required, 1),
            width="100%",
            aria_label=t("points.counted_label"),
        ),
        rx.foreach(PointsState.summary, lambda line: rx.text(line, size="2")),
        rx.el.a(
            t("transcript.download"),
            href=paths.TRANSCRIPT,
            class_name="download-link",
            reload_document=True,
            id="transcript",
        ),
        rx.text(t("transcript.download_hint"), size="2", color="var(--gray-11)"),
        id="points-summary",
    )


def _activity(a: rx.Var) -> rx.Component:
    return rx.flex(
        rx.box(
            rx.text(a.title, weight="bold"),
            rx.text(a.category, " · ", a.date, " · ", a.points, size="2"),
            rx.cond(
                a.self_declared,
                rx.text(t("points.self_declared_hint"), size="2", color="var(--gray-11)"),
            ),
            flex="1 1 14rem",
        ),
        rx.cond(
            a.claimed,
            rx.badge(t("points.already_claimed"), color_scheme="gray"),
            rx.button(
                t("points.claim"),
                on_click=PointsState.claim_activity(a.id),
                id="claim-" + a.id,
                size="3",
            ),
        ),
        align="center",
        spacing="3",
        wrap="wrap",
        padding_y="0.5em",
        border_bottom="1px solid var(--gray-5)",
        width="100%",
        id="activity-" + a.id,
    )


def _claim_points() -> rx.Component:
    return card(
        rx.heading(t("points.claim_title"), as_="h2", size="5"),
        rx.text(t("points.catalogue_intro"), size="2"),
        rx.cond(
            PointsState.activities.length() > 0,
            rx.vstack(rx.foreach(PointsState.activities, _activity), spacing="0", width="100%"),
            rx.text(t("points.no_activities"), size="2"),
        ),
        rx.button(
            t("points.other_claim"),
            variant="outline",
            size="3",
            on_click=PointsState.show_other,
            id="show-other",
        ),
    )


def _other_form() -> rx.Component:
    return card(
        rx.heading(t("points.other_title"), as_="h2", size="5"),
        form(
            field("description", "points.description", PointsState.errors, max_length=500),
            field("organiser", "points.organiser", PointsState.errors, max_length=200),
            field("activity_date", "points.activity_date", PointsState.errors, type="date"),
            field(
                "points",
                "points.points_asked",
                PointsState.errors,
                input_mode="numeric",
                max_length=2,
            ),
            primary_button("points.submit_other", id="submit-other"),
            on_submit=PointsState.submit_other,
            reset_on_submit=False,
        ),
        rx.button(t("record.cancel"), variant="ghost", on_click=PointsState.close_panel),
        id="other-form",
    )


def _attach_panel() -> rx.Component:
    return card(
        rx.heading(t("points.attach_title"), as_="h2", size="5"),
        rx.text(PointsState.attach_title, weight="bold"),
        rx.text(PointsState.attach_rules, size="2"),
        file_drop(
            UPLOAD_ID,
            t("points.choose_files"),
            rx.vstack(
                rx.button(t("points.choose_files"), variant="outline", type="button", size="3"),
                rx.foreach(rx.selected_files(UPLOAD_ID), lambda f: rx.text(f, weight="bold")),
                align="center",
                spacing="2",
                padding="1em",
            ),
            accept={
                "application/pdf": [".pdf"],
                "image/jpeg": [".jpg", ".jpeg"],
                "image/png": [".png"],
            },
            max_files=get_settings().evidence.max_files,
            border="2px dashed var(--gray-8)",
            border_radius="8px",
            width="100%",
        ),
        rx.flex(
            rx.button(
                t("points.upload"),
                size="3",
                on_click=PointsState.upload_evidence(rx.upload_files(upload_id=UPLOAD_ID)),
                id="upload-evidence",
            ),
            rx.button(
                t("points.later"), variant="ghost", size="3", on_click=PointsState.close_panel
            ),
            spacing="3",
            wrap="wrap",
        ),
        id="attach-panel",
    )


def _timeline(events: rx.Var) -> rx.Component:
    return rx.el.ol(
        rx.foreach(
            events,
            lambda e: rx.el.li(
                rx.text(e.when, " — ", rx.text.strong(e.what), " ", e.points, size="2"),
                rx.cond(e.message != "", rx.text(e.message, size="2", color="var(--gray-11)")),
            ),
        ),
        class_name="timeline",
    )


def _claim(c: rx.Var) -> rx.Component:
    return card(
        rx.flex(
            rx.heading(c.title, as_="h3", size="4", flex="1 1 12rem"),
            rx.badge(c.status_text, size="2", class_name="status-" + c.status),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.text(c.category, " · ", c.date, " · ", c.points, size="2"),
        rx.cond(c.expected != "", rx.text(c.expected, size="2")),
        _timeline(c.timeline),
        rx.foreach(
            c.files,
            lambda f: rx.el.a(
                f.name,
                href=f.href,
                download=True,
                reload_document=True,
                class_name="download-link",
            ),
        ),
        rx.cond(
            c.asked,
            form(
                rx.el.input(type="hidden", name="claim_id", value=c.id),
                rx.el.label(t("points.your_answer"), html_for="message-" + c.id, font_weight="600"),
                rx.text_area(name="message", id="message-" + c.id, max_length=1000, width="100%"),
                primary_button("points.send_answer", id="answer-" + c.id),
                on_submit=PointsState.answer,
                reset_on_submit=True,
            ),
        ),
        rx.cond(
            c.audit != "",
            rx.callout(
                c.audit,
                icon="search-check",
                color_scheme=rx.cond(c.audit_open, "amber", "gray"),
                size="1",
                id="audit-" + c.id,
            ),
        ),
        rx.cond(
            c.audit_open,
            rx.button(
                t("points.send_evidence"),
                on_click=PointsState.start_attach(c.id),
                id="send-evidence-" + c.id,
                width="fit-content",
            ),
        ),
        rx.cond(
            c.open,
            rx.flex(
                rx.button(
                    t("points.add_file"),
                    variant="outline",
                    on_click=PointsState.start_attach(c.id),
                    id="add-file-" + c.id,
                ),
                rx.button(
                    t("points.withdraw"),
                    variant="ghost",
                    color_scheme="red",
                    on_click=PointsState.withdraw(c.id),
                    id="withdraw-" + c.id,
                ),
                spacing="3",
                wrap="wrap",
            ),
        ),
        id="claim-card-" + c.id,
    )


def points_page() -> rx.Component:
    return shell(
        page_title("points.title"),
        notice(PointsState.info),
        notice(PointsState.problem, tone="red"),
        error_summary(PointsState.errors),
        _summary(),
        rx.match(
            PointsState.mode,
            ("other", _other_form()),
            ("attach", _attach_panel()),
            _claim_points(),
        ),
        rx.heading(t("points.my_claims"), as_="h2", size="5"),
        rx.cond(
            PointsState.claims.length() > 0,
            rx.vstack(rx.foreach(PointsState.claims, _claim), spacing="4", width="100%"),
            rx.text(t("points.no_claims")),
        ),
    )
