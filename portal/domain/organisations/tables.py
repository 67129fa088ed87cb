"""Organisations, which accounts belong to them, and the activities they propose."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from portal.domain.core.clock import now_factory


class OrganisationKind(StrEnum):
    PROVIDER = "provider"  # runs seminars, courses and lectures that earn points


class OrganisationStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"  # by staff: its users cannot sign in


class ProposalStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the secretariat
    APPROVED = "approved"  # in the catalogue
    RETURNED = "returned"  # sent back with a reason


class Organisation(SQLModel, table=True):
    """A body the association works with; its kind is data, so other kinds can come later."""

    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(default=OrganisationKind.PROVIDER, max_length=16)
    contact_email: str = Field(default="", max_length=254)
    notes: str = Field(default="", max_length=2000)
    status: str = Field(default=OrganisationStatus.ACTIVE, max_length=16)
    created_at: dt.datetime = Field(default_factory=now_factory)
    deactivated_at: dt.datetime | None = None


class OrganisationMember(SQLModel, table=True):
    """An account of kind "organisation" and the one organisation it acts for."""

    __tablename__ = "organisation_member"

    account_id: int = Field(foreign_key="account.id", primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_at: dt.datetime = Field(default_factory=now_factory)


class ActivityProposal(SQLModel, table=True):
    """An activity an organisation asks the secretariat to put into the catalogue; once
    approved, `activity_id` is the catalogue entry (whose organiser is the organisation)."""

    __tablename__ = "activity_proposal"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    proposed_by: int = Field(foreign_key="account.id")
    title: str = Field(max_length=200)
    category_id: int = Field(foreign_key="activity_category.id")
    starts_on: dt.date
    ends_on: dt.date
    points_requested: int
    description: str = Field(default="", max_length=1000)
    place: str = Field(default="", max_length=200)
    online: bool = False
    capacity: int | None = None
    language: str = Field(default="en", max_length=5)  # the language it is written in
    status: str = Field(default=ProposalStatus.SUBMITTED, max_length=16, index=True)
    points_granted: int | None = None
    reason: str = Field(default="", max_length=1000)
    decided_by: int | None = Field(default=None, foreign_key="account.id")
    decided_at: dt.datetime | None = None
    activity_id: int | None = Field(default=None, foreign_key="activity.id", unique=True)
    created_at: dt.datetime = Field(default_factory=now_factory)


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the secretariat
    CONFIRMED = "confirmed"  # points credited
    RETURNED = "returned"  # sent back with a reason


class AttendanceReport(SQLModel, table=True):
    """An attendance list an organisation reported for one of its activities: its lines
    (line, registration number, name as written) are kept here, not the file."""

    __tablename__ = "attendance_report"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    activity_id: int = Field(foreign_key="activity.id", index=True)
    submitted_by: int = Field(foreign_key="account.id")
    file_name: str = Field(default="", max_length=200)
    lines: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=ReportStatus.SUBMITTED, max_length=16, index=True)
    reason: str = Field(default="", max_length=1000)
    decided_by: int | None = Field(default=None, foreign_key="account.id")
    decided_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=now_factory)
