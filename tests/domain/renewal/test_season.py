"""The overview's season figures count this week's reminders from the association's Monday
(PORTAL_TIMEZONE, Tokyo in the tests), not from Monday in UTC."""

from __future__ import annotations

import datetime as dt

from portal.domain.core.clock import today
from portal.domain.renewal import reminders, season
from tests.domain.renewal.renewal_people import renewing
from tests.support.people import staff_principal


def test_this_weeks_reminders_start_at_midnight_on_the_associations_monday(db, frozen):
    boss, _ = staff_principal("boss@example.com")
    frozen.now = dt.datetime(2026, 11, 29, 14, 50, tzinfo=dt.UTC)  # Sunday 23:50 in Tokyo
    renewing("last-week@example.com", days_left=5)
    reminders.send(reminders.plan(today()))
    frozen.advance(minutes=20)  # Monday 00:10 in Tokyo, still Sunday in UTC
    assert today().weekday() == 0
    assert season.season(boss, today()).reminders_sent_week == 0
    renewing("this-week@example.com", days_left=5)
    reminders.send(reminders.plan(today()))
    assert season.season(boss, today()).reminders_sent_week == 1
