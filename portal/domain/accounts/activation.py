"""Opening a portal account for a registry record: invitation, proof of identity,
consent to the terms and privacy policy, and the first password.

Guarantees:
- An invitation carries a code valid 5 days (PORTAL_INVITATION_DAYS; stored as a digest); a new
  invitation voids the old code. The code is never usable as a password.
- Proof of identity is registration number + date of birth + code. Wrong
  details count against the code; after 10 (PORTAL_ACTIVATION_TRIES) it is void and the person is told
  to ask the secretariat. Unknown codes are throttled per client.
- Activation requires accepting the current version of each legal document
  (recorded with time and client), and a password the policy accepts; it
  succeeds at most once per code, even when submitted twice at once.
- A self-service request answers the same whatever matches: when number, birth
  date and address match the registry an invitation goes out; when only the
  number and birth date match, a request waits for the secretariat.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select, update

from portal.domain.accounts import action_tokens, consents, new_password, passwords, throttle
from portal.domain.accounts.tables import (
    Account,
    AccountKind,
    AccountStatus,
    ActionToken,
    ActivationRequest,
    TokenPurpose,
)
from portal.domain.audit import trail
from portal.domain.audit.trail import Acting
from portal.domain.core import bulk, email_address, paths, typed_dates
from portal.domain.core.clock import utcnow
from portal.domain.core.db import column_defaults, transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.core.origin import Origin
from portal.domain.outbox import post
from portal.domain.outbox.tables import OutboxMessage
from portal.domain.registry.tables import RegistryRecord
from portal.settings import get_settings

CLIENT_LIMIT = 30
CLIENT_WINDOW = dt.timedelta(hours=1)
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_code() -> str:
    """A 12-character activation code in three groups, easy to read and type."""
    raw = "".join(_ALPHABET[byte % 32] for byte in secrets.token_bytes(12))  # 256 = 8 x 32: uniform
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_code(code: str) -> str:
    """The code as stored: capitals, no spaces or hyphens, full-width folded."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", code)
    return "".join(ch for ch in folded.upper() if ch.isalnum())


def invite(registration_number: str, by: Acting) -> str:
    """Send (or resend) the invitation for a registry record; returns the address used.

    Raises DomainError for an unknown number, a record without an address, an
    account that is already active, or an address another account uses.
    """
    with transaction() as db:
        record = db.exec(
            select(RegistryRecord).where(
                RegistryRecord.registration_number == registration_number.strip()
            )
        ).first()
        if record is None:
            raise DomainError("activation.unknown_record")
        return _invite(db, record, by)


def _invite(db: Session, record: RegistryRecord, by: Acting) -> str:
    if not record.email:
        raise DomainError("activation.no_email")
    address = email_address.normalize(record.email)
    account = db.get(Account, record.account_id) if record.account_id else None
    if account is not None and account.status == AccountStatus.ACTIVE:
        raise DomainError("activation.already_active")
    holder = db.exec(select(Account).where(Account.email == address)).first()
    if holder is not None and (account is None or holder.id != account.id):
        raise DomainError("email.taken")
    if account is None:
        account = Account(
            email=address,
            kind=AccountKind.REGISTRANT,
            status=AccountStatus.INVITED,
            language=get_settings().language,
        )
        db.add(account)
        db.flush()
        record.account_id = account.id
    else:
        account.email = address
        account.status = AccountStatus.INVITED
    _send_invitation(db, account.id, address, account.language)
    trail.record(db, "activation.invited", by, target=f"record:{record.id}")
    return address


def _invitation(account_id: int, address: str, language: str) -> tuple[dict, dict]:
    """A fresh activation code for the account: its token row and the mail carrying it."""
    settings = get_settings()
    code = new_code()
    lifetime = dt.timedelta(days=settings.links.invitation_days)
    token = action_tokens.row(account_id, TokenPurpose.ACTIVATION, lifetime, normalize_code(code))
    mail = post.row(
        address,
        "activation_invite",
        language,
        code=code,
        link=f"{settings.base_url}{paths.ACTIVATE}?code={code}",
        days=settings.links.invitation_days,
    )
    return token, mail


def _send_invitation(db: Session, account_id: int, address: str, language: str) -> None:
    """Void the account's earlier codes, then issue a new one and queue its mail."""
    action_tokens.void(db, account_id, TokenPurpose.ACTIVATION)
    token, mail = _invitation(account_id, address, language)
    db.add(ActionToken(**token))
    db.add(OutboxMessage(**mail))


def invite_new(db: Session, addresses: list[str]) -> dict[str, int]:
    """Invited accounts for addresses the caller checked are free; returns their ids by address.

    Everything is written in bulk in the caller's transaction: the accounts,
    one activation code each and the mail carrying it.
    """
    language = get_settings().language
    accounts = [
        {
            **column_defaults(Account),
            "email": email_address.normalize(address),
            "kind": AccountKind.REGISTRANT,
            "status": AccountStatus.INVITED,
            "language": language,
        }
        for address in addresses
    ]
    if not accounts:
        return {}
    ids = bulk.insert_returning_ids(db, Account.__table__, accounts)
    created = [
        (account_id, account["email"]) for account_id, account in zip(ids, accounts, strict=True)
    ]
    invitations = [_invitation(account_id, email, language) for account_id, email in created]
    bulk.insert_rows(db, ActionToken.__table__, [token for token, _ in invitations])
    bulk.insert_rows(db, OutboxMessage.__table__, [mail for _, mail in invitations])
    return {email: account_id for account_id, email in created}


@dataclass(frozen=True)
class Identity:
    """A proven identity: whose record, and the name to greet them with."""

    record_id: int
    name: str
    email: str


def _live_code(db: Session, code: str) -> ActionToken | None:
    return action_tokens.find_live(
        db, TokenPurpose.ACTIVATION, normalize_code(code) if code else ""
    )


def prove_identity(
    code: str, registration_number: str, birth_date_text: str, origin: Origin
) -> Identity:
    """Check number + birth date + code. Raises FieldErrors or DomainError saying what to do."""
    errors: dict[str, tuple[str, dict]] = {}
    if not registration_number.strip():
        errors["registration_number"] = ("activation.number_required", {})
    birth_date = typed_dates.parse(birth_date_text)
    if birth_date is None:
        errors["birth_date"] = ("activation.birth_date_format", {})
    if not normalize_code(code):
        errors["code"] = ("activation.code_required", {})
    if errors:
        raise FieldErrors(errors)
    with transaction() as db:
        if not throttle.allow(
            db, "activation-client", throttle.client(origin), CLIENT_LIMIT, CLIENT_WINDOW
        ):
            raise DomainError("activation.throttled")
        row = _live_code(db, code)
        if row is None:
            raise DomainError("activation.no_match")
        record = db.exec(
            select(RegistryRecord).where(RegistryRecord.account_id == row.account_id)
        ).first()
        if (
            record is not None
            and record.registration_number == registration_number.strip()
            and record.birth_date == birth_date
        ):
            account = db.get(Account, row.account_id)
            return Identity(
                record_id=record.id,
                name=f"{record.family_name} {record.given_name}",
                email=account.email,
            )
        wrong = db.execute(
            update(ActionToken)
            .where(col(ActionToken.id) == row.id)
            .values(failed_tries=ActionToken.failed_tries + 1)
            .returning(ActionToken.failed_tries)
        ).scalar_one()
        trail.record(db, "activation.identity_failed", origin, target=f"account:{row.account_id}")
        if wrong >= get_settings().sign_in.activation_tries:
            action_tokens.void(db, row.account_id, TokenPurpose.ACTIVATION)
    if wrong >= get_settings().sign_in.activation_tries:
        raise DomainError("activation.code_void")
    raise DomainError("activation.no_match")


def complete(
    code: str,
    registration_number: str,
    birth_date_text: str,
    accepted: dict[str, str],
    password: str,
    confirmation: str,
    origin: Origin,
) -> None:
    """Activate: identity again, consent to the current documents, then the first password.

    `accepted` maps each document to the version the person was shown and accepted.
    """
    identity = prove_identity(code, registration_number, birth_date_text, origin)
    consents.check(accepted)
    with transaction() as db:
        record = db.get(RegistryRecord, identity.record_id)
        names = (record.family_name, record.given_name)
    new_password.check(password, confirmation, email=identity.email, names=names)
    password_hash = passwords.hash_password(password)
    with transaction() as db:
        row = _live_code(db, code)
        if row is None or not action_tokens.redeem(db, row):
            raise DomainError("activation.no_match")
        account = db.get(Account, row.account_id)
        account.password_hash = password_hash
        account.password_changed_at = utcnow()
        account.status = AccountStatus.ACTIVE
        account.must_reset_password = False
        account.failed_attempts = 0
        account.locked_until = None
        consents.record(db, account.id, accepted, origin)
        trail.record(
            db, "activation.completed", origin.known_as(account.id), target=f"account:{account.id}"
        )


def request(registration_number: str, birth_date_text: str, email: str, origin: Origin) -> None:
    """A registrant without an invitation asks for one. Same outcome on screen in every case."""
    birth_date = typed_dates.parse(birth_date_text)
    address = email_address.normalize(email)
    if birth_date is None or email_address.problem(email) is not None:
        return
    with transaction() as db:
        if not throttle.allow(
            db, "activation-request", throttle.client(origin), CLIENT_LIMIT, CLIENT_WINDOW
        ):
            return
        record = db.exec(
            select(RegistryRecord)
            .where(RegistryRecord.registration_number == registration_number.strip())
            .where(RegistryRecord.birth_date == birth_date)
        ).first()
        if record is None:
            return
        account = db.get(Account, record.account_id) if record.account_id else None
        if account is not None and account.status == AccountStatus.ACTIVE:
            return
        if record.email and email_address.normalize(record.email) == address:
            try:
                _invite(db, record, origin)
            except DomainError:
                return
            return
        db.add(ActivationRequest(record_id=record.id, email=address))
        trail.record(db, "activation.requested", origin, target=f"record:{record.id}")


@dataclass(frozen=True)
class PendingRequest:
    id: int
    record_id: int
    registration_number: str
    name: str
    registry_email: str
    requested_email: str
    created_at: dt.datetime


def pending_requests(record_id: int | None = None) -> list[PendingRequest]:
    """Activation requests waiting for the secretariat (of one record, if given), oldest first."""
    query = (
        select(ActivationRequest, RegistryRecord)
        .join(RegistryRecord, col(RegistryRecord.id) == ActivationRequest.record_id)
        .where(ActivationRequest.status == "pending")
        .order_by(col(ActivationRequest.created_at))
    )
    if record_id is not None:
        query = query.where(ActivationRequest.record_id == record_id)
    with transaction() as db:
        rows = db.exec(query).all()
        return [
            PendingRequest(
                id=req.id,
                record_id=rec.id,
                registration_number=rec.registration_number,
                name=f"{rec.family_name} {rec.given_name}",
                registry_email=rec.email or "",
                requested_email=req.email,
                created_at=req.created_at,
            )
            for req, rec in rows
        ]


def approve_request(request_id: int, by: Acting) -> str:
    """Take the requested address into the registry record and send the invitation there."""
    with transaction() as db:
        req = db.get(ActivationRequest, request_id)
        if req is None or req.status != "pending":
            raise DomainError("activation.request_unknown")
        record = db.get(RegistryRecord, req.record_id)
        trail.record(
            db,
            "registry.email_changed",
            by,
            target=f"record:{record.id}",
            old=record.email or "",
            new=req.email,
            reason="activation request",
        )
        record.email = req.email
        req.status = "approved"
        req.decided_at = utcnow()
        req.decided_by = by.account_id
        return _invite(db, record, by)
