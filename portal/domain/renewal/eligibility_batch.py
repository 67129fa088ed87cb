"""Eligibility for every registrant at once, from SQL aggregates (no query per person).

Guarantee: `for_all()` returns, for each registry record, exactly what
`eligibility.evaluate_claims()` returns for that record's claims — the same
counting (`points_rules.capped` per category, only approved claims inside the
period) and the same requirements (`eligibility.evaluate`) — from three grouped
reads (approved claims, claims awaiting review, records), whatever the number of
registrants. `gather()` reads, `evaluate_all()` judges what was read, so the impact
preview judges one read under two rule books.

Each record is held to its own period's rules (`RuleBook.for_period`: the version its
period started under, resolved for its registrant category).

`requirement_not_met()` is the same rule as a SQL condition on a registry record: true
exactly when `for_all()` finds a requirement other than the window not met, so a segment
of registrants can be counted and listed in one statement (one branch per version and
registrant-category override).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from sqlalchemy import and_, case, false, literal, or_, true, union_all
from sqlmodel import col, func, select

from portal.domain.core import bulk, gc_pause
from portal.domain.core.db import transaction
from portal.domain.points import points_rules
from portal.domain.points.carried import Carried
from portal.domain.points.tables import ActivityCategory, CarriedPoints, Claim
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import eligibility
from portal.domain.rules.rule_set import NEWSLETTER, RuleBook, Rules


def _inside_period():
    return and_(
        or_(
            col(RegistryRecord.valid_from).is_(None),
            Claim.activity_date >= RegistryRecord.valid_from,
        ),
        or_(
            col(RegistryRecord.valid_until).is_(None),
            Claim.activity_date <= RegistryRecord.valid_until,
        ),
    )


Ending = tuple[dt.date, dt.date] | None  # only records whose validity ends in [low, high]


def _ending(ending: Ending):
    if ending is None:
        return true()
    return col(RegistryRecord.valid_until).between(*ending)


def _approved_by_record_and_category(record_ids: list[int] | None, ending: Ending = None):
    """Per (record, category): approved points and claims inside the period, the first day."""
    statement = (
        select(
            Claim.record_id,
            Claim.category_id,
            func.sum(func.coalesce(Claim.points_granted, 0)),
            func.count(),
            func.min(Claim.activity_date),
        )
        .join(RegistryRecord, col(RegistryRecord.id) == Claim.record_id)
        .where(Claim.status == points_rules.APPROVED, _inside_period(), _ending(ending))
        .group_by(Claim.record_id, Claim.category_id)
    )
    if record_ids is not None:
        statement = statement.where(col(Claim.record_id).in_(record_ids))
    return statement


def _pending_by_record_and_category(record_ids: list[int] | None, ending: Ending = None):
    """Per (record, category): points asked by the claims awaiting review."""
    statement = (
        select(Claim.record_id, Claim.category_id, func.sum(Claim.points_requested))
        .where(col(Claim.status).in_(points_rules.PENDING))
        .group_by(Claim.record_id, Claim.category_id)
    )
    if ending is not None:
        statement = statement.join(RegistryRecord, col(RegistryRecord.id) == Claim.record_id).where(
            _ending(ending)
        )
    if record_ids is not None:
        statement = statement.where(col(Claim.record_id).in_(record_ids))
    return statement


def _carried(record_ids: list[int] | None, ending: Ending = None):
    """Per record: the points carried into its current period, and where from."""
    statement = (
        select(CarriedPoints.record_id, CarriedPoints.points, CarriedPoints.from_until)
        .join(RegistryRecord, col(RegistryRecord.id) == CarriedPoints.record_id)
        .where(CarriedPoints.into_start == RegistryRecord.valid_from, CarriedPoints.points > 0)
        .where(_ending(ending))
    )
    if record_ids is not None:
        statement = statement.where(col(CarriedPoints.record_id).in_(record_ids))
    return statement


@functools.lru_cache(maxsize=65536)
def _from_text(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _day(value) -> dt.date | None:
    """A date as the driver gives it (SQLite: ISO text; a period holds few distinct days,
    so each is parsed once)."""
    return _from_text(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Gathered:
    """What evaluating needs of every record (or the chosen ones), read in one transaction."""

    records: list  # (id, valid_from, valid_until, status, newsletter, category)
    sums: dict[int, dict[str, eligibility.CategorySum]]
    pending: dict[int, int]
    waiting_by: dict[int, set[str]]  # record id -> categories with a claim awaiting review
    carried: dict[int, Carried]  # record id -> points carried into its current period


def gather(record_ids: list[int] | None = None) -> Gathered:
    """Every record's facts, claim sums and carried points (only `record_ids`' when given),
    in one transaction."""
    with transaction() as db:
        return read(db.connection(), record_ids)


def records(connection, record_ids: list[int] | None = None, ending: Ending = None) -> list:
    """The records' facts as (id, valid_from, valid_until, status, newsletter, category),
    of `record_ids` or those whose validity ends within `ending` (all when neither)."""
    return [
        (record_id, _day(start), _day(end), status, bool(newsletter), category)
        for record_id, start, end, status, newsletter, category in bulk.read_rows(
            connection,
            select(
                RegistryRecord.id,
                RegistryRecord.valid_from,
                RegistryRecord.valid_until,
                RegistryRecord.status,
                RegistryRecord.newsletter,
                RegistryRecord.category,
            ).where(
                col(RegistryRecord.id).in_(record_ids) if record_ids is not None else true(),
                _ending(ending),
            ),
        )
    ]


def read(connection, record_ids: list[int] | None = None, ending: Ending = None) -> Gathered:
    """`gather()` inside the caller's transaction, of the records `record_ids` or those
    whose validity ends within `ending` (every record when neither): grouped reads
    straight from the driver (no result-row objects for 10⁵–10⁶ rows)."""
    with gc_pause.paused():
        codes = dict(connection.execute(select(ActivityCategory.id, ActivityCategory.code)).all())
        sums: dict[int, dict[str, eligibility.CategorySum]] = {}
        for record_id, category_id, points, claims, first in bulk.read_rows(
            connection, _approved_by_record_and_category(record_ids, ending)
        ):
            sums.setdefault(record_id, {})[codes[category_id]] = eligibility.CategorySum(
                int(points), int(claims), _day(first)
            )
        pending: dict[int, int] = {}
        waiting_by: dict[int, set[str]] = {}
        for record_id, category_id, asked in bulk.read_rows(
            connection, _pending_by_record_and_category(record_ids, ending)
        ):
            pending[record_id] = pending.get(record_id, 0) + int(asked or 0)
            waiting_by.setdefault(record_id, set()).add(codes[category_id])
        chosen = records(connection, record_ids, ending)
        carried = {
            record_id: Carried(int(points), _day(until))
            for record_id, points, until in bulk.read_rows(connection, _carried(record_ids, ending))
        }
    return Gathered(chosen, sums, pending, waiting_by, carried)


def evaluate_all(
    gathered: Gathered, today: dt.date, book: RuleBook
) -> dict[int, eligibility.Eligibility]:
    """Each gathered record's eligibility on `today` under its own period's rules in `book`."""
    return evaluate_under(gathered, today, (book,))[0]


def evaluate_under(
    gathered: Gathered, today: dt.date, books: tuple[RuleBook, ...]
) -> tuple[dict[int, eligibility.Eligibility], ...]:
    """`evaluate_all()` under each of `books`, in one pass over the gathered records."""
    nothing: dict[str, eligibility.CategorySum] = {}
    results: tuple[dict[int, eligibility.Eligibility], ...] = tuple({} for _ in books)
    sums, pending, waiting_by = gathered.sums, gathered.pending, gathered.waiting_by
    carried = gathered.carried
    evaluate, facts = eligibility.evaluate, eligibility.RecordFacts
    pairs = tuple(zip(books, results, strict=True))
    with gc_pause.paused():
        for record_id, valid_from, valid_until, status, newsletter, category in gathered.records:
            record = facts(valid_from, valid_until, status, newsletter)
            held, asked = sums.get(record_id, nothing), pending.get(record_id, 0)
            waiting, brought = waiting_by.get(record_id, ()), carried.get(record_id)
            for book, found in pairs:
                rules = book.for_period(valid_from, category)
                found[record_id] = evaluate(
                    record,
                    held,
                    asked,
                    rules.mandatory_category in waiting,
                    today,
                    rules,
                    brought,
                )
    return results


def for_all(
    today: dt.date, book: RuleBook, record_ids: list[int] | None = None
) -> dict[int, eligibility.Eligibility]:
    """Each record's eligibility on `today` under its own period's rules, by record id
    (only `record_ids`' when given)."""
    return evaluate_all(gather(record_ids), today, book)


def requirement_not_met(book: RuleBook, record_id: int | None = None):
    """A condition on `RegistryRecord`: a requirement other than the window not met under
    the record's own period's rules (exactly `for_all()`'s answer, the window aside). With
    `record_id` it reads only that record's claims and holds only for that record."""
    branches = []
    for version, low, high in book.bounds():
        period = and_(
            true() if low is None else col(RegistryRecord.valid_from) >= low,
            true()
            if high is None
            else or_(
                col(RegistryRecord.valid_from).is_(None) if low is None else false(),
                col(RegistryRecord.valid_from) < high,
            ),
        )
        overridden = [code for code, _ in version.overrides]
        for category in [*overridden, None]:
            rules = book.for_period(version.effective_from, category or "")
            who = (
                RegistryRecord.category == category
                if category is not None
                else ~col(RegistryRecord.category).in_(overridden)
            )
            branches.append(and_(period, who, _not_met(rules, record_id)))
    return or_(*branches)


def _not_met(rules: Rules, record_id: int | None):
    """Under `rules`: the newsletter (when asked) or the claims' requirements not met."""
    reasons = []
    if NEWSLETTER in rules.conditions:
        reasons.append(RegistryRecord.newsletter == false())
    if rules.needs_points():
        reasons.append(~col(RegistryRecord.id).in_(_meeting(rules, record_id)))
    return or_(false(), *reasons)


def _meeting(rules: Rules, record_id: int | None):
    """The records whose approved claims in the period (and points carried into it) meet
    the course, the points and every category minimum of `rules`."""
    code = ActivityCategory.code
    claimed = (  # per record and category: approved points and claims inside the period
        select(
            Claim.record_id.label("record_id"),
            code.label("code"),
            func.sum(func.coalesce(Claim.points_granted, 0)).label("points"),
            func.count().label("claims"),
        )
        .join(RegistryRecord, col(RegistryRecord.id) == Claim.record_id)
        .join(ActivityCategory, col(ActivityCategory.id) == Claim.category_id)
        .where(Claim.status == points_rules.APPROVED, _inside_period())
        .where(Claim.record_id == record_id if record_id is not None else true())
        .group_by(Claim.record_id, code)
    )
    brought = (  # the points carried into the period, as a category of no code
        select(
            CarriedPoints.record_id,
            literal(""),
            CarriedPoints.points,
            literal(0),
        )
        .join(RegistryRecord, col(RegistryRecord.id) == CarriedPoints.record_id)
        .where(CarriedPoints.into_start == RegistryRecord.valid_from)
        .where(CarriedPoints.record_id == record_id if record_id is not None else true())
    )
    earned = union_all(claimed, brought).subquery()
    capped = (
        case(
            *[
                (
                    earned.c.code == category,
                    case((earned.c.points > cap, cap), else_=earned.c.points),
                )
                for category, cap in rules.caps
            ],
            else_=earned.c.points,
        )
        if rules.caps
        else earned.c.points
    )
    having = [func.sum(capped) >= rules.points_required]
    if rules.mandatory_category:
        attended = case((earned.c.code == rules.mandatory_category, earned.c.claims), else_=0)
        having.append(func.sum(attended) >= rules.mandatory_count)
    for minimum in rules.minimums:
        inside = case((earned.c.code == minimum.category, capped), else_=0)
        having.append(func.sum(inside) >= minimum.points)
    return select(earned.c.record_id).group_by(earned.c.record_id).having(*having)
