"""One version of the renewal rules, and the rules one registrant's period is held to.

Guarantees:
- `parse()` accepts exactly the documents `to_document()` writes (and the TOML files
  `portal rules import` reads); every wrong value is a FieldErrors entry named by its
  path in the document (`categories.seminar.minimum`), nothing is half-read.
- `Rules` (one registrant's) is immutable and hashable, so evaluations may cache on it.
- `RuleBook.for_period()` picks, for a validity period, the published version with the
  latest effective date on or before the period's first day; a period with no first day,
  or one starting before every version, is held to the earliest. A period therefore keeps
  its version however many newer ones follow. The registrant category's override, if the
  version has one, replaces the points required.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from portal.domain.core.errors import FieldErrors

NEWSLETTER = "newsletter"
CONDITIONS = (NEWSLETTER,)  # the standing conditions a version may ask for
MAX_POINTS = 1000
MAX_MONTHS = 36
MAX_GRACE_DAYS = 365
MAX_YEARS = 10


@dataclass(frozen=True)
class CategoryLimit:
    """At least `minimum` and at most `maximum` (None: no limit) counted from one category."""

    category: str
    minimum: int = 0
    maximum: int | None = None


@dataclass(frozen=True)
class CarryOver:
    """At most `max_points` earned in the last `last_months` of a period beyond what the
    period needed carry into the next one (0 points: no carry-over)."""

    max_points: int = 0
    last_months: int = 12


@dataclass(frozen=True)
class RuleSet:
    """One version: what every period starting on or after `effective_from` is held to."""

    effective_from: dt.date
    points_required: int
    mandatory_category: str = ""  # "" : no mandatory course
    mandatory_count: int = 1
    conditions: tuple[str, ...] = (NEWSLETTER,)
    window_months: int = 6
    grace_days: int = 0
    validity_years: int = 3
    carry_over: CarryOver = CarryOver()
    limits: tuple[CategoryLimit, ...] = ()
    overrides: tuple[tuple[str, int], ...] = ()  # (registrant category, points required)
    id: int | None = None
    published: bool = False

    def limit(self, category: str) -> CategoryLimit:
        return next((x for x in self.limits if x.category == category), CategoryLimit(category))


@dataclass(frozen=True)
class Minimum:
    category: str
    points: int
    name_en: str = ""
    name_ja: str = ""


@dataclass(frozen=True)
class Rules:
    """What one registrant's validity period is held to (a version, resolved for their
    registrant category)."""

    points_required: int = 5
    window_months: int = 6
    grace_days: int = 0
    mandatory_category: str = "mandatory_course"
    mandatory_count: int = 1
    conditions: tuple[str, ...] = (NEWSLETTER,)
    validity_years: int = 3
    caps: tuple[tuple[str, int], ...] = ()
    minimums: tuple[Minimum, ...] = ()
    carry_over: CarryOver = CarryOver()
    rule_set_id: int | None = None
    effective_from: dt.date | None = None
    earliest: bool = False  # the first version: it also governs periods before its date
    cap_by_category: Mapping[str, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cap_by_category", dict(self.caps))

    @property
    def asked(self) -> tuple:
        """What a registrant held to these rules is asked to do: equal for two rules
        exactly when they set the same renewal requirements (not validity or carry-over)."""
        return (
            self.points_required,
            self.window_months,
            self.grace_days,
            self.mandatory_category,
            self.mandatory_count,
            self.conditions,
            self.caps,
            self.minimums,
        )

    def needs_points(self) -> bool:
        """Whether anything about claims is required (points, a course or a minimum)."""
        return bool(self.points_required > 0 or self.mandatory_category or self.minimums)


@dataclass(frozen=True)
class RuleBook:
    """Every published version, earliest first."""

    versions: tuple[RuleSet, ...]
    names: Mapping[str, tuple[str, str]] = field(default_factory=dict, compare=False)
    _resolved: dict = field(default_factory=dict, compare=False, repr=False)

    def version_for(self, start: dt.date | None) -> RuleSet:
        """The version a period starting on `start` is held to."""
        chosen = self.versions[0]
        if start is not None:
            for version in self.versions:
                if version.effective_from <= start:
                    chosen = version
        return chosen

    def in_force(self, on: dt.date) -> RuleSet:
        """The version a period starting on `on` would be held to."""
        return self.version_for(on)

    def for_period(self, start: dt.date | None, registrant_category: str) -> Rules:
        """The rules of a period starting on `start` for a registrant of that category."""
        version = self.version_for(start)
        key = (version.effective_from, registrant_category)
        if key not in self._resolved:
            earliest = version is self.versions[0]
            self._resolved[key] = resolve(version, registrant_category, self.names, earliest)
        return self._resolved[key]

    def bounds(self) -> list[tuple[RuleSet, dt.date | None, dt.date | None]]:
        """Each version with the first period start it governs (None: any earlier) and
        the first it does not (None: no later version)."""
        out = []
        for index, version in enumerate(self.versions):
            low = None if index == 0 else version.effective_from
            high = (
                self.versions[index + 1].effective_from if index + 1 < len(self.versions) else None
            )
            out.append((version, low, high))
        return out


def resolve(
    version: RuleSet,
    registrant_category: str,
    names: Mapping[str, tuple[str, str]] | None = None,
    earliest: bool = False,
) -> Rules:
    """`version` as the rules of one registrant category (`names`: each points category's
    English and Japanese name, for the minimums' wording; `earliest`: it is the first
    version)."""
    required = dict(version.overrides).get(registrant_category, version.points_required)
    by_code = names or {}
    return Rules(
        points_required=required,
        window_months=version.window_months,
        grace_days=version.grace_days,
        mandatory_category=version.mandatory_category,
        mandatory_count=version.mandatory_count,
        conditions=version.conditions,
        validity_years=version.validity_years,
        caps=tuple((x.category, x.maximum) for x in version.limits if x.maximum is not None),
        minimums=tuple(
            Minimum(x.category, x.minimum, *by_code.get(x.category, (x.category, x.category)))
            for x in version.limits
            if x.minimum > 0
        ),
        carry_over=version.carry_over,
        rule_set_id=version.id,
        effective_from=version.effective_from,
        earliest=earliest,
    )


def to_document(version: RuleSet) -> dict:
    """The version as JSON- and TOML-safe values (what `parse()` reads back)."""
    document: dict = {
        "effective_from": version.effective_from.isoformat(),
        "points_required": version.points_required,
        "mandatory_category": version.mandatory_category,
        "mandatory_count": version.mandatory_count,
        "conditions": list(version.conditions),
        "window_months": version.window_months,
        "grace_days": version.grace_days,
        "validity_years": version.validity_years,
        "carry_over": {
            "max_points": version.carry_over.max_points,
            "last_months": version.carry_over.last_months,
        },
        "categories": {},
        "registrant_categories": {
            code: {"points_required": points} for code, points in version.overrides
        },
    }
    for limit in version.limits:
        entry: dict = {}
        if limit.minimum:
            entry["minimum"] = limit.minimum
        if limit.maximum is not None:
            entry["maximum"] = limit.maximum
        document["categories"][limit.category] = entry
    return document


class _Reader:
    """Reads a document's values, collecting one message per wrong field."""

    def __init__(self, document: Mapping) -> None:
        self.document = document
        self.errors: dict[str, tuple[str, dict]] = {}

    def fail(self, path: str, key: str, **params: object) -> None:
        self.errors.setdefault(path, (key, params))

    def number(self, path: str, low: int, high: int, default: int | None = None) -> int:
        value = _at(self.document, path, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.fail(path, "rules.number_between", low=low, high=high)
            return low
        return value

    def optional_number(self, path: str, low: int, high: int) -> int | None:
        """The number at `path`, None when absent (or wrong: then a message is kept)."""
        if _at(self.document, path, None) is None:
            return None
        value = self.number(path, low, high)
        return None if path in self.errors else value

    def date(self, path: str) -> dt.date:
        value = _at(self.document, path, None)
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            self.fail(path, "rules.date_needed")
            return dt.date.min
        return value

    def table(self, path: str) -> Mapping:
        value = _at(self.document, path, {})
        if not isinstance(value, Mapping):
            self.fail(path, "rules.table_needed")
            return {}
        return value


def _at(document: Mapping, path: str, default: object) -> object:
    value: object = document
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return default
        value = value[part]
    return value


def parse(
    document: Mapping,
    categories: Iterable[str] | None = None,
    registrant_categories: Iterable[str] | None = None,
) -> RuleSet:
    """A version from its document; FieldErrors naming each wrong field (by its path) when
    a value is missing or out of range, or names a category not in `categories` or
    `registrant_categories` (None: a stored version, whose names were checked on saving)."""

    def known(code: str) -> bool:
        return categories is None or code in set(categories)

    def known_registrant(code: str) -> bool:
        return registrant_categories is None or code in set(registrant_categories)

    read = _Reader(document)
    effective = read.date("effective_from")
    required = read.number("points_required", 0, MAX_POINTS)
    mandatory = _at(document, "mandatory_category", "")
    if not isinstance(mandatory, str) or (mandatory and not known(mandatory)):
        read.fail("mandatory_category", "rules.unknown_category", code=str(mandatory))
        mandatory = ""
    count = read.number("mandatory_count", 1, 10, default=1)
    conditions = _at(document, "conditions", [NEWSLETTER])
    if not isinstance(conditions, list) or any(c not in CONDITIONS for c in conditions):
        read.fail("conditions", "rules.unknown_condition", known=", ".join(CONDITIONS))
        conditions = []
    window = read.number("window_months", 1, MAX_MONTHS, default=6)
    grace = read.number("grace_days", 0, MAX_GRACE_DAYS, default=0)
    years = read.number("validity_years", 1, MAX_YEARS, default=3)
    carry = CarryOver(
        read.number("carry_over.max_points", 0, MAX_POINTS, default=0),
        read.number("carry_over.last_months", 1, MAX_MONTHS, default=12),
    )
    limits = []
    for code, entry in sorted(read.table("categories").items()):
        path = f"categories.{code}"
        if not known(code):
            read.fail(path, "rules.unknown_category", code=code)
            continue
        if not isinstance(entry, Mapping):
            read.fail(path, "rules.table_needed")
            continue
        minimum = read.number(f"{path}.minimum", 0, MAX_POINTS, default=0)
        maximum = read.optional_number(f"{path}.maximum", 0, MAX_POINTS)
        if maximum is not None and minimum > maximum:
            read.fail(f"{path}.minimum", "rules.minimum_above_maximum", maximum=maximum)
        if minimum or maximum is not None:
            limits.append(CategoryLimit(code, minimum, maximum))
    overrides = []
    for code, entry in sorted(read.table("registrant_categories").items()):
        path = f"registrant_categories.{code}"
        if not known_registrant(code):
            read.fail(path, "rules.unknown_registrant_category", code=code)
            continue
        if not isinstance(entry, Mapping):
            read.fail(path, "rules.table_needed")
            continue
        overrides.append((code, read.number(f"{path}.points_required", 0, MAX_POINTS)))
    if read.errors:
        raise FieldErrors(read.errors)
    return RuleSet(
        effective_from=effective,
        points_required=required,
        mandatory_category=mandatory,
        mandatory_count=count,
        conditions=tuple(dict.fromkeys(conditions)),
        window_months=window,
        grace_days=grace,
        validity_years=years,
        carry_over=carry,
        limits=tuple(limits),
        overrides=tuple(overrides),
    )
