"""Outbox (admins: states, retry) and the overview's season figures; a reviewer cannot retry mail."""

from __future__ import annotations

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.outbox.tables import OutboxMessage
from portal.domain.renewal import reminders
from portal.web.pages.admin.outbox import AdminOutboxState
from portal.web.pages.admin.overview import AdminOverviewState
from portal.web.pages.admin.record_state import AdminRecordState
from tests import factories
from tests.domain.renewal.renewal_people import record_of, renewing
from tests.support.people import STAFF_PASSWORD, session_cookie, staff_principal
from tests.web.harness import open_page


def fail_reminders() -> int:
    [message] = factories.outbox("soon@example.com", "renewal_reminder")
    with transaction() as db:
        row = db.get(OutboxMessage, message.id)
        row.status, row.attempts, row.last_error = "failed", 5, "550 mailbox unavailable"
    return message.id


async def test_a_failed_reminder_shows_on_the_record_and_is_retried_from_the_outbox(
    tabs, configure
):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    staff_principal("boss@example.com", "admin")
    soon = renewing("soon@example.com", days_left=5)
    reminders.send(reminders.plan(today()))
    message_id = fail_reminders()
    tab = tabs(cookie=session_cookie("boss@example.com", STAFF_PASSWORD))
    path = f"/admin/registrants/{record_of(soon).id}"
    await open_page(tab, path)
    await tab.send(AdminRecordState, "load", path=path)
    [shown] = (await tab.state(AdminRecordState)).reminders
    assert (shown.stage, shown.delivery) == ("7 days before", "Failed")
    assert shown.error == "550 mailbox unavailable"

    await open_page(tab, "/admin/outbox?status=failed")
    await tab.send(AdminOutboxState, "load", path="/admin/outbox?status=failed")
    state = await tab.state(AdminOutboxState)
    assert [r["id"] for r in state.rows] == [str(message_id)] and state.counts["failed"] == "1"
    assert "params" not in state.rows[0]
    await tab.send(AdminOutboxState, "retry", {"message_id": str(message_id)}, path="/admin/outbox")
    assert (await tab.state(AdminOutboxState)).info.startswith("The message will be sent again")
    with transaction() as db:
        assert db.get(OutboxMessage, message_id).status == "pending"

    await open_page(tab, "/admin")
    await tab.send(AdminOverviewState, "load", path="/admin")
    state = await tab.state(AdminOverviewState)
    assert len(state.due) == 12 and sum(d["count"] for d in state.due) == 1
    reminders_tile = next(q for q in state.queues if q["id"] == "reminders")
    assert reminders_tile["value"] == "1"


async def test_a_reviewer_cannot_read_or_retry_the_outbox(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    staff_principal("clerk@example.com", "reviewer")
    renewing("soon@example.com", days_left=5)
    reminders.send(reminders.plan(today()))
    message_id = fail_reminders()
    tab = tabs(cookie=session_cookie("clerk@example.com", STAFF_PASSWORD))
    await open_page(tab, "/admin/outbox")
    await tab.send(AdminOutboxState, "load", path="/admin/outbox")
    assert tab.redirects_to("/admin")
    await tab.send(AdminOutboxState, "retry", {"message_id": str(message_id)}, path="/admin/outbox")
    assert (await tab.state(AdminOutboxState)).rows == []
    with transaction() as db:
        assert db.get(OutboxMessage, message_id).status == "failed"
