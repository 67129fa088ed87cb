"""The registrant's own record page, built from the domain's view without Reflex or a database."""

from __future__ import annotations

import datetime as dt

from portal.domain.registry import records
from portal.domain.registry.mail_topics import Topic
from portal.domain.registry.registrant_categories import Category
from portal.web.presenters.own_record import own_record

KINDS = [
    Category("general", "General", "一般", True, True),
    Category("student", "Student", "学生", True, False),
    Category("honorary", "Honorary", "名誉会員", False, False),
]
EVENTS = Topic("events", "Events", "催し", "Seminars near you", "近くの研修会", False, False)
NEWSLETTER = Topic("newsletter", "Newsletter", "会報", "", "", True, True)


def view(category: str = "general", **values) -> records.RecordView:
    fields = {f: "" for section in records.SECTIONS.values() for f in section}
    fields.update(newsletter=True, other_notices=False, category=category, birth_date=None)
    fields.update(registration_number="R0001", certified_on=None, valid_from=None)
    fields.update(valid_until=dt.date(2028, 3, 31), status="active", **values)
    fields[EVENTS.field] = True
    updated = {"basic": dt.datetime(2026, 5, 1, 1, 30, tzinfo=dt.UTC), "workplace": None}
    return records.RecordView(fields, updated)


def test_sections_read_as_the_registrant_reads_them_with_added_topics_by_name():
    shown = own_record(view(phone="03-5550-7788"), KINDS, [NEWSLETTER, EVENTS], "en")
    basic = {row.key: row.value for row in shown.sections["basic"]}
    assert basic["field.phone"] == "03-5550-7788" and basic["field.category"] == "General"
    assert "field.birth_date" in basic
    assert shown.sections["mail"][-1].label == "Events"  # a topic the association added
    assert shown.sections["certification"][0].key == "field.registration_number"
    assert [t.field for t in shown.topics] == [EVENTS.field]


def test_the_form_starts_from_the_record_text_fields_as_text_and_yes_no_fields_ticked():
    shown = own_record(view(), KINDS, [NEWSLETTER, EVENTS], "ja")
    assert shown.ticked == {"newsletter": True, "other_notices": False, EVENTS.field: True}
    assert shown.texts["category"] == "general" and "newsletter" not in shown.texts
    assert "2026" in shown.updated["basic"] and shown.updated["workplace"] != ""


def test_only_self_service_categories_are_offered_and_only_from_one_of_them():
    mine = own_record(view("student"), KINDS, [], "ja")
    assert [(c.code, c.name) for c in mine.categories] == [("general", "一般"), ("student", "学生")]
    assert mine.category_editable
    assert not own_record(view("honorary"), KINDS, [], "en").category_editable
