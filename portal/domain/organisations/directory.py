"""The secretariat's side of organisations: create, invite their users, deactivate, read.

Guarantees:
- Only an admin changes anything here; staff of any role may read.
- A user is invited by e-mail (a link to choose a password, valid
  PORTAL_INVITATION_DAYS days) and belongs to exactly one organisation; an
  address already in use by any account is refused.
- Deactivating an organisation disables every one of its users and ends their
  sessions in the same transaction; deactivating one user does the same for
  that user. Neither can be undone by the organisation itself.
- Every change is in the audit log with the staff member who made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from portal.domain.accounts import action_tokens, invitations, permissions, sessions
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import (
    Account,
    AccountKind,
    AccountStatus,
    TokenPurpose,
)
from portal.domain.audit import trail
from portal.domain.core import email_address
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.core.origin import SYSTEM
from portal.domain.organisations.tables import (
    Organisation,
    OrganisationKind,
    OrganisationMember,
    OrganisationStatus,
)
from portal.settings import LANGUAGES, get_settings

MAX_NAME = 200
MAX_NOTES = 2000


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    name: str
    kind: str
    status: str
    contact_email: str
    users: int


@dataclass(frozen=True)
class OrganisationUser:
    account_id: int
    name: str
    email: str
    status: str


@dataclass(frozen=True)
class OrganisationDetail:
    id: int
    name: str
    kind: str
    status: str
    contact_email: str
    notes: str
    created_at: dt.datetime
    users: list[OrganisationUser]


def _text(value: object, field: str, limit: int, errors: dict, required: bool = False) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        errors[field] = ("record.required", {})
    elif len(text) > limit:
        errors[field] = ("record.too_long", {"max": limit})
    return text


def _checked_user(email: str, name: str, language: str) -> tuple[str, str, str]:
    errors: dict[str, tuple[str, dict]] = {}
    if (problem := email_address.problem(email if isinstance(email, str) else "")) is not None:
        errors["email"] = (problem, {})
    name = _text(name, "name", 100, errors, required=True)
    if errors:
        raise FieldErrors(errors)
    language = language if language in LANGUAGES else get_settings().language
    return email_address.normalize(email), name, language


def _invite(
    db: Session,
    actor: Actor | None,
    organisation: Organisation,
    email: str,
    name: str,
    language: str,
) -> int:
    """Add an invited user to `organisation`, mail the invitation, log it; the account id."""
    if db.exec(select(Account.id).where(Account.email == email)).first() is not None:
        raise DomainError("email.taken", field="email")
    account = Account(
        email=email,
        kind=AccountKind.ORGANISATION,
        display_name=name,
        language=language,
        status=AccountStatus.INVITED,
    )
    db.add(account)
    db.flush()
    db.add(OrganisationMember(account_id=account.id, organisation_id=organisation.id))
    inviter = actor.display_name if actor else get_settings().association_name
    invitations.send(
        db, account, "organisation_invite", inviter=inviter, organisation=organisation.name
    )
    trail.record(
        db,
        "organisation.user_invited",
        actor or SYSTEM,
        target=f"account:{account.id}",
        organisation=organisation.id,
    )
    return account.id


def create(
    actor: Actor | None,
    name: str,
    kind: str,
    contact_email: str,
    notes: str = "",
    first_user: tuple[str, str, str] | None = None,
) -> int:
    """Create an organisation (admins; `None` is the command line) and, with `first_user`
    (e-mail, name, language), invite its first user in the same transaction; returns its id."""
    if actor is not None:
        permissions.require_admin(actor)
    errors: dict[str, tuple[str, dict]] = {}
    name = _text(name, "name", MAX_NAME, errors, required=True)
    notes = _text(notes, "notes", MAX_NOTES, errors)
    if kind not in tuple(OrganisationKind):
        errors["kind"] = ("record.invalid", {})
    contact = contact_email.strip() if isinstance(contact_email, str) else ""
    if contact and (problem := email_address.problem(contact)) is not None:
        errors["contact_email"] = (problem, {})
    if errors:
        raise FieldErrors(errors)
    user = _checked_user(*first_user) if first_user else None
    with transaction() as db:
        taken = db.exec(
            select(Organisation.id).where(func.lower(Organisation.name) == name.lower())
        ).first()
        if taken is not None:
            raise DomainError("organisation.name_taken", field="name")
        organisation = Organisation(
            name=name,
            kind=kind,
            contact_email=email_address.normalize(contact) if contact else "",
            notes=notes,
        )
        db.add(organisation)
        db.flush()
        trail.record(
            db,
            "organisation.created",
            actor or SYSTEM,
            target=f"organisation:{organisation.id}",
            kind=kind,
        )
        if user is not None:
            _invite(db, actor, organisation, *user)
        return organisation.id


def invite_user(
    actor: Actor | None,
    organisation_id: int,
    email: str,
    name: str,
    language: str,
) -> int:
    """Create an invited user of an active organisation and mail the invitation; returns
    the account's id (admins; `None` is the command line)."""
    if actor is not None:
        permissions.require_admin(actor)
    email, name, language = _checked_user(email, name, language)
    with transaction() as db:
        organisation = db.get(Organisation, organisation_id)
        if organisation is None:
            raise DomainError("organisation.unknown")
        if organisation.status != OrganisationStatus.ACTIVE:
            raise DomainError("organisation.inactive")
        return _invite(db, actor, organisation, email, name, language)


def _disable(db: Session, account: Account) -> int:
    account.status = AccountStatus.DISABLED
    action_tokens.void(db, account.id, TokenPurpose.PASSWORD_RESET)
    return sessions.end_all(db, account.id)


def deactivate(actor: Actor, organisation_id: int) -> None:
    """Deactivate an organisation: every user disabled, every session ended, at once."""
    permissions.require_admin(actor)
    with transaction() as db:
        organisation = db.get(Organisation, organisation_id)
        if organisation is None:
            raise DomainError("organisation.unknown")
        if organisation.status == OrganisationStatus.DEACTIVATED:
            return
        organisation.status = OrganisationStatus.DEACTIVATED
        organisation.deactivated_at = utcnow()
        ended = sum(_disable(db, account) for account in _accounts(db, organisation_id))
        trail.record(
            db,
            "organisation.deactivated",
            actor,
            target=f"organisation:{organisation_id}",
            sessions_ended=ended,
        )


def deactivate_user(actor: Actor, account_id: int) -> None:
    """Disable one organisation user and end their sessions."""
    permissions.require_admin(actor)
    with transaction() as db:
        account = db.get(Account, account_id)
        if account is None or account.kind != AccountKind.ORGANISATION:
            raise DomainError("organisation.unknown_user")
        if account.status == AccountStatus.DISABLED:
            return
        ended = _disable(db, account)
        trail.record(
            db,
            "organisation.user_deactivated",
            actor,
            target=f"account:{account.id}",
            sessions_ended=ended,
        )


def _accounts(db: Session, organisation_id: int) -> list[Account]:
    return list(
        db.exec(
            select(Account)
            .join(OrganisationMember, col(OrganisationMember.account_id) == Account.id)
            .where(OrganisationMember.organisation_id == organisation_id)
            .order_by(col(Account.display_name), col(Account.id))
        ).all()
    )


def users_of(db: Session, organisation_id: int) -> list[OrganisationUser]:
    """The organisation's users, by name."""
    return [
        OrganisationUser(a.id, a.display_name, a.email, a.status)
        for a in _accounts(db, organisation_id)
    ]


def listing(actor: Actor) -> list[OrganisationRow]:
    """Every organisation, active first, then by name (staff)."""
    permissions.require_staff(actor)
    users = (
        select(OrganisationMember.organisation_id, func.count().label("users"))
        .group_by(col(OrganisationMember.organisation_id))
        .subquery()
    )
    with transaction() as db:
        rows = db.exec(
            select(Organisation, users.c.users)
            .join(users, users.c.organisation_id == Organisation.id, isouter=True)
            .order_by(col(Organisation.status), col(Organisation.name))
        ).all()
        return [
            OrganisationRow(o.id, o.name, o.kind, o.status, o.contact_email, n or 0)
            for o, n in rows
        ]


def detail(actor: Actor, organisation_id: int) -> OrganisationDetail | None:
    """One organisation with its users (staff); None when there is no such organisation."""
    permissions.require_staff(actor)
    with transaction() as db:
        o = db.get(Organisation, organisation_id)
        if o is None:
            return None
        return OrganisationDetail(
            o.id,
            o.name,
            o.kind,
            o.status,
            o.contact_email,
            o.notes,
            o.created_at,
            users_of(db, o.id),
        )
