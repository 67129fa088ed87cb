"""The renewal rule versions: read by everyone who evaluates, kept by administrators.

Guarantees:
- `book()` holds every published version and nothing else: a draft applies to nobody.
- Staff (any role) read the versions; only administrators, or the command line (`actor`
  None), save, publish, withdraw or discard one — NotAllowed for anyone else.
- A version is published only with an effective date of today or later (the
  association's day) and never on the same date as another published version; a
  published version whose date has been reached is never changed again, only followed
  by a newer one. A published version not yet in force may be withdrawn to a draft.
- Every change is in the audit log with who made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core.clock import today, utcnow
from portal.domain.core.db import reading, transaction
from portal.domain.core.errors import DomainError
from portal.domain.core.origin import SYSTEM
from portal.domain.points.tables import ActivityCategory
from portal.domain.registry import registrant_categories
from portal.domain.registry.registrant_categories import GENERAL
from portal.domain.registry.tables import RegistrantCategory
from portal.domain.rules import rule_set
from portal.domain.rules.tables import RuleSetRow, RuleSetStatus


def _known(db: Session | Connection) -> tuple[list[str], list[str]]:
    """The points categories and the registrant categories a version may name."""
    return (
        list(db.execute(select(ActivityCategory.code)).scalars()),
        [GENERAL, *db.execute(select(RegistrantCategory.code)).scalars()],
    )


def _version(row) -> rule_set.RuleSet:
    """A stored version (its names were checked when saved; categories are archived, never
    deleted, so it still reads)."""
    parsed = rule_set.parse(dict(row.document, effective_from=row.effective_from.isoformat()))
    return replace(parsed, id=row.id, published=row.status == RuleSetStatus.PUBLISHED)


_PUBLISHED = (
    select(RuleSetRow.__table__)
    .where(RuleSetRow.status == RuleSetStatus.PUBLISHED)
    .order_by(col(RuleSetRow.effective_from), col(RuleSetRow.id))
)
_NAMES = select(ActivityCategory.code, ActivityCategory.name_en, ActivityCategory.name_ja)


def book(db: Session | Connection | None = None) -> rule_set.RuleBook:
    """Every published version, earliest first (two small queries), with the points
    categories' names; in `db`'s transaction when given."""
    if db is None:
        with reading() as connection:
            return book(connection)
    rows = db.execute(_PUBLISHED).all()
    if not rows:
        raise DomainError("rules.none_published")
    names = {code: (en, ja) for code, en, ja in db.execute(_NAMES).all()}
    return rule_set.RuleBook(tuple(_version(row) for row in rows), names)


def stored(db: Session | Connection, version_id: int) -> rule_set.RuleSet | None:
    """One version, draft or published (None when there is none), read in `db`."""
    row = db.execute(select(RuleSetRow.__table__).where(RuleSetRow.id == version_id)).first()
    return None if row is None else _version(row)


@dataclass(frozen=True)
class VersionView:
    version: rule_set.RuleSet
    status: str
    in_force: bool  # the version a period starting today is held to
    locked: bool  # published and its date reached: never edited again
    note: str
    created_at: dt.datetime
    published_at: dt.datetime | None


def listing(actor: Actor | None) -> list[VersionView]:
    """Every version, newest effective date first, the one in force marked (staff or the
    command line)."""
    if actor is not None:
        permissions.require_staff(actor)
    on = today()
    with transaction() as db:
        rows = db.exec(
            select(RuleSetRow).order_by(
                col(RuleSetRow.effective_from).desc(), col(RuleSetRow.id).desc()
            )
        ).all()
        versions = [(row, _version(row)) for row in rows]
    published = [v for _, v in versions if v.published]
    current = rule_set.RuleBook(tuple(reversed(published))).in_force(on) if published else None
    return [
        VersionView(
            version=version,
            status=row.status,
            in_force=version == current,
            locked=version.published and version.effective_from <= on,
            note=row.note,
            created_at=row.created_at,
            published_at=row.published_at,
        )
        for row, version in versions
    ]


def _keeper(actor: Actor | None):
    if actor is not None:
        permissions.require_admin(actor)
    return actor or SYSTEM


def save_draft(
    actor: Actor | None, document: dict, note: str = "", version_id: int | None = None
) -> int:
    """Save a new draft (or change the draft `version_id`); FieldErrors by document path."""
    by = _keeper(actor)
    with transaction() as db:
        version = rule_set.parse(document, *_known(db))
        if version_id is None:
            row = RuleSetRow(created_by=by.account_id)
        else:
            row = db.get(RuleSetRow, version_id)
            if row is None or row.status != RuleSetStatus.DRAFT:
                raise DomainError("rules.not_a_draft")
        row.effective_from = version.effective_from
        row.document = rule_set.to_document(version)
        row.note = note.strip()[:500]
        db.add(row)
        db.flush()
        trail.record(
            db,
            "rules.draft_saved",
            by,
            target=f"rule_set:{row.id}",
            effective_from=version.effective_from.isoformat(),
        )
        return row.id


def publish(actor: Actor | None, version_id: int) -> None:
    """Publish the draft `version_id`: from its effective date it applies to every period
    that starts then or later."""
    by = _keeper(actor)
    with transaction() as db:
        row = db.get(RuleSetRow, version_id)
        if row is None or row.status != RuleSetStatus.DRAFT:
            raise DomainError("rules.not_a_draft")
        if row.effective_from < today():
            raise DomainError("rules.date_passed", "effective_from")
        clash = db.exec(
            select(RuleSetRow.id).where(
                RuleSetRow.status == RuleSetStatus.PUBLISHED,
                RuleSetRow.effective_from == row.effective_from,
            )
        ).first()
        if clash is not None:
            raise DomainError("rules.same_date", "effective_from")
        row.status = RuleSetStatus.PUBLISHED
        row.published_at = utcnow()
        row.published_by = by.account_id
        trail.record(
            db,
            "rules.published",
            by,
            target=f"rule_set:{row.id}",
            effective_from=row.effective_from.isoformat(),
        )


def withdraw(actor: Actor | None, version_id: int) -> None:
    """Turn a published version whose date is still ahead back into a draft."""
    by = _keeper(actor)
    with transaction() as db:
        row = db.get(RuleSetRow, version_id)
        if row is None or row.status != RuleSetStatus.PUBLISHED:
            raise DomainError("rules.not_published")
        if row.effective_from <= today():
            raise DomainError("rules.locked")
        row.status = RuleSetStatus.DRAFT
        row.published_at = row.published_by = None
        trail.record(db, "rules.withdrawn", by, target=f"rule_set:{row.id}")


def discard(actor: Actor | None, version_id: int) -> None:
    """Delete the draft `version_id`."""
    by = _keeper(actor)
    with transaction() as db:
        row = db.get(RuleSetRow, version_id)
        if row is None or row.status != RuleSetStatus.DRAFT:
            raise DomainError("rules.not_a_draft")
        db.delete(row)
        trail.record(db, "rules.discarded", by, target=f"rule_set:{version_id}")


def names(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """The points categories' and the registrant categories' names in `lang`, by code
    (what the wording of a version names)."""
    with transaction() as db:
        points = {code: ja if lang == "ja" else en for code, en, ja in db.execute(_NAMES).all()}
        return points, registrant_categories.names(db, lang)
