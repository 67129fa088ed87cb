"""What a rule version would change, shown before it is published.

Guarantees of `preview()`:
- It reads the registry in one transaction. "Changed" counts the registrants (withdrawn
  ones aside) whose requirement — what their rules ask — would differ if the version
  held their current period. "Could apply today and could not under it" (and the
  reverse) is the batch evaluation (`eligibility_batch`), the same function the
  dashboard uses, run under the rules each is held to now and under the version, for
  every registrant whose window is open today under either (nobody else can apply
  under either: applying needs the window open), so it reads the claims of those
  alone.
- It says how many current periods the version governs as soon as it is published
  (started on or after its date, before any later version's) and how many next periods
  it will govern (a period that would follow the current one then), so nobody
  mid-period is surprised: those started earlier keep their rules.
- The samples name at most `SAMPLE` people each, by registration number.
- Only staff read it; nothing is written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.core import gc_pause
from portal.domain.core.clock import today
from portal.domain.core.db import reading
from portal.domain.core.errors import DomainError
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import eligibility_batch
from portal.domain.rules import versions
from portal.domain.rules.rule_set import RuleBook

SAMPLE = 10


@dataclass(frozen=True)
class Person:
    number: str
    name: str


@dataclass(frozen=True)
class Impact:
    registrants: int  # evaluated: every record not withdrawn
    current_periods: int  # held to the version from its publication
    next_periods: int  # whose following period it will govern
    changed: int  # a requirement differs when the version holds their period
    lose: int  # can apply today, could not under the version
    gain: int  # cannot apply today, could under the version
    lose_sample: tuple[Person, ...]
    gain_sample: tuple[Person, ...]


def _governs(start: dt.date | None, low: dt.date, high: dt.date | None) -> bool:
    return start is not None and start >= low and (high is None or start < high)


def preview(actor: Actor, version_id: int, on: dt.date | None = None) -> Impact:
    """The impact of the version `version_id` (a draft, or published and not yet in force)."""
    permissions.require_staff(actor)
    day = on or today()
    with reading() as db:
        version = versions.stored(db, version_id)
        if version is None:
            raise DomainError("rules.not_a_draft")
        book = versions.book(db)
    later = [v.effective_from for v in book.versions if v.effective_from > version.effective_from]
    high = min(later, default=None)
    others = tuple(v for v in book.versions if v.id != version.id)
    if not others or version.effective_from < day:
        raise DomainError("rules.locked")  # in force already: there is nothing to foresee
    now, under = RuleBook(others, book.names), RuleBook((version,), book.names)
    with gc_pause.paused(), reading() as connection:
        everyone = [r for r in eligibility_batch.records(connection) if r[3] != "withdrawn"]
        ending = _window_ends(day, (*book.versions, version))
        open_now = eligibility_batch.read(connection, ending=ending)
    current = following = changed = 0
    day_after = dt.timedelta(days=1)
    differs: dict[tuple[int, int], bool] = {}
    for _, start, end, _, _, category in everyone:
        current += _governs(start, version.effective_from, high)
        following += _governs(end + day_after if end else None, version.effective_from, high)
        a, b = now.for_period(start, category), under.for_period(start, category)
        key = (id(a), id(b))
        if key not in differs:
            differs[key] = a.asked != b.asked
        changed += differs[key]
    candidates = dataclasses.replace(
        open_now, records=[r for r in open_now.records if r[3] != "withdrawn"]
    )
    before, then = eligibility_batch.evaluate_under(candidates, day, (now, under))
    lose = sorted(i for i in before if before[i].can_apply and not then[i].can_apply)
    gain = sorted(i for i in before if then[i].can_apply and not before[i].can_apply)
    return Impact(
        registrants=len(everyone),
        current_periods=current,
        next_periods=following,
        changed=changed,
        lose=len(lose),
        gain=len(gain),
        lose_sample=_people(lose[:SAMPLE]),
        gain_sample=_people(gain[:SAMPLE]),
    )


def _window_ends(day: dt.date, versions_: tuple) -> tuple[dt.date, dt.date]:
    """The validity ends whose window may be open on `day` under any of the versions (a
    little wider than exact: the evaluation decides)."""
    grace = max(v.grace_days for v in versions_)
    months = max(v.window_months for v in versions_)
    return day - dt.timedelta(days=grace), day + dt.timedelta(days=31 * (months + 1))


def _people(ids: list[int]) -> tuple[Person, ...]:
    if not ids:
        return ()
    with reading() as db:
        rows = db.execute(
            select(
                RegistryRecord.registration_number,
                RegistryRecord.family_name,
                RegistryRecord.given_name,
            )
            .where(col(RegistryRecord.id).in_(ids))
            .order_by(col(RegistryRecord.registration_number))
        ).all()
    return tuple(Person(number, f"{family} {given}".strip()) for number, family, given in rows)
