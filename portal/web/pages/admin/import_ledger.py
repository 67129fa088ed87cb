"""/admin/import: upload the ledger CSV → preview → confirm → applied with a progress bar (admins)."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths, staged_files
from portal.domain.core.errors import DomainError
from portal.domain.registrants import registry_import
from portal.web.changes import PageState
from portal.web.components.forms import file_drop, notice
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.text import t
from portal.web.guard import Need, actor_for, guarded
from portal.web.session import translator, turn_away
from portal.web.uploads import one_upload

UPLOAD_ID = "ledger-file"
SHOWN_ROWS = 200


def _file_name(file: rx.UploadFile) -> str:
    name = (file.filename or "ledger.csv").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable())[:100] or "ledger.csv"


class AdminImportState(PageState, rx.State):
    """The preview as display strings; the staged file's name stays on the server."""

    stage: str = "upload"  # upload | preview | running | done
    file_name: str = ""
    counts: list[dict[str, str]] = []  # noqa: RUF012
    problems: list[dict[str, str]] = []  # noqa: RUF012
    changes: list[dict[str, str]] = []  # noqa: RUF012
    new_rows: list[dict[str, str]] = []  # noqa: RUF012
    more: str = ""
    can_apply: bool = False
    problem: str = ""
    progress: int = 0
    progress_text: str = ""
    result: str = ""
    _staged: str = ""

    @rx.event
    @guarded(Need.ADMIN)
    async def load(self, actor: Actor):
        """Admins start with an empty form; anyone else is sent away."""
        self._reset_preview()
        self.stage = "upload"
        return None

    def _reset_preview(self) -> None:
        if self._staged:
            staged_files.discard(self._staged)
        self._staged = ""
        self.counts, self.problems, self.changes, self.new_rows = [], [], [], []
        self.more = self.problem = self.result = self.progress_text = ""
        self.can_apply, self.progress = False, 0

    def _show(self, plan: registry_import.ImportPlan, tr) -> None:
        if plan.file_problem is not None:
            key, params = plan.file_problem
            self.problem = tr(key, **params)
            return
        self.counts = [
            {"key": "import.count_rows", "value": str(plan.rows)},
            {"key": "import.count_new", "value": str(len(plan.new))},
            {"key": "import.count_changed", "value": str(len(plan.changed))},
            {"key": "import.count_unchanged", "value": str(plan.unchanged)},
            {"key": "import.count_errors", "value": str(plan.rows_with_problems)},
            {"key": "import.count_invitations", "value": str(plan.invitations)},
        ]
        self.problems = [
            {
                "line": str(p.line),
                "number": p.number,
                "column": f"field.{p.column}" if p.column else "import.whole_line",
                "message": tr(p.key, **p.params),
            }
            for p in plan.problems[:SHOWN_ROWS]
        ]
        self.changes = [
            {
                "line": str(row.line),
                "number": row.number,
                "name": row.name,
                "field": f"field.{change.field}",
                "old": change.old,
                "new": change.new,
            }
            for row in plan.changed[:SHOWN_ROWS]
            for change in row.changes
        ][:SHOWN_ROWS]
        self.new_rows = [
            {
                "line": str(row["_line"]),
                "number": str(row["registration_number"]),
                "name": f"{row.get('family_name', '')} {row.get('given_name', '')}",
                "email": str(row.get("email") or ""),
            }
            for row in plan.new[:SHOWN_ROWS]
        ]
        shown = max(len(plan.problems), len(plan.changed), len(plan.new))
        self.more = tr("import.first_rows", count=SHOWN_ROWS) if shown > SHOWN_ROWS else ""
        self.can_apply = plan.ok and bool(plan.new or plan.changed)
        if not plan.ok:
            self.problem = tr("import.has_errors")

    @rx.event
    @guarded(Need.ADMIN)
    async def check_file(self, actor: Actor, files: list[rx.UploadFile]):
        """Stage the uploaded file on the server and show what importing it would do."""
        tr = await translator(self)
        self._reset_preview()
        self.stage = "upload"
        data, self.problem = await one_upload(files, registry_import.MAX_BYTES, tr)
        if data is None:
            return None
        self.file_name = _file_name(files[0])
        plan = await asyncio.to_thread(registry_import.plan, data, actor)
        self._staged = await asyncio.to_thread(staged_files.stage, data)
        self.stage = "preview"
        self._show(plan, tr)
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def start_over(self, actor: Actor):
        """Forget the staged file and go back to the upload form."""
        self._reset_preview()
        self.stage = "upload"
        return None

    @rx.event(background=True)
    async def confirm(self):
        """Apply the previewed file in one transaction while the progress bar moves."""
        async with self:
            actor = await actor_for(self, Need.ADMIN)
            if actor is None:
                return await turn_away(self)
            if self.stage != "preview" or not self.can_apply:
                return None
            tr = await translator(self)
            self.stage, self.progress, self.problem = "running", 0, ""
            staged, name = self._staged, self.file_name
        data = await asyncio.to_thread(staged_files.load, staged)
        reported = [0, 1]

        def report(done: int, total: int) -> None:
            reported[:] = [done, total]

        work = asyncio.ensure_future(
            asyncio.to_thread(
                registry_import.apply,
                data or b"",
                actor,
                reason=tr("import.reason", file=name),
                source=name,
                progress=report,
            )
        )
        while not work.done():
            await asyncio.wait({work}, timeout=0.3)
            async with self:
                done, total = reported
                self.progress = min(100, 100 * done // max(total, 1))
                self.progress_text = tr("import.progress", done=done, total=total)
        async with self:
            try:
                result = work.result()
            except registry_import.ImportRefused as refused:
                self.stage = "preview"
                self._show(refused.plan, tr)
                return None
            except DomainError as exc:
                self.stage, self.problem = "preview", tr(exc.key, **exc.params)
                return None
            self._reset_preview()
            self.stage, self.progress = "done", 100
            self.result = tr(
                "import.done",
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                invited=result.invited,
            )
        return None


def _table(rows: rx.Var, columns: list[tuple[str, str]], element_id: str, label_key: str):
    return scroll_region(
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(t(label)) for _, label in columns])
            ),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda row: rx.table.row(
                        *[
                            rx.table.cell(t(row[key]) if key in ("column", "field") else row[key])
                            for key, _ in columns
                        ]
                    ),
                )
            ),
            size="1",
            width="100%",
            id=element_id,
        ),
        label_key,
        overflow_x="auto",
        max_height="24rem",
    )


def _upload_form() -> rx.Component:
    return card(
        rx.text(t("import.intro")),
        rx.text(t("import.columns"), size="2", color_scheme="gray"),
        file_drop(
            UPLOAD_ID,
            t("import.choose"),
            rx.vstack(
                rx.button(t("import.choose"), variant="outline", type="button"),
                rx.text(t("import.drop"), size="2"),
                rx.foreach(rx.selected_files(UPLOAD_ID), lambda f: rx.text(f, weight="bold")),
                align="center",
                spacing="2",
                padding="1.5em",
            ),
            accept={"text/csv": [".csv"], "text/plain": [".csv", ".txt"]},
            max_files=1,
            multiple=False,
            border="2px dashed var(--gray-8)",
            border_radius="8px",
            width="100%",
        ),
        rx.button(
            t("import.check"),
            size="3",
            on_click=AdminImportState.check_file(rx.upload_files(upload_id=UPLOAD_ID)),
            id="check-file",
        ),
    )


def _preview() -> rx.Component:
    return rx.fragment(
        card(
            rx.heading(AdminImportState.file_name, as_="h2", size="5", id="file-name"),
            rx.data_list.root(
                rx.foreach(
                    AdminImportState.counts,
                    lambda row: rx.data_list.item(
                        rx.data_list.label(t(row["key"])),
                        rx.data_list.value(row["value"]),
                    ),
                ),
                id="counts",
            ),
            rx.cond(AdminImportState.more != "", rx.text(AdminImportState.more, size="2")),
            rx.flex(
                rx.cond(
                    AdminImportState.can_apply,
                    rx.button(
                        t("import.confirm"),
                        size="3",
                        on_click=AdminImportState.confirm,
                        id="confirm-import",
                    ),
                ),
                rx.button(
                    t("import.start_over"),
                    variant="outline",
                    size="3",
                    on_click=AdminImportState.start_over,
                    id="start-over",
                ),
                spacing="3",
                wrap="wrap",
            ),
        ),
        _list_card(
            AdminImportState.problems,
            "import.problems_title",
            [
                ("line", "import.col_line"),
                ("number", "field.registration_number"),
                ("column", "admin.col_field"),
                ("message", "import.col_problem"),
            ],
            "import-problems",
        ),
        _list_card(
            AdminImportState.changes,
            "import.changes_title",
            [
                ("line", "import.col_line"),
                ("number", "field.registration_number"),
                ("name", "admin.col_name"),
                ("field", "admin.col_field"),
                ("old", "record.old"),
                ("new", "record.new"),
            ],
            "import-changes",
        ),
        _list_card(
            AdminImportState.new_rows,
            "import.new_title",
            [
                ("line", "import.col_line"),
                ("number", "field.registration_number"),
                ("name", "admin.col_name"),
                ("email", "login.email"),
            ],
            "import-new",
        ),
    )


def _list_card(
    rows: rx.Var, title_key: str, columns: list[tuple[str, str]], element_id: str
) -> rx.Component:
    """A titled table of preview rows, shown only when there are any."""
    return rx.cond(
        rows.length() > 0,
        card(
            rx.heading(t(title_key), as_="h2", size="5"),
            _table(rows, columns, element_id, title_key),
        ),
    )


def _running() -> rx.Component:
    return card(
        rx.text(t("import.running")),
        rx.progress(value=AdminImportState.progress, max=100, id="import-progress", width="100%"),
        rx.text(AdminImportState.progress_text, role="status"),
    )


def _done() -> rx.Component:
    return card(
        rx.text(AdminImportState.result, id="import-result", role="status"),
        rx.flex(
            rx.link(t("import.to_list"), href=paths.ADMIN_REGISTRANTS),
            rx.link(t("import.another"), href="#", on_click=AdminImportState.start_over),
            spacing="4",
            wrap="wrap",
        ),
    )


def import_page() -> rx.Component:
    return shell(
        page_title("import.title"),
        notice(AdminImportState.problem, tone="red"),
        rx.match(
            AdminImportState.stage,
            ("preview", _preview()),
            ("running", _running()),
            ("done", _done()),
            _upload_form(),
        ),
        wide=True,
    )
