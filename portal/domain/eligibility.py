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
from collections.abc import Iterable
from dataclasses import dataclass, field

from portal.domain import points_rules
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
        points_required=settings.points_required,
        window_months=settings.window_months,
        grace_days=settings.grace_days,
        mandatory_category=settings.mandatory_category,
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
    facts: dict = field(default_factory=dict)
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
    return evaluate(record, count, min(course_days, default=None), course_pending, today, rules)


def evaluate(
    record: RecordFacts,
    count: points_rules.PointsCount,
    course_on: dt.date | None,
    course_pending: bool,
    today: dt.date,
    rules: Rules,
) -> Eligibility:
    """Each renewal requirement, met or not, with its facts and where to fix it.

    `course_on` is the first day in the period the mandatory course was attended
    (approved), if any; `course_pending` whether a course claim awaits review.
    """
    end = record.valid_until
    opens = months_before(end, rules.window_months) if end else None
    closes = end + dt.timedelta(days=rules.grace_days) if end else None
    window_open = bool(opens and closes and opens <= today <= closes)
    window_open = window_open and record.status != "withdrawn"
    window_facts: dict = {"opens": opens, "closes": closes}
    if record.status == "withdrawn":
        window_facts["state"] = "withdrawn"
    elif closes and today > closes:
        window_facts["state"] = "passed"
    elif opens and today < opens:
        window_facts["state"] = "not_yet"
    else:
        window_facts["state"] = "open" if window_open else "unknown"
    requirements = (
        Requirement(
            "course",
            course_on is not None,
            {"attended_on": course_on, "pending": course_pending},
            "/mypage/points",
        ),
        Requirement("newsletter", record.newsletter, {}, "/mypage/record"),
        Requirement(
            "points",
            count.counted >= rules.points_required,
            {
                "counted": count.counted,
                "required": rules.points_required,
                "missing": max(0, rules.points_required - count.counted),
                "pending": count.pending,
            },
            "/mypage/points",
        ),
        Requirement("window", window_open, window_facts, "/mypage/renewal"),
    )
    return Eligibility(requirements=requirements, window_opens=opens, window_closes=closes)
