"""The one source of the current time for every rule: timezone-aware UTC."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """The current time, timezone-aware in UTC (SQLModel stores it as UTC)."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in UTC."""
    return utcnow().date()


def now_factory() -> dt.datetime:
    """`utcnow()` looked up at call time: the column default, so a test clock reaches it too."""
    return utcnow()
