"""Where a registrant's points stand, in sentences: the points page, the claim review page
and the transcript PDF say it with the same words."""

from __future__ import annotations

from collections.abc import Mapping

from portal.domain.rules.standing import Standing
from portal.i18n import format_date, translate


def pending_review(claims: int, points: int, lang: str) -> str:
    """'Waiting for review: 1 claim for 3 points.' with each number's plural form."""
    return translate(
        "points.pending",
        lang,
        claims=translate("count.claims", lang, count=claims),
        points=translate("count.points", lang, count=points),
    )


def summary(standing: Standing, names: Mapping[str, str], lang: str) -> list[str]:
    """The lines under the counter: the period, earned and counted points, what a cap took
    away per category, the points carried over from the period before, what waits for
    review and what falls outside the period."""
    count = standing.count
    lines = [
        translate(
            "points.period",
            lang,
            start=format_date(standing.valid_from, lang) or "—",
            end=format_date(standing.valid_until, lang) or "—",
        ),
        translate("points.earned_counted", lang, count=count.earned, counted=count.counted),
    ]
    lines += [
        translate(
            "points.capped",
            lang,
            category=names.get(c.category, c.category),
            earned=c.earned,
            cap=c.cap,
            away=c.capped_away,
        )
        for c in count.by_category
        if c.capped_away
    ]
    if standing.carried:
        lines.append(
            translate(
                "points.carried",
                lang,
                count=standing.carried.points,
                date=format_date(standing.carried.from_until, lang),
            )
        )
    if count.pending_claims:
        lines.append(pending_review(count.pending_claims, count.pending, lang))
    if count.outside_period:
        lines.append(translate("points.outside", lang, points=count.outside_period))
    return lines
