"""A rule version in plain words, in the reader's language: what `/admin/rules`, the
registrant's renewal page and `portal rules show` say a version asks.

Guarantee: every rule the version holds (total, course, minimums and maximums per
category, standing conditions, window, grace, validity, carry-over, registrant-category
overrides) is one sentence, in that order, and a rule the version does not use is not
mentioned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from portal.domain.rules.rule_set import NEWSLETTER, RuleSet
from portal.i18n import format_date, translate


def title(effective_from: dt.date | None, earliest: bool, lang: str) -> str:
    """ "Rules for periods from 1 April 2027"; the first version, which also governs every
    period that started before its date, says so instead."""
    if earliest or effective_from is None:
        return translate("rules.from_start", lang)
    return translate("rules.from", lang, date=format_date(effective_from, lang))


def sentences(
    version: RuleSet,
    categories: Mapping[str, str],
    kinds: Mapping[str, str],
    lang: str,
) -> list[str]:
    """The version's rules, one sentence each (`categories`: points categories' names,
    `kinds`: registrant categories' names, both in `lang`)."""

    def name(code: str) -> str:
        return categories.get(code, code)

    said = [translate("rules.say_points", lang, points=version.points_required)]
    said += [
        translate("rules.say_minimum", lang, points=x.minimum, category=name(x.category))
        for x in version.limits
        if x.minimum
    ]
    said += [
        translate("rules.say_maximum", lang, points=x.maximum, category=name(x.category))
        for x in version.limits
        if x.maximum is not None
    ]
    if version.mandatory_category:
        said.append(
            translate(
                "rules.say_course",
                lang,
                count=version.mandatory_count,
                category=name(version.mandatory_category),
            )
        )
    if NEWSLETTER in version.conditions:
        said.append(translate("rules.say_newsletter", lang))
    said.append(translate("rules.say_window", lang, count=version.window_months))
    if version.grace_days:
        said.append(translate("rules.say_grace", lang, count=version.grace_days))
    else:
        said.append(translate("rules.say_no_grace", lang))
    said.append(translate("rules.say_validity", lang, count=version.validity_years))
    if version.carry_over.max_points:
        said.append(
            translate(
                "rules.say_carry_over",
                lang,
                points=version.carry_over.max_points,
                months=version.carry_over.last_months,
            )
        )
    said += [
        translate("rules.say_override", lang, points=points, category=kinds.get(code, code))
        for code, points in version.overrides
    ]
    return said
