"""The secretariat's categories and mail topics: admins add and change, staff read,
registrants get nothing."""

import pytest

from portal.domain.communications import categories_and_topics
from portal.domain.core.errors import FieldErrors, NotAllowed
from portal.domain.registry import mail_topics, registrant_categories
from tests import factories
from tests.support.people import sign_in, staff_principal


def test_admins_add_and_change_categories_and_topics(db):
    admin, _ = staff_principal("kinds-admin@example.com")
    categories_and_topics.save_category(
        admin, {"code": " Student ", "name_en": "Student", "name_ja": "学生", "self_service": True}
    )
    categories_and_topics.save_category(
        admin, {"code": "student", "name_en": "Students", "name_ja": "学生", "self_service": False}
    )
    categories_and_topics.save_topic(
        admin,
        {"code": "events", "name_en": "Events", "name_ja": "イベント", "default_on": True},
    )
    found = categories_and_topics.read(admin)
    assert [(c.code, c.name_en, c.self_service) for c in found.categories] == [
        ("general", "General", True),
        ("student", "Students", False),
    ]
    assert [t.code for t in found.topics] == ["newsletter", "news", "events"]
    assert registrant_categories.listing()[1].name("ja") == "学生"
    assert mail_topics.listing()[2].default_on


@pytest.mark.parametrize(
    ("values", "wrong"),
    [
        ({"code": "general", "name_en": "x", "name_ja": "x"}, "code"),
        ({"code": "1abc", "name_en": "x", "name_ja": "x"}, "code"),
        ({"code": "ok_code", "name_en": "", "name_ja": "x"}, "name_en"),
        ({"code": "ok_code", "name_en": "x" * 101, "name_ja": "x"}, "name_en"),
    ],
)
def test_bad_categories_are_refused_on_the_field(db, values, wrong):
    admin, _ = staff_principal("kinds-bad@example.com")
    with pytest.raises(FieldErrors) as refused:
        categories_and_topics.save_category(admin, values)
    assert wrong in refused.value.fields
    with pytest.raises(FieldErrors):
        categories_and_topics.save_topic(admin, {**values, "code": "newsletter"})


def test_reviewers_read_and_registrants_get_nothing(db):
    reviewer, _ = staff_principal("kinds-reviewer@example.com", role="reviewer")
    assert categories_and_topics.read(reviewer).categories
    with pytest.raises(NotAllowed):
        categories_and_topics.save_category(
            reviewer, {"code": "x1", "name_en": "x", "name_ja": "x"}
        )
    factories.registrant("kinds-registrant@example.com")
    registrant = sign_in("kinds-registrant@example.com")[0]
    for call in (
        lambda: categories_and_topics.read(registrant),
        lambda: categories_and_topics.save_topic(
            registrant, {"code": "x1", "name_en": "x", "name_ja": "x"}
        ),
    ):
        with pytest.raises(NotAllowed):
            call()
