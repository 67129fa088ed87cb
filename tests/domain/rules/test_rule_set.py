"""A rule version from its document and back, and which version a period is held to."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.core.errors import FieldErrors
from portal.domain.rules.rule_set import (
    CarryOver,
    CategoryLimit,
    RuleBook,
    RuleSet,
    parse,
    to_document,
)

CATEGORIES = ("mandatory_course", "seminar", "lecture", "other")
APRIL = dt.date(2027, 4, 1)


def errors_of(document: dict, **known) -> dict:
    with pytest.raises(FieldErrors) as raised:
        parse(document, known.get("categories", CATEGORIES), known.get("kinds", ["general"]))
    return {path: key for path, (key, _) in raised.value.fields.items()}


def test_the_announcement_reads_as_a_version():
    """ "From periods starting next April, 10 points with at least 2 from seminars; at most 2
    from other activities count; students 5." """
    version = parse(
        {
            "effective_from": "2027-04-01",
            "points_required": 10,
            "mandatory_category": "mandatory_course",
            "categories": {"seminar": {"minimum": 2}, "other": {"maximum": 2}},
            "registrant_categories": {"student": {"points_required": 5}},
        },
        CATEGORIES,
        ["general", "student"],
    )
    assert version.effective_from == APRIL and version.points_required == 10
    assert version.limit("seminar") == CategoryLimit("seminar", 2, None)
    assert version.limit("other").maximum == 2 and version.limit("lecture").maximum is None
    assert version.conditions == ("newsletter",) and version.window_months == 6
    student = RuleBook((version,)).for_period(APRIL, "student")
    general = RuleBook((version,)).for_period(APRIL, "general")
    assert (student.points_required, general.points_required) == (5, 10)
    assert [m.category for m in general.minimums] == ["seminar"] and general.caps == (("other", 2),)


def test_every_wrong_field_is_named_by_its_path():
    found = errors_of(
        {
            "effective_from": "next April",
            "points_required": -1,
            "mandatory_category": "golf",
            "conditions": ["newsletter", "dues_paid"],
            "window_months": 0,
            "grace_days": "ten",
            "carry_over": {"max_points": 5, "last_months": 99},
            "categories": {"seminar": {"minimum": 3, "maximum": 2}, "chess": {"minimum": 1}},
            "registrant_categories": {"pensioner": {"points_required": 1}, "general": 3},
        }
    )
    assert found == {
        "effective_from": "rules.date_needed",
        "points_required": "rules.number_between",
        "mandatory_category": "rules.unknown_category",
        "conditions": "rules.unknown_condition",
        "window_months": "rules.number_between",
        "grace_days": "rules.number_between",
        "carry_over.last_months": "rules.number_between",
        "categories.seminar.minimum": "rules.minimum_above_maximum",
        "categories.chess": "rules.unknown_category",
        "registrant_categories.pensioner": "rules.unknown_registrant_category",
        "registrant_categories.general": "rules.table_needed",
    }


def test_a_boolean_is_not_a_number_and_a_missing_total_is_asked_for():
    assert errors_of({"effective_from": "2027-04-01", "points_required": True}) == {
        "points_required": "rules.number_between"
    }
    assert "points_required" in errors_of({"effective_from": "2027-04-01"})


versions_strategy = st.builds(
    RuleSet,
    effective_from=st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)),
    points_required=st.integers(0, 1000),
    mandatory_category=st.sampled_from(["", *CATEGORIES]),
    mandatory_count=st.integers(1, 10),
    conditions=st.sampled_from([(), ("newsletter",)]),
    window_months=st.integers(1, 36),
    grace_days=st.integers(0, 365),
    validity_years=st.integers(1, 10),
    carry_over=st.builds(CarryOver, st.integers(0, 1000), st.integers(1, 36)),
    limits=st.lists(
        st.tuples(st.sampled_from(CATEGORIES), st.integers(0, 50), st.integers(0, 50)),
        unique_by=lambda x: x[0],
    ).map(lambda items: tuple(CategoryLimit(c, min(a, b), max(a, b)) for c, a, b in sorted(items))),
    overrides=st.sampled_from([(), (("student", 3),)]),
)


@given(versions_strategy)
def test_a_document_reads_back_as_the_version_it_was_written_from(version):
    assert parse(to_document(version), CATEGORIES, ["general", "student"]) == version


def test_a_period_keeps_the_version_it_started_under():
    first = RuleSet(dt.date(2022, 4, 1), 5)
    second = RuleSet(APRIL, 10)
    book = RuleBook((first, second))
    assert book.for_period(dt.date(2027, 3, 31), "general").points_required == 5
    assert book.for_period(APRIL, "general").points_required == 10
    assert book.for_period(dt.date(2020, 1, 1), "general").points_required == 5  # before all
    assert book.for_period(None, "general").points_required == 5  # no start on record
    assert book.in_force(dt.date(2026, 12, 4)) == first
    assert [(low, high) for _, low, high in book.bounds()] == [(None, APRIL), (APRIL, None)]
