"""Organisations and which accounts belong to them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel

from portal.domain.core.clock import now_factory


class OrganisationKind(StrEnum):
    PROVIDER = "provider"  # runs seminars, courses and lectures that earn points


class OrganisationStatus(StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"  # by staff: its users cannot sign in


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
