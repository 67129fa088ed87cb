"""Ids as a browser sends them: only short strings of digits become ids, anything else is none."""

from __future__ import annotations

import reflex as rx


def int_id(value: object) -> int | None:
    """`value` as an id when it is a string of 1–11 digits, else None."""
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 12 else None


def path_id(state: rx.State) -> int | None:
    """The id at the end of the page's URL path (/admin/claims/<id>), or None."""
    return int_id(state.router.url.path.rstrip("/").rsplit("/", 1)[-1])
