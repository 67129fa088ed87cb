import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from portal.domain.points.points_rules import ClaimFacts, count

START, END = dt.date(2024, 4, 1), dt.date(2027, 3, 31)
CAPS = {"other": 2, "seminar": None, "mandatory_course": None}


def claim(category="seminar", status="approved", day=dt.date(2025, 5, 1), points=1, granted=None):
    return ClaimFacts(category, status, day, points, points if granted is None else granted)


def test_only_approved_points_inside_the_period_count_both_ends_included():
    result = count(
        [
            claim(day=START),
            claim(day=END, points=2),
            claim(day=START - dt.timedelta(days=1), points=3),  # the day before: outside
            claim(day=END + dt.timedelta(days=1), points=4),
            claim(status="rejected", points=5),
            claim(status="withdrawn", points=6),
        ],
        START,
        END,
        CAPS,
    )
    assert (result.earned, result.counted, result.outside_period) == (3, 3, 7)


def test_a_cap_limits_what_counts_and_says_how_much_it_took():
    result = count([claim("other", points=2), claim("other"), claim("seminar")], START, END, CAPS)
    assert (result.earned, result.counted, result.capped_away) == (4, 3, 1)
    other = next(c for c in result.by_category if c.category == "other")
    assert (other.earned, other.counted, other.cap, other.capped_away) == (3, 2, 2, 1)


def test_adjusted_points_count_as_granted_and_pending_ones_apart():
    result = count(
        [
            claim(points=3, granted=2),
            claim(status="submitted", points=2),
            claim(status="info_requested", points=1),
            claim(status="in_review", points=1),
        ],
        START,
        END,
        CAPS,
    )
    assert (result.counted, result.pending, result.pending_claims) == (2, 4, 3)


def test_exactly_at_the_target():
    result = count([claim(points=1) for _ in range(5)], START, END, CAPS)
    assert result.counted == 5


facts = st.builds(
    ClaimFacts,
    category=st.sampled_from(["other", "seminar", "mandatory_course", "lecture"]),
    status=st.sampled_from(
        [
            "approved",
            "approved",
            "submitted",
            "in_review",
            "info_requested",
            "rejected",
            "withdrawn",
        ]
    ),
    activity_date=st.dates(START - dt.timedelta(days=400), END + dt.timedelta(days=400)),
    points_requested=st.integers(1, 10),
    points_granted=st.one_of(st.none(), st.integers(0, 10)),
)
caps = st.fixed_dictionaries(
    {
        "other": st.one_of(st.none(), st.integers(0, 5)),
        "lecture": st.one_of(st.none(), st.integers(0, 5)),
    }
)


@given(st.lists(facts, max_size=40), caps, st.randoms())
def test_counting_properties(claims, cap_values, rng):
    result = count(claims, START, END, cap_values)
    assert 0 <= result.counted <= result.earned
    for category in result.by_category:
        if category.cap is not None:
            assert category.counted <= category.cap
        assert category.counted <= category.earned
    shuffled = list(claims)
    rng.shuffle(shuffled)
    assert count(shuffled, START, END, cap_values) == result
    approved_inside = sum(
        c.points_granted or 0
        for c in claims
        if c.status == "approved" and START <= c.activity_date <= END
    )
    assert result.earned == approved_inside
