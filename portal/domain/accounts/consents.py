"""Which versions of the terms and privacy policy an account has accepted.

Guarantee: `missing()` names every document whose version in force the account
has not accepted; `accept()` records exactly the versions the person was shown,
and refuses (FieldErrors per document) when one of them is not the one in force.
"""

from __future__ import annotations

from sqlalchemy import and_, bindparam, exists
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from portal.domain.accounts import legal
from portal.domain.accounts.tables import Consent
from portal.domain.audit import trail
from portal.domain.audit.trail import Acting
from portal.domain.core.db import reading, transaction
from portal.domain.core.errors import FieldErrors

_ACCEPTED = select(Consent.document, Consent.version).where(
    Consent.account_id == bindparam("account_id")
)


def _not_accepted(accepted: set[tuple[str, str]]) -> list[str]:
    return [
        doc for doc, version in legal.current_versions().items() if (doc, version) not in accepted
    ]


def accepted_in_force(account_id) -> list:
    """Per document, a SQL column labelled `accepted_<document>`: whether `account_id` (a
    column) accepted the document's version in force, bound by `in_force_values()`. Lets
    another read (the session check) answer `missing()` without a statement of its own."""
    return [
        exists()
        .where(
            and_(
                Consent.account_id == account_id,
                Consent.document == document,
                Consent.version == bindparam(f"{document}_version"),
            )
        )
        .label(f"accepted_{document}")
        for document in legal.DOCUMENTS
    ]


def in_force_values() -> dict[str, str]:
    """The bound values `accepted_in_force()` columns read: each document's version in force."""
    return {f"{document}_version": v for document, v in legal.current_versions().items()}


def missing_from(row) -> tuple[str, ...]:
    """`missing()` from a row holding the `accepted_in_force()` columns."""
    return tuple(d for d in legal.DOCUMENTS if not getattr(row, f"accepted_{d}"))


def missing_in(db: Session | Connection, account_id: int) -> list[str]:
    """Documents whose current version `account_id` has not accepted (on an open session or
    connection)."""
    rows = db.execute(_ACCEPTED, {"account_id": account_id})
    return _not_accepted({(document, version) for document, version in rows})


def missing(account_id: int) -> list[str]:
    """Documents whose current version `account_id` has not accepted."""
    with reading() as connection:
        return missing_in(connection, account_id)


def check(accepted: dict[str, str]) -> dict[str, str]:
    """The versions in force, when `accepted` names each of them; else FieldErrors per document."""
    current = legal.current_versions()
    stale = {
        doc: ("activation.must_accept", {}) for doc, v in current.items() if accepted.get(doc) != v
    }
    if stale:
        raise FieldErrors(stale)
    return current


def record(db: Session, account_id: int, accepted: dict[str, str], by: Acting) -> None:
    """Store the acceptance of the versions in force; FieldErrors when one is missing or stale."""
    for document, version in check(accepted).items():
        db.add(Consent(account_id=account_id, document=document, version=version, ip=by.ip[:64]))


def accept(actor: Acting, accepted: dict[str, str]) -> None:
    """Record a signed-in person's acceptance of the current documents."""
    with transaction() as db:
        record(db, actor.account_id, accepted, actor)
        trail.record(db, "consent.accepted", actor, target=f"account:{actor.account_id}")
