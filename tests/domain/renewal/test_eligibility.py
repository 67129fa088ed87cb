import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.points.points_rules import ClaimFacts
from portal.domain.renewal.eligibility import RecordFacts, months_before
from portal.domain.renewal.eligibility import evaluate_claims as evaluate
from portal.domain.rules.rule_set import Minimum, Rules

START, END = dt.date(2024, 4, 1), dt.date(2027, 3, 31)
RULES = Rules(caps=(("other", 2),))


def record(newsletter=True, status="active", start=START, end=END):
    return RecordFacts(start, end, status, newsletter)


def course(day=dt.date(2025, 6, 1), status="approved"):
    return ClaimFacts("mandatory_course", status, day, 1, 1 if status == "approved" else None)


def seminar(points=1, day=dt.date(2025, 7, 1), status="approved"):
    return ClaimFacts("seminar", status, day, points, points if status == "approved" else None)


IN_WINDOW = dt.date(2027, 1, 15)


@pytest.mark.parametrize(
    ("name", "facts", "claims", "today", "unmet"),
    [
        ("everything met", record(), [course(), seminar(4)], IN_WINDOW, set()),
        (
            "no newsletter",
            record(newsletter=False),
            [course(), seminar(4)],
            IN_WINDOW,
            {"newsletter"},
        ),
        ("no course", record(), [seminar(5)], IN_WINDOW, {"course"}),
        (
            "course pending only",
            record(),
            [course(status="submitted"), seminar(5)],
            IN_WINDOW,
            {"course"},
        ),
        (
            "course before the period",
            record(),
            [course(START - dt.timedelta(days=1)), seminar(5)],
            IN_WINDOW,
            {"course"},
        ),
        ("course on the first day", record(), [course(START), seminar(4)], IN_WINDOW, set()),
        ("course on the last day", record(), [course(END), seminar(4)], END, set()),
        ("4 of 5 points", record(), [course(), seminar(3)], IN_WINDOW, {"points"}),
        ("points exactly at target", record(), [course(), seminar(4)], IN_WINDOW, set()),
        (
            "capped other points do not reach",
            record(),
            [course(), seminar(1), ClaimFacts("other", "approved", dt.date(2025, 1, 1), 3, 3)],
            IN_WINDOW,
            {"points"},
        ),
        ("window not yet open", record(), [course(), seminar(4)], dt.date(2026, 9, 29), {"window"}),
        (
            "window opens today",
            record(),
            [course(), seminar(4)],
            dt.date(2026, 9, 30),
            set(),
        ),
        ("last day of validity", record(), [course(), seminar(4)], END, set()),
        (
            "day after, no grace",
            record(),
            [course(), seminar(4)],
            END + dt.timedelta(days=1),
            {"window"},
        ),
        ("withdrawn", record(status="withdrawn"), [course(), seminar(4)], IN_WINDOW, {"window"}),
    ],
)
def test_requirements_table(name, facts, claims, today, unmet):
    result = evaluate(facts, claims, today, RULES)
    assert {r.code for r in result.requirements if not r.met} == unmet, name
    assert result.can_apply == (not unmet)


def test_facts_say_what_is_missing_and_where_to_fix_it():
    result = evaluate(
        record(), [course(), seminar(3), seminar(1, status="submitted")], IN_WINDOW, RULES
    )
    points = result.requirement("points")
    assert points.facts == {"counted": 4, "required": 5, "missing": 1, "pending": 1}
    assert (
        points.fix == "/mypage/points" and result.requirement("newsletter").fix == "/mypage/record"
    )


def test_grace_days_keep_the_window_open():
    late = END + dt.timedelta(days=10)
    assert not evaluate(record(), [course(), seminar(4)], late, RULES).can_apply
    graced = replace(RULES, grace_days=10)
    assert evaluate(record(), [course(), seminar(4)], late, graced).can_apply


def test_window_opening_on_short_months_and_leap_days():
    assert months_before(dt.date(2027, 8, 31), 6) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2028, 8, 31), 6) == dt.date(2028, 2, 29)
    assert months_before(dt.date(2028, 2, 29), 12) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2027, 3, 31), 6) == dt.date(2026, 9, 30)


@given(
    st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)),
    st.integers(1, 24),
    st.integers(0, 60),
    st.dates(dt.date(2000, 1, 1), dt.date(2095, 12, 31)),
)
def test_window_properties(end, months, grace, today):
    facts = record(start=end - dt.timedelta(days=3 * 365), end=end)
    result = evaluate(facts, [], today, replace(RULES, window_months=months, grace_days=grace))
    assert result.window_opens <= end <= result.window_closes
    assert (end - result.window_opens).days <= months * 31
    assert result.requirement("window").met == (
        result.window_opens <= today <= result.window_closes
    )


def test_a_category_minimum_is_its_own_requirement_counted_after_the_cap():
    rules = replace(
        RULES,
        caps=(("other", 2), ("seminar", 3)),
        minimums=(Minimum("seminar", 2, "Seminar", "セミナー"),),
    )
    other = ClaimFacts("other", "approved", dt.date(2025, 1, 1), 4, 4)
    short = evaluate(record(), [course(), seminar(1), other], IN_WINDOW, rules)
    minimum = short.requirement("minimum")
    assert not minimum.met and not short.can_apply
    assert (minimum.facts["counted"], minimum.facts["missing"]) == (1, 1)
    assert minimum.facts["name_ja"] == "セミナー" and minimum.fix == "/mypage/points"
    met = evaluate(record(), [course(), seminar(5), other], IN_WINDOW, rules)
    assert met.requirement("minimum").facts["counted"] == 3  # capped at 3
    assert met.requirement("points").facts["counted"] == 6 and met.can_apply


def test_the_rules_decide_which_requirements_there_are():
    bare = Rules(points_required=2, mandatory_category="", conditions=())
    result = evaluate(record(newsletter=False), [seminar(2)], IN_WINDOW, bare)
    assert [r.code for r in result.requirements] == ["points", "window"]
    assert result.can_apply and result.rules == bare


def test_a_course_asked_twice_needs_two_attendances():
    twice = replace(RULES, mandatory_count=2)
    once = evaluate(record(), [course(), seminar(4)], IN_WINDOW, twice)
    assert not once.requirement("course").met
    assert once.requirement("course").facts["attended"] == 1
    second = course(dt.date(2026, 6, 1))
    assert evaluate(record(), [course(), second, seminar(3)], IN_WINDOW, twice).can_apply
