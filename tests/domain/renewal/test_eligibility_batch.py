"""The three readings of eligibility — per record, the batch, the SQL condition — agree on
random registrants under random rule books (versions by date, caps, minimums, courses
asked more than once, registrant-category overrides) with points carried over from an
earlier period (into the current one, or into another that must not count)."""

import datetime as dt
import random

import pytest
from sqlmodel import delete, select

from portal.domain.communications import segments
from portal.domain.core.db import transaction
from portal.domain.points import catalogue
from portal.domain.points.tables import ActivityCategory, CarriedPoints, Claim
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import eligibility_batch, renewals
from portal.domain.renewal.tables import RenewalApplication
from portal.domain.rules import versions
from portal.domain.rules.rule_set import CategoryLimit, RuleSet
from portal.domain.rules.tables import RuleSetRow
from tests.support import rules as stored_rules

TODAY = dt.date(2026, 11, 21)
STATUSES = [
    "approved",
    "approved",
    "approved",
    "submitted",
    "info_requested",
    "rejected",
    "withdrawn",
]


def population(seed: int, people: int = 25) -> None:
    rng = random.Random(seed)
    with transaction() as db:
        catalogue.ensure_categories(db)
        db.flush()
        categories = list(db.exec(select(ActivityCategory.id)).all())
        for n in range(people):
            end = TODAY + dt.timedelta(days=rng.randint(-60, 400))
            record = RegistryRecord(
                registration_number=f"B{seed}{n:04d}",
                family_name="Batch",
                given_name=str(n),
                birth_date=dt.date(1980, 1, 1),
                valid_from=end - dt.timedelta(days=3 * 365) if rng.random() > 0.1 else None,
                valid_until=end,
                status=rng.choice(["active", "active", "active", "expired", "withdrawn"]),
                newsletter=rng.random() > 0.2,
                category=rng.choice(["general", "general", "student"]),
            )
            db.add(record)
            db.flush()
            if record.valid_from and rng.random() < 0.4:
                carry_over(db, record, rng)
            for _ in range(rng.randint(0, 12)):
                status = rng.choice(STATUSES)
                points = rng.randint(0, 4)
                db.add(
                    Claim(
                        record_id=record.id,
                        category_id=rng.choice(categories),
                        activity_date=end - dt.timedelta(days=rng.randint(-30, 1300)),
                        points_requested=points,
                        points_granted=rng.randint(points // 2, points)
                        if status == "approved"
                        else None,
                        status=status,
                    )
                )


def carry_over(db, record: RegistryRecord, rng: random.Random) -> None:
    """Points carried from the period before `record`'s, into it or (one time in four)
    into a period it is not in."""
    before = record.valid_from - dt.timedelta(days=1)
    renewal = RenewalApplication(record_id=record.id, cycle_end=before, status="approved")
    db.add(renewal)
    db.flush()
    into = record.valid_from if rng.random() < 0.75 else record.valid_from - dt.timedelta(days=9)
    db.add(
        CarriedPoints(
            record_id=record.id,
            application_id=renewal.id,
            from_until=before,
            into_start=into,
            late_from=before - dt.timedelta(days=365),
            required=5,
            max_points=5,
            points=rng.randint(0, 5),
        )
    )


CODES = ("mandatory_course", "seminar", "lecture", "other")


def random_book(seed: int) -> None:
    """Replace the stored versions by one to three random ones."""
    rng = random.Random(seed * 7919)
    days = sorted(
        rng.sample(range(-4 * 365, 365), rng.randint(1, 3))
    )  # effective dates around the records' period starts
    with transaction() as db:
        db.execute(delete(RuleSetRow))
    for offset in days:
        limits = []
        for code in rng.sample(CODES, rng.randint(0, 3)):
            maximum = rng.choice([None, rng.randint(1, 6)])
            minimum = rng.randint(0, min(2, maximum or 2))
            if minimum or maximum is not None:
                limits.append(CategoryLimit(code, minimum, maximum))
        stored_rules.put(
            RuleSet(
                effective_from=TODAY + dt.timedelta(days=offset),
                points_required=rng.randint(0, 6),
                mandatory_category=rng.choice(["", "mandatory_course", "lecture"]),
                mandatory_count=rng.choice([1, 1, 2]),
                conditions=rng.choice([(), ("newsletter",)]),
                window_months=rng.randint(1, 12),
                grace_days=rng.choice([0, 0, 30]),
                limits=tuple(limits),
                overrides=(("student", rng.randint(0, 4)),) if rng.random() < 0.5 else (),
            )
        )


def per_record(record_id: int):
    with transaction() as db:
        record = db.get(RegistryRecord, record_id)
        return renewals.record_eligibility(db, record, TODAY)


def short_of_claims_or_standing(results) -> set[int]:
    return {
        record_id
        for record_id, result in results.items()
        if any(not r.met for r in result.requirements if r.code != "window")
    }


@pytest.mark.parametrize("seed", range(1, 9))
def test_per_record_batch_and_sql_agree_under_random_rule_books(db, seed):
    population(seed=seed, people=60)
    random_book(seed)
    book = versions.book()
    batch = eligibility_batch.for_all(TODAY, book)
    assert len(batch) == 60
    for record_id, result in batch.items():
        assert result == per_record(record_id), record_id
    short = short_of_claims_or_standing(batch)
    with transaction() as session:
        found = set(
            session.exec(
                select(RegistryRecord.id).where(eligibility_batch.requirement_not_met(book))
            ).all()
        )
        assert found == short
        segment = segments.Segment(requirement_not_met=True)  # one record at a time
        some = sorted(batch)[:15]
        assert {i for i in some if segments.includes(session, segment, i)} == short & set(some)


def test_each_record_is_held_to_the_version_its_period_started_under(db):
    population(seed=11, people=40)
    with transaction() as session:
        starts = sorted({s for s in session.exec(select(RegistryRecord.valid_from)) if s})
    middle = starts[len(starts) // 2]
    stored_rules.put(RuleSet(effective_from=middle, points_required=0, mandatory_category=""))
    book = versions.book()
    with transaction() as session:
        rows = session.exec(select(RegistryRecord.id, RegistryRecord.valid_from)).all()
    batch = eligibility_batch.for_all(TODAY, book)
    for record_id, start in rows:
        later = start is not None and start >= middle
        assert batch[record_id].rules.points_required == (0 if later else 5)
        assert (batch[record_id].requirement("course") is None) == later
