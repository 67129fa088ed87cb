"""Mail topics: the kinds of mail a registrant chooses to receive, and each record's choices.

Two topics every portal has are record columns: the newsletter (`newsletter`, a renewal
requirement) and the association's news (`other_notices`). Admins add others
(`MailTopic`); a record's choice of an added topic is a `TopicChoice` row, and without a
row the topic's `default_on` holds.

Guarantee: a choice is read and written only through `current()` / `store()`, so the
record's columns, the choice rows and the defaults agree everywhere (record page,
preferences page, segments).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal.domain.core.db import transaction
from portal.domain.registry.tables import MailTopic, RegistryRecord, TopicChoice
from portal.i18n import translate

# Topic code → the record column holding every registrant's choice.
BUILT_IN = {"newsletter": "newsletter", "news": "other_notices"}
FIELD_PREFIX = "topic:"  # a record edit's field name for an added topic: "topic:events"
CODE = re.compile(r"^[a-z][a-z0-9_]{1,23}$")


@dataclass(frozen=True)
class Topic:
    """A topic as people read it, in both languages."""

    code: str
    name_en: str
    name_ja: str
    description_en: str
    description_ja: str
    default_on: bool
    built_in: bool

    def name(self, lang: str) -> str:
        return self.name_ja if lang == "ja" else self.name_en

    def description(self, lang: str) -> str:
        return self.description_ja if lang == "ja" else self.description_en

    @property
    def field(self) -> str:
        """The name of this topic's field in a record edit."""
        return BUILT_IN.get(self.code) or FIELD_PREFIX + self.code


def _built_in(code: str) -> Topic:
    return Topic(
        code=code,
        name_en=translate(f"topic.{code}", "en"),
        name_ja=translate(f"topic.{code}", "ja"),
        description_en=translate(f"topic.{code}_description", "en"),
        description_ja=translate(f"topic.{code}_description", "ja"),
        default_on=False,
        built_in=True,
    )


def all_topics(db: Session) -> list[Topic]:
    """Every topic: the two built in, then the added ones in their order."""
    added = db.exec(select(MailTopic).order_by(col(MailTopic.position), col(MailTopic.id))).all()
    return [_built_in(code) for code in BUILT_IN] + [
        Topic(
            code=t.code,
            name_en=t.name_en,
            name_ja=t.name_ja,
            description_en=t.description_en,
            description_ja=t.description_ja,
            default_on=t.default_on,
            built_in=False,
        )
        for t in added
    ]


def field_topic(db: Session, field: str) -> MailTopic | None:
    """The added topic behind a record-edit field name ("topic:events"), if it exists."""
    if not field.startswith(FIELD_PREFIX):
        return None
    return db.exec(
        select(MailTopic).where(MailTopic.code == field.removeprefix(FIELD_PREFIX))
    ).first()


def current(db: Session, record: RegistryRecord) -> dict[str, bool]:
    """The record's choice for every topic, by topic field name."""
    chosen = dict(
        db.exec(
            select(MailTopic.code, TopicChoice.subscribed)
            .join(TopicChoice, col(TopicChoice.topic_id) == MailTopic.id)
            .where(TopicChoice.record_id == record.id)
        ).all()
    )
    values: dict[str, bool] = {}
    for topic in all_topics(db):
        if topic.built_in:
            values[topic.field] = bool(getattr(record, topic.field))
        else:
            values[topic.field] = chosen.get(topic.code, topic.default_on)
    return values


def store(db: Session, record: RegistryRecord, field: str, subscribed: bool) -> None:
    """Write one choice (a built-in topic's column, or an added topic's row)."""
    if field in BUILT_IN.values():
        setattr(record, field, subscribed)
        return
    topic = field_topic(db, field)
    if topic is None:
        raise ValueError(field)
    row = db.exec(
        select(TopicChoice).where(
            TopicChoice.record_id == record.id, TopicChoice.topic_id == topic.id
        )
    ).first()
    if row is None:
        db.add(TopicChoice(record_id=record.id, topic_id=topic.id, subscribed=subscribed))
    else:
        row.subscribed = subscribed


def listing() -> list[Topic]:
    """Every topic (a read of its own)."""
    with transaction() as db:
        return all_topics(db)
