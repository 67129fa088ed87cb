"""Pieces shared by the registrant's and the secretariat's record edits."""

from __future__ import annotations

import reflex as rx

from portal.web.components.forms import labelled_checkbox
from portal.web.components.text import t


def changes_table(changes: rx.Var, element_id: str) -> rx.Component:
    """What an edit changes, one row per field: name, value now, value after (bold)."""
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell(""),
                rx.table.column_header_cell(t("record.old")),
                rx.table.column_header_cell(t("record.new")),
            )
        ),
        rx.table.body(
            rx.foreach(
                changes,
                lambda change: rx.table.row(
                    rx.table.row_header_cell(
                        rx.cond(change["label"] != "", change["label"], t(change["key"]))
                    ),
                    rx.table.cell(change["old"]),
                    rx.table.cell(change["new"], weight="bold"),
                ),
            )
        ),
        width="100%",
        id=element_id,
    )


def flag_checkbox(name: str, checked: rx.Var) -> rx.Component:
    """A yes/no registry field (mail preferences) as a labelled checkbox."""
    return labelled_checkbox(name, t(f"field.{name}"), checked)
