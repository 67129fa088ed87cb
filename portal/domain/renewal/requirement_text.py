"""Renewal requirements as sentences in the reader's language, for pages and e-mails alike.

Guarantee: the dashboard, the renewal page, the staff view and the reminder
mails all describe a requirement with the same words, from the facts the
eligibility function (or an application's stored snapshot) gives.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal.domain.core import paths
from portal.domain.renewal.eligibility import Eligibility
from portal.i18n import format_date, translate

_FIX = {
    "course": ("req.fix_course", paths.MY_POINTS),
    "newsletter": ("req.fix_newsletter", paths.MY_RECORD),
    "points": ("req.fix_points", paths.MY_POINTS),
    "window": ("", ""),
}


@dataclass(frozen=True)
class RequirementText:
    code: str
    met: bool
    title: str
    fact: str
    fix_label: str  # empty when there is nothing the registrant can do
    fix_href: str


def _date(value: object, lang: str) -> str:
    if isinstance(value, str) and value:
        value = dt.date.fromisoformat(value)
    return format_date(value, lang) if isinstance(value, dt.date) else ""


def _fact(code: str, met: bool, facts: dict, lang: str) -> str:
    if code == "course":
        if met:
            return translate("req.course_on", lang, date=_date(facts.get("attended_on"), lang))
        return translate("req.course_pending" if facts.get("pending") else "req.course_none", lang)
    if code == "newsletter":
        return translate("req.newsletter_yes" if met else "req.newsletter_no", lang)
    if code == "points":
        key = "req.points_fact_pending" if facts.get("pending") else "req.points_fact"
        return translate(
            key,
            lang,
            counted=facts.get("counted", 0),
            required=facts.get("required", 0),
            missing=facts.get("missing", 0),
            pending=facts.get("pending", 0),
        )
    state = facts.get("state", "unknown")
    return translate(
        f"req.window_{state}",
        lang,
        opens=_date(facts.get("opens"), lang),
        closes=_date(facts.get("closes"), lang),
    )


def describe(code: str, met: bool, facts: dict, required: int, lang: str) -> RequirementText:
    """One requirement as a title, a fact line and (when not met) what to do."""
    fix_key, href = _FIX.get(code, ("", ""))
    return RequirementText(
        code=code,
        met=met,
        title=translate(f"req.{code}", lang, required=required),
        fact=_fact(code, met, facts, lang),
        fix_label=translate(fix_key, lang) if fix_key and not met else "",
        fix_href=href if fix_key and not met else "",
    )


def for_eligibility(result: Eligibility, lang: str) -> list[RequirementText]:
    """Every requirement of an eligibility, in order."""
    required = int(result.requirement("points").facts.get("required", 0))
    return [describe(r.code, r.met, r.facts, required, lang) for r in result.requirements]


def for_snapshot(snapshot: dict, lang: str) -> list[RequirementText]:
    """Every requirement of an application's stored snapshot, in order."""
    items = snapshot.get("requirements", [])
    required = next(
        (int(i["facts"].get("required", 0)) for i in items if i.get("code") == "points"), 0
    )
    return [
        describe(i.get("code", ""), bool(i.get("met")), i.get("facts", {}), required, lang)
        for i in items
    ]


def missing_lines(result: Eligibility, lang: str) -> list[str]:
    """What is still missing, one line each ("✗ title — fact"), for a reminder mail."""
    return [f"✗ {r.title} — {r.fact}" for r in for_eligibility(result, lang) if not r.met]
