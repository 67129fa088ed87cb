"""Which points count: one pure function, used by the points page, the dashboard and renewal.

Guarantees of `count()`:
- Only approved claims whose activity date lies inside the validity period
  (both ends included) count; approved points outside it are reported as such.
- A category's cap limits what counts from it; what is capped away is reported
  with the category, so the page can say why counted < earned.
- counted ≤ earned, no category exceeds its cap, and the result does not
  depend on the order of the claims.
- Open claims (submitted, in review, information requested) are reported as
  pending, with their requested points, separately from what counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

APPROVED = "approved"
PENDING = ("submitted", "in_review", "info_requested")


@dataclass(frozen=True)
class ClaimFacts:
    """What counting needs to know of one claim."""

    category: str
    status: str
    activity_date: dt.date
    points_requested: int
    points_granted: int | None


@dataclass(frozen=True)
class CategoryCount:
    category: str
    earned: int  # approved, inside the period
    counted: int
    cap: int | None

    @property
    def capped_away(self) -> int:
        return self.earned - self.counted


@dataclass(frozen=True)
class PointsCount:
    """Where a registrant stands for one validity period."""

    earned: int
    counted: int
    pending: int
    pending_claims: int
    outside_period: int
    by_category: tuple[CategoryCount, ...]

    @property
    def capped_away(self) -> int:
        return self.earned - self.counted


def count(
    claims: Iterable[ClaimFacts],
    valid_from: dt.date | None,
    valid_until: dt.date | None,
    caps: Mapping[str, int | None],
) -> PointsCount:
    """Points earned, counted and pending for the period [valid_from, valid_until]."""
    earned: dict[str, int] = {}
    pending = pending_claims = outside = 0
    for claim in claims:
        if claim.status in PENDING:
            pending += claim.points_requested
            pending_claims += 1
            continue
        if claim.status != APPROVED:
            continue
        points = claim.points_granted or 0
        inside = (valid_from is None or claim.activity_date >= valid_from) and (
            valid_until is None or claim.activity_date <= valid_until
        )
        if not inside:
            outside += points
            continue
        earned[claim.category] = earned.get(claim.category, 0) + points
    return from_sums(earned, caps, pending, pending_claims, outside)


def capped(points: int, cap: int | None) -> int:
    """What counts of `points` earned in one category with that cap (None: no cap)."""
    return points if cap is None else min(points, cap)


def from_sums(
    earned: Mapping[str, int],
    caps: Mapping[str, int | None],
    pending: int = 0,
    pending_claims: int = 0,
    outside_period: int = 0,
) -> PointsCount:
    """The count from approved points per category (already limited to the period): caps applied."""
    by_category = tuple(
        CategoryCount(
            category=category,
            earned=points,
            counted=capped(points, caps.get(category)),
            cap=caps.get(category),
        )
        for category, points in sorted(earned.items())
        if points
    )
    return PointsCount(
        earned=sum(c.earned for c in by_category),
        counted=sum(c.counted for c in by_category),
        pending=pending,
        pending_claims=pending_claims,
        outside_period=outside_period,
        by_category=by_category,
    )
