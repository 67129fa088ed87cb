"""The criteria of a segment as form fields, shared by announcements and surveys."""

from __future__ import annotations

import reflex as rx

from portal.domain.registry.record_fields import STATUSES
from portal.web.components.forms import field, labelled_checkbox
from portal.web.components.text import t
from portal.web.errors import text_field, ticked


def read_segment(form: dict) -> dict[str, object]:
    """The segment's values from a submitted form (communications.segments.parse checks them)."""
    return {
        "valid_until_from": text_field(form, "valid_until_from", 20),
        "valid_until_to": text_field(form, "valid_until_to", 20),
        "account": text_field(form, "account", 10) or "any",
        "categories": sorted(
            k.removeprefix("cat:") for k in form if isinstance(k, str) and k.startswith("cat:")
        ),
        "statuses": [s for s in STATUSES if ticked(form, f"status:{s}")],
        "requirement_not_met": ticked(form, "requirement_not_met"),
    }


def segment_fields(categories: rx.Var, errors: rx.Var) -> rx.Component:
    """The criteria of a segment (communications.segments), named as `read_segment` reads them."""
    return rx.vstack(
        rx.heading(t("announce.segment"), as_="h3", size="4"),
        rx.text(t("announce.segment_intro"), size="2"),
        rx.el.fieldset(
            rx.el.legend(t("field.category"), font_weight="600"),
            rx.flex(
                rx.foreach(
                    categories,
                    lambda c: labelled_checkbox("cat:" + c["code"], c["name"]),
                ),
                spacing="4",
                wrap="wrap",
            ),
        ),
        rx.el.fieldset(
            rx.el.legend(t("field.status"), font_weight="600"),
            rx.flex(
                *[labelled_checkbox(f"status:{s}", t(f"status.{s}")) for s in STATUSES],
                spacing="4",
                wrap="wrap",
            ),
        ),
        field("valid_until_from", "announce.valid_until_from", errors, type="date"),
        field("valid_until_to", "announce.valid_until_to", errors, type="date"),
        labelled_checkbox("requirement_not_met", t("announce.requirement_not_met")),
        rx.box(
            rx.el.label(t("announce.account"), html_for="account", font_weight="600"),
            rx.el.select(
                *[
                    rx.el.option(t(f"announce.account_{choice}"), value=choice)
                    for choice in ("any", "with", "without")
                ],
                name="account",
                id="account",
                class_name="portal-select",
            ),
            width="100%",
        ),
        width="100%",
        align="start",
    )
