"""Can this registrant renew? One pure function answers, requirement by requirement.

Guarantees of `evaluate()`:
- It depends only on its arguments (record facts, claims, today, rules): the
  dashboard, the application check, the staff view and the reminders all call
  it and so always agree.
- Each requirement — mandatory course attended in the validity period, the
  association newsletter subscribed, at least N counted points, the renewal
  window open — comes back met or not, with the facts behind it and the page
  where the registrant can fix it.
- `can_apply` is True exactly when every requirement is met.
- The window opens `window_months` before the end of validity (the same day of
  the month, or the month's last day) and closes `grace_days` after it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from portal.domain.core import paths
from portal.domain.points import points_rules
from portal.settings import get_settings


@dataclass(frozen=True)
class Rules:
    points_required: int = 5
    window_months: int = 6
    grace_days: int = 0
    mandatory_category: str = "mandatory_course"


def rules() -> Rules:
    """The rules the settings configure."""
    settings = get_settings()
    return Rules(
        points_required=settings.renewal.points_required,
        window_months=settings.renewal.window_months,
        grace_days=settings.renewal.grace_days,
        mandatory_category=settings.renewal.mandatory_category,
    )


@dataclass(frozen=True)
class RecordFacts:
    valid_from: dt.date | None
    valid_until: dt.date | None
    status: str
    newsletter: bool


@dataclass(frozen=True)
class Requirement:
    code: str  # course | newsletter | points | window
    met: bool
    facts: Mapping = field(default_factory=dict)
    fix: str = ""  # the page where the registrant can act


@dataclass(frozen=True)
class Eligibility:
    requirements: tuple[Requirement, ...]
    window_opens: dt.date | None
    window_closes: dt.date | None

    @property
    def can_apply(self) -> bool:
        return all(r.met for r in self.requirements)

    def requirement(self, code: str) -> Requirement:
        return next(r for r in self.requirements if r.code == code)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or that month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def evaluate_claims(
    record: RecordFacts,
    claims: Iterable[points_rules.ClaimFacts],
    caps: dict[str, int | None],
    today: dt.date,
    rules: Rules,
) -> Eligibility:
    """`evaluate()` from one registrant's claims (the per-person form)."""
    claims = list(claims)
    start, end = record.valid_from, record.valid_until
    course_days = [
        c.activity_date
        for c in claims
        if c.category == rules.mandatory_category
        and c.status == points_rules.APPROVED
        and (start is None or c.activity_date >= start)
        and (end is None or c.activity_date <= end)
    ]
    course_pending = any(
        c.category == rules.mandatory_category and c.status in points_rules.PENDING for c in claims
    )
    count = points_rules.count(claims, start, end, caps)
    return evaluate(
        record,
        count.counted,
        count.pending,
        min(course_days, default=None),
        course_pending,
        today,
        rules,
    )


def evaluate(
    record: RecordFacts,
    counted: int,
    pending: int,
    course_on: dt.date | None,
    course_pending: bool,
    today: dt.date,
    rules: Rules,
) -> Eligibility:
    """Each renewal requirement, met or not, with its facts and where to fix it.

    `counted` and `pending` are the points counted for the period and those
    awaiting review (`points_rules.count`); `course_on` is the first day in the
    period the mandatory course was attended (approved), if any;
    `course_pending` whether a course claim awaits review. Requirements are
    immutable (their facts read-only), so equal inputs may share them: a batch
    over 10⁵ registrants builds each distinct requirement once.
    """
    window, opens, closes = _window(record.valid_until, record.status == "withdrawn", today, rules)
    requirements = (
        _course(course_on, course_pending),
        _newsletter(record.newsletter),
        _points(counted, pending, rules.points_required),
        window,
    )
    return Eligibility(requirements=requirements, window_opens=opens, window_closes=closes)


def _requirement(code: str, met: bool, facts: dict, fix: str) -> Requirement:
    return Requirement(code, met, MappingProxyType(facts), fix)


@functools.lru_cache(maxsize=4096)
def _course(course_on: dt.date | None, pending: bool) -> Requirement:
    facts = {"attended_on": course_on, "pending": pending}
    return _requirement("course", course_on is not None, facts, paths.MY_POINTS)


@functools.lru_cache(maxsize=2)
def _newsletter(subscribed: bool) -> Requirement:
    return _requirement("newsletter", subscribed, {}, paths.MY_RECORD)


@functools.lru_cache(maxsize=4096)
def _points(counted: int, pending: int, required: int) -> Requirement:
    facts = {
        "counted": counted,
        "required": required,
        "missing": max(0, required - counted),
        "pending": pending,
    }
    return _requirement("points", counted >= required, facts, paths.MY_POINTS)


@functools.lru_cache(maxsize=8192)
def _window(
    end: dt.date | None, withdrawn: bool, today: dt.date, rules: Rules
) -> tuple[Requirement, dt.date | None, dt.date | None]:
    """The window requirement for a period ending `end`, with the days it opens and closes."""
    opens = months_before(end, rules.window_months) if end else None
    closes = end + dt.timedelta(days=rules.grace_days) if end else None
    window_open = bool(opens and closes and opens <= today <= closes) and not withdrawn
    if withdrawn:
        state = "withdrawn"
    elif closes and today > closes:
        state = "passed"
    elif opens and today < opens:
        state = "not_yet"
    else:
        state = "open" if window_open else "unknown"
    facts = {"opens": opens, "closes": closes, "state": state}
    return _requirement("window", window_open, facts, paths.MY_RENEWAL), opens, closes
