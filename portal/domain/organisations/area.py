"""What an organisation's own users see and do: their organisation, its people.

Guarantee: every function here acts for the organisation the signed-in user belongs to,
and refuses (NotAllowed) anyone who is not an active user of an active organisation —
an organisation never reads another's data.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import AccountKind
from portal.domain.core.db import transaction
from portal.domain.core.errors import NotAllowed
from portal.domain.organisations.directory import OrganisationUser, users_of
from portal.domain.organisations.tables import (
    Organisation,
    OrganisationMember,
    OrganisationStatus,
)


@dataclass(frozen=True)
class OrganisationArea:
    name: str
    kind: str
    contact_email: str
    users: list[OrganisationUser]


def own_organisation(db: Session, actor: Actor) -> Organisation:
    """The signed-in user's organisation; NotAllowed for anyone else."""
    if actor.kind != AccountKind.ORGANISATION:
        raise NotAllowed()
    organisation = db.exec(
        select(Organisation)
        .join(OrganisationMember)
        .where(OrganisationMember.account_id == actor.account_id)
    ).first()
    if organisation is None or organisation.status != OrganisationStatus.ACTIVE:
        raise NotAllowed()
    return organisation


def overview(actor: Actor) -> OrganisationArea:
    """The organisation of the signed-in user, with its people."""
    with transaction() as db:
        organisation = own_organisation(db, actor)
        return OrganisationArea(
            organisation.name,
            organisation.kind,
            organisation.contact_email,
            users_of(db, organisation.id),
        )
