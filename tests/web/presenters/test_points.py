"""The points page's rows, built from the domain's views without Reflex or a database."""

from __future__ import annotations

import datetime as dt

from portal.domain.points.catalogue import ActivityView, CategoryView
from portal.domain.points.claims import ClaimView, TimelineEntry
from portal.web.presenters import points

SEMINARS = CategoryView(1, "seminar", "Seminars", "研修会")
NAMES = {"seminar": "Seminars"}
AT = dt.datetime(2026, 5, 1, 1, 30, tzinfo=dt.UTC)


def claim(id: int, status: str, activity_id: int | None = 7, **extra) -> ClaimView:
    values = dict(
        id=id,
        activity_id=activity_id,
        title="Ethics seminar",
        category="seminar",
        activity_date=dt.date(2026, 4, 20),
        organiser="Tokyo branch",
        points_requested=2,
        points_granted=None,
        status=status,
        credited=False,
        created_at=AT,
        files=[],
        timeline=[],
    )
    return ClaimView(**{**values, **extra})


def activity(id: int) -> ActivityView:
    day = dt.date(2026, 4, 20)
    return ActivityView(id, "Ethics seminar", SEMINARS, day, day, 2, "", "", False)


def test_an_activity_is_marked_claimed_unless_its_claim_was_withdrawn():
    offered = points.offered(
        [activity(7), activity(8), activity(9)],
        [claim(1, "submitted", 7), claim(2, "withdrawn", 8)],
        "ja",
    )
    assert [(a.id, a.claimed) for a in offered] == [("7", True), ("8", False), ("9", False)]
    assert offered[0].category == "研修会" and offered[0].points == "2ポイント"


def test_a_claim_card_says_what_the_registrant_can_do_with_it():
    waiting, asked, approved = points.claim_cards(
        [
            claim(1, "submitted", files=[(31, "certificate.pdf")]),
            claim(2, "info_requested"),
            claim(3, "approved", points_granted=1),
        ],
        NAMES,
        "en",
        review_days=14,
    )
    assert waiting.open and not waiting.asked and "14" in waiting.expected
    assert waiting.files[0].name == "certificate.pdf" and waiting.files[0].href.endswith("/31")
    assert asked.open and asked.asked and asked.expected == ""
    assert not approved.open and approved.points == "1 pt" and approved.status_text


def test_the_timeline_is_in_the_readers_language_and_time_zone():
    entry = TimelineEntry("approved", AT, True, "Thank you", 2, "Sato")
    [card] = points.claim_cards([claim(1, "approved", timeline=[entry])], NAMES, "ja", 14)
    [event] = card.timeline
    assert event.message == "Thank you" and event.points == "2ポイント"
    assert "10:30" in event.when  # 01:30 UTC is 10:30 in Tokyo
