"""/mypage/account as a hostile client holding a borrowed session would drive it: no
authenticator until the owner confirms, and no secret left in the tab's state."""

from __future__ import annotations

import datetime as dt

from sqlmodel import update

from portal.domain.accounts import operations
from portal.domain.accounts.tables import Account, WebSession
from portal.domain.core.db import transaction
from portal.web.pages.admin.record_state import AdminRecordState
from portal.web.pages.admin.staff import AdminStaffState
from portal.web.pages.mypage.account import AccountState
from tests import factories
from tests.domain.communications_people import record_of
from tests.support.people import session_cookie, set_up_app, staff
from tests.web.harness import open_page

PATH = "/mypage/account"


def confirmed_long_ago() -> None:
    """Every session last proved its owner ten minutes ago (the owner stepped away)."""
    with transaction() as db:
        db.execute(
            update(WebSession).values(
                confirmed_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
            )
        )


async def test_a_borrowed_session_gets_no_authenticator_secret(tabs):
    factories.registrant("owner@example.com")
    tab = tabs(session_cookie("owner@example.com"))
    confirmed_long_ago()
    await open_page(tab, PATH)
    await tab.send(AccountState, "load", path=PATH)
    assert not (await tab.state(AccountState)).confirmed  # the page asks first
    await tab.send(AccountState, "start_enrolment", path=PATH)  # called by name anyway
    state = await tab.state(AccountState)
    assert not state.enrolling and state.key_text == "" and state.qr_data_uri == ""
    assert "confirm it is you" in state.form_error
    await tab.send(
        AccountState, "reauthenticate", {"form": {"reauth_password": "wrong-Guess-77"}}, path=PATH
    )
    assert "reauth_password" in (await tab.state(AccountState)).errors
    await tab.send(
        AccountState,
        "reauthenticate",
        {"form": {"reauth_password": factories.PASSWORD}},
        path=PATH,
    )
    assert (await tab.state(AccountState)).confirmed
    await tab.send(AccountState, "start_enrolment", path=PATH)
    state = await tab.state(AccountState)
    assert state.enrolling and state.key_text


async def test_only_an_admin_resets_a_registrants_second_factor(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    account_id = factories.registrant("phone-lost@example.com")
    owner = factories.fresh_session(account_id)
    set_up_app(owner)
    path = f"/admin/registrants/{record_of(account_id).id}"
    factories.registrant("nosy-f@example.com")
    for cookie in (staff("reviewer", "rev-f@example.com"), session_cookie("nosy-f@example.com")):
        tab = tabs(cookie)
        await tab.send(AdminRecordState, "reset_second_factor", path=path)
        assert has_app(account_id)
    admin = tabs(staff("admin", "boss-f@example.com"))
    await admin.send(AdminRecordState, "load", path=path)
    assert (await admin.state(AdminRecordState)).second_factor  # the button is offered
    await admin.send(AdminRecordState, "reset_second_factor", path=path)
    state = await admin.state(AdminRecordState)
    assert "reset" in state.info and not state.second_factor  # nothing left to reset
    assert not has_app(account_id)
    assert factories.outbox("phone-lost@example.com", "authenticator_reset")


def has_app(account_id: int) -> bool:
    with transaction() as db:
        return db.get(Account, account_id).totp_secret is not None


async def test_an_admin_resets_another_staff_members_lost_authenticator(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    member_id = operations.create_staff("lost@example.com", "Str0ng-pass-phrase", "reviewer", "L")
    set_up_app(factories.fresh_session(member_id))
    reviewer = tabs(staff("reviewer", "rev-s@example.com"))
    await reviewer.send(
        AdminStaffState, "reset_second_factor", {"account_id": str(member_id)}, path="/admin/staff"
    )
    assert has_app(member_id)
    admin = tabs(staff("admin", "boss-s@example.com"))
    await admin.send(AdminStaffState, "load", path="/admin/staff")
    await admin.send(
        AdminStaffState, "ask_reset", {"account_id": str(member_id)}, path="/admin/staff"
    )
    assert (await admin.state(AdminStaffState)).confirming == f"reset:{member_id}"
    await admin.send(
        AdminStaffState, "reset_second_factor", {"account_id": str(member_id)}, path="/admin/staff"
    )
    assert not has_app(member_id)
    assert factories.outbox("lost@example.com", "authenticator_reset")
