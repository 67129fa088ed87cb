"""Tokens that arrive in e-mailed links: read once from the URL, then removed from it."""

from __future__ import annotations

import reflex as rx


def token_from_link(state: rx.State) -> str:
    """The `token` query parameter of the current page, bounded in length ('' when absent)."""
    token = state.router.url.query_parameters.get("token", "")
    return token[:100] if isinstance(token, str) else ""


def forget_token_in_url() -> rx.event.EventSpec:
    """Drop the query string from the address bar and history, so the token is not kept there."""
    return rx.call_script("history.replaceState(null, '', window.location.pathname)")
