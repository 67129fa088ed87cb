"""Registrants in a chosen renewal situation, for the renewal tests."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.points import catalogue
from portal.domain.points.tables import ActivityCategory, Claim
from portal.domain.registry.tables import RegistryRecord
from tests.support.people import registrant_principal


def renewing(email: str, *, days_left: int = 60, points: int = 5, course: bool = True, **values):
    """A signed-in registrant whose period ends in `days_left` days, subscribed to the newsletter,
    with a postal address and approved points (2 of them the mandatory course when `course`)."""
    principal = registrant_principal(email)
    end = today() + dt.timedelta(days=days_left)
    with transaction() as db:
        catalogue.ensure_categories(db)
        record = db.exec(
            select(RegistryRecord).where(RegistryRecord.account_id == principal.account_id)
        ).one()
        record.valid_until = end
        record.valid_from = end.replace(year=end.year - 3) + dt.timedelta(days=1)
        record.newsletter = True
        record.family_name, record.given_name = "山田", "花子"
        record.family_name_kana, record.given_name_kana = "ヤマダ", "ハナコ"
        record.postal_code, record.address = "100-0001", "東京都千代田区1-1"
        for name, value in values.items():
            setattr(record, name, value)
        grant(db, record, "mandatory_course" if course else "seminar", min(points, 2))
        if points > 2:
            grant(db, record, "seminar", points - 2)
    return principal


def grant(db, record: RegistryRecord, category: str, points: int, days_ago: int = 30) -> None:
    """An approved claim of `points` in `category`, dated inside the period."""
    db.add(_claim(db, record, category, points, days_ago, points_granted=points))


def ask(db, record: RegistryRecord, category: str, points: int, days_ago: int = 30) -> int:
    """A claim of `points` in `category` waiting for review; its id."""
    claim = _claim(db, record, category, points, days_ago, status="submitted")
    db.add(claim)
    db.flush()
    return claim.id


def _claim(db, record, category: str, points: int, days_ago: int, **values) -> Claim:
    category_id = db.exec(
        select(ActivityCategory.id).where(ActivityCategory.code == category)
    ).one()
    return Claim(
        record_id=record.id,
        category_id=category_id,
        description=f"{category} {points}",
        activity_date=today() - dt.timedelta(days=days_ago),
        points_requested=points,
        **({"status": "approved"} | values),
    )


def record_of(principal) -> RegistryRecord:
    with transaction() as db:
        record = db.exec(
            select(RegistryRecord).where(RegistryRecord.account_id == principal.account_id)
        ).one()
        db.expunge(record)
        return record
