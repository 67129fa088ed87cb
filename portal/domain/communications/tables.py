"""Announcements to a segment of registrants, and the notices they leave on My page."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.domain.core.clock import now_factory


class AnnouncementStatus(StrEnum):
    SCHEDULED = "scheduled"  # waiting for its time
    QUEUEING = "queueing"  # copies being written to the outbox, batch by batch
    QUEUED = "queued"  # every copy written; the outbox delivers them at the bulk pace
    CANCELLED = "cancelled"  # withdrawn: copies not yet sent will not be


class Announcement(SQLModel, table=True):
    """A message in both languages to a segment, about one mail topic; by mail and/or as a
    notice on My page. `segment` holds the criteria (communications.segments)."""

    __tablename__ = "announcement"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=32)
    subject_en: str = Field(default="", max_length=200)
    subject_ja: str = Field(default="", max_length=200)
    body_en: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    body_ja: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    segment: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    by_mail: bool = True
    as_notice: bool = False
    status: str = Field(default=AnnouncementStatus.SCHEDULED, max_length=16, index=True)
    send_at: dt.datetime = Field(default_factory=now_factory, index=True)
    created_by: int | None = Field(default=None, foreign_key="account.id")
    created_at: dt.datetime = Field(default_factory=now_factory)
    last_record_id: int = 0  # queueing progress: records up to this id are done
    recipients: int = 0  # mail copies written so far
    notified: int = 0  # registrants the notice was posted to
    finished_at: dt.datetime | None = None


class NoticeRecipient(SQLModel, table=True):
    """One registrant a notice is posted to (whatever their mail choices), and when they read it."""

    __tablename__ = "notice_recipient"
    __table_args__ = (UniqueConstraint("record_id", "announcement_id"),)

    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id", index=True)
    record_id: int = Field(foreign_key="registry_record.id")
    read_at: dt.datetime | None = None
