"""Continuing-education points: the activity catalogue, claims, their timelines and evidence."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from portal.domain.core.clock import now_factory


class ClaimStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the secretariat
    IN_REVIEW = "in_review"  # a reviewer has opened it
    INFO_REQUESTED = "info_requested"  # the registrant must answer
    APPROVED = "approved"  # points granted (maybe adjusted)
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # by the registrant, while pending


OPEN_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.IN_REVIEW, ClaimStatus.INFO_REQUESTED)
# The review queue's default filter, written exactly as the partial index's predicate so
# both databases use the index for it.
OPEN_CONDITION = "status IN ('submitted', 'in_review', 'info_requested')"


class ReviewMode(StrEnum):
    REVIEWED = "reviewed"  # every claim waits for a reviewer
    SELF_DECLARED = "self_declared"  # accepted and counted at once; a sample is audited


class ActivityCategory(SQLModel, table=True):
    """A kind of activity (how many of its points count is the renewal rules' business;
    whether its claims wait for review is `review_mode`)."""

    __tablename__ = "activity_category"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_en: str = Field(max_length=100)
    name_ja: str = Field(max_length=100)
    sort_order: int = 0
    archived: bool = False
    review_mode: str = Field(default=ReviewMode.REVIEWED, max_length=16)


class Activity(SQLModel, table=True):
    """A catalogue entry registrants can claim: one day or a range of days, fixed points."""

    __tablename__ = "activity"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    category_id: int = Field(foreign_key="activity_category.id", index=True)
    starts_on: dt.date = Field(index=True)
    ends_on: dt.date
    points: int
    organiser: str = Field(default="", max_length=200)
    notes: str = Field(default="", max_length=1000)
    archived: bool = False
    created_at: dt.datetime = Field(default_factory=now_factory)
    updated_at: dt.datetime = Field(default_factory=now_factory)


class Claim(SQLModel, table=True):
    """Points a registrant asks for (or the secretariat credits), with where the request stands.

    A catalogue activity can be claimed once per record while the claim is not withdrawn.
    """

    __tablename__ = "claim"
    __table_args__ = (
        Index(
            "uq_claim_activity_once",
            "record_id",
            "activity_id",
            unique=True,
            sqlite_where=text("activity_id IS NOT NULL AND status != 'withdrawn'"),
            postgresql_where=text("activity_id IS NOT NULL AND status != 'withdrawn'"),
        ),
        Index("ix_claim_status_created", "status", "created_at"),
        # What the eligibility batch reads, in its order: counting needs no table row.
        Index(
            "ix_claim_counting",
            "status",
            "record_id",
            "category_id",
            "activity_date",
            "points_granted",
            "points_requested",
        ),
        Index(
            "ix_claim_open_created",
            "created_at",
            "id",
            sqlite_where=text(OPEN_CONDITION),
            postgresql_where=text(OPEN_CONDITION),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="registry_record.id", index=True)
    activity_id: int | None = Field(default=None, foreign_key="activity.id", index=True)
    category_id: int = Field(foreign_key="activity_category.id")
    description: str = Field(default="", max_length=500)
    organiser: str = Field(default="", max_length=200)
    activity_date: dt.date
    points_requested: int
    points_granted: int | None = None
    status: str = Field(default=ClaimStatus.SUBMITTED, max_length=16)
    credited: bool = False  # granted by the secretariat (attendance list), not asked for
    self_declared: bool = False  # accepted at once (its category's review mode), auditable
    created_at: dt.datetime = Field(default_factory=now_factory)
    updated_at: dt.datetime = Field(default_factory=now_factory)
    decided_at: dt.datetime | None = None
    decided_by: int | None = Field(default=None, foreign_key="account.id")


class ClaimEvent(SQLModel, table=True):
    """One step of a claim's timeline, shown to the registrant and staff."""

    __tablename__ = "claim_event"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    kind: str = Field(max_length=16)
    at: dt.datetime = Field(default_factory=now_factory)
    actor_id: int | None = Field(default=None, foreign_key="account.id")
    by_staff: bool = False
    message: str = Field(default="", max_length=1000)
    points: int | None = None


class EvidenceFile(SQLModel, table=True):
    """A file proving a claim, stored under a generated name outside every public folder."""

    __tablename__ = "evidence_file"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    stored_name: str = Field(max_length=64, unique=True)
    original_name: str = Field(max_length=200)
    content_type: str = Field(max_length=32)
    size: int
    uploaded_at: dt.datetime = Field(default_factory=now_factory)
    uploaded_by: int | None = Field(default=None, foreign_key="account.id")


class CarriedPoints(SQLModel, table=True):
    """Surplus points of one validity period counted in the next (the rules' carry-over):
    one row per approved renewal whose rules allow it.

    The row keeps what the earlier period was held to (`required`, `caps`, the carry-over
    limit and the day "the last months" began), so `points` can be worked out again from
    that period's claims whenever one of them changes, without the rules.
    """

    __tablename__ = "carried_points"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="registry_record.id", index=True)
    application_id: int = Field(foreign_key="renewal_application.id", unique=True)
    from_start: dt.date | None = None  # the earlier period (None: open start)
    from_until: dt.date
    into_start: dt.date  # the period the points count in
    late_from: dt.date  # only points earned on or after this day carry
    required: int
    caps: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    max_points: int
    points: int = 0
    updated_at: dt.datetime = Field(default_factory=now_factory)


class AuditStatus(StrEnum):
    WAITING = "waiting"  # drawn: the evidence is asked for by `due_on`
    SENT = "sent"  # the registrant sent evidence; a reviewer decides
    PASSED = "passed"
    FAILED = "failed"  # the points no longer count
    OVERDUE = "overdue"  # nothing sent by `due_on`: the points no longer count


class AuditDraw(SQLModel, table=True):
    """One random draw of self-declared claims to audit: who started it, at what rate,
    out of how many claims, how many were drawn."""

    __tablename__ = "audit_draw"

    id: int | None = Field(default=None, primary_key=True)
    started_by: int | None = Field(default=None, foreign_key="account.id")  # None: the CLI
    started_at: dt.datetime = Field(default_factory=now_factory)
    percent: float
    category: str = Field(default="", max_length=32)  # "" : every self-declared category
    since: dt.date | None = None  # only claims of activities on or after this day
    population: int
    drawn: int


class ClaimAudit(SQLModel, table=True):
    """A claim drawn for audit (at most once: `claim_id` is unique)."""

    __tablename__ = "claim_audit"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", unique=True)
    draw_id: int = Field(foreign_key="audit_draw.id", index=True)
    status: str = Field(default=AuditStatus.WAITING, max_length=16, index=True)
    due_on: dt.date
    decided_at: dt.datetime | None = None
    decided_by: int | None = Field(default=None, foreign_key="account.id")
    reason: str = Field(default="", max_length=1000)
