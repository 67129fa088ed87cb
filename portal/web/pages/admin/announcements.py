"""/admin/announcements: write to a segment of registrants — write → check (counts, a
sample, missing translations) → send now or at a time; the list with each one's copies
and Cancel. Admins write; reviewers read the list."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.communications import announcements, categories_and_topics
from portal.domain.core.errors import DomainError
from portal.i18n import format_datetime, translate
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    labelled_checkbox,
    notice,
    options_select,
    primary_button,
    text_area_field,
)
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.segment_form import read_segment, segment_fields
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field, ticked
from portal.web.guard import Need, guarded
from portal.web.ids import int_id
from portal.web.session import translator

TEXTS = ("subject_en", "body_en", "subject_ja", "body_ja")


def read_form(form: object) -> dict:
    """The domain's values from the submitted form (anything unexpected is dropped)."""
    if not isinstance(form, dict):
        return {}
    values: dict[str, object] = {
        name: text_field(form, name, announcements.MAX_BODY) for name in TEXTS
    }
    values["topic"] = text_field(form, "topic", 40)
    values["send_at"] = text_field(form, "send_at", 30)
    for flag in ("by_mail", "as_notice"):
        values[flag] = ticked(form, flag)
    return {**values, **read_segment(form)}


class AdminAnnouncementsState(PageState, rx.State):
    """The list as display strings, the checked draft awaiting Send, and the messages."""

    rows: list[dict[str, str]] = []  # noqa: RUF012
    topics: list[dict[str, str]] = []  # noqa: RUF012
    categories: list[dict[str, str]] = []  # noqa: RUF012
    can_edit: bool = False
    mode: str = "write"  # write | check
    summary: list[str] = []  # noqa: RUF012
    sample: list[str] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""
    written: int = 0  # announcements sent from this tab: the form's key, emptied by each
    _pending: dict = {}  # noqa: RUF012

    async def _fill(self, actor) -> None:
        lang = actor.language
        found = await asyncio.to_thread(announcements.listing, actor)
        catalogue = await asyncio.to_thread(categories_and_topics.read, actor)
        topic_names = {x.code: x.name(lang) for x in catalogue.topics}
        self.rows = [
            {
                "id": str(a.id),
                "subject": a.subject,
                "topic": topic_names.get(a.topic, a.topic),
                "status": translate(f"announce.status_{a.progress}", lang),
                "when": format_datetime(a.send_at, lang),
                "copies": translate(
                    "announce.copies",
                    lang,
                    copies=a.copies,
                    delivered=a.delivered,
                    waiting=a.waiting,
                    failed=a.failed,
                    withdrawn=a.withdrawn,
                ),
                "notices": str(a.notified) if a.as_notice else "—",
                "can_cancel": "yes" if a.cancellable else "",
            }
            for a in found
        ]
        self.topics = [{"code": x.code, "name": x.name(lang)} for x in catalogue.topics]
        self.categories = [{"code": c.code, "name": c.name(lang)} for c in catalogue.categories]

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff read the list; admins also write."""
        self.can_edit = actor.role == "admin"
        self.mode, self.errors, self.info, self.problem = "write", {}, "", ""
        self._pending = {}
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def refresh(self, actor: Actor):
        """The list again (copies are written and delivered in the background)."""
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def check(self, actor: Actor, form: dict):
        """Validate the message and show who it reaches; nothing is sent yet (admins)."""
        tr = await translator(self)
        values = read_form(form)
        self.info, self.problem = "", ""
        try:
            checked = await asyncio.to_thread(announcements.check, actor, values)
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            return rx.set_focus("error-summary") if self.errors else None
        self.errors = {}
        self._pending = values
        reach = checked.reach
        self.summary = [
            tr("announce.reach_mail", people=tr("count.people", count=reach.mail))
            if checked.draft.by_mail
            else tr("announce.no_mail"),
            tr("announce.reach_notice", people=tr("count.people", count=reach.notice))
            if checked.draft.as_notice
            else tr("announce.no_notice"),
            *[tr(f"announce.missing_{lang}") for lang in checked.draft.missing],
            tr("announce.when_now")
            if checked.draft.send_at is None
            else tr(
                "announce.when_at", when=format_datetime(checked.draft.send_at, actor.language)
            ),
        ]
        self.sample = [f"{m.name} <{m.address}>" for m in checked.sample]
        self.mode = "check"
        return rx.scroll_to("main")

    @rx.event
    def back(self):
        self.mode = "write"

    @rx.event
    @guarded(Need.ADMIN)
    async def send(self, actor: Actor):
        """Send (or schedule) the checked message; its copies are written in the background."""
        if self.mode != "check" or not self._pending:
            return None
        tr = await translator(self)
        try:
            await asyncio.to_thread(announcements.send, actor, self._pending)
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            self.mode = "write"
            return None
        self._pending, self.mode = {}, "write"
        self.written += 1  # a new, empty form: sending the same text again takes writing it
        self.info = tr("announce.sent")
        await self._fill(actor)
        return rx.scroll_to("main")

    @rx.event
    @guarded(Need.STAFF)
    async def cancel(self, actor: Actor, announcement_id: str):
        """Stop an announcement; copies not yet sent are withdrawn (admins)."""
        tr = await translator(self)
        target = int_id(announcement_id)
        self.info, self.problem = "", ""
        try:
            if target is None:
                raise DomainError("announce.cannot_cancel")
            withdrawn = await asyncio.to_thread(announcements.cancel, actor, target)
        except DomainError as exc:
            self.problem = tr(exc.key)
            return None
        self.info = tr("announce.cancelled", count=withdrawn)
        await self._fill(actor)
        return None


def _write() -> rx.Component:
    errors = AdminAnnouncementsState.errors
    return card(
        rx.heading(t("announce.write"), as_="h2", size="5"),
        error_summary(errors),
        form(
            options_select("topic", "announce.topic", AdminAnnouncementsState.topics),
            field("subject_ja", "announce.subject_ja", errors, max_length=200),
            text_area_field("body_ja", "announce.body_ja", errors, max_length=10_000),
            field("subject_en", "announce.subject_en", errors, max_length=200),
            text_area_field("body_en", "announce.body_en", errors, max_length=10_000),
            segment_fields(AdminAnnouncementsState.categories, errors),
            rx.heading(t("announce.how"), as_="h3", size="4"),
            labelled_checkbox("by_mail", t("announce.by_mail"), checked=True),
            labelled_checkbox("as_notice", t("announce.as_notice")),
            field(
                "send_at",
                "announce.send_at",
                errors,
                type="datetime-local",
                hint_key="announce.send_at_hint",
            ),
            primary_button("announce.check", id="announce-check"),
            on_submit=AdminAnnouncementsState.check,
            key=AdminAnnouncementsState.written,
        ),
    )


def _check() -> rx.Component:
    return card(
        rx.heading(t("announce.check_title"), as_="h2", size="5"),
        rx.unordered_list(
            rx.foreach(AdminAnnouncementsState.summary, lambda line: rx.list_item(line)),
            id="announce-summary",
        ),
        rx.heading(t("announce.sample"), as_="h3", size="4"),
        rx.unordered_list(
            rx.foreach(AdminAnnouncementsState.sample, lambda line: rx.list_item(line)),
            id="announce-sample",
        ),
        rx.hstack(
            rx.button(
                t("record.back_to_edit"),
                variant="outline",
                size="3",
                on_click=AdminAnnouncementsState.back,
            ),
            rx.button(
                t("announce.send"),
                size="3",
                on_click=AdminAnnouncementsState.send,
                id="announce-send",
            ),
            spacing="3",
            wrap="wrap",
        ),
    )


def _list() -> rx.Component:
    headers = (
        "announce.subject",
        "announce.topic",
        "announce.status",
        "announce.when",
        "announce.copies_title",
        "announce.notices",
        "staff.actions",
    )
    return card(
        rx.hstack(
            rx.heading(t("announce.list"), as_="h2", size="5"),
            rx.spacer(),
            rx.button(
                t("announce.refresh"),
                variant="soft",
                on_click=AdminAnnouncementsState.refresh,
                id="announce-refresh",
            ),
            width="100%",
            align="center",
        ),
        scroll_region(
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])
                ),
                rx.table.body(
                    rx.foreach(
                        AdminAnnouncementsState.rows,
                        lambda row: rx.table.row(
                            rx.table.row_header_cell(row["subject"]),
                            rx.table.cell(row["topic"]),
                            rx.table.cell(row["status"]),
                            rx.table.cell(row["when"]),
                            rx.table.cell(row["copies"]),
                            rx.table.cell(row["notices"]),
                            rx.table.cell(
                                rx.cond(
                                    AdminAnnouncementsState.can_edit & (row["can_cancel"] == "yes"),
                                    rx.button(
                                        t("announce.cancel"),
                                        variant="outline",
                                        color_scheme="red",
                                        size="1",
                                        on_click=AdminAnnouncementsState.cancel(row["id"]),
                                    ),
                                ),
                            ),
                        ),
                    )
                ),
                size="2",
                width="100%",
                id="announce-list",
            ),
            "announce.list",
            overflow_x="auto",
        ),
    )


def announcements_page() -> rx.Component:
    return shell(
        page_title("announce.title"),
        notice(AdminAnnouncementsState.info),
        notice(AdminAnnouncementsState.problem, tone="red"),
        rx.cond(
            AdminAnnouncementsState.can_edit,
            rx.fragment(
                # The form stays mounted while the check is shown: Back returns to what was typed.
                rx.box(
                    _write(),
                    display=rx.cond(AdminAnnouncementsState.mode == "check", "none", "block"),
                    width="100%",
                ),
                rx.cond(AdminAnnouncementsState.mode == "check", _check()),
            ),
        ),
        _list(),
        wide=True,  # the list's seven columns, Cancel included, fit at 1280 px
    )
