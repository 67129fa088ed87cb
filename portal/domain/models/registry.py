"""The registry (ledger, 台帳): one record per certified person."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel

from portal.domain.clock import now_factory


class RecordStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class RegistryRecord(SQLModel, table=True):
    """A certified person's record; `account_id` links it to their portal account, if any."""

    __tablename__ = "registry_record"

    id: int | None = Field(default=None, primary_key=True)
    registration_number: str = Field(max_length=32, unique=True, index=True)
    family_name: str = Field(max_length=100)
    given_name: str = Field(max_length=100)
    family_name_kana: str = Field(default="", max_length=100)
    given_name_kana: str = Field(default="", max_length=100)
    birth_date: dt.date
    email: str | None = Field(default=None, max_length=254, index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", unique=True)
    certified_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = Field(default=None, index=True)
    status: str = Field(default=RecordStatus.ACTIVE, max_length=16, index=True)
    newsletter: bool = False
    created_at: dt.datetime = Field(default_factory=now_factory)
    updated_at: dt.datetime = Field(default_factory=now_factory)
