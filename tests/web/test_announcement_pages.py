"""/admin/announcements and the notices on /mypage, driven as browsers — hostile ones too."""

from __future__ import annotations

from sqlmodel import func, select

from portal.domain.communications import announcement_queue
from portal.domain.communications.tables import Announcement
from portal.domain.core.db import transaction
from portal.mail import delivery
from portal.web.pages.admin.announcements import AdminAnnouncementsState
from portal.web.pages.mypage.dashboard import DashboardState, NoticesState
from tests import factories
from tests.domain.communications_people import population
from tests.support.people import session_cookie, staff

FORM = {
    "topic": "news",
    "subject_en": "Seminar",
    "body_en": "Come along.",
    "cat:student": "on",
    "status:active": "on",
    "by_mail": "on",
    "as_notice": "on",
    "account": "any",
}


def announcements_count() -> int:
    with transaction() as db:
        return db.exec(select(func.count()).select_from(Announcement)).one()


async def test_an_admin_checks_then_sends_and_the_student_sees_the_notice(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    population()
    admin = tabs(staff("admin", "desk@example.com"))
    await admin.send(AdminAnnouncementsState, "load", path="/admin/announcements")
    await admin.send(AdminAnnouncementsState, "check", {"form": FORM})
    state = await admin.state(AdminAnnouncementsState)
    assert state.mode == "check" and announcements_count() == 0
    assert state.summary[:2] == ["E-mail to 1 person.", "A notice on My page for 1 person."]
    assert "Japanese" in state.summary[2]  # no Japanese version: the writer is told
    assert state.sample == ["Test Person2 <student@example.com>"] or len(state.sample) == 1
    await admin.send(AdminAnnouncementsState, "send")
    assert announcements_count() == 1
    state = await admin.state(AdminAnnouncementsState)
    assert state.written == 1  # the form is emptied: sending it twice takes writing it again
    [row] = state.rows
    assert row["status"] == "Sending" and row["topic"] == "Association news"
    announcement_queue.run_all()
    await admin.send(AdminAnnouncementsState, "refresh")
    [row] = (await admin.state(AdminAnnouncementsState)).rows
    assert row["copies"].startswith("1 written") and row["status"] == "Sending"
    delivery.deliver_due()
    await admin.send(AdminAnnouncementsState, "refresh")
    assert (await admin.state(AdminAnnouncementsState)).rows[0]["status"] == "Sent"

    student = tabs(session_cookie("student@example.com"))
    await student.send(DashboardState, "load", path="/mypage")
    [shown] = (await student.state(NoticesState)).notices
    assert shown["subject"] == "Seminar" and shown["read"] == ""
    await student.send(NoticesState, "mark_read", {"announcement_id": shown["id"]})
    assert (await student.state(NoticesState)).notices[0]["read"] == "yes"
    other = tabs(session_cookie("general@example.com"))
    await other.send(DashboardState, "load", path="/mypage")
    assert (await other.state(NoticesState)).notices == []


async def test_bad_input_stays_on_the_form_with_messages(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    admin = tabs(staff("admin", "desk2@example.com"))
    await admin.send(AdminAnnouncementsState, "load", path="/admin/announcements")
    await admin.send(
        AdminAnnouncementsState,
        "check",
        {"form": {"topic": "ghost", "valid_until_from": "someday", "by_mail": "on"}},
    )
    state = await admin.state(AdminAnnouncementsState)
    assert state.mode == "write"
    assert {"topic", "subject_en", "valid_until_from"} <= set(state.errors)


async def test_reviewers_and_registrants_cannot_send_or_cancel(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    population()
    factories.registrant("nosy@example.com")
    for cookie in (
        "",
        "portal_session=forged",
        session_cookie("nosy@example.com"),
        staff("reviewer", "reader@example.com"),
    ):
        tab = tabs(cookie)
        await tab.send(AdminAnnouncementsState, "load", path="/admin/announcements")
        await tab.send(AdminAnnouncementsState, "check", {"form": FORM})
        await tab.send(AdminAnnouncementsState, "send")
        await tab.send(AdminAnnouncementsState, "cancel", {"announcement_id": "1"})
        state = await tab.state(AdminAnnouncementsState)
        assert state.summary == [] and state.sample == []
    assert announcements_count() == 0
    tab = tabs(session_cookie("nosy@example.com"))
    await tab.send(NoticesState, "mark_read", {"announcement_id": "1"})
    assert "student@example.com" not in tab.sent_text()
