"""Sign-in identities (registrants, staff and organisation users), their challenges, sessions and recovery codes;
consents and activation requests; e-mailed single-use tokens; rate-limit hits; links to the
identity provider and trips to it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from portal.domain.core.clock import now_factory


class AccountKind(StrEnum):
    REGISTRANT = "registrant"
    STAFF = "staff"
    ORGANISATION = "organisation"  # a user of an organisation (portal.domain.organisations)


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
    factor_failures: int = 0  # wrong second-factor codes in a row, across challenges
    factor_locked_at: dt.datetime | None = None  # set at the limit; cleared by staff unlock
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
    # Signed in through the identity provider, which proved multi-factor (PORTAL_OIDC_MFA_CLAIM):
    # stands in for the authenticator app staff must otherwise enrol.
    provider_mfa: bool = False
    # The owner last proved it is them in this session (signing in counts): when, and with
    # what — "email" (password + e-mailed code), "totp" (the authenticator or a recovery
    # code), "password" or "provider". Sign-in factors change only shortly after (accounts.reauth).
    confirmed_at: dt.datetime | None = None
    confirmed_with: str = Field(default="", max_length=10)


class RecoveryCode(SQLModel, table=True):
    """One single-use recovery code for an authenticator-app user, stored as a digest."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    code_digest: str = Field(max_length=64, unique=True)
    used_at: dt.datetime | None = None


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


class ThrottleHit(SQLModel, table=True):
    """One counted action under a scope (e.g. "login-ip") and a key digest."""

    __tablename__ = "throttle_hit"

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=32, index=True)
    key: str = Field(max_length=64, index=True)
    at: dt.datetime = Field(default_factory=now_factory, index=True)


class ProviderLink(SQLModel, table=True):
    """An account's owner linked it to one subject of the identity provider (iss + sub)."""

    __tablename__ = "provider_link"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True, unique=True)
    issuer: str = Field(max_length=300)
    subject: str = Field(max_length=255)
    created_at: dt.datetime = Field(default_factory=now_factory)
    last_used_at: dt.datetime | None = None


class ProviderFlow(SQLModel, table=True):
    """One trip to the identity provider, bound to the browser that started it.

    `state_digest` finds it from the callback, `browser_digest` is the digest of a
    secret only that browser's cookie holds; `used_at` makes the callback count once.
    A link trip remembers the account and session that asked for it.
    """

    __tablename__ = "provider_flow"

    id: int | None = Field(default=None, primary_key=True)
    state_digest: str = Field(max_length=64, unique=True)
    browser_digest: str = Field(max_length=64)
    purpose: str = Field(max_length=8)  # "signin" or "link"
    account_id: int | None = Field(default=None, foreign_key="account.id")
    session_id: int | None = Field(default=None, foreign_key="web_session.id")
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=200)
    expires_at: dt.datetime = Field(index=True)
    used_at: dt.datetime | None = None
