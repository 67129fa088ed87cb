"""A value of a record as a page lists it: what is stored, or a muted "Not given"."""

from __future__ import annotations

import reflex as rx

from portal.web.components.text import t


def shown_value(value: rx.Var) -> rx.Component:
    """`value` in a data list's value cell; an empty one reads "Not given" (未登録) in grey
    instead of leaving a label with nothing under it."""
    return rx.data_list.value(
        rx.cond(
            value != "",
            value,
            rx.text(t("record.not_given"), color="var(--gray-10)", class_name="not-given"),
        )
    )
