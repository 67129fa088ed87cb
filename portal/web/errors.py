"""Turning a domain refusal into the messages a form shows."""

from __future__ import annotations

from collections.abc import Callable

from portal.domain.core.errors import DomainError, FieldErrors


def field_messages(
    exc: DomainError, tr: Callable[..., str], rename: dict[str, str] | None = None
) -> tuple[dict[str, str], str]:
    """(messages per form field, message for the whole form) in the page's language.

    `rename` maps a domain field name to the form's input name.
    """
    rename = rename or {}
    if isinstance(exc, FieldErrors):
        fields = exc.fields
    elif exc.field:
        fields = {exc.field: (exc.key, exc.params)}
    else:
        return {}, tr(exc.key, **exc.params)
    return {rename.get(name, name): tr(key, **params) for name, (key, params) in fields.items()}, ""


def text_field(form: object, name: str, limit: int) -> str:
    """A string from a submitted form, cut to `limit`; anything that is not a string is ''."""
    if not isinstance(form, dict):
        return ""
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def ticked(form: object, name: str) -> bool:
    """True when the submitted form's checkbox `name` was ticked."""
    return isinstance(form, dict) and form.get(name) in ("on", True, "true")
