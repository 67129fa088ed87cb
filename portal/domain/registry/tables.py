"""The registry (ledger, 台帳): one record per certified person."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from portal.domain.core import search_text
from portal.domain.core.clock import now_factory


class RecordStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class RegistryRecord(SQLModel, table=True):
    """A certified person's record; `account_id` links it to their portal account, if any."""

    __tablename__ = "registry_record"
    __table_args__ = (Index("ix_registry_record_kana_id", "family_name_kana", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    registration_number: str = Field(max_length=32, unique=True, index=True)
    family_name: str = Field(max_length=100)
    given_name: str = Field(max_length=100)
    family_name_kana: str = Field(default="", max_length=100)
    given_name_kana: str = Field(default="", max_length=100)
    birth_date: dt.date
    email: str | None = Field(default=None, max_length=254, index=True)
    account_id: int | None = Field(default=None, foreign_key="account.id", unique=True)
    certified_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = Field(default=None, index=True)
    status: str = Field(default=RecordStatus.ACTIVE, max_length=16, index=True)
    newsletter: bool = False  # the mail topic "newsletter" (a renewal requirement)
    other_notices: bool = False  # the mail topic "news"
    category: str = Field(default="general", max_length=32, index=True)  # RegistrantCategory.code
    postal_code: str = Field(default="", max_length=8)
    address: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=20)
    employer: str = Field(default="", max_length=200)
    department: str = Field(default="", max_length=100)
    position: str = Field(default="", max_length=100)
    workplace_address: str = Field(default="", max_length=200)
    workplace_phone: str = Field(default="", max_length=20)
    licence_number: str = Field(default="", max_length=32)
    search_text: str = Field(default="", max_length=1000)
    created_at: dt.datetime = Field(default_factory=now_factory)
    updated_at: dt.datetime = Field(default_factory=now_factory)


class RegistrantCategory(SQLModel, table=True):
    """A kind of registrant admins added (学生, membership classes) beside the built-in
    "general" (一般) every record starts in (`registry.categories`).

    `self_service`: registrants may move themselves between such categories.
    """

    __tablename__ = "registrant_category"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_en: str = Field(max_length=100)
    name_ja: str = Field(max_length=100)
    self_service: bool = False
    position: int = 0


class MailTopic(SQLModel, table=True):
    """A kind of mail admins added beyond the two every portal has (seed 000's mail services).

    The newsletter (a renewal requirement) and the association's news are record columns
    (`registry.mail_topics.BUILT_IN`); a registrant's choice of an added topic is a
    `topic_choice` row, and a missing row means `default_on`.
    """

    __tablename__ = "mail_topic"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_en: str = Field(max_length=100)
    name_ja: str = Field(max_length=100)
    description_en: str = Field(default="", max_length=300)
    description_ja: str = Field(default="", max_length=300)
    default_on: bool = False
    position: int = 0


class TopicChoice(SQLModel, table=True):
    """One registrant's choice for one topic that is not a record column."""

    __tablename__ = "topic_choice"
    __table_args__ = (UniqueConstraint("record_id", "topic_id"),)

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="registry_record.id", index=True)
    topic_id: int = Field(foreign_key="mail_topic.id", index=True)
    subscribed: bool


class RecordChange(SQLModel, table=True):
    """One changed field of a registry record: the statutory change notification."""

    __tablename__ = "record_change"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="registry_record.id", index=True)
    section: str = Field(max_length=16)
    field: str = Field(max_length=32)
    old_value: str = Field(default="", max_length=200)
    new_value: str = Field(default="", max_length=200)
    changed_by: int | None = Field(default=None, foreign_key="account.id")
    by_staff: bool = False
    reason: str = Field(default="", max_length=500)
    changed_at: dt.datetime = Field(default_factory=now_factory, index=True)


@event.listens_for(RegistryRecord, "before_insert")
@event.listens_for(RegistryRecord, "before_update")
def _keep_search_text(_mapper, _connection, record: RegistryRecord) -> None:
    """Every ORM write refreshes the folded search text (bulk UPDATEs must not touch these fields)."""
    record.search_text = search_text.for_record(
        record.registration_number,
        record.family_name,
        record.given_name,
        record.family_name_kana,
        record.given_name_kana,
        record.email,
    )


# Substring search over `search_text` without reading every row: an FTS5 trigram index kept
# in step by triggers (SQLite), a pg_trgm GIN index (PostgreSQL). Not part of the model's
# metadata (neither can be declared portably); created with the table and by migration 0008.
SEARCH_INDEX_DDL = {
    "sqlite": [
        "CREATE VIRTUAL TABLE registry_fts USING fts5(search_text, content='registry_record', "
        "content_rowid='id', tokenize='trigram')",
        "CREATE TRIGGER registry_fts_insert AFTER INSERT ON registry_record BEGIN "
        "INSERT INTO registry_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
        "CREATE TRIGGER registry_fts_delete AFTER DELETE ON registry_record BEGIN "
        "INSERT INTO registry_fts(registry_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END",
        "CREATE TRIGGER registry_fts_update AFTER UPDATE OF search_text ON registry_record BEGIN "
        "INSERT INTO registry_fts(registry_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO registry_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
        "INSERT INTO registry_fts(registry_fts) VALUES ('rebuild')",
    ],
    "postgresql": [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX IF NOT EXISTS ix_registry_record_search_trgm "
        "ON registry_record USING gin (search_text gin_trgm_ops)",
    ],
}
SEARCH_INDEX_OBJECTS = frozenset({"registry_fts", "ix_registry_record_search_trgm"})


@event.listens_for(RegistryRecord.__table__, "after_create")
def _search_index(table, connection, **_kw) -> None:
    """Whoever creates the table gets the substring-search index of its dialect."""
    for statement in SEARCH_INDEX_DDL.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)


def declared_in_models(name: str | None, _type: str, _parents: dict) -> bool:
    """For Alembic's comparisons: the search index (and FTS5's shadow tables) live outside
    the models on purpose, so autogenerate must neither drop nor add them."""
    return not any(name and name.startswith(special) for special in SEARCH_INDEX_OBJECTS)
