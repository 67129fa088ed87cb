"""/admin/activities: the activity catalogue for staff — add, edit, archive, restore."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import StaffRole
from portal.domain.core import staged_files
from portal.domain.core.errors import DomainError
from portal.domain.points import attendance, catalogue
from portal.domain.registrants import registry_import
from portal.i18n import format_date_range
from portal.web.changes import PageState
from portal.web.components.attendance_preview import csv_drop, preview_rows, preview_view
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    notice,
    options_select,
    primary_button,
)
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, act, guarded
from portal.web.ids import int_id
from portal.web.pages.admin.attendance_reports import reports_queue
from portal.web.pages.admin.proposals import proposals_queue
from portal.web.session import translator
from portal.web.uploads import one_upload

ATTENDANCE_UPLOAD = "attendance-file"
FIELDS = ("title", "category", "starts_on", "ends_on", "points", "organiser", "notes")


class AdminActivitiesState(PageState, rx.State):
    """The catalogue as display strings and the form being filled."""

    rows: list[dict[str, str]] = []  # noqa: RUF012
    categories: list[dict[str, str]] = []  # noqa: RUF012
    is_admin: bool = False  # admins choose each category's review mode
    values: dict[str, str] = {}  # noqa: RUF012
    editing: str = ""  # "" | "new" | an activity id
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""
    problem: str = ""
    _raw: dict[str, dict[str, str]] = {}  # noqa: RUF012
    attendance_for: str = ""
    attendance_title: str = ""
    attendance_counts: list[dict[str, str]] = []  # noqa: RUF012
    attendance_lines: list[dict[str, str]] = []  # noqa: RUF012
    attendance_ready: bool = False
    _staged: str = ""

    async def _fill(self, actor) -> None:
        lang = actor.language
        found = await asyncio.to_thread(catalogue.activities, True)
        kinds = await asyncio.to_thread(catalogue.categories)
        self.categories = [
            {"code": c.code, "name": c.name(lang), "mode": c.review_mode} for c in kinds
        ]
        self.is_admin = actor.role == StaffRole.ADMIN
        self.rows = [
            {
                "id": str(a.id),
                "title": a.title,
                "category": a.category.name(lang),
                "dates": format_date_range(a.starts_on, a.ends_on, lang),
                "points": str(a.points),
                "organiser": a.organiser,
                "archived": "yes" if a.archived else "",
            }
            for a in found
        ]
        self._raw = {
            str(a.id): {
                "title": a.title,
                "category": a.category.code,
                "starts_on": a.starts_on.isoformat(),
                "ends_on": a.ends_on.isoformat(),
                "points": str(a.points),
                "organiser": a.organiser,
                "notes": a.notes,
            }
            for a in found
        }

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff see the whole catalogue; anyone else is sent away."""
        self.editing, self.errors, self.info, self.problem = "", {}, "", ""
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def set_review_mode(self, actor: Actor, code: str, mode: str):
        """Whether the category's new claims wait for review or count at once (audited)."""
        _, _, self.problem = await act(self, catalogue.set_review_mode, actor, str(code), str(mode))
        if self.problem:
            self.info = ""
            return None
        self.info = (await translator(self))("activities.review_mode_saved")
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def refresh(self, actor: Actor, _form: dict | None = None):
        """Read the catalogue again (a proposal may just have been approved into it)."""
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def start(self, actor: Actor, activity_id: str):
        """Open the form empty ("new") or with one activity's values."""
        if activity_id != "new" and activity_id not in self._raw:
            return None
        blank = {name: "" for name in FIELDS} | {"category": "seminar"}
        self.values = blank if activity_id == "new" else dict(self._raw[activity_id])
        self.editing, self.errors, self.info, self.problem = activity_id, {}, "", ""
        return rx.scroll_to("activity-form")

    @rx.event
    def cancel(self):
        self.editing, self.errors = "", {}

    @rx.event
    @guarded(Need.STAFF)
    async def save(self, actor: Actor, form: dict):
        """Create or update the activity; every field is checked on the server."""
        tr = await translator(self)
        values = {name: text_field(form, name, 1001) for name in FIELDS}
        self.values = values
        target = None if self.editing == "new" else int_id(self.editing)
        if target is None and self.editing != "new":
            return None
        try:
            await asyncio.to_thread(catalogue.save_activity, actor, target, values)
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            return None
        self.editing, self.errors, self.problem = "", {}, ""
        self.info = tr("activities.saved", title=values["title"].strip())
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def set_archived(self, actor: Actor, activity_id: str, archived: bool):
        """Hide an activity from registrants, or show it again."""
        tr = await translator(self)
        target = int_id(activity_id)
        try:
            if target is None:
                raise DomainError("catalogue.unknown")
            await asyncio.to_thread(catalogue.set_archived, actor, target, archived is True)
        except DomainError as exc:
            self.problem, self.info = tr(exc.key, **exc.params), ""
            return None
        self.info = tr("activities.archived" if archived is True else "activities.restored")
        self.problem = ""
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def start_attendance(self, actor: Actor, activity_id: str):
        """Open the attendance panel for one activity."""
        if activity_id not in self._raw:
            return None
        self._forget_attendance()
        self.attendance_for = activity_id
        self.attendance_title = self._raw[activity_id]["title"]
        self.editing, self.info, self.problem = "", "", ""
        return rx.scroll_to("attendance-panel")

    def _forget_attendance(self) -> None:
        if self._staged:
            staged_files.discard(self._staged)
        self._staged, self.attendance_ready = "", False
        self.attendance_counts, self.attendance_lines = [], []

    @rx.event
    def close_attendance(self):
        self._forget_attendance()
        self.attendance_for = ""

    @rx.event
    @guarded(Need.STAFF)
    async def check_attendance(self, actor: Actor, files: list[rx.UploadFile]):
        """Stage the list on the server and show who would be credited and who not, and why."""
        tr = await translator(self)
        target = int_id(self.attendance_for)
        self._forget_attendance()
        data, self.problem = await one_upload(files, registry_import.MAX_BYTES, tr)
        if target is None or data is None:
            return None
        try:
            found = await asyncio.to_thread(attendance.plan, actor, target, data)
        except DomainError as exc:
            self.problem = tr(exc.key, **exc.params)
            return None
        if found.file_problem is not None:
            key, params = found.file_problem
            self.problem = tr(key, **params)
            return None
        self.attendance_counts, self.attendance_lines = preview_rows(found)
        self._staged = await asyncio.to_thread(staged_files.stage, data)
        self.attendance_ready = found.credits > 0
        self.problem = ""
        return None

    @rx.event
    @guarded(Need.STAFF)
    async def credit_attendance(self, actor: Actor):
        """Credit everyone matched, in one transaction."""
        tr = await translator(self)
        target = int_id(self.attendance_for)
        data = await asyncio.to_thread(staged_files.load, self._staged) if self._staged else None
        if target is None or data is None or not self.attendance_ready:
            return None
        try:
            done = await asyncio.to_thread(attendance.apply, actor, target, data)
        except DomainError as exc:
            self.problem = tr(exc.key, **exc.params)
            return None
        self._forget_attendance()
        self.attendance_for = ""
        self.info = tr("attendance.done", count=done.credits)
        return None


def _attendance_panel() -> rx.Component:
    return card(
        rx.heading(t("attendance.title"), as_="h2", size="5"),
        rx.text(AdminActivitiesState.attendance_title, weight="bold"),
        rx.text(t("attendance.intro"), size="2"),
        csv_drop(ATTENDANCE_UPLOAD),
        rx.flex(
            rx.button(
                t("import.check"),
                on_click=AdminActivitiesState.check_attendance(
                    rx.upload_files(upload_id=ATTENDANCE_UPLOAD)
                ),
                id="check-attendance",
            ),
            rx.cond(
                AdminActivitiesState.attendance_ready,
                rx.button(
                    t("attendance.credit"),
                    on_click=AdminActivitiesState.credit_attendance,
                    id="credit-attendance",
                ),
            ),
            rx.button(
                t("record.cancel"), variant="ghost", on_click=AdminActivitiesState.close_attendance
            ),
            spacing="3",
            wrap="wrap",
        ),
        preview_view(
            AdminActivitiesState.attendance_counts,
            AdminActivitiesState.attendance_lines,
            id="attendance-counts",
        ),
        id="attendance-panel",
    )


def _form() -> rx.Component:
    return card(
        rx.heading(
            rx.cond(
                AdminActivitiesState.editing == "new", t("activities.new"), t("activities.edit")
            ),
            as_="h2",
            size="5",
        ),
        form(
            field(
                "title",
                "activities.title_field",
                AdminActivitiesState.errors,
                max_length=200,
                default_value=AdminActivitiesState.values["title"],
            ),
            options_select(
                "category",
                "activities.category",
                AdminActivitiesState.categories,
                AdminActivitiesState.values["category"],
            ),
            rx.flex(
                rx.box(
                    field(
                        "starts_on",
                        "activities.starts_on",
                        AdminActivitiesState.errors,
                        type="date",
                        default_value=AdminActivitiesState.values["starts_on"],
                    ),
                    flex="1 1 10rem",
                ),
                rx.box(
                    field(
                        "ends_on",
                        "activities.ends_on",
                        AdminActivitiesState.errors,
                        type="date",
                        hint_key="activities.ends_on_hint",
                        default_value=AdminActivitiesState.values["ends_on"],
                    ),
                    flex="1 1 10rem",
                ),
                spacing="3",
                wrap="wrap",
                width="100%",
            ),
            field(
                "points",
                "activities.points",
                AdminActivitiesState.errors,
                input_mode="numeric",
                max_length=2,
                default_value=AdminActivitiesState.values["points"],
            ),
            field(
                "organiser",
                "points.organiser",
                AdminActivitiesState.errors,
                max_length=200,
                default_value=AdminActivitiesState.values["organiser"],
            ),
            field(
                "notes",
                "activities.notes",
                AdminActivitiesState.errors,
                max_length=1000,
                default_value=AdminActivitiesState.values["notes"],
            ),
            primary_button("activities.save", id="save-activity"),
            on_submit=AdminActivitiesState.save,
            reset_on_submit=False,
        ),
        rx.button(t("record.cancel"), variant="ghost", on_click=AdminActivitiesState.cancel),
        id="activity-form",
        key=AdminActivitiesState.editing,
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["dates"], white_space="nowrap"),
        rx.table.row_header_cell(
            row["title"],
            rx.cond(
                row["archived"] == "yes",
                rx.badge(t("activities.archived_badge"), color_scheme="gray", margin_left="0.5em"),
            ),
        ),
        rx.table.cell(row["category"]),
        rx.table.cell(row["points"]),
        rx.table.cell(row["organiser"]),
        rx.table.cell(
            rx.flex(
                rx.button(
                    t("activities.edit_button"),
                    variant="outline",
                    size="1",
                    on_click=AdminActivitiesState.start(row["id"]),
                    id="edit-activity-" + row["id"],
                ),
                rx.button(
                    t("attendance.button"),
                    variant="outline",
                    size="1",
                    on_click=AdminActivitiesState.start_attendance(row["id"]),
                    id="attendance-" + row["id"],
                ),
                rx.cond(
                    row["archived"] == "yes",
                    rx.button(
                        t("activities.restore"),
                        variant="outline",
                        size="1",
                        on_click=AdminActivitiesState.set_archived(row["id"], False),
                    ),
                    rx.button(
                        t("activities.archive"),
                        variant="outline",
                        color_scheme="gray",
                        size="1",
                        on_click=AdminActivitiesState.set_archived(row["id"], True),
                        id="archive-activity-" + row["id"],
                    ),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def _review_modes() -> rx.Component:
    """Each category with how its claims are checked; admins change it in place."""

    def line(row: rx.Var) -> rx.Component:
        mode_key = rx.cond(
            row["mode"] == "self_declared",
            "activities.mode_self_declared",
            "activities.mode_reviewed",
        )
        return rx.flex(
            rx.text(row["name"], weight="medium", min_width="10rem"),
            rx.cond(
                AdminActivitiesState.is_admin,
                rx.select.root(
                    rx.select.trigger(aria_label=row["name"]),
                    rx.select.content(
                        rx.select.item(t("activities.mode_reviewed"), value="reviewed"),
                        rx.select.item(t("activities.mode_self_declared"), value="self_declared"),
                    ),
                    value=row["mode"],
                    on_change=lambda mode: AdminActivitiesState.set_review_mode(row["code"], mode),
                ),
                rx.text(t(mode_key)),
            ),
            spacing="3",
            align="center",
            wrap="wrap",
            id="review-mode-" + row["code"],
            data_mode=row["mode"],
        )

    return card(
        rx.heading(t("activities.review_title"), as_="h2", size="5"),
        rx.text(t("activities.review_hint"), size="2", color="var(--gray-11)"),
        rx.foreach(AdminActivitiesState.categories, line),
        id="review-modes",
    )


def activities_page() -> rx.Component:
    headers = (
        "activities.dates",
        "activities.title_field",
        "activities.category",
        "activities.points",
        "points.organiser",
        "staff.actions",
    )
    return shell(
        page_title("activities.page_title"),
        notice(AdminActivitiesState.info),
        notice(AdminActivitiesState.problem, tone="red"),
        proposals_queue(then=AdminActivitiesState.refresh),
        reports_queue(),
        error_summary(AdminActivitiesState.errors),
        rx.cond(AdminActivitiesState.attendance_for != "", _attendance_panel()),
        rx.cond(
            AdminActivitiesState.editing != "",
            _form(),
            rx.button(
                t("activities.new"),
                size="3",
                on_click=AdminActivitiesState.start("new"),
                id="new-activity",
            ),
        ),
        card(
            scroll_region(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(t(k)) for k in headers])
                    ),
                    rx.table.body(rx.foreach(AdminActivitiesState.rows, _row)),
                    size="2",
                    width="100%",
                    id="activities",
                ),
                "activities.page_title",
                overflow_x="auto",
            )
        ),
        _review_modes(),
        wide=True,
    )
