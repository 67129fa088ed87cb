"""Renewal rule versions: one row a version, its rules as a document (`rule_set.parse`)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from portal.domain.core.clock import now_factory


class RuleSetStatus(StrEnum):
    DRAFT = "draft"  # being prepared: applies to nobody
    PUBLISHED = "published"  # applies to every period starting on or after effective_from


class RuleSetRow(SQLModel, table=True):
    """A version of the renewal rules. `document` holds it whole (`rule_set.to_document`);
    `effective_from` repeats its date for ordering. A published version is never edited
    once its date is reached."""

    __tablename__ = "rule_set"

    id: int | None = Field(default=None, primary_key=True)
    effective_from: dt.date = Field(index=True)
    status: str = Field(default=RuleSetStatus.DRAFT, max_length=16)
    document: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=500)
    created_at: dt.datetime = Field(default_factory=now_factory)
    created_by: int | None = Field(default=None, foreign_key="account.id")
    published_at: dt.datetime | None = None
    published_by: int | None = Field(default=None, foreign_key="account.id")
