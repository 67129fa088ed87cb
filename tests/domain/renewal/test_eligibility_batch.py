import datetime as dt
import random

import pytest
from sqlmodel import select

from portal.domain.communications import segments
from portal.domain.core.db import transaction
from portal.domain.points import catalogue, points_rules
from portal.domain.points.tables import ActivityCategory, Claim
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import eligibility, eligibility_batch

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
            )
            db.add(record)
            db.flush()
            for _ in range(rng.randint(0, 8)):
                status = rng.choice(STATUSES)
                points = rng.randint(0, 4)
                db.add(
                    Claim(
                        record_id=record.id,
                        category_id=rng.choice(categories),
                        activity_date=end - dt.timedelta(days=rng.randint(-30, 1300)),
                        points_requested=points,
                        points_granted=rng.randint(0, points) if status == "approved" else None,
                        status=status,
                    )
                )


def per_person(record_id: int, rules: eligibility.Rules) -> eligibility.Eligibility:
    with transaction() as db:
        record = db.get(RegistryRecord, record_id)
        codes = dict(db.exec(select(ActivityCategory.id, ActivityCategory.code)).all())
        caps = dict(db.exec(select(ActivityCategory.code, ActivityCategory.cap_points)).all())
        facts = [
            points_rules.ClaimFacts(
                codes[c.category_id],
                c.status,
                c.activity_date,
                c.points_requested,
                c.points_granted,
            )
            for c in db.exec(select(Claim).where(Claim.record_id == record_id)).all()
        ]
        record_facts = eligibility.RecordFacts(
            record.valid_from, record.valid_until, record.status, record.newsletter
        )
    return eligibility.evaluate_claims(record_facts, facts, caps, TODAY, rules)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_batch_equals_the_per_person_function(db, seed):
    population(seed=seed, people=60)
    for rules in (eligibility.Rules(), eligibility.Rules(points_required=2, grace_days=30)):
        batch = eligibility_batch.for_all(TODAY, rules)
        assert len(batch) == 60
        for record_id, result in batch.items():
            assert result == per_person(record_id, rules), record_id
        assert any(r.can_apply for r in batch.values()) or rules.points_required == 5


@pytest.mark.parametrize("seed", [6, 7, 8])
def test_the_sql_condition_finds_exactly_those_the_batch_finds_short(db, seed):
    """`requirement_not_met` (used to count segments in one statement) agrees with the
    batch on the course, the newsletter and the points, for several rule sets."""
    population(seed=seed, people=80)
    for rules in (
        eligibility.Rules(),
        eligibility.Rules(points_required=2),
        eligibility.Rules(points_required=0),
    ):
        short = {
            record_id
            for record_id, result in eligibility_batch.for_all(TODAY, rules).items()
            if any(not r.met for r in result.requirements if r.code != "window")
        }
        with transaction() as db:
            found = set(
                db.exec(
                    select(RegistryRecord.id).where(eligibility_batch.requirement_not_met(rules))
                ).all()
            )
        assert found == short
        assert 0 < len(short) < 80
    # asked of one record at a time (a survey for this segment, on My page), with the settings' rules
    short = {
        record_id
        for record_id, result in eligibility_batch.for_all(TODAY, eligibility.rules()).items()
        if any(not r.met for r in result.requirements if r.code != "window")
    }
    with transaction() as db:
        ids = db.exec(select(RegistryRecord.id)).all()
        segment = segments.Segment(requirement_not_met=True)
        assert {i for i in ids if segments.includes(db, segment, i)} == short
