"""Single-use tokens sent by e-mail: password reset, e-mail change, activation."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel

from portal.domain.clock import now_factory


class TokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose name)
    EMAIL_CHANGE = "email_change"
    ACTIVATION = "activation"


class ActionToken(SQLModel, table=True):
    """One e-mailed token, stored only as a digest. Used at most once; a newer one voids it."""

    __tablename__ = "action_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    purpose: str = Field(max_length=16, index=True)
    token_digest: str = Field(max_length=64, unique=True)
    new_email: str | None = Field(default=None, max_length=254)
    expires_at: dt.datetime
    failed_tries: int = 0
    used_at: dt.datetime | None = None
    voided_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=now_factory)
