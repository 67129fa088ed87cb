"""Secretariat accounts, managed by admins: invite, change role, deactivate, reactivate.

Guarantees:
- Only an admin acts here; nobody changes their own role or deactivates
  themselves, and the last active admin can be neither demoted nor
  deactivated — also when two admins act at the same moment (the active
  admins' rows are locked while the rule is checked).
- An invitation creates an invited account and mails a link to choose a
  password (valid PORTAL_INVITATION_DAYS days); after that the person signs in
  and enrols an authenticator app like every staff member.
- Deactivation ends every session of the account at once.
- Every action is in the audit log with the admin who took it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from portal.domain.accounts import action_tokens, factors, invitations, permissions, sessions
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import (
    Account,
    AccountKind,
    AccountStatus,
    ProviderLink,
    StaffRole,
    TokenPurpose,
    WebSession,
)
from portal.domain.audit import trail
from portal.domain.core import email_address
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.i18n import translate
from portal.settings import LANGUAGES, get_settings


@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    email: str
    role: str
    status: str
    totp: bool
    last_sign_in: dt.datetime | None
    provider_linked: dt.datetime | None = None


def members(actor: Actor) -> list[StaffMember]:
    """Every staff account, admins first, then by name (admins only)."""
    permissions.require_admin(actor)
    last = (
        select(WebSession.account_id, func.max(WebSession.created_at).label("last"))
        .group_by(col(WebSession.account_id))
        .subquery()
    )
    with transaction() as db:
        rows = db.exec(
            select(Account, last.c.last, ProviderLink.created_at)
            .join(last, last.c.account_id == Account.id, isouter=True)
            .join(ProviderLink, col(ProviderLink.account_id) == Account.id, isouter=True)
            .where(Account.kind == AccountKind.STAFF)
            .order_by(col(Account.role), col(Account.display_name), col(Account.id))
        ).all()
        return [
            StaffMember(
                id=a.id,
                name=a.display_name,
                email=a.email,
                role=a.role or "",
                status=a.status,
                totp=bool(a.totp_secret),
                last_sign_in=seen,
                provider_linked=linked,
            )
            for a, seen, linked in rows
        ]


def _send_invitation(db: Session, account: Account, inviter: str) -> None:
    invitations.send(
        db,
        account,
        "staff_invite",
        inviter=inviter,
        role=translate(f"role.{account.role}", account.language),
    )


def invite(actor: Actor, email: str, name: str, role: str, language: str) -> int:
    """Create an invited staff account and mail it a link to choose a password; returns its id."""
    permissions.require_admin(actor)
    errors: dict[str, tuple[str, dict]] = {}
    if (problem := email_address.problem(email)) is not None:
        errors["email"] = (problem, {})
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = ("record.required", {})
    elif len(name) > 100:
        errors["name"] = ("record.too_long", {"max": 100})
    if role not in tuple(StaffRole):
        errors["role"] = ("record.invalid", {})
    if errors:
        raise FieldErrors(errors)
    address = email_address.normalize(email)
    with transaction() as db:
        if db.exec(select(Account.id).where(Account.email == address)).first() is not None:
            raise DomainError("email.taken", field="email")
        account = Account(
            email=address,
            kind=AccountKind.STAFF,
            role=role,
            display_name=name,
            language=language if language in LANGUAGES else get_settings().language,
            status=AccountStatus.INVITED,
        )
        db.add(account)
        db.flush()
        _send_invitation(db, account, actor.display_name)
        trail.record(db, "staff.invited", actor, target=f"account:{account.id}", role=role)
        return account.id


def _other_active_admins(db: Session, account_id: int) -> int:
    """How many active admins besides `account_id`, with their rows locked until commit."""
    ids = db.exec(
        select(Account.id)
        .where(Account.kind == AccountKind.STAFF)
        .where(Account.role == StaffRole.ADMIN)
        .where(Account.status == AccountStatus.ACTIVE)
        .with_for_update()
    ).all()
    return sum(1 for found in ids if found != account_id)


def _staff_account(db: Session, actor: Actor, account_id: int) -> Account:
    if account_id == actor.account_id:
        raise DomainError("staff.not_yourself")
    account = db.get(Account, account_id)
    if account is None or account.kind != AccountKind.STAFF:
        raise DomainError("staff.unknown")
    return account


def _begin(db: Session) -> None:
    """SQLite: take the write lock now, so the last-admin check and the change are one step."""
    if db.get_bind().dialect.name == "sqlite":
        db.connection().exec_driver_sql("BEGIN IMMEDIATE")


def change_role(actor: Actor, account_id: int, role: str) -> None:
    """Give another staff member a new role; the last active admin keeps theirs."""
    permissions.require_admin(actor)
    if role not in tuple(StaffRole):
        raise DomainError("record.invalid")
    with transaction() as db:
        _begin(db)
        account = _staff_account(db, actor, account_id)
        if account.role == role:
            return
        if (
            account.role == StaffRole.ADMIN
            and account.status == AccountStatus.ACTIVE
            and _other_active_admins(db, account_id) == 0
        ):
            raise DomainError("staff.last_admin")
        trail.record(
            db,
            "staff.role_changed",
            actor,
            target=f"account:{account.id}",
            old=account.role,
            new=role,
        )
        account.role = role


def deactivate(actor: Actor, account_id: int) -> None:
    """Disable another staff account and end its sessions; never the last active admin."""
    permissions.require_admin(actor)
    with transaction() as db:
        _begin(db)
        account = _staff_account(db, actor, account_id)
        if account.status == AccountStatus.DISABLED:
            return
        if account.role == StaffRole.ADMIN and _other_active_admins(db, account_id) == 0:
            raise DomainError("staff.last_admin")
        account.status = AccountStatus.DISABLED
        action_tokens.void(db, account.id, TokenPurpose.PASSWORD_RESET)
        ended = sessions.end_all(db, account.id)
        trail.record(
            db, "staff.deactivated", actor, target=f"account:{account.id}", sessions_ended=ended
        )


def reactivate(actor: Actor, account_id: int) -> None:
    """Let a deactivated staff member in again; one who never chose a password is re-invited."""
    permissions.require_admin(actor)
    with transaction() as db:
        account = _staff_account(db, actor, account_id)
        if account.status not in (AccountStatus.DISABLED, AccountStatus.INVITED):
            return
        if account.password_hash:
            account.status = AccountStatus.ACTIVE
        else:
            account.status = AccountStatus.INVITED
            _send_invitation(db, account, actor.display_name)
        trail.record(
            db, "staff.reactivated", actor, target=f"account:{account.id}", status=account.status
        )


def reset_second_factor(actor: Actor, account_id: int) -> None:
    """Take away another staff member's authenticator app and provider link (a lost
    phone): their sessions end, they enrol again at their next sign-in, and are mailed."""
    permissions.require_admin(actor)
    with transaction() as db:
        email = _staff_account(db, actor, account_id).email
    factors.reset_second_factor(actor, email)
