"""The record page's Mail section (topics, the newsletter warning) and category, and the
secretariat's categories and topics page, driven as browsers would — hostile ones too."""

from __future__ import annotations

from portal.domain.registry import records
from portal.web.pages.admin.categories_and_topics import AdminCategoriesTopicsState
from portal.web.pages.mypage.record import RecordState
from tests import factories
from tests.support.catalogue import add_category, add_topic
from tests.support.people import acting_as, session_cookie, staff


async def test_a_registrant_chooses_topics_and_is_warned_about_the_newsletter(tabs):
    add_topic("events", default_on=True)
    account_id = factories.registrant("mail@example.com")
    tab = tabs(session_cookie("mail@example.com"))
    await tab.send(RecordState, "load", path="/mypage/record")
    state = await tab.state(RecordState)
    assert [t.name for t in state.topics] == ["Events"]
    assert [r.label or r.key for r in state.rows["mail"]] == [
        "field.newsletter",
        "field.other_notices",
        "Events",
    ]
    await tab.send(RecordState, "start_edit", {"section": "mail"})
    await tab.send(RecordState, "review", {"form": {"other_notices": "on"}})
    state = await tab.state(RecordState)
    assert state.mode == "confirm" and state.newsletter_warning
    assert {(c["label"] or c["key"], c["new"]) for c in state.changes} == {
        ("field.newsletter", "No"),
        ("field.other_notices", "Yes"),
        ("Events", "No"),
    }
    await tab.send(RecordState, "update")
    values = records.view(acting_as(account_id)).values
    assert (values["newsletter"], values["other_notices"], values["topic:events"]) == (
        False,
        True,
        False,
    )


async def test_the_category_is_chosen_only_among_self_service_ones(tabs):
    add_category("student", self_service=True)
    add_category("honorary", self_service=False)
    account_id = factories.registrant("cat@example.com")
    tab = tabs(session_cookie("cat@example.com"))
    await tab.send(RecordState, "load", path="/mypage/record")
    state = await tab.state(RecordState)
    assert state.category_editable
    assert [c.code for c in state.categories] == ["general", "student"]
    await tab.send(RecordState, "start_edit", {"section": "basic"})
    basic = {f: state.texts[f] for f in records.SECTIONS["basic"]}
    await tab.send(RecordState, "review", {"form": {**basic, "category": "honorary"}})
    state = await tab.state(RecordState)
    assert "category" in state.errors and state.mode == "edit"
    await tab.send(RecordState, "review", {"form": {**basic, "category": "student"}})
    state = await tab.state(RecordState)
    assert [(c["key"], c["new"]) for c in state.changes] == [("field.category", "Student")]
    await tab.send(RecordState, "update")
    assert records.view(acting_as(account_id)).values["category"] == "student"


async def test_only_admins_change_categories_and_topics(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    factories.registrant("nosy@example.com")
    form = {"form": {"category_code": "vip", "category_name_en": "VIP", "category_name_ja": "VIP"}}
    for cookie in ("", "portal_session=forged", session_cookie("nosy@example.com")):
        tab = tabs(cookie)
        await tab.send(AdminCategoriesTopicsState, "save_category", form)
        await tab.send(AdminCategoriesTopicsState, "load", path="/admin/categories-and-topics")
        assert (await tab.state(AdminCategoriesTopicsState)).categories == []
    reviewer = tabs(staff("reviewer", "reader@example.com"))
    await reviewer.send(AdminCategoriesTopicsState, "load", path="/admin/categories-and-topics")
    state = await reviewer.state(AdminCategoriesTopicsState)
    assert not state.can_edit and [c["code"] for c in state.categories] == ["general"]
    await reviewer.send(AdminCategoriesTopicsState, "save_category", form)
    assert "vip" not in reviewer.sent_text()
    admin = tabs(staff("admin", "boss@example.com"))
    await admin.send(AdminCategoriesTopicsState, "load", path="/admin/categories-and-topics")
    await admin.send(AdminCategoriesTopicsState, "save_category", form)
    state = await admin.state(AdminCategoriesTopicsState)
    assert [c["code"] for c in state.categories] == ["general", "vip"] and "vip" in state.info
    await admin.send(AdminCategoriesTopicsState, "save_topic", {"form": {"topic_code": "Bad code"}})
    state = await admin.state(AdminCategoriesTopicsState)
    assert "topic_code" in state.topic_errors
