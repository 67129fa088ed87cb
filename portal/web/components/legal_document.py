"""A legal document shown in full in a focusable scrolling region, with its own tick box."""

from __future__ import annotations

import reflex as rx

from portal.web.components.layout import scroll_region
from portal.web.components.text import t
from portal.web.errors import ticked as ticked_box

TITLES = {"terms": "activate.terms_title", "privacy": "activate.privacy_title"}
ACCEPT = {"terms": "activate.accept_terms", "privacy": "activate.accept_privacy"}


def legal_document(document: str, markdown: rx.Var, errors: rx.Var) -> rx.Component:
    """The document's title, its full text, "I accept" (named accept_<document>) and its error."""
    name = f"accept_{document}"
    return rx.vstack(
        rx.heading(t(TITLES[document]), as_="h2", size="5"),
        scroll_region(
            rx.markdown(markdown),
            TITLES[document],
            max_height="16rem",
            overflow_y="auto",
            border="1px solid var(--gray-6)",
            border_radius="6px",
            padding="0.75em 1em",
        ),
        rx.el.label(
            rx.hstack(
                rx.checkbox(name=name, id=name, size="3"),
                rx.text(t(ACCEPT[document])),
                align="center",
            ),
            html_for=name,
        ),
        rx.cond(
            errors.contains(document),  # type: ignore[attr-defined]
            rx.text(errors[document], id=f"{name}-error", color="var(--red-11)", size="2"),
        ),
        width="100%",
        spacing="3",
    )


def ticked(form: object, document: str) -> bool:
    """True when the document's box was ticked in the submitted form."""
    return ticked_box(form, f"accept_{document}")
