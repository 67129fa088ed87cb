"""Authenticator-app second factor (TOTP) and its recovery codes.

Guarantees: the shared secret comes from `secrets` (via pyotp.random_base32),
is stored encrypted with a key derived from the server secret and never
leaves the server except once, to its owner, during enrolment; enrolment takes
effect only when a code from the app is confirmed; each 30-second time step is
accepted at most once per account; recovery codes are stored as digests and
each works once.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

import pyotp
import segno
from sqlmodel import Session, col, delete, select, update

from portal.domain.accounts import lockout, mails, passwords, session_confirmation, tokens
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account, AccountKind, RecoveryCode
from portal.domain.audit import trail
from portal.domain.audit.trail import Acting
from portal.domain.core import sealing
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.settings import get_settings

RECOVERY_CODE_COUNT = 10
_STEP_SECONDS = 30


def _encrypt(secret: str) -> str:
    return sealing.seal("totp", secret)


def _decrypt(stored: str) -> str | None:
    return sealing.unseal("totp", stored)


def normalize_code(code: str) -> str:
    """The code as typed, without spaces or hyphens, lower-cased."""
    return "".join(ch for ch in code if ch not in " -\u3000").lower()


def matching_step(secret: str, code: str, at: dt.datetime) -> int | None:
    """The time step (±1 for clock drift) whose code equals `code`, or None."""
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(at.timestamp()) // _STEP_SECONDS
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def accept_code(db: Session, account: Account, code: str) -> bool:
    """True when `code` is a fresh TOTP code for `account`; burns its time step atomically."""
    secret = _decrypt(account.totp_secret) if account.totp_secret else None
    if secret is None:
        return False
    step = matching_step(secret, normalize_code(code), utcnow())
    if step is None:
        return False
    result = db.execute(
        update(Account)
        .where(col(Account.id) == account.id)
        .where((col(Account.totp_last_step).is_(None)) | (col(Account.totp_last_step) < step))
        .values(totp_last_step=step)
    )
    return result.rowcount == 1


def accept_recovery_code(db: Session, account_id: int, code: str, by: Acting) -> bool:
    """True when `code` is an unused recovery code of the account; marks it used atomically."""
    found = db.exec(
        select(RecoveryCode)
        .where(RecoveryCode.account_id == account_id)
        .where(RecoveryCode.code_digest == tokens.digest("recovery", normalize_code(code)))
        .where(col(RecoveryCode.used_at).is_(None))
    ).first()
    if found is None:
        return False
    result = db.execute(
        update(RecoveryCode)
        .where(col(RecoveryCode.id) == found.id)
        .where(col(RecoveryCode.used_at).is_(None))
        .values(used_at=utcnow())
    )
    if result.rowcount == 1:
        trail.record(db, "totp.recovery_code_used", by, target=f"account:{account_id}")
        return True
    return False


@dataclass(frozen=True)
class Enrolment:
    """What the owner needs to add the account to an app: the key as text and as a QR code."""

    key_text: str
    qr_data_uri: str


def begin_enrolment(actor: Actor) -> Enrolment:
    """Start (or restart) enrolment in the principal's session: a fresh secret, kept pending
    until a code confirms it. Only shortly after the owner proved it is them (replacing an
    authenticator: with it) — DomainError("reauth.needed…") otherwise (accounts.reauth)."""
    secret = pyotp.random_base32()
    with transaction() as db:
        session_confirmation.require_recent(db, actor)
        account = db.get(Account, actor.account_id)
        if account is None:
            raise DomainError("error.not_allowed")
        account.totp_pending_secret = _encrypt(secret)
        issuer = get_settings().association_name
    uri = pyotp.TOTP(secret).provisioning_uri(name=account.email, issuer_name=issuer)
    qr = segno.make(uri, error="m")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Enrolment(key_text=grouped, qr_data_uri=qr.svg_data_uri(scale=5, border=2))


def _new_recovery_codes(db: Session, account_id: int) -> list[str]:
    db.execute(delete(RecoveryCode).where(col(RecoveryCode.account_id) == account_id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.add(RecoveryCode(account_id=account_id, code_digest=tokens.digest("recovery", raw)))
    return codes


def confirm_enrolment(actor: Actor, code: str) -> list[str]:
    """Turn the pending secret on when `code` matches it; returns 10 new recovery codes and
    mails the owner (an authenticator set up or replaced, with what to do if not them).

    Raises DomainError("reauth.needed…") as `begin_enrolment` does,
    DomainError("totp.no_enrolment") without a pending secret and
    DomainError("code.wrong") when the code does not match.
    """
    account_id = actor.account_id
    with transaction() as db:
        session_confirmation.require_recent(db, actor)
        account = db.get(Account, account_id)
        pending = (
            _decrypt(account.totp_pending_secret)
            if account and account.totp_pending_secret
            else None
        )
        if pending is None:
            raise DomainError("totp.no_enrolment")
        step = matching_step(pending, normalize_code(code), utcnow())
        if step is None:
            raise DomainError("code.wrong", field="code")
        replaced = account.totp_secret is not None
        account.totp_secret = account.totp_pending_secret
        account.totp_pending_secret = None
        account.totp_last_step = step
        codes = _new_recovery_codes(db, account_id)
        trail.record(
            db,
            "totp.replaced" if replaced else "totp.enabled",
            actor,
            target=f"account:{actor.account_id}",
        )
        # The session now proves the new authenticator (it was just given a current code).
        session_confirmation.mark(db, actor, session_confirmation.AUTHENTICATOR)
        mails.to_owner(db, account, "authenticator_added")
        return codes


def disable(actor: Actor, password: str, code: str) -> None:
    """Turn the authenticator off after checking the password and a current code.

    Raises DomainError when staff must keep it, the password is wrong, or the code is wrong.
    """
    with transaction() as db:
        account = db.get(Account, actor.account_id)
        if account is None or not account.totp_secret:
            raise DomainError("totp.not_enabled")
        if account.kind == AccountKind.STAFF and get_settings().sign_in.staff_require_totp:
            raise DomainError("totp.staff_must_keep")
        password_hash = account.password_hash
    if not passwords.verify_password(password, password_hash):
        lockout.password_failed(actor.account_id, actor)
        raise DomainError("password.wrong", field="password")
    with transaction() as db:
        account = db.get(Account, actor.account_id)
        proven = accept_code(db, account, code) or accept_recovery_code(
            db, actor.account_id, code, actor
        )
    if not proven:
        with transaction() as db:  # counted in a transaction of its own: it must stay
            lockout.factor_failed(db, actor.account_id, actor)
        raise DomainError("code.wrong", field="code")
    with transaction() as db:
        account = db.get(Account, actor.account_id)
        account.totp_secret = None
        account.totp_last_step = None
        db.execute(delete(RecoveryCode).where(col(RecoveryCode.account_id) == actor.account_id))
        trail.record(db, "totp.disabled", actor, target=f"account:{actor.account_id}")
        mails.to_owner(db, account, "authenticator_removed")
