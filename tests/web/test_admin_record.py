"""The staff record page: reviewers read, admins act, registrants get nothing."""

from __future__ import annotations

from sqlmodel import select

from portal.domain.accounts import signin
from portal.domain.accounts.tables import Account
from portal.domain.core.db import transaction
from portal.domain.registry import records
from portal.domain.registry.tables import RegistryRecord
from portal.web.pages.admin.record_state import AdminRecordState
from tests import factories
from tests.support.people import HERE, acting_as, session_cookie, staff
from tests.web.harness import open_page, open_record


def locked_registrant() -> tuple[int, int]:
    account_id = factories.registrant("locked@example.com")
    records.apply(acting_as(account_id), "workplace", {"employer": "Acme"})
    for _ in range(5):
        signin.check_password("locked@example.com", "Wrong-password-1", HERE)
    with transaction() as db:
        record_id = db.exec(
            select(RegistryRecord.id).where(RegistryRecord.account_id == account_id)
        ).one()
    return account_id, record_id


async def test_reviewer_reads_history_but_cannot_unlock(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    _, record_id = locked_registrant()
    tab = tabs(cookie=staff("reviewer", "rev@example.com"))
    await open_record(tab, record_id)
    state = await tab.state(AdminRecordState)
    assert state.found and not state.can_act
    assert [(h.field, h.new) for h in state.history] == [("field.employer", "Acme")]
    assert any(r.key == "admin.locked" and r.value == "Yes" for r in state.account_rows)
    assert "$2b$" not in tab.sent_text()
    await tab.send(AdminRecordState, "unlock", path=f"/admin/registrants/{record_id}")
    assert "not allowed" in (await tab.state(AdminRecordState)).problem
    with transaction() as db:
        assert db.exec(
            select(Account.locked_until).where(Account.email == "locked@example.com")
        ).one()


async def test_admin_unlocks(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    _, record_id = locked_registrant()
    tab = tabs(cookie=staff("admin", "boss@example.com"))
    await open_record(tab, record_id)
    await tab.send(AdminRecordState, "unlock", path=f"/admin/registrants/{record_id}")
    assert (await tab.state(AdminRecordState)).info == "The account was unlocked."
    assert signin.check_password("locked@example.com", factories.PASSWORD, HERE).ok


async def test_registrant_and_bad_ids_get_nothing(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    _, record_id = locked_registrant()
    tab = tabs(
        cookie=session_cookie("someone@example.com")
        if factories.registrant("someone@example.com")
        else ""
    )
    await open_record(tab, record_id)
    assert not (await tab.state(AdminRecordState)).found
    assert tab.redirects_to("/mypage")
    staff_tab = tabs(cookie=staff("reviewer", "rev2@example.com"))
    for bad in ("abc", "999999", "-1"):
        await open_page(staff_tab, f"/admin/registrants/{bad}")
        await staff_tab.send(AdminRecordState, "load", path=f"/admin/registrants/{bad}")
        assert not (await staff_tab.state(AdminRecordState)).found


async def test_the_record_page_shows_the_requirements_under_the_records_own_rules(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    _, record_id = locked_registrant()
    tab = tabs(cookie=staff("reviewer", "reader@example.com"))
    await open_record(tab, record_id)
    state = await tab.state(AdminRecordState)
    assert state.rules_title.startswith("The first rules")
    rows = {r["code"]: r for r in state.requirements}
    assert set(rows) == {"course", "newsletter", "points", "window"}
    assert rows["points"]["fact"] == "0 of 5 points counted; 5 to go"
    assert all(r["fix_href"] == "" for r in rows.values())  # no links to the registrant's pages
