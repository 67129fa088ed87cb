"""Hydrate ships every state of a tab to the browser: before it does, a tab whose states
hold a person's data is checked against the session the browser sends now, and emptied
when that session has ended or belongs to someone else (portal.web.session.follow)."""

from __future__ import annotations

import functools

import reflex as rx
from reflex_base.event.processor.base_state_processor import _hydrate_event_names

from portal.web.session import ShellState, current_principal, follow


class HydrateGuard(rx.Middleware):
    """Runs before every event; acts on the hydrate events only."""

    async def preprocess(self, app, state: rx.State, event) -> None:
        """Empty the tab's states when the person who filled them is not the one asking."""
        if event.name not in _hydrate_names():
            return None
        shell = await state.get_state(ShellState)
        if shell._holder:  # anonymous tabs hold nobody's data: no session lookup
            principal = await current_principal(shell)
            if principal is None or principal.account_id != shell._holder:
                await follow(shell, principal)
        return None


@functools.cache
def _hydrate_names() -> frozenset[str]:
    return _hydrate_event_names()
