"""Page state that ships only what changed.

Reflex sends every assigned var to the browser, equal to its old value or not. A page state
built on `PageState` skips an assignment whose value equals the current one, so a refresh
that changes nothing sends nothing and a page's `load` sends its data once.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


class PageState(rx.State, mixin=True):
    """Mix into a page's state: `class MyPageState(PageState, rx.State)`."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self).base_vars:
            try:
                if getattr(self, name) == value:
                    return
            except AttributeError:  # not set yet
                pass
        super().__setattr__(name, value)
