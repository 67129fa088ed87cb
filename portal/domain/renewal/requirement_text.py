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
from portal.domain.rules import wording
from portal.i18n import format_date, translate

_FIX = {
    "course": ("req.fix_course", paths.MY_POINTS),
    "newsletter": ("req.fix_newsletter", paths.MY_RECORD),
    "points": ("req.fix_points", paths.MY_POINTS),
    "minimum": ("req.fix_points", paths.MY_POINTS),
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


def _course_fact(met: bool, facts: dict, lang: str) -> str:
    attended, needed = int(facts.get("attended", 0)), int(facts.get("needed", 1))
    if met:
        return translate("req.course_on", lang, date=_date(facts.get("attended_on"), lang))
    if facts.get("pending"):
        return translate("req.course_pending", lang)
    if attended:
        return translate("req.course_some", lang, attended=attended, needed=needed)
    return translate("req.course_none", lang)


def _counted_fact(facts: dict, lang: str) -> str:
    key = "req.points_fact_pending" if facts.get("pending") else "req.points_fact"
    said = translate(
        key,
        lang,
        counted=facts.get("counted", 0),
        required=facts.get("required", 0),
        missing=facts.get("missing", 0),
        pending=facts.get("pending", 0),
    )
    if not facts.get("carried"):
        return said
    brought = translate(
        "req.points_carried",
        lang,
        count=int(facts["carried"]),
        date=_date(facts.get("carried_from"), lang),
    )
    return f"{said} {brought}" if lang != "ja" else f"{said}{brought}"


def _fact(code: str, met: bool, facts: dict, lang: str) -> str:
    if code == "course":
        return _course_fact(met, facts, lang)
    if code == "newsletter":
        return translate("req.newsletter_yes" if met else "req.newsletter_no", lang)
    if code in ("points", "minimum"):
        return _counted_fact(facts, lang)
    state = facts.get("state", "unknown")
    return translate(
        f"req.window_{state}",
        lang,
        opens=_date(facts.get("opens"), lang),
        closes=_date(facts.get("closes"), lang),
    )


def _title(code: str, facts: dict, lang: str) -> str:
    if code == "course" and int(facts.get("needed", 1)) > 1:
        return translate("req.course_times", lang, count=int(facts["needed"]))
    if code == "minimum":
        name = facts.get("name_ja" if lang == "ja" else "name_en") or facts.get("category", "")
        return translate("req.minimum", lang, required=facts.get("required", 0), category=name)
    return translate(f"req.{code}", lang, required=facts.get("required", 0))


def describe(code: str, met: bool, facts: dict, lang: str) -> RequirementText:
    """One requirement as a title, a fact line and (when not met) what to do."""
    fix_key, href = _FIX.get(code, ("", ""))
    return RequirementText(
        code=code,
        met=met,
        title=_title(code, facts, lang),
        fact=_fact(code, met, facts, lang),
        fix_label=translate(fix_key, lang) if fix_key and not met else "",
        fix_href=href if fix_key and not met else "",
    )


def for_eligibility(result: Eligibility, lang: str) -> list[RequirementText]:
    """Every requirement of an eligibility, in order."""
    return [describe(r.code, r.met, dict(r.facts), lang) for r in result.requirements]


def rules_title(result: Eligibility, lang: str, name_the_first: bool = False) -> str:
    """Which rules the requirements are those of ("Rules for periods from 1 April 2027");
    empty for the first version unless `name_the_first` (staff pages): until the rules
    change, registrants have nothing to tell apart."""
    rules = result.rules
    if rules is None or (rules.earliest and not name_the_first):
        return ""
    return wording.title(rules.effective_from, rules.earliest, lang)


def for_snapshot(snapshot: dict, lang: str) -> list[RequirementText]:
    """Every requirement of an application's stored snapshot, in order."""
    return [
        describe(i.get("code", ""), bool(i.get("met")), i.get("facts", {}), lang)
        for i in snapshot.get("requirements", [])
    ]


def missing_lines(result: Eligibility, lang: str) -> list[str]:
    """What is still missing, one line each ("✗ title — fact"), for a reminder mail."""
    return [f"✗ {r.title} — {r.fact}" for r in for_eligibility(result, lang) if not r.met]
