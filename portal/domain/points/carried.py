"""Points carried over from one validity period into the next.

Guarantees:
- `surplus()` is the carry-over rule: of the points counted in the earlier period (each
  category limited by its maximum) beyond what that period required, only those earned
  on or after `late_from` carry, and at most `max_points` of them.
- A renewal carries once: one row per approved application (`record`), counted only in
  the period it was carried into (`into`), never in the earlier one's own count (those
  claims lie outside the new period), so no point counts twice.
- `refresh()` works a record's carried points out again from the earlier period's claims
  as they are now; every change to an approved claim's points calls it in the same
  transaction (a late approval or an attendance list for an activity of the earlier
  period), so the new period's count follows at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session, col, select

from portal.domain.core.clock import utcnow
from portal.domain.points import claims, points_rules
from portal.domain.points.tables import CarriedPoints


@dataclass(frozen=True)
class Carried:
    """Points counted in a period that were earned in the one before it."""

    points: int
    from_until: dt.date  # the end of the period they came from


@dataclass(frozen=True)
class Terms:
    """What the earlier period was held to, as the carry-over needs it."""

    required: int
    caps: Mapping[str, int]
    max_points: int
    late_from: dt.date


def surplus(
    facts: Iterable[points_rules.ClaimFacts],
    start: dt.date | None,
    until: dt.date,
    terms: Terms,
) -> int:
    """The points of the period [start, until] that carry into the next under `terms`."""
    earned: dict[str, int] = {}
    late: dict[str, int] = {}
    for claim in facts:
        inside = (start is None or claim.activity_date >= start) and claim.activity_date <= until
        if claim.status != points_rules.APPROVED or not inside:
            continue
        points = claim.points_granted or 0
        earned[claim.category] = earned.get(claim.category, 0) + points
        if claim.activity_date >= terms.late_from:
            late[claim.category] = late.get(claim.category, 0) + points
    counted = {c: points_rules.capped(p, terms.caps.get(c)) for c, p in earned.items()}
    beyond = sum(counted.values()) - terms.required
    late_counted = sum(min(points, counted[c]) for c, points in late.items())
    return max(0, min(terms.max_points, beyond, late_counted))


def record(
    db: Session,
    record_id: int,
    application_id: int,
    period: tuple[dt.date | None, dt.date],
    into_start: dt.date,
    terms: Terms,
) -> int:
    """Carry the surplus of `period` (the record's period being renewed) into the period
    starting `into_start`, for the application approved now; returns the points."""
    facts = claims.claims_of(db, record_id)
    start, until = period
    points = surplus(facts, start, until, terms)
    db.add(
        CarriedPoints(
            record_id=record_id,
            application_id=application_id,
            from_start=start,
            from_until=until,
            into_start=into_start,
            late_from=terms.late_from,
            required=terms.required,
            caps=dict(terms.caps),
            max_points=terms.max_points,
            points=points,
        )
    )
    return points


def refresh(db: Session, record_ids: Iterable[int], on: dt.date) -> None:
    """Work out again, from their claims as they are now, the carried points of
    `record_ids` whose earlier period holds the day `on` (a changed claim's activity day)."""
    ids = sorted(set(record_ids))
    if not ids:
        return
    rows = db.exec(
        select(CarriedPoints).where(
            col(CarriedPoints.record_id).in_(ids),
            CarriedPoints.from_until >= on,
            or_(col(CarriedPoints.from_start).is_(None), col(CarriedPoints.from_start) <= on),
        )
    ).all()
    facts_of: dict[int, list[points_rules.ClaimFacts]] = {}
    for row in rows:
        if row.record_id not in facts_of:
            facts_of[row.record_id] = claims.claims_of(db, row.record_id)
        terms = Terms(row.required, row.caps, row.max_points, row.late_from)
        points = surplus(facts_of[row.record_id], row.from_start, row.from_until, terms)
        if points != row.points:
            row.points, row.updated_at = points, utcnow()
            db.add(row)


def into(db, record_id: int, start: dt.date | None) -> Carried | None:
    """The points carried into the record's period starting `start` (None when none)."""
    if start is None:
        return None
    row = db.execute(
        select(CarriedPoints.points, CarriedPoints.from_until).where(
            CarriedPoints.record_id == record_id,
            CarriedPoints.into_start == start,
            CarriedPoints.points > 0,
        )
    ).first()
    return None if row is None else Carried(int(row[0]), row[1])
