"""The record page's handlers under a hostile client: no session, forged sections, extra fields."""

from __future__ import annotations

from sqlmodel import select

from portal.domain.accounts.tables import Account
from portal.domain.core.db import transaction
from portal.domain.registry.tables import RecordChange, RegistryRecord
from portal.web.pages.mypage.record import RecordState
from tests import factories
from tests.support.people import session_cookie
from tests.web.harness import open_page


async def test_anonymous_tab_cannot_review_or_update(tabs):
    factories.registrant("owner@example.com")
    tab = tabs()
    await open_page(tab, "/mypage/record")
    await tab.send(RecordState, "review", {"form": {"employer": "X"}}, path="/mypage/record")
    await tab.send(RecordState, "update", path="/mypage/record")
    assert tab.redirects_to("/login")
    assert "owner@example.com" not in tab.sent_text()
    with transaction() as db:
        assert db.exec(select(RecordChange)).all() == []


async def test_status_and_validity_cannot_be_smuggled_through_a_section(tabs):
    factories.registrant("smuggler@example.com")
    tab = tabs(cookie=session_cookie("smuggler@example.com"))
    await open_page(tab, "/mypage/record")
    await tab.send(RecordState, "start_edit", {"section": "certification"}, path="/mypage/record")
    assert (await tab.state(RecordState)).mode == "view"
    await tab.send(RecordState, "start_edit", {"section": "workplace"}, path="/mypage/record")
    form = {
        "employer": "Real Co",
        "status": "withdrawn",
        "valid_until": "2099-12-31",
        "registration_number": "X",
        "role": "admin",
        "kind": "staff",
        "account_id": "1",
    }
    await tab.send(RecordState, "review", {"form": form}, path="/mypage/record")
    await tab.send(RecordState, "update", path="/mypage/record")
    with transaction() as db:
        record = db.exec(select(RegistryRecord)).one()
        fields = {c.field for c in db.exec(select(RecordChange)).all()}
    assert (
        record.employer == "Real Co"
        and record.status == "active"
        and record.registration_number != "X"
    )
    assert fields == {"employer"}
    with transaction() as db:
        account = db.exec(select(Account).where(Account.email == "smuggler@example.com")).one()
    assert (account.kind, account.role) == ("registrant", None)


async def test_update_without_review_saves_nothing(tabs):
    factories.registrant("hasty@example.com")
    tab = tabs(cookie=session_cookie("hasty@example.com"))
    await open_page(tab, "/mypage/record")
    await tab.send(RecordState, "update", path="/mypage/record")
    with transaction() as db:
        assert db.exec(select(RecordChange)).all() == []
