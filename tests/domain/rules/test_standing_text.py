"""Where a registrant's points stand, in sentences (points page, claim review, transcript)."""

from __future__ import annotations

import datetime as dt

from portal.domain.points.carried import Carried
from portal.domain.points.points_rules import CategoryCount, PointsCount
from portal.domain.rules import standing_text
from portal.domain.rules.rule_set import Rules
from portal.domain.rules.standing import Standing

NAMES = {"seminar": "Seminars"}


def test_the_summary_names_the_period_caps_waiting_claims_and_points_outside_it():
    count = PointsCount(
        earned=6,
        counted=5,
        pending=3,
        pending_claims=1,
        outside_period=2,
        by_category=(CategoryCount("seminar", 4, 3, 3),),
    )
    standing = Standing(count, Rules(), dt.date(2025, 4, 1), dt.date(2028, 3, 31))
    lines = standing_text.summary(standing, NAMES, "en")
    assert len(lines) == 5
    assert "2028" in lines[0] and "6" in lines[1] and "Seminars" in lines[2]
    assert "1 claim" in lines[3] and "3 points" in lines[3] and "2" in lines[4]
    quiet = Standing(PointsCount(0, 0, 0, 0, 0, ()), Rules(), None, None)
    assert len(standing_text.summary(quiet, NAMES, "ja")) == 2  # nothing capped, waiting or outside


def test_points_carried_into_the_period_are_named_with_where_they_came_from():
    count = PointsCount(3, 3, 0, 0, 0, (CategoryCount("seminar", 3, 3, None),))
    held = Standing(
        count, Rules(), dt.date(2027, 4, 1), dt.date(2030, 3, 31), Carried(2, dt.date(2027, 3, 31))
    )
    assert held.total == 5
    [_, _, carried] = standing_text.summary(held, NAMES, "en")
    assert carried == (
        "2 points carried over from the period that ended 31 March 2027 count toward this one."
    )
    assert "2ポイント" in standing_text.summary(held, NAMES, "ja")[2]
