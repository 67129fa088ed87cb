"""Queueing mail from the domain: a row naming a template, never rendered text.

Guarantees: the message is written in the caller's transaction, so it exists
exactly when the change that caused it was committed; its secret parameters are
stored sealed (outbox.sealed_params).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from portal.domain.core.db import column_defaults
from portal.domain.outbox import sealed_params
from portal.domain.outbox.tables import OutboxMessage


def row(recipient: str, template: str, language: str, **params: Any) -> dict:
    """The complete column values of a queued message (for ORM or bulk inserts)."""
    return {
        **column_defaults(OutboxMessage),
        "recipient": recipient,
        "template": template,
        "language": language,
        "params": sealed_params.seal(params),
    }


def enqueue(
    session: Session, recipient: str, template: str, language: str, **params: Any
) -> OutboxMessage:
    """Add a message for `recipient` in `language`, rendered later from `template`."""
    message = OutboxMessage(**row(recipient, template, language, **params))
    session.add(message)
    return message
