"""Rate-limit hits, shared by every worker through the database."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from portal.domain.clock import now_factory


class ThrottleHit(SQLModel, table=True):
    """One counted action under a scope (e.g. "login-ip") and a key digest."""

    __tablename__ = "throttle_hit"

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=32, index=True)
    key: str = Field(max_length=64, index=True)
    at: dt.datetime = Field(default_factory=now_factory, index=True)
