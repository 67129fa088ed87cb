"""Registrant categories and mail topics on the record: who may move a record between
categories, and how a registrant's topic choices are stored and recorded."""

import pytest
from sqlmodel import select

from portal.domain.core.db import transaction
from portal.domain.core.errors import FieldErrors
from portal.domain.registry import mail_topics, records
from portal.domain.registry.tables import (
    RecordChange,
    RegistryRecord,
    TopicChoice,
)
from tests import factories
from tests.support.catalogue import add_category, add_topic
from tests.support.people import acting_as


def record_of(account_id: int) -> RegistryRecord:
    with transaction() as db:
        return db.exec(select(RegistryRecord).where(RegistryRecord.account_id == account_id)).one()


def test_every_record_starts_in_general_and_moves_between_self_service_categories(db):
    add_category("student", self_service=True)
    add_category("honorary", self_service=False)
    me = factories.registrant("student@example.com")
    assert record_of(me).category == "general"
    changes = records.apply(acting_as(me), "basic", {"category": "student"})
    assert [(c.field, c.old, c.new) for c in changes] == [("category", "general", "student")]
    for refused, key in (
        ("honorary", "record.category_staff_only"),
        ("nope", "record.category_unknown"),
    ):
        with pytest.raises(FieldErrors) as error:
            records.apply(acting_as(me), "basic", {"category": refused})
        assert error.value.fields == {"category": (key, {})}
    assert record_of(me).category == "student"


def test_staff_move_any_record_and_a_registrant_cannot_leave_a_staff_only_category(db):
    add_category("honorary", self_service=False)
    me = factories.registrant("honorary@example.com")
    record_id = record_of(me).id
    records.staff_apply(
        record_id, "basic", {"category": "honorary"}, acting_as(None), reason="board"
    )
    with pytest.raises(FieldErrors):
        records.apply(acting_as(me), "basic", {"category": "general"})
    assert (
        records.apply(acting_as(me), "basic", {"category": "honorary", "phone": "0312345678"})[
            0
        ].field
        == "phone"
    )


def test_topic_choices_are_stored_with_history_and_defaults(db):
    add_topic("events", default_on=True)
    add_topic("regional", default_on=False)
    me = factories.registrant("topics@example.com")
    view = records.view(acting_as(me))
    assert view.values["topic:events"] is True and view.values["topic:regional"] is False
    assert view.values["newsletter"] is True  # the factory subscribes everyone
    changes = records.apply(
        acting_as(me),
        "mail",
        {"topic:events": False, "topic:regional": True, "other_notices": True, "topic:ghost": True},
    )
    assert {(c.field, c.old, c.new) for c in changes} == {
        ("topic:events", "yes", "no"),
        ("topic:regional", "no", "yes"),
        ("other_notices", "no", "yes"),
    }
    with transaction() as db_session:
        assert len(db_session.exec(select(TopicChoice)).all()) == 2
        sections = {r.section for r in db_session.exec(select(RecordChange)).all()}
    assert sections == {"mail"}
    view = records.view(acting_as(me))
    assert (view.values["topic:events"], view.values["topic:regional"]) == (False, True)
    assert records.apply(acting_as(me), "mail", {"topic:events": False}) == []  # nothing new


def test_topics_list_the_built_in_ones_first_in_both_languages(db):
    add_topic("events", default_on=False)
    topics = mail_topics.listing()
    assert [t.code for t in topics] == ["newsletter", "news", "events"]
    assert topics[0].name("ja") == "協会ニュースレター" and topics[0].field == "newsletter"
    assert topics[1].field == "other_notices" and topics[2].field == "topic:events"
