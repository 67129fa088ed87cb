"""Where a registrant's points stand for their validity period, under their own rules.

Guarantees: the count is `points_rules.count()` with the maximums of the rule set the
record's period started under (its registrant category's version), and `total` adds the
points carried into the period, so the points page, the claim review page and the
eligibility always agree; a registrant reads only their
own standing, staff any record's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Row
from sqlmodel import Session, select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.core.db import reading
from portal.domain.points import carried, claims, points_rules
from portal.domain.points.carried import Carried
from portal.domain.registry.tables import RegistryRecord
from portal.domain.rules import versions
from portal.domain.rules.rule_set import Rules


@dataclass(frozen=True)
class Standing:
    """The record's points for its current validity period, against its rules."""

    count: points_rules.PointsCount
    rules: Rules
    valid_from: dt.date | None
    valid_until: dt.date | None
    carried: Carried | None = None  # points carried into the period from the one before

    @property
    def required(self) -> int:
        return self.rules.points_required

    @property
    def total(self) -> int:
        """What counts toward the points required: the period's counted points and the
        points carried into it."""
        return self.count.counted + (self.carried.points if self.carried else 0)


def of(db: Session | Connection, record: Row | RegistryRecord) -> Standing:
    """The standing of `record` (read in `db`)."""
    rules = versions.book(db).for_period(record.valid_from, record.category)
    count = points_rules.count(
        claims.record_claims(db, record),
        record.valid_from,
        record.valid_until,
        rules.cap_by_category,
    )
    brought = carried.into(db, record.id, record.valid_from)
    return Standing(count, rules, record.valid_from, record.valid_until, brought)


def own(actor: Actor) -> Standing:
    """Where the signed-in registrant stands (NotAllowed for anyone without a record)."""
    with reading() as db:
        return of(db, claims.own_record(db, actor))


def of_record(actor: Actor, record_id: int) -> Standing | None:
    """Any record's standing, for staff; None when there is no such record."""
    permissions.require_staff(actor)
    with reading() as db:
        record = db.execute(
            select(RegistryRecord.__table__).where(RegistryRecord.id == record_id)
        ).first()
        return None if record is None else of(db, record)
