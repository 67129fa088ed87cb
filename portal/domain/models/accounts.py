"""Sign-in identities (registrants and staff), their challenges, sessions and recovery codes."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel

from portal.domain.clock import now_factory


class AccountKind(StrEnum):
    REGISTRANT = "registrant"
    STAFF = "staff"


class StaffRole(StrEnum):
    REVIEWER = "reviewer"
    ADMIN = "admin"


class AccountStatus(StrEnum):
    INVITED = "invited"  # created by staff, not yet activated: cannot sign in
    ACTIVE = "active"
    CLOSED = "closed"  # closed by its owner
    DISABLED = "disabled"  # deactivated by staff


class Account(SQLModel, table=True):
    """A person who can sign in. The e-mail is stored lower-cased and is unique."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str | None = Field(default=None, max_length=100)
    kind: str = Field(max_length=16)
    role: str | None = Field(default=None, max_length=16)
    display_name: str = Field(default="", max_length=200)
    language: str = Field(default="en", max_length=5)
    status: str = Field(default=AccountStatus.ACTIVE, max_length=16)
    must_reset_password: bool = False
    failed_attempts: int = 0
    locked_until: dt.datetime | None = None
    totp_secret: str | None = Field(default=None, max_length=300)
    totp_pending_secret: str | None = Field(default=None, max_length=300)
    totp_last_step: int | None = None
    created_at: dt.datetime = Field(default_factory=now_factory)
    password_changed_at: dt.datetime | None = None


class LoginChallenge(SQLModel, table=True):
    """The second step of one sign-in attempt, bound to the browser tab that passed step one.

    `attempt_digest` is the digest of a secret only that tab's server state holds;
    `code_digest` the HMAC of the e-mailed code; `ticket_digest` the digest of the
    one-time ticket that turns a passed challenge into a session cookie.
    """

    __tablename__ = "login_challenge"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    attempt_digest: str = Field(max_length=64, unique=True)
    method: str = Field(max_length=8)  # "email" or "totp"
    code_digest: str | None = Field(default=None, max_length=64)
    expires_at: dt.datetime
    failed_tries: int = 0
    resends: int = 0
    last_sent_at: dt.datetime | None = None
    passed_at: dt.datetime | None = None
    ticket_digest: str | None = Field(default=None, max_length=64, unique=True)
    ticket_expires_at: dt.datetime | None = None
    ticket_used_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=now_factory)


class WebSession(SQLModel, table=True):
    """A signed-in browser: its secret lives only in an HttpOnly cookie, here only its digest."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    secret_digest: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(default_factory=now_factory)
    last_seen_at: dt.datetime = Field(default_factory=now_factory)
    expires_at: dt.datetime
    revoked_at: dt.datetime | None = None
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)


class RecoveryCode(SQLModel, table=True):
    """One single-use recovery code for an authenticator-app user, stored as a digest."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    code_digest: str = Field(max_length=64, unique=True)
    used_at: dt.datetime | None = None
