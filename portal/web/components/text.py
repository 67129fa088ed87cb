"""Client-side translation: a catalogue key becomes a var that follows the page's language.

The page text of both languages is a JavaScript module, `assets/portal_messages.js`, written
from the gettext catalogues when the app is built and bundled (content-hashed, so the
browser caches it) into the frontend. Only `ShellState.lang` travels over the websocket: a
language switch sends two letters and every `t(...)` on the page re-renders from the bundle.
"""

from __future__ import annotations

from pathlib import Path

import reflex as rx
from reflex.utils.imports import ImportVar
from reflex.vars.base import VarData

from portal.i18n import write_page_messages
from portal.web.session import ShellState

_ASSET_NAME = "portal_messages.js"


write_page_messages(Path.cwd() / "assets" / _ASSET_NAME)
_MESSAGES = VarData(
    imports={rx.asset(_ASSET_NAME).importable_path: [ImportVar(tag="portalMessages")]}
)


def t(key: str | rx.Var) -> rx.Var:
    """The message `key` (text, or a var holding a key) in the language the visitor chose;
    the key itself when the catalogue has no such message."""
    key_var = rx.Var.create(key)
    lang = ShellState.lang
    key_js = key_var._js_expr
    return rx.Var(
        _js_expr=f"(portalMessages[{lang._js_expr}]?.[{key_js}] ?? {key_js})",
        _var_type=str,
        _var_data=VarData.merge(_MESSAGES, lang._get_all_var_data(), key_var._get_all_var_data()),
    ).to(str)
