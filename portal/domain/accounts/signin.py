"""Signing in: password, then a second factor, then a one-time ticket that becomes a session.

Guarantees:
- Unknown address, wrong password, locked and inactive accounts get the same
  answer after about the same time (a real or dummy bcrypt check each time).
- Failed passwords and codes are counted per account by `accounts.lockout`; a
  lock that has run out is cleared at the next attempt. A throttled client is
  answered at once (no bcrypt spent on a flood).
- A challenge is bound to the tab that passed the password step (by a secret
  only its server state holds), expires after the configured minutes, allows 5
  wrong codes, and passes at most once; an account starts at most
  PORTAL_SIGNIN_PER_ACCOUNT an hour, and wrong codes also count across its
  challenges (a locked second factor refuses every code). A resend replaces the
  code without restoring its tries, is throttled (30 s apart, 3 per challenge)
  and queues a new mail.
- A passed challenge yields a ticket valid 2 minutes that is redeemed at most
  once for a session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select, update

from portal.domain.accounts import (
    consents,
    lockout,
    mails,
    password_reset,
    passwords,
    sessions,
    start_pages,
    throttle,
    tokens,
    totp,
)
from portal.domain.accounts.tables import Account, AccountKind, AccountStatus, LoginChallenge
from portal.domain.audit import trail
from portal.domain.core import email_address
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.origin import Origin
from portal.settings import get_settings

MAX_CODE_TRIES = 5
MAX_RESENDS = 3
RESEND_INTERVAL = dt.timedelta(seconds=30)
TICKET_LIFETIME = dt.timedelta(minutes=2)
IP_WINDOW = dt.timedelta(minutes=15)
CHALLENGE_WINDOW = dt.timedelta(hours=1)  # PORTAL_SIGNIN_PER_ACCOUNT challenges in it


@dataclass(frozen=True)
class PasswordStep:
    """The outcome of the password step. `attempt` binds the next step to this tab."""

    ok: bool
    attempt: str | None = None
    method: str | None = None
    must_reset: bool = False
    throttled: bool = False


@dataclass(frozen=True)
class CodeStep:
    """The outcome of the code step: a ticket, or a message key saying what went wrong."""

    ok: bool
    ticket: str | None = None
    problem: str | None = None
    tries_left: int = 0


@dataclass(frozen=True)
class SessionStart:
    """A new session's cookie secret and the page to land on."""

    secret: str
    landing: str


def clear_expired_lock(db: Session, account: Account, now: dt.datetime) -> None:
    if account.locked_until is not None and account.locked_until <= now:
        db.execute(
            update(Account)
            .where(col(Account.id) == account.id)
            .where(Account.locked_until == account.locked_until)
            .values(locked_until=None, failed_attempts=0)
        )
        account.locked_until = None
        account.failed_attempts = 0


def new_challenge(db: Session, account: Account) -> tuple[str, str]:
    """Start the second factor for `account`: (the tab's attempt secret, "email" or "totp")."""
    settings = get_settings()
    now = utcnow()
    attempt = tokens.new_token()
    method = "totp" if account.totp_secret else "email"
    challenge = LoginChallenge(
        account_id=account.id,
        attempt_digest=tokens.digest("attempt", attempt),
        method=method,
        expires_at=now + dt.timedelta(minutes=settings.sign_in.code_minutes),
        last_sent_at=now,
    )
    db.add(challenge)
    db.flush()
    if method == "email":
        _send_code(db, challenge, account)
    return attempt, method


def _send_code(db: Session, challenge: LoginChallenge, account: Account) -> None:
    code = tokens.new_numeric_code()
    challenge.code_digest = tokens.digest(f"code:{challenge.id}", code)
    mails.to_owner(
        db,
        account,
        "signin_code",
        code=code,
        minutes=get_settings().sign_in.code_minutes,
    )


def check_password(email: str, password: str, origin: Origin) -> PasswordStep:
    """Step one. Slow by design (bcrypt): call it off the event loop."""
    address = email_address.normalize(email)[:254]
    now = utcnow()
    with transaction() as db:
        limit = get_settings().sign_in.per_client
        if not throttle.allow(db, "signin-ip", throttle.client(origin), limit, IP_WINDOW):
            throttled = True
            account = None
        else:
            throttled = False
            account = db.exec(select(Account).where(Account.email == address)).first()
            if account is not None:
                clear_expired_lock(db, account, now)
    if throttled:  # answered at once: a flood of refused attempts costs no bcrypt
        return PasswordStep(ok=False, throttled=True)
    if account is None:
        passwords.burn_time()
        return PasswordStep(ok=False)
    usable = (
        account.status == AccountStatus.ACTIVE
        and account.locked_until is None
        and account.factor_locked_at is None
    )
    if not usable:
        passwords.burn_time()
        lockout.password_failed(account.id, origin)
        return PasswordStep(ok=False)
    if not passwords.verify_password(password, account.password_hash):
        lockout.password_failed(account.id, origin)
        return PasswordStep(ok=False)
    with transaction() as db:
        db.execute(update(Account).where(col(Account.id) == account.id).values(failed_attempts=0))
        if account.must_reset_password:
            trail.record(db, "signin.must_reset", origin, target=f"account:{account.id}")
            if throttle.allow(
                db,
                "reset-address",
                account.email,
                password_reset.PER_ADDRESS,
                password_reset.WINDOW,
            ):
                password_reset.send_link(db, account, origin)
            return PasswordStep(ok=False, must_reset=True)
        per_account = get_settings().sign_in.per_account
        if not throttle.allow(
            db, "challenge-account", str(account.id), per_account, CHALLENGE_WINDOW
        ):
            return PasswordStep(ok=False, throttled=True)
        attempt, method = new_challenge(db, account)
        trail.record(
            db, "signin.password_ok", origin, target=f"account:{account.id}", method=method
        )
    return PasswordStep(ok=True, attempt=attempt, method=method)


def _challenge(db: Session, attempt: str | None) -> LoginChallenge | None:
    if not attempt or len(attempt) > 100:
        return None
    return db.exec(
        select(LoginChallenge).where(
            LoginChallenge.attempt_digest == tokens.digest("attempt", attempt)
        )
    ).first()


def _code_matches(db: Session, challenge: LoginChallenge, code: str, origin: Origin) -> bool:
    if challenge.method == "email":
        typed = totp.normalize_code(code)
        return tokens.matches(f"code:{challenge.id}", typed, challenge.code_digest)
    account = db.get(Account, challenge.account_id)
    return totp.accept_code(db, account, code) or totp.accept_recovery_code(
        db, account.id, code, origin.known_as(account.id)
    )


def verify_code(attempt: str | None, code: str, origin: Origin) -> CodeStep:
    """Step two: check the code for this tab's challenge; on success issue a ticket."""
    now = utcnow()
    with transaction() as db:
        challenge = _challenge(db, attempt)
        if challenge is None or challenge.passed_at is not None:
            return CodeStep(ok=False, problem="code.start_again")
        if challenge.failed_tries >= MAX_CODE_TRIES:
            return CodeStep(ok=False, problem="code.too_many")
        if db.get(Account, challenge.account_id).factor_locked_at is not None:
            return CodeStep(ok=False, problem="code.too_many")
        if now >= challenge.expires_at:
            return CodeStep(ok=False, problem="code.expired")
        if len(code) > 40 or not _code_matches(db, challenge, code, origin):
            lockout.factor_failed(db, challenge.account_id, origin)
            tries = db.execute(
                update(LoginChallenge)
                .where(col(LoginChallenge.id) == challenge.id)
                .values(failed_tries=LoginChallenge.failed_tries + 1)
                .returning(LoginChallenge.failed_tries)
            ).scalar_one()
            trail.record(db, "signin.code_failed", origin, target=f"account:{challenge.account_id}")
            if tries >= MAX_CODE_TRIES:
                return CodeStep(ok=False, problem="code.too_many")
            return CodeStep(ok=False, problem="code.wrong", tries_left=MAX_CODE_TRIES - tries)
        ticket = tokens.new_token()
        passed = db.execute(
            update(LoginChallenge)
            .where(col(LoginChallenge.id) == challenge.id)
            .where(col(LoginChallenge.passed_at).is_(None))
            .values(
                passed_at=now,
                ticket_digest=tokens.digest("ticket", ticket),
                ticket_expires_at=now + TICKET_LIFETIME,
            )
        )
        if passed.rowcount != 1:
            return CodeStep(ok=False, problem="code.start_again")
        lockout.factor_passed(db, challenge.account_id)
        return CodeStep(ok=True, ticket=ticket)


def pending_method(attempt: str | None) -> str | None:
    """The method ("email" or "totp") of the live, unpassed challenge behind `attempt`, or None."""
    with transaction() as db:
        challenge = _challenge(db, attempt)
        if challenge is None or challenge.passed_at is not None or utcnow() >= challenge.expires_at:
            return None
        return challenge.method


def resend_code(attempt: str | None) -> str | None:
    """Send a fresh code replacing the old one; returns a message key when refused."""
    now = utcnow()
    with transaction() as db:
        challenge = _challenge(db, attempt)
        if challenge is None or challenge.passed_at is not None or challenge.method != "email":
            return "code.start_again"
        if challenge.resends >= MAX_RESENDS:
            return "code.resend_limit"
        if challenge.last_sent_at and now - challenge.last_sent_at < RESEND_INTERVAL:
            return "code.resend_wait"
        claimed = db.execute(
            update(LoginChallenge)
            .where(col(LoginChallenge.id) == challenge.id)
            .where(LoginChallenge.resends == challenge.resends)
            .values(
                resends=challenge.resends + 1,
                last_sent_at=now,
                expires_at=now + dt.timedelta(minutes=get_settings().sign_in.code_minutes),
            )
        )
        if claimed.rowcount != 1:
            return "code.resend_wait"
        db.refresh(challenge)
        _send_code(db, challenge, db.get(Account, challenge.account_id))
    return None


def landing_for(db: Session, account: Account, provider_mfa: bool = False) -> str:
    """Where a freshly signed-in account starts (accounts.start_pages)."""
    return start_pages.start_page(
        account.kind,
        sessions.needs_totp_enrolment(account.kind, bool(account.totp_secret), provider_mfa),
        account.kind == AccountKind.REGISTRANT and bool(consents.missing_in(db, account.id)),
    )


def redeem_ticket(ticket: str | None, origin: Origin) -> SessionStart | None:
    """Exchange a fresh, unused ticket for a new session; None for anything else."""
    if not ticket or len(ticket) > 100:
        return None
    now = utcnow()
    with transaction() as db:
        challenge = db.exec(
            select(LoginChallenge).where(
                LoginChallenge.ticket_digest == tokens.digest("ticket", ticket)
            )
        ).first()
        if (
            challenge is None
            or challenge.ticket_expires_at is None
            or now >= challenge.ticket_expires_at
        ):
            return None
        used = db.execute(
            update(LoginChallenge)
            .where(col(LoginChallenge.id) == challenge.id)
            .where(col(LoginChallenge.ticket_used_at).is_(None))
            .values(ticket_used_at=now)
        )
        if used.rowcount != 1:
            return None
        account = db.get(Account, challenge.account_id)
        if account is None or account.status != AccountStatus.ACTIVE:
            return None
        secret = sessions.start(db, account.id, origin, signed_in_with=challenge.method)
        trail.record(
            db, "signin.success", origin.known_as(account.id), target=f"account:{account.id}"
        )
        return SessionStart(secret=secret, landing=landing_for(db, account))
