"""Renewal: applications, their timelines, certificates, reminders and the daily jobs' ledger."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from portal.domain.core.clock import now_factory


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the secretariat
    APPROVED = "approved"  # a certificate was issued
    REJECTED = "rejected"  # with a reason; the registrant may apply again
    WITHDRAWN = "withdrawn"  # by the registrant, before a decision


# One live application per record and cycle (the validity end it renews), written exactly as
# the partial index's predicate.
LIVE_CONDITION = "status IN ('submitted', 'approved')"


class RenewalApplication(SQLModel, table=True):
    """A registrant's application to renew the validity period ending on `cycle_end`.

    `snapshot` holds the eligibility seen at submission; `mailing` the name and address
    the certificate goes to.
    """

    __tablename__ = "renewal_application"
    __table_args__ = (
        Index(
            "uq_renewal_live_per_cycle",
            "record_id",
            "cycle_end",
            unique=True,
            sqlite_where=text(LIVE_CONDITION),
            postgresql_where=text(LIVE_CONDITION),
        ),
        Index("ix_renewal_status_submitted", "status", "submitted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="registry_record.id", index=True)
    cycle_end: dt.date
    status: str = Field(default=ApplicationStatus.SUBMITTED, max_length=16)
    submitted_at: dt.datetime = Field(default_factory=now_factory)
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    mailing: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    decided_at: dt.datetime | None = None
    decided_by: int | None = Field(default=None, foreign_key="account.id")
    reason: str = Field(default="", max_length=1000)


class RenewalEvent(SQLModel, table=True):
    """One step of an application's timeline."""

    __tablename__ = "renewal_event"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="renewal_application.id", index=True)
    kind: str = Field(max_length=16)
    at: dt.datetime = Field(default_factory=now_factory)
    actor_id: int | None = Field(default=None, foreign_key="account.id")
    by_staff: bool = False
    message: str = Field(default="", max_length=1000)


class MailingStatus(StrEnum):
    TO_MAIL = "to_mail"
    MAILED = "mailed"


class Certificate(SQLModel, table=True):
    """A renewal certificate as issued: who, which period, and whether the paper was mailed.

    The PDF is drawn from these columns alone, so it reads the same whenever it is made.
    """

    __tablename__ = "certificate"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, unique=True)
    record_id: int = Field(foreign_key="registry_record.id", index=True)
    application_id: int = Field(foreign_key="renewal_application.id", unique=True)
    registration_number: str = Field(max_length=32)
    holder_name: str = Field(max_length=201)
    holder_name_kana: str = Field(default="", max_length=201)
    valid_from: dt.date
    valid_until: dt.date
    issued_at: dt.datetime = Field(default_factory=now_factory)
    mailing_status: str = Field(default=MailingStatus.TO_MAIL, max_length=16, index=True)
    mailed_on: dt.date | None = None


class Reminder(SQLModel, table=True):
    """One reminder stage sent to one record for one cycle; its delivery is the outbox row's."""

    __tablename__ = "reminder"
    __table_args__ = (UniqueConstraint("record_id", "cycle_end", "stage"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="registry_record.id", index=True)
    cycle_end: dt.date
    stage: str = Field(max_length=16)
    message_id: int | None = Field(default=None, foreign_key="outbox_message.id")
    sent_at: dt.datetime = Field(default_factory=now_factory, index=True)


class JobRun(SQLModel, table=True):
    """A daily job that started on a day: the unique key lets one worker of many run it."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("name", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=32)
    day: dt.date
    started_at: dt.datetime = Field(default_factory=now_factory)
    finished_at: dt.datetime | None = None
    summary: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
