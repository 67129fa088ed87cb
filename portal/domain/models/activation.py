"""Consent to the terms and privacy policy, and activation requests staff decide on."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from portal.domain.clock import now_factory


class Consent(SQLModel, table=True):
    """One acceptance of one version of a legal document by one account."""

    __tablename__ = "consent"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    document: str = Field(max_length=16)
    version: str = Field(max_length=64)
    accepted_at: dt.datetime = Field(default_factory=now_factory)
    ip: str = Field(default="", max_length=64)


class ActivationRequest(SQLModel, table=True):
    """A registrant asked to activate with an address the registry does not hold."""

    __tablename__ = "activation_request"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="registry_record.id", index=True)
    email: str = Field(max_length=254)
    status: str = Field(default="pending", max_length=16, index=True)
    created_at: dt.datetime = Field(default_factory=now_factory)
    decided_at: dt.datetime | None = None
    decided_by: int | None = Field(default=None, foreign_key="account.id")
