"""A record as staff read it, built from the domain's views without Reflex or a database."""

from __future__ import annotations

import datetime as dt

from portal.domain.accounts.activation import PendingRequest
from portal.domain.registrants.registry_admin import AccountFacts, HistoryEntry
from portal.domain.renewal.reminders import ReminderView
from portal.web.presenters import record_admin
from portal.web.presenters.labelled import Labelled

AT = dt.datetime(2026, 5, 1, 1, 30, tzinfo=dt.UTC)


def test_fields_show_the_category_by_name_and_the_heading_number_then_name():
    values = {
        "registration_number": "R0001",
        "family_name": "Mori",
        "given_name": "Aoi",
        "category": "student",
    }
    rows = record_admin.fields(values, {"student": "Student"}, "en")
    assert rows[-1] == Labelled("field.category", "Student")
    assert record_admin.title(values) == "R0001  Mori Aoi"


def test_account_facts_answer_yes_or_no_and_the_provider_line_only_where_there_is_one():
    facts = AccountFacts("mori@example.com", "active", True, False, None)
    rows = {r.key: r.value for r in record_admin.account(facts, "en", with_provider=False)}
    assert rows["admin.locked"] == "Yes" and rows["account.totp_title"] == "No"
    assert rows["admin.last_sign_in"] == "—" and "admin.provider_link" not in rows
    linked = record_admin.account(facts, "en", with_provider=True)
    assert linked[-1].key == "admin.provider_link"
    assert record_admin.account(None, "en", with_provider=True) == []


def test_history_marks_what_staff_changed_and_keeps_their_reason():
    by_staff = HistoryEntry(AT, "basic", "phone", "1", "2", "Sato", True, "Letter of 3 May")
    by_owner = HistoryEntry(AT, "basic", "phone", "2", "3", "Mori Aoi", False, "")
    staff, owner = record_admin.history([by_staff, by_owner], "en")
    assert staff.by == "Sato (secretariat)" and staff.reason == "Letter of 3 May"
    assert owner.by == "Mori Aoi" and staff.field == "field.phone"
    assert "10:30" in staff.when  # in the association's time zone


def test_a_reminder_that_bounced_is_marked_failed_and_one_never_queued_shows_a_dash():
    failed = ReminderView("days_7", dt.date(2027, 3, 31), AT, "failed", "550 no such user")
    unqueued = ReminderView("month_1", dt.date(2027, 3, 31), AT, "", "")
    bounced, quiet = record_admin.reminders([failed, unqueued], "ja")
    assert bounced.failed and bounced.error == "550 no such user"
    assert not quiet.failed and quiet.delivery == "—"


def test_an_activation_request_shows_the_address_asked_for():
    request = PendingRequest(4, 1, "R0001", "Mori Aoi", "old@example.com", "new@example.com", AT)
    [shown] = record_admin.requests([request], "en")
    assert (shown.id, shown.email) == ("4", "new@example.com")
