"""Eligibility for every registrant at once, from SQL aggregates (no query per person).

Guarantee: `for_all()` returns, for each registry record, exactly what
`eligibility.evaluate_claims()` returns for that record's claims — the same
counting (`points_rules.capped` per category, only approved claims inside the
period) and the same requirements (`eligibility.evaluate`) — from one grouped
pass over the claims and one over the records, whatever the number of
registrants.

`requirement_not_met()` is the same rule as a SQL condition on a registry record: true
exactly when `for_all()` finds the course, the newsletter or the points not met (the
window aside), so a segment of registrants can be counted and listed in one statement.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, false, or_, true
from sqlmodel import col, func, select

from portal.domain.core.db import transaction
from portal.domain.points import points_rules
from portal.domain.points.tables import ActivityCategory, Claim
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import eligibility


def _inside_period():
    return and_(
        or_(
            col(RegistryRecord.valid_from).is_(None),
            Claim.activity_date >= RegistryRecord.valid_from,
        ),
        or_(
            col(RegistryRecord.valid_until).is_(None),
            Claim.activity_date <= RegistryRecord.valid_until,
        ),
    )


def _sums_by_record_and_category(record_ids: list[int] | None):
    """Per (record, category): approved points counted in the period, pending claims, first day."""
    approved = Claim.status == points_rules.APPROVED
    counts = and_(approved, _inside_period())
    pending = col(Claim.status).in_(points_rules.PENDING)
    statement = (
        select(
            Claim.record_id,
            Claim.category_id,
            func.sum(case((counts, func.coalesce(Claim.points_granted, 0)), else_=0)),
            func.sum(case((pending, Claim.points_requested), else_=0)),
            func.sum(case((pending, 1), else_=0)),
            func.min(case((counts, Claim.activity_date))),
        )
        .join(RegistryRecord, col(RegistryRecord.id) == Claim.record_id)
        .group_by(Claim.record_id, Claim.category_id)
    )
    if record_ids is not None:
        statement = statement.where(col(Claim.record_id).in_(record_ids))
    return statement


def for_all(
    today: dt.date, rules: eligibility.Rules, record_ids: list[int] | None = None
) -> dict[int, eligibility.Eligibility]:
    """Each record's eligibility on `today`, by record id (only `record_ids`' when given)."""
    with transaction() as db:
        connection = db.connection()  # Core rows: no ORM bookkeeping for 10⁵–10⁶ rows
        categories = connection.execute(
            select(ActivityCategory.id, ActivityCategory.code, ActivityCategory.cap_points)
        ).all()
        caps = {category_id: cap for category_id, _, cap in categories}
        course_id = next((i for i, code, _ in categories if code == rules.mandatory_category), None)
        counted: dict[int, int] = {}
        pending: dict[int, int] = {}
        course_on: dict[int, dt.date] = {}
        course_pending: set[int] = set()
        for record_id, category_id, earned, asked, waiting, first in connection.execute(
            _sums_by_record_and_category(record_ids)
        ):
            counted[record_id] = counted.get(record_id, 0) + points_rules.capped(
                int(earned), caps[category_id]
            )
            pending[record_id] = pending.get(record_id, 0) + int(asked)
            if category_id == course_id:
                if first is not None:
                    course_on[record_id] = first
                if waiting:
                    course_pending.add(record_id)
        records = connection.execute(
            select(
                RegistryRecord.id,
                RegistryRecord.valid_from,
                RegistryRecord.valid_until,
                RegistryRecord.status,
                RegistryRecord.newsletter,
            ).where(col(RegistryRecord.id).in_(record_ids) if record_ids is not None else true())
        ).all()
    return {
        record_id: eligibility.evaluate(
            eligibility.RecordFacts(valid_from, valid_until, status, newsletter),
            counted.get(record_id, 0),
            pending.get(record_id, 0),
            course_on.get(record_id),
            record_id in course_pending,
            today,
            rules,
        )
        for record_id, valid_from, valid_until, status, newsletter in records
    }


def requirement_not_met(rules: eligibility.Rules, record_id: int | None = None):
    """A condition on `RegistryRecord`: the course, the newsletter or the points not met
    (exactly `for_all()`'s answer for those three requirements, the window aside). With
    `record_id` it reads only that record's claims and holds only for that record."""
    course = ActivityCategory.code == rules.mandatory_category
    earned = (  # per record and category: approved points inside the period
        select(
            Claim.record_id.label("record_id"),
            ActivityCategory.cap_points.label("cap"),
            case((course, 1), else_=0).label("course"),
            func.sum(func.coalesce(Claim.points_granted, 0)).label("points"),
        )
        .join(RegistryRecord, col(RegistryRecord.id) == Claim.record_id)
        .join(ActivityCategory, col(ActivityCategory.id) == Claim.category_id)
        .where(Claim.status == points_rules.APPROVED, _inside_period())
        .where(Claim.record_id == record_id if record_id is not None else true())
        .group_by(Claim.record_id, Claim.category_id, ActivityCategory.cap_points, course)
        .subquery()
    )
    capped = case(
        (earned.c.cap.is_(None), earned.c.points),
        (earned.c.points > earned.c.cap, earned.c.cap),
        else_=earned.c.points,
    )
    course_and_points = (
        select(earned.c.record_id)
        .group_by(earned.c.record_id)
        .having(func.max(earned.c.course) == 1, func.sum(capped) >= rules.points_required)
    )
    return or_(
        RegistryRecord.newsletter == false(),
        ~col(RegistryRecord.id).in_(course_and_points),
    )
