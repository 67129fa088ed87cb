"""The one source of the current time for every rule: timezone-aware UTC, and the
association's calendar day (`PORTAL_TIMEZONE`) on which rules count days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from portal.settings import get_settings


def _system_time() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Where the time comes from: the system clock, or a clock a test sets (tests' `frozen`).
source: Callable[[], dt.datetime] = _system_time


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC (SQLModel stores it as UTC), from `source`."""
    return source()


def local(value: dt.datetime) -> dt.datetime:
    """A stored timestamp (UTC; naive means UTC, as SQLite returns it) in the association's zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(get_settings().zone)


def local_date(value: dt.datetime) -> dt.date:
    """The association's calendar day on which a stored timestamp fell."""
    return local(value).date()


def today() -> dt.date:
    """Today in the association's time zone: at 08:30 in Tokyo it is already the next UTC day."""
    return local_date(utcnow())


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of the association's calendar `day`, in UTC (what stored timestamps
    are compared with: in Tokyo a day starts at 15:00 UTC the day before)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=get_settings().zone).astimezone(dt.UTC)


def now_factory() -> dt.datetime:
    """`utcnow()` looked up at call time: the column default, so a test clock reaches it too."""
    return utcnow()
