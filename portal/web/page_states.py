"""Every page state of the app, and emptying them all in one tab.

A tab's states hold one person's data at most: when the person changes (sign-out, a
session found ended, someone else signing in on the tab) every state returns to its
defaults before anything more is sent (portal.web.session)."""

from __future__ import annotations

import functools

import reflex as rx


@functools.cache
def page_states() -> tuple[type[rx.State], ...]:
    """The portal's own states (each a direct substate of Reflex's root state)."""
    return tuple(
        sorted(
            (s for s in rx.State.get_substates() if s.__module__.startswith("portal.")),
            key=lambda s: s.get_full_name(),
        )
    )


async def forget_all(state: rx.State, keep: tuple[type[rx.State], ...] = ()) -> None:
    """Reset every page state of `state`'s tab to its defaults (backend-only vars too),
    except those in `keep`."""
    for cls in page_states():
        if cls not in keep:
            (await state.get_state(cls)).reset()
