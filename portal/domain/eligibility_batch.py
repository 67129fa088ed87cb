"""Eligibility for every registrant at once, from SQL aggregates (no query per person).

Guarantee: `for_all()` returns, for each registry record, exactly what
`eligibility.evaluate_claims()` returns for that record's claims — the same
counting (`points_rules.from_sums`) and the same requirements
(`eligibility.evaluate`) — computed from five grouped queries, whatever the
number of registrants.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, true
from sqlmodel import col, func, select

from portal.domain import eligibility, points_rules
from portal.domain.db import transaction
from portal.domain.models import ActivityCategory, Claim, RegistryRecord


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


def for_all(
    today: dt.date, rules: eligibility.Rules, record_ids: list[int] | None = None
) -> dict[int, eligibility.Eligibility]:
    """Each record's eligibility on `today`, by record id (only `record_ids`' when given)."""
    approved = Claim.status == points_rules.APPROVED
    if record_ids is not None:
        approved = and_(approved, col(Claim.record_id).in_(record_ids))
    some = col(Claim.record_id).in_(record_ids) if record_ids is not None else true()
    with transaction() as db:
        categories = db.execute(
            select(ActivityCategory.id, ActivityCategory.code, ActivityCategory.cap_points)
        ).all()
        codes = {category_id: code for category_id, code, _ in categories}
        caps = {code: cap for _, code, cap in categories}
        joined = select(Claim.record_id).join(
            RegistryRecord, col(RegistryRecord.id) == Claim.record_id
        )
        earned: dict[int, dict[str, int]] = {}
        for record_id, category_id, points in db.execute(
            joined.add_columns(Claim.category_id, func.coalesce(func.sum(Claim.points_granted), 0))
            .where(approved, _inside_period())
            .group_by(Claim.record_id, Claim.category_id)
        ).all():
            earned.setdefault(record_id, {})[codes[category_id]] = int(points)
        outside = dict(
            db.execute(
                joined.add_columns(func.coalesce(func.sum(Claim.points_granted), 0))
                .where(approved, ~_inside_period())
                .group_by(Claim.record_id)
            ).all()
        )
        pending = {
            record_id: (int(points), int(claims))
            for record_id, points, claims in db.execute(
                select(Claim.record_id, func.sum(Claim.points_requested), func.count())
                .where(col(Claim.status).in_(points_rules.PENDING), some)
                .group_by(Claim.record_id)
            ).all()
        }
        course_id = next((i for i, c in codes.items() if c == rules.mandatory_category), None)
        course_on = dict(
            db.execute(
                joined.add_columns(func.min(Claim.activity_date))
                .where(approved, Claim.category_id == course_id, _inside_period())
                .group_by(Claim.record_id)
            ).all()
        )
        course_pending = set(
            db.execute(
                select(Claim.record_id)
                .where(
                    Claim.category_id == course_id,
                    col(Claim.status).in_(points_rules.PENDING),
                    some,
                )
                .distinct()
            ).scalars()
        )
        records = db.execute(
            select(
                RegistryRecord.id,
                RegistryRecord.valid_from,
                RegistryRecord.valid_until,
                RegistryRecord.status,
                RegistryRecord.newsletter,
            ).where(col(RegistryRecord.id).in_(record_ids) if record_ids is not None else true())
        ).all()
    result = {}
    for record_id, valid_from, valid_until, status, newsletter in records:
        waiting, waiting_claims = pending.get(record_id, (0, 0))
        count = points_rules.from_sums(
            earned.get(record_id, {}),
            caps,
            waiting,
            waiting_claims,
            int(outside.get(record_id, 0)),
        )
        result[record_id] = eligibility.evaluate(
            eligibility.RecordFacts(valid_from, valid_until, status, newsletter),
            count,
            course_on.get(record_id),
            record_id in course_pending,
            today,
            rules,
        )
    return result
