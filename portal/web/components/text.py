"""Client-side translation: a catalogue key becomes a var that follows the page's language."""

from __future__ import annotations

import reflex as rx

from portal.web.session import ShellState


def t(key: str) -> rx.Var:
    """The message `key` in the language the visitor chose."""
    return ShellState.tr[key]
