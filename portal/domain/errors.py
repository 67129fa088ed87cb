"""Errors a service raises for the web layer to show, each carrying a message key."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal the user should see: `key` names a catalogue message, `params` fill it."""

    def __init__(self, key: str, field: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params


class NotAllowed(DomainError):
    """The principal may not do this."""

    def __init__(self) -> None:
        super().__init__("error.not_allowed")
