"""The carry-over rule on its own: beyond what the period needed, earned late, capped."""

import datetime as dt

from portal.domain.points.carried import Terms, surplus
from portal.domain.points.points_rules import ClaimFacts

START, UNTIL = dt.date(2024, 4, 1), dt.date(2027, 3, 31)
LATE = dt.date(2026, 4, 1)  # the last 12 months


def claim(category: str, points: int, day: dt.date, status: str = "approved") -> ClaimFacts:
    return ClaimFacts(category, status, day, points, points if status == "approved" else None)


def terms(required: int = 5, max_points: int = 3, caps=None) -> Terms:
    return Terms(required, caps or {}, max_points, LATE)


def test_only_points_beyond_the_requirement_carry_and_at_most_the_limit():
    early = [claim("seminar", 5, dt.date(2025, 1, 10))]
    assert surplus([*early, claim("seminar", 2, dt.date(2026, 6, 1))], START, UNTIL, terms()) == 2
    assert surplus([*early, claim("seminar", 9, dt.date(2026, 6, 1))], START, UNTIL, terms()) == 3
    assert surplus(early, START, UNTIL, terms()) == 0
    assert surplus([claim("seminar", 3, dt.date(2026, 6, 1))], START, UNTIL, terms()) == 0


def test_points_earned_before_the_last_months_do_not_carry():
    facts = [claim("seminar", 5, dt.date(2026, 5, 1)), claim("seminar", 4, dt.date(2025, 1, 1))]
    assert surplus(facts, START, UNTIL, terms(max_points=10)) == 4  # 9 - 5, all late enough
    facts = [claim("seminar", 1, dt.date(2026, 5, 1)), claim("seminar", 8, dt.date(2025, 1, 1))]
    assert surplus(facts, START, UNTIL, terms(max_points=10)) == 1  # only 1 was earned late


def test_what_a_maximum_did_not_count_does_not_carry_and_other_claims_are_ignored():
    facts = [
        claim("seminar", 5, dt.date(2025, 1, 1)),
        claim("other", 6, dt.date(2026, 8, 1)),  # at most 2 count
        claim("seminar", 4, dt.date(2026, 8, 1), "submitted"),
        claim("seminar", 4, dt.date(2026, 8, 1), "rejected"),
        claim("seminar", 4, dt.date(2027, 4, 1)),  # after the period
    ]
    assert surplus(facts, START, UNTIL, terms(max_points=10, caps={"other": 2})) == 2
