"""An attendance list's preview, as the secretariat and organisations see it: how many
lines of each kind, and every line that will not be credited with the reason."""

from __future__ import annotations

import reflex as rx

from portal.domain.points.attendance import AttendancePlan
from portal.web.components.forms import file_drop
from portal.web.components.text import t

SHOWN_LINES = 200


def preview_rows(
    plan: AttendancePlan, unknown_key: str = "attendance.unknown"
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(counts per kind, the lines not credited) as display values; message keys for the
    browser's catalogue. Organisations get `attendance.not_found` for unknown lines."""
    groups = (
        ("attendance.matched", plan.matched),
        ("attendance.closing", plan.closing),
        (unknown_key, plan.unknown),
        ("attendance.already", plan.already),
        ("attendance.outside", plan.outside),
        ("attendance.repeated", plan.repeated),
    )
    counts = [{"key": key, "value": str(len(rows))} for key, rows in groups]
    lines = [
        {"line": str(line), "number": number, "name": name, "why": key}
        for key, rows in groups[2:]
        for line, number, name in rows[:SHOWN_LINES]
    ]
    return counts, lines


def csv_drop(upload_id: str) -> rx.Component:
    """The drop zone for one CSV file, with the chosen file's name."""
    return file_drop(
        upload_id,
        t("import.choose"),
        rx.vstack(
            rx.button(t("import.choose"), variant="outline", type="button"),
            rx.foreach(rx.selected_files(upload_id), lambda f: rx.text(f, weight="bold")),
            align="center",
            spacing="2",
            padding="1em",
        ),
        accept={"text/csv": [".csv"], "text/plain": [".csv", ".txt"]},
        max_files=1,
        multiple=False,
        border="2px dashed var(--gray-8)",
        border_radius="8px",
        width="100%",
    )


def preview_view(counts: rx.Var, lines: rx.Var, id: str) -> rx.Component:
    """The counts, then each line left out and why."""
    return rx.vstack(
        rx.data_list.root(
            rx.foreach(
                counts,
                lambda row: rx.data_list.item(
                    rx.data_list.label(t(row["key"])), rx.data_list.value(row["value"])
                ),
            ),
            id=id,
        ),
        rx.foreach(
            lines,
            lambda row: rx.text(
                row["line"], ": ", row["number"], " ", row["name"], " — ", t(row["why"]), size="2"
            ),
        ),
        width="100%",
        align="start",
    )
