"""Errors a service raises for the web layer to show, each carrying message keys."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user should see: `key` names a catalogue message, `params` fill it."""

    def __init__(self, key: str, field: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params


class FieldErrors(DomainError):
    """Several fields are wrong at once: `fields` maps a field name to (message key, params)."""

    def __init__(self, fields: dict[str, tuple[str, dict]]) -> None:
        first_field, (first_key, first_params) = next(iter(fields.items()))
        super().__init__(first_key, first_field, **first_params)
        self.fields = fields


class NotAllowed(DomainError):
    """The principal may not do this."""

    def __init__(self) -> None:
        super().__init__("error.not_allowed")
