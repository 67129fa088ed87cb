"""The outbox: mail written with the change that causes it, delivered later."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from portal.domain.core.clock import now_factory


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for (another) delivery attempt
    SENDING = "sending"  # claimed by one deliverer
    SENT = "sent"  # accepted by the SMTP server
    LOGGED = "logged"  # no SMTP configured: printed to the log, kept here
    FAILED = "failed"  # gave up after the last retry
    CANCELLED = "cancelled"  # an announcement withdrawn before this copy went out


class OutboxMessage(SQLModel, table=True):
    """One message to one recipient: a template name, its parameters and the language."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(default_factory=now_factory, index=True)
    recipient: str = Field(max_length=254)
    language: str = Field(default="en", max_length=5)
    template: str = Field(max_length=64)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING, max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(default_factory=now_factory, index=True)
    claimed_at: dt.datetime | None = None
    last_error: str = Field(default="", max_length=500)
    sent_at: dt.datetime | None = None
    # A copy of an announcement (communications): bulk mail, paced by PORTAL_BULK_MAIL_PER_MINUTE.
    announcement_id: int | None = Field(default=None, index=True)
