"""Can this registrant renew? One pure function answers, requirement by requirement.

Guarantees of `evaluate()`:
- It depends only on its arguments (record facts, claims, today, rules): the
  dashboard, the application check, the staff view and the reminders all call
  it and so always agree.
- Each requirement the period's rules (`rules.rule_set.Rules`) ask for — the
  mandatory course attended in the validity period (as many times as asked), the
  standing conditions (the association newsletter subscribed), at least N counted
  points (points carried over from the period before count toward N, and only
  toward N), at least M counted from each category with a minimum, the renewal window
  open — comes back met or not, with the facts behind it and the page where the
  registrant can fix it.
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
from typing import NamedTuple

from portal.domain.core import paths
from portal.domain.points import points_rules
from portal.domain.points.carried import Carried
from portal.domain.rules.rule_set import NEWSLETTER, Rules


class RecordFacts(NamedTuple):
    valid_from: dt.date | None
    valid_until: dt.date | None
    status: str
    newsletter: bool


@dataclass(frozen=True)
class Requirement:
    code: str  # course | newsletter | points | minimum | window
    met: bool
    facts: Mapping = field(default_factory=dict)
    fix: str = ""  # the page where the registrant can act


class Eligibility(NamedTuple):
    """Each requirement met or not (a tuple: the batch makes one per registrant)."""

    requirements: tuple[Requirement, ...]
    window_opens: dt.date | None
    window_closes: dt.date | None
    rules: Rules | None = None  # what the period is held to

    @property
    def can_apply(self) -> bool:
        return all(r.met for r in self.requirements)

    def requirement(self, code: str) -> Requirement | None:
        """The first requirement of that kind, None when the rules ask for none."""
        return next((r for r in self.requirements if r.code == code), None)


class CategorySum(NamedTuple):
    """One category's approved claims inside the period (a tuple: the batch makes 10⁵–10⁶)."""

    points: int = 0
    claims: int = 0
    first: dt.date | None = None  # the earliest activity day


_NO_CLAIMS = CategorySum()


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or that month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def evaluate_claims(
    record: RecordFacts,
    claims: Iterable[points_rules.ClaimFacts],
    today: dt.date,
    rules: Rules,
    carried: Carried | None = None,
) -> Eligibility:
    """`evaluate()` from one registrant's claims (the per-person form)."""
    start, end = record.valid_from, record.valid_until
    sums: dict[str, CategorySum] = {}
    pending = 0
    course_pending = False
    for c in claims:
        if c.status in points_rules.PENDING:
            pending += c.points_requested
            course_pending = course_pending or c.category == rules.mandatory_category
            continue
        inside = (start is None or c.activity_date >= start) and (
            end is None or c.activity_date <= end
        )
        if c.status != points_rules.APPROVED or not inside:
            continue
        before = sums.get(c.category, CategorySum())
        first = c.activity_date if before.first is None else min(before.first, c.activity_date)
        sums[c.category] = CategorySum(
            before.points + (c.points_granted or 0), before.claims + 1, first
        )
    return evaluate(record, sums, pending, course_pending, today, rules, carried)


def evaluate(
    record: RecordFacts,
    sums: Mapping[str, CategorySum],
    pending: int,
    course_pending: bool,
    today: dt.date,
    rules: Rules,
    carried: Carried | None = None,
) -> Eligibility:
    """Each renewal requirement the rules ask for, met or not, with its facts and where to
    fix it.

    `sums` are the approved claims inside the period by category; `pending` the points
    awaiting review, `course_pending` whether a mandatory-course claim awaits review;
    `carried` the points carried into the period from the one before.
    Counted points are each category's points limited by its maximum. Requirements are
    immutable (their facts read-only), so equal inputs may share them: a batch over 10⁵
    registrants builds each distinct requirement once.
    """
    total = sum([s.points for s in sums.values()])
    for code, cap in rules.caps:  # what a maximum does not count
        held = sums.get(code)
        if held is not None and held.points > cap:
            total -= held.points - cap
    requirements = []
    if rules.mandatory_category:
        course = sums.get(rules.mandatory_category, _NO_CLAIMS)
        requirements.append(
            _course(course.first, course_pending, course.claims, rules.mandatory_count)
        )
    if NEWSLETTER in rules.conditions:
        requirements.append(_newsletter(record.newsletter))
    requirements.append(_points(total, pending, rules.points_required, carried))
    caps = rules.cap_by_category
    for minimum in rules.minimums:
        held = sums.get(minimum.category)
        counted = points_rules.capped(held.points, caps.get(minimum.category)) if held else 0
        requirements.append(_minimum(minimum, counted))
    window, opens, closes = _window(
        record.valid_until,
        record.status == "withdrawn",
        today,
        rules.window_months,
        rules.grace_days,
    )
    requirements.append(window)
    return Eligibility(tuple(requirements), opens, closes, rules)


def _requirement(code: str, met: bool, facts: dict, fix: str) -> Requirement:
    return Requirement(code, met, MappingProxyType(facts), fix)


@functools.lru_cache(maxsize=4096)
def _course(course_on: dt.date | None, pending: bool, attended: int, needed: int) -> Requirement:
    facts = {"attended_on": course_on, "pending": pending, "attended": attended, "needed": needed}
    return _requirement("course", attended >= needed, facts, paths.MY_POINTS)


@functools.lru_cache(maxsize=2)
def _newsletter(subscribed: bool) -> Requirement:
    return _requirement("newsletter", subscribed, {}, paths.MY_RECORD)


@functools.lru_cache(maxsize=4096)
def _points(counted: int, pending: int, required: int, carried: Carried | None) -> Requirement:
    total = counted + (carried.points if carried else 0)
    facts = {
        "counted": total,
        "required": required,
        "missing": max(0, required - total),
        "pending": pending,
    }
    if carried:
        facts |= {"carried": carried.points, "carried_from": carried.from_until}
    return _requirement("points", total >= required, facts, paths.MY_POINTS)


@functools.lru_cache(maxsize=4096)
def _minimum(minimum, counted: int) -> Requirement:
    facts = {
        "category": minimum.category,
        "name_en": minimum.name_en,
        "name_ja": minimum.name_ja,
        "counted": counted,
        "required": minimum.points,
        "missing": max(0, minimum.points - counted),
    }
    return _requirement("minimum", counted >= minimum.points, facts, paths.MY_POINTS)


@functools.lru_cache(maxsize=8192)
def _window(
    end: dt.date | None, withdrawn: bool, today: dt.date, window_months: int, grace_days: int
) -> tuple[Requirement, dt.date | None, dt.date | None]:
    """The window requirement for a period ending `end`, with the days it opens and closes."""
    opens = months_before(end, window_months) if end else None
    closes = end + dt.timedelta(days=grace_days) if end else None
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
