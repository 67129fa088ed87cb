"""What the secretariat sees of one registry record, and the actions it may take there.

Guarantee: `detail()` returns plain values only — the record, the state of its
portal account (never a hash or secret) and its change history, newest first,
with who made each change. Actions check the staff role: reviewers read,
admins act.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, func, select

from portal.domain.accounts import activation, factors, operations, permissions
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account, ProviderLink, WebSession
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, NotAllowed
from portal.domain.registry import records
from portal.domain.registry.tables import RegistryRecord

FIELDS = (
    "registration_number",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "email",
    "status",
    "certified_on",
    "valid_from",
    "valid_until",
    *records.SECTIONS["basic"][4:],
    *records.SECTIONS["workplace"],
    *records.SECTIONS["mail"],
)


@dataclass(frozen=True)
class AccountFacts:
    email: str
    status: str
    locked: bool
    totp: bool
    last_sign_in: dt.datetime | None
    provider_linked: dt.datetime | None = None


@dataclass(frozen=True)
class HistoryEntry:
    changed_at: dt.datetime
    section: str
    field: str
    old: str
    new: str
    by: str
    by_staff: bool
    reason: str


@dataclass(frozen=True)
class RecordDetail:
    record_id: int
    values: dict[str, object]
    account: AccountFacts | None
    history: list[HistoryEntry]


def detail(actor: Actor, record_id: int) -> RecordDetail | None:
    """Everything staff may read about one record, or None when there is no such record
    (staff only: NotAllowed for anyone else)."""
    permissions.require_staff(actor)
    with transaction() as db:
        record = db.get(RegistryRecord, record_id)
        if record is None:
            return None
        facts = None
        if record.account_id:
            account = db.get(Account, record.account_id)
            last = db.exec(
                select(func.max(WebSession.created_at)).where(WebSession.account_id == account.id)
            ).one()
            facts = AccountFacts(
                email=account.email,
                status=account.status,
                locked=bool(account.locked_until and account.locked_until > utcnow()),
                totp=bool(account.totp_secret),
                last_sign_in=last,
                provider_linked=db.exec(
                    select(ProviderLink.created_at).where(ProviderLink.account_id == account.id)
                ).first(),
            )
        values = {name: getattr(record, name) for name in FIELDS}
        owner = f"{record.family_name} {record.given_name}"
        names = dict(
            db.exec(
                select(Account.id, Account.display_name).where(col(Account.kind) == "staff")
            ).all()
        )
    history = [
        HistoryEntry(
            changed_at=c.changed_at,
            section=c.section,
            field=c.field,
            old=c.old_value,
            new=c.new_value,
            by=names.get(c.changed_by, "") if c.by_staff else owner,
            by_staff=c.by_staff,
            reason=c.reason,
        )
        for c in records.history(record_id)
    ]
    return RecordDetail(record_id=record_id, values=values, account=facts, history=history)


def _account_email(record_id: int) -> str:
    with transaction() as db:
        record = db.get(RegistryRecord, record_id)
        account = db.get(Account, record.account_id) if record and record.account_id else None
        if account is None:
            raise DomainError("admin.no_account")
        return account.email


def unlock(actor: Actor, record_id: int) -> None:
    """Clear the lockout of the record's account (admins only)."""
    permissions.require_admin(actor)
    operations.unlock(_account_email(record_id), actor)


def reset_second_factor(actor: Actor, record_id: int) -> None:
    """Take away the authenticator app and provider link of the record's account — the
    registrant lost their phone (admins only; audited; the owner is mailed)."""
    permissions.require_admin(actor)
    factors.reset_second_factor(actor, _account_email(record_id))


def edit_preview(
    actor: Actor, record_id: int, section: str, values: dict
) -> list[records.FieldChange]:
    """What an admin's edit of a section would change (admins only); saves nothing."""
    permissions.require_admin(actor)
    return records.staff_preview(record_id, section, values)


def edit(
    actor: Actor, record_id: int, section: str, values: dict, reason: str
) -> list[records.FieldChange]:
    """Save an admin's edit of a section with the reason for it (admins only)."""
    permissions.require_admin(actor)
    return records.staff_apply(record_id, section, values, actor, reason=reason)


def requests_for(actor: Actor, record_id: int) -> list[activation.PendingRequest]:
    """The record's activation requests waiting for a decision (staff may read them)."""
    if not actor.is_staff:
        raise NotAllowed()
    return activation.pending_requests(record_id)


def approve_request(actor: Actor, record_id: int, request_id: int) -> str:
    """Approve one of the record's activation requests (admins only); returns the address."""
    permissions.require_admin(actor)
    if request_id not in {r.id for r in requests_for(actor, record_id)}:
        raise DomainError("activation.request_unknown")
    return activation.approve_request(request_id, actor)


def resend_invitation(actor: Actor, record_id: int) -> str:
    """Send a new activation invitation for the record (admins only); returns the address."""
    permissions.require_admin(actor)
    with transaction() as db:
        record = db.get(RegistryRecord, record_id)
        if record is None:
            raise DomainError("activation.unknown_record")
        number = record.registration_number
    return activation.invite(number, actor)
