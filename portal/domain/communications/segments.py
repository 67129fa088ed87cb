"""Segments: which registrants an announcement is for, as SQL over the registry.

A segment combines any of: categories, record statuses, validity ending between two days,
"a renewal requirement not met" (the mandatory course, the newsletter or the points, as
`renewal.eligibility` counts them today), and having or not having a portal account.
Every criterion left empty matches everyone.

Guarantees:
- The mail recipients of a segment for a topic are the records that match it, chose to
  receive the topic (the newsletter and news columns, or the topic's choice rows and its
  default) and have an address to write to (the portal account's, else the registry's).
- The notice recipients are the records that match it and have a portal account, whatever
  their mail choices (a notice is read on My page). "A portal account" is an active one: an
  invitation never activated is not an account.
- Counting and listing are single SQL statements; "requirement not met" is
  `renewal.eligibility_batch.requirement_not_met`, the eligibility rule as a condition.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import and_, exists, false, func, literal, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from portal.domain.accounts.tables import Account, AccountStatus
from portal.domain.core import typed_dates
from portal.domain.core.errors import FieldErrors
from portal.domain.registry import mail_topics, registrant_categories
from portal.domain.registry.record_fields import STATUSES
from portal.domain.registry.tables import MailTopic, RegistryRecord, TopicChoice
from portal.domain.renewal import eligibility_batch
from portal.domain.rules import versions

ACCOUNT_CHOICES = ("any", "with", "without")


@dataclass(frozen=True)
class Segment:
    """The criteria of a segment; empty ones match everyone."""

    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    valid_until_from: dt.date | None = None
    valid_until_to: dt.date | None = None
    requirement_not_met: bool = False
    account: str = "any"

    def to_json(self) -> dict:
        values = asdict(self)
        for name in ("valid_until_from", "valid_until_to"):
            values[name] = values[name].isoformat() if values[name] else None
        values["categories"], values["statuses"] = list(self.categories), list(self.statuses)
        return values

    @classmethod
    def from_json(cls, values: dict) -> Segment:
        def day(name: str) -> dt.date | None:
            raw = values.get(name)
            return dt.date.fromisoformat(raw) if raw else None

        return cls(
            categories=tuple(values.get("categories") or ()),
            statuses=tuple(values.get("statuses") or ()),
            valid_until_from=day("valid_until_from"),
            valid_until_to=day("valid_until_to"),
            requirement_not_met=bool(values.get("requirement_not_met")),
            account=values.get("account") or "any",
        )


def parse(db: Session, values: dict) -> Segment:
    """A segment from a form's values; FieldErrors name each criterion that is wrong."""
    errors: dict[str, tuple[str, dict]] = {}
    known = {c.code for c in registrant_categories.all_categories(db)}
    chosen = tuple(c for c in values.get("categories") or () if isinstance(c, str))
    if any(c not in known for c in chosen):
        errors["categories"] = ("record.category_unknown", {})
    statuses = tuple(s for s in values.get("statuses") or () if isinstance(s, str))
    if any(s not in STATUSES for s in statuses):
        errors["statuses"] = ("segment.status_unknown", {})
    days: dict[str, dt.date | None] = {}
    for name in ("valid_until_from", "valid_until_to"):
        raw = values.get(name) or ""
        days[name] = typed_dates.parse(raw) if isinstance(raw, str) and raw.strip() else None
        if isinstance(raw, str) and raw.strip() and days[name] is None:
            errors[name] = ("segment.date_invalid", {})
    start, end = days["valid_until_from"], days["valid_until_to"]
    if start and end and start > end:
        errors["valid_until_to"] = ("import.period", {})
    account = values.get("account") or "any"
    if account not in ACCOUNT_CHOICES:
        errors["account"] = ("segment.account_unknown", {})
    if errors:
        raise FieldErrors(errors)
    return Segment(
        categories=chosen,
        statuses=statuses,
        valid_until_from=start,
        valid_until_to=end,
        requirement_not_met=values.get("requirement_not_met") is True,
        account=account,
    )


def _matching(segment: Segment, record_id: int | None = None) -> list:
    """The segment's conditions on a record; with `record_id`, asked of that record only."""
    conditions = []
    if segment.categories:
        conditions.append(col(RegistryRecord.category).in_(segment.categories))
    if segment.statuses:
        conditions.append(col(RegistryRecord.status).in_(segment.statuses))
    if segment.valid_until_from:
        conditions.append(col(RegistryRecord.valid_until) >= segment.valid_until_from)
    if segment.valid_until_to:
        conditions.append(col(RegistryRecord.valid_until) <= segment.valid_until_to)
    if segment.account == "with":
        conditions.append(_has_account())
    elif segment.account == "without":
        conditions.append(~_has_account())
    if segment.requirement_not_met:
        conditions.append(eligibility_batch.requirement_not_met(versions.book(), record_id))
    return conditions


def _has_account():
    """The record's person has a portal account they can sign in to: an invitation never
    activated (or a closed or disabled account) is not one."""
    account = aliased(Account)  # not the outer query's join, which it would correlate to
    return exists(
        select(account.id).where(
            account.id == RegistryRecord.account_id, account.status == AccountStatus.ACTIVE
        )
    )


def _subscribed(db: Session, topic: str):
    if topic in mail_topics.BUILT_IN:
        return getattr(RegistryRecord, mail_topics.BUILT_IN[topic]) == true()
    found = db.exec(select(MailTopic).where(MailTopic.code == topic)).first()
    if found is None:
        return false()
    choice = select(TopicChoice.id).where(
        TopicChoice.record_id == RegistryRecord.id, TopicChoice.topic_id == found.id
    )
    chosen_on = exists(choice.where(TopicChoice.subscribed == true()))
    return or_(chosen_on, and_(literal(found.default_on), ~exists(choice)))


ADDRESS = func.coalesce(Account.email, RegistryRecord.email)
LANGUAGE = Account.language


def _statement(db: Session, segment: Segment, topic: str | None, columns: tuple):
    """Records of the segment: mail recipients of `topic`, or notice recipients (None)."""
    statement = select(*columns).select_from(RegistryRecord)
    statement = statement.join(Account, col(Account.id) == RegistryRecord.account_id, isouter=True)
    conditions = _matching(segment)
    if topic is None:
        conditions.append(_has_account())
    else:
        conditions += [_subscribed(db, topic), ADDRESS.is_not(None), ADDRESS != ""]
    return statement.where(and_(true(), *conditions))


@dataclass(frozen=True)
class Reach:
    """How many registrants a segment reaches: by mail (for the topic) and by notice."""

    mail: int
    notice: int


def reach(db: Session, segment: Segment, topic: str) -> Reach:
    """The number of mail and notice recipients of `segment` for `topic`."""
    count = (func.count(),)
    return Reach(
        db.exec(_statement(db, segment, topic, count)).one(),
        db.exec(_statement(db, segment, None, count)).one(),
    )


@dataclass(frozen=True)
class Member:
    """One record of a segment, with what deciding its copies needs."""

    record_id: int
    address: str | None
    language: str | None
    name: str
    has_account: bool
    subscribed: bool

    @property
    def gets_mail(self) -> bool:
        return self.subscribed and bool(self.address)


def page(
    db: Session, segment: Segment, topic: str, after: int, size: int
) -> tuple[list[Member], int | None]:
    """The segment's records with ids above `after`, in id order, at most `size` scanned:
    (those that match, the last id scanned — None when there are no more)."""
    statement = (
        select(
            RegistryRecord.id,
            ADDRESS,
            LANGUAGE,
            RegistryRecord.family_name,
            RegistryRecord.given_name,
            _has_account(),
            _subscribed(db, topic),
        )
        .select_from(RegistryRecord)
        .join(Account, col(Account.id) == RegistryRecord.account_id, isouter=True)
        .where(and_(true(), *_matching(segment)))
        .where(col(RegistryRecord.id) > after)
        .order_by(col(RegistryRecord.id))
        .limit(size)
    )
    rows = db.exec(statement).all()
    if not rows:
        return [], None
    found = [Member(r[0], r[1], r[2], f"{r[3]} {r[4]}", bool(r[5]), bool(r[6])) for r in rows]
    return found, rows[-1][0]


def sample(db: Session, segment: Segment, topic: str, limit: int = 10) -> list[Member]:
    """The first few mail recipients (registration order), to check a segment by eye."""
    chosen: list[Member] = []
    after: int | None = 0
    while after is not None and len(chosen) < limit:
        found, after = page(db, segment, topic, after, 500)
        chosen += [m for m in found if m.gets_mail]
    return chosen[:limit]


def includes(db: Session, segment: Segment, record_id: int) -> bool:
    """True when the record is in the segment (whatever its mail choices)."""
    found = db.exec(
        select(RegistryRecord.id)
        .where(RegistryRecord.id == record_id)
        .where(and_(true(), *_matching(segment, record_id)))
    ).first()
    return found is not None
