"""Admins edit a record with a reason; reviewers and registrants cannot, whatever they send."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from portal.domain.accounts import activation
from portal.domain.accounts.tables import ActivationRequest
from portal.domain.core.db import transaction
from portal.domain.registrants import registry_import
from portal.domain.registry.tables import RecordChange, RegistryRecord
from portal.web.pages.admin.record_edit import AdminRecordEditState
from portal.web.pages.admin.record_state import AdminRecordState
from tests import factories
from tests.factories import ledger_csv, ledger_row
from tests.support.people import session_cookie, staff
from tests.web.harness import open_record


def record_of(account_id: int) -> RegistryRecord:
    with transaction() as db:
        return db.exec(select(RegistryRecord).where(RegistryRecord.account_id == account_id)).one()


async def test_admin_edits_certification_through_confirm_with_a_reason(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    record = record_of(factories.registrant("edited@example.com"))
    path = f"/admin/registrants/{record.id}"
    tab = tabs(cookie=staff("admin", "boss@example.com"))
    await open_record(tab, record.id)
    await tab.send(AdminRecordEditState, "start", {"section": "certification"}, path=path)
    state = await tab.state(AdminRecordEditState)
    assert state.mode == "edit" and state.values["status"] == "active"
    form = {**state.values, "status": "withdrawn", "reason": ""}
    await tab.send(AdminRecordEditState, "review", {"form": form}, path=path)
    state = await tab.state(AdminRecordEditState)
    assert state.mode == "edit" and "reason" in state.errors  # a reason is required
    await tab.send(
        AdminRecordEditState, "review", {"form": {**form, "reason": "Letter of 3 May"}}, path=path
    )
    state = await tab.state(AdminRecordEditState)
    assert state.mode == "confirm"
    assert state.changes == [
        {"key": "field.status", "label": "", "old": "Active", "new": "Withdrawn"}
    ]
    assert record_of(record.account_id).status == "active"  # nothing saved yet
    await tab.send(AdminRecordEditState, "save", path=path)
    assert record_of(record.account_id).status == "withdrawn"
    page = await tab.state(AdminRecordState)  # the save chained a refresh of the page
    assert "was changed" in page.info
    assert (
        page.history[0].reason == "Letter of 3 May" and page.history[0].by == "Admin (secretariat)"
    )


async def test_admin_reinstates_an_expired_record_with_a_reason_and_a_new_end(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    account_id = factories.registrant("lapsed@example.com")
    with transaction() as db:
        record = db.exec(
            select(RegistryRecord).where(RegistryRecord.account_id == account_id)
        ).one()
        record.status, record.valid_until = "expired", dt.date(2026, 9, 30)
        record_id = record.id
    path = f"/admin/registrants/{record_id}"
    tab = tabs(cookie=staff("admin", "boss@example.com"))
    await open_record(tab, record_id)
    assert (await tab.state(AdminRecordState)).expired  # the page offers "Reinstate…"
    await tab.send(AdminRecordEditState, "reinstate", path=path)
    state = await tab.state(AdminRecordEditState)
    assert (state.section, state.mode, state.reinstating) == ("certification", "edit", True)
    assert state.values["status"] == "active"
    form = {**state.values, "valid_until": "2027-03-31", "reason": "Late payment accepted"}
    await tab.send(AdminRecordEditState, "review", {"form": form}, path=path)
    state = await tab.state(AdminRecordEditState)
    assert {c["key"] for c in state.changes} == {"field.status", "field.valid_until"}
    await tab.send(AdminRecordEditState, "save", path=path)
    record = record_of(account_id)
    assert (record.status, record.valid_until) == ("active", dt.date(2027, 3, 31))
    page = await tab.state(AdminRecordState)
    assert not page.expired and page.history[0].reason == "Late payment accepted"


async def test_reviewers_and_registrants_cannot_edit_even_by_calling_the_handlers(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    account_id = factories.registrant("victim@example.com")
    factories.registrant("attacker@example.com")
    record = record_of(account_id)
    path = f"/admin/registrants/{record.id}"
    payload = {"form": {"status": "withdrawn", "valid_until": "2099-01-01", "reason": "x"}}
    for cookie in (
        staff("reviewer", "rev@example.com"),
        session_cookie("attacker@example.com"),
    ):
        tab = tabs(cookie=cookie)
        await tab.send(AdminRecordEditState, "start", {"section": "certification"}, path=path)
        await tab.send(AdminRecordEditState, "reinstate", path=path)
        await tab.send(AdminRecordEditState, "review", payload, path=path)
        await tab.send(AdminRecordEditState, "save", path=path)
        assert (await tab.state(AdminRecordEditState)).values == {}
    assert record_of(account_id).status == "active"
    with transaction() as db:
        assert db.exec(select(RecordChange)).all() == []


async def test_admin_approves_an_activation_request_on_the_record_page(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    registry_import.apply(
        ledger_csv(ledger_row("R0001", email="old@example.com")).encode(),
        None,
        reason="import",
        invite=False,
    )
    with transaction() as db:
        record = db.exec(select(RegistryRecord)).one()
        db.add(ActivationRequest(record_id=record.id, email="new@example.com"))
    path = f"/admin/registrants/{record.id}"
    reviewer = tabs(cookie=staff("reviewer", "rev@example.com"))
    await open_record(reviewer, record.id)
    [request] = (await reviewer.state(AdminRecordState)).requests
    assert request.email == "new@example.com"
    await reviewer.send(AdminRecordState, "approve_request", {"request_id": request.id}, path=path)
    assert activation.pending_requests(record.id)  # a reviewer cannot approve

    admin = tabs(cookie=staff("admin", "boss@example.com"))
    await open_record(admin, record.id)
    await admin.send(AdminRecordState, "approve_request", {"request_id": "99999"}, path=path)
    assert "request" in (await admin.state(AdminRecordState)).problem.lower()
    await admin.send(AdminRecordState, "approve_request", {"request_id": request.id}, path=path)
    state = await admin.state(AdminRecordState)
    assert state.requests == [] and "invitation was sent" in state.info
    assert factories.outbox("new@example.com", "activation_invite")
