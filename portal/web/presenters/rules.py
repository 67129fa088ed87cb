"""/admin/rules as display strings: each version in plain words, the form's fields and the
document a submitted form makes, the impact preview's lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from portal.domain.renewal.rules_impact import Impact
from portal.domain.rules import wording
from portal.domain.rules.rule_set import NEWSLETTER, RuleSet
from portal.domain.rules.versions import VersionView
from portal.i18n import format_datetime, translate
from portal.web.errors import text_field, ticked

NUMBERS = (
    "points_required",
    "mandatory_count",
    "window_months",
    "grace_days",
    "validity_years",
    "carry_max",
    "carry_months",
)
# A document path of the domain's messages -> the form's input
RENAMED = {"carry_over.max_points": "carry_max", "carry_over.last_months": "carry_months"}


@dataclass(frozen=True)
class RuleCard:
    """One version as the page shows it."""

    id: str
    title: str
    status: str  # in_force | planned | draft | past
    status_text: str
    sentences: list[str] = field(default_factory=list)
    note: str = ""
    published: str = ""  # when, in the reader's time zone
    editable: bool = False  # a draft
    withdrawable: bool = False  # published, its date still ahead


def _status(view: VersionView) -> str:
    if view.status == "draft":
        return "draft"
    if view.in_force:
        return "in_force"
    return "past" if view.locked else "planned"


def cards(
    listing: list[VersionView],
    categories: Mapping[str, str],
    kinds: Mapping[str, str],
    lang: str,
) -> list[RuleCard]:
    """Every version, newest date first, the first published one titled as the first."""
    earliest = min((v.version.effective_from for v in listing if v.version.published), default=None)
    out = []
    for view in listing:
        version, status = view.version, _status(view)
        first = version.published and version.effective_from == earliest
        out.append(
            RuleCard(
                id=str(version.id),
                title=wording.title(version.effective_from, first, lang),
                status=status,
                status_text=translate(f"rules.status_{status}", lang),
                sentences=wording.sentences(version, categories, kinds, lang),
                note=view.note,
                published=format_datetime(view.published_at, lang) if view.published_at else "",
                editable=status == "draft",
                withdrawable=status == "planned",
            )
        )
    return out


def form_values(version: RuleSet) -> dict[str, str]:
    """The form's fields for editing `version` (a new one starts from the one in force,
    without a date)."""
    values = {
        "effective_from": version.effective_from.isoformat() if version.id else "",
        "points_required": str(version.points_required),
        "mandatory_category": version.mandatory_category,
        "mandatory_count": str(version.mandatory_count),
        "newsletter": "on" if NEWSLETTER in version.conditions else "",
        "window_months": str(version.window_months),
        "grace_days": str(version.grace_days),
        "validity_years": str(version.validity_years),
        "carry_max": str(version.carry_over.max_points),
        "carry_months": str(version.carry_over.last_months),
        "note": "",
    }
    for limit in version.limits:
        values[f"min-{limit.category}"] = str(limit.minimum or "")
        values[f"max-{limit.category}"] = "" if limit.maximum is None else str(limit.maximum)
    for code, points in version.overrides:
        values[f"kind-{code}"] = str(points)
    return values


def _number(text: str) -> int | str:
    """A whole number when the text is one (the domain says what is wrong with the rest)."""
    stripped = text.strip()
    return int(stripped) if stripped.isdigit() and len(stripped) < 7 else stripped


def document(
    form: object, category_codes: list[str], kind_codes: list[str]
) -> tuple[dict, dict[str, str], str]:
    """(the version's document, the form's values as typed, the note) from a submitted form."""
    typed = {
        name: text_field(form, name, 20)
        for name in (*NUMBERS, "effective_from", "mandatory_category")
    }
    typed["newsletter"] = "on" if ticked(form, "newsletter") else ""
    doc: dict = {
        "effective_from": typed["effective_from"],
        "mandatory_category": typed["mandatory_category"],
        "conditions": [NEWSLETTER] if typed["newsletter"] else [],
        "carry_over": {
            "max_points": _number(typed["carry_max"] or "0"),
            "last_months": _number(typed["carry_months"] or "12"),
        },
        "categories": {},
        "registrant_categories": {},
    }
    for name in ("points_required", "mandatory_count", "window_months", "grace_days"):
        doc[name] = _number(typed[name])
    doc["validity_years"] = _number(typed["validity_years"])
    for code in category_codes:
        low, high = text_field(form, f"min-{code}", 10), text_field(form, f"max-{code}", 10)
        typed[f"min-{code}"], typed[f"max-{code}"] = low, high
        entry = {}
        if low.strip():
            entry["minimum"] = _number(low)
        if high.strip():
            entry["maximum"] = _number(high)
        if entry:
            doc["categories"][code] = entry
    for code in kind_codes:
        points = text_field(form, f"kind-{code}", 10)
        typed[f"kind-{code}"] = points
        if points.strip():
            doc["registrant_categories"][code] = {"points_required": _number(points)}
    return doc, typed, text_field(form, "note", 500)


def input_name(path: str) -> str:
    """The form input a document path's message belongs under."""
    if path in RENAMED:
        return RENAMED[path]
    parts = path.split(".")
    if parts[0] == "categories" and len(parts) >= 2:
        return f"{'max' if parts[-1] == 'maximum' else 'min'}-{parts[1]}"
    if parts[0] == "registrant_categories" and len(parts) >= 2:
        return f"kind-{parts[1]}"
    return parts[0]


def impact_lines(impact: Impact, lang: str) -> list[str]:
    """What publishing would do, in sentences."""
    return [
        translate("rules.impact_current", lang, count=impact.current_periods),
        translate("rules.impact_next", lang, count=impact.next_periods),
        translate("rules.impact_changed", lang, count=impact.changed, total=impact.registrants),
        translate("rules.impact_lose", lang, count=impact.lose),
        translate("rules.impact_gain", lang, count=impact.gain),
    ]


def people(sample) -> list[str]:
    """A sample of people as "number name"."""
    return [f"{p.number} {p.name}" for p in sample]
