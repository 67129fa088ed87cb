"""What a malicious browser can send: handlers called by name, out of order, with forged
payloads and without (or with someone else's) session. All refused, nothing leaked."""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal.domain.accounts import operations, totp
from portal.domain.accounts.tables import Account, LoginChallenge, WebSession
from portal.domain.core.db import transaction
from portal.web.pages.admin.overview import AdminOverviewState
from portal.web.pages.auth.code import CodeState
from portal.web.pages.auth.login import LoginState
from portal.web.pages.mypage.account import AccountState
from portal.web.pages.mypage.dashboard import DashboardState
from portal.web.session import ShellState
from tests import factories
from tests.support.people import STAFF_PASSWORD, session_cookie
from tests.web.harness import open_page


def secrets_in_db() -> list[str]:
    """Every stored secret-ish value that must never reach a browser."""
    with transaction() as db:
        values = [a.password_hash for a in db.exec(select(Account)).all()]
        values += [a.totp_secret for a in db.exec(select(Account)).all()]
        values += [c.attempt_digest for c in db.exec(select(LoginChallenge)).all()]
        values += [c.code_digest for c in db.exec(select(LoginChallenge)).all()]
        values += [s.secret_digest for s in db.exec(select(WebSession)).all()]
    return [v for v in values if v]


@pytest.mark.parametrize(
    ("state", "handler", "payload"),
    [
        (DashboardState, "load", {}),
        (AccountState, "load", {}),
        (AccountState, "start_enrolment", {}),
        (AccountState, "confirm_enrolment", {"form": {"code": "123456"}}),
        (AccountState, "disable", {"form": {"password": "x", "disable_code": "1"}}),
        (AdminOverviewState, "load", {}),
    ],
)
async def test_anonymous_tab_is_sent_to_login_and_learns_nothing(tabs, state, handler, payload):
    factories.registrant("someone@example.com")
    tab = tabs()
    await open_page(tab, "/login")
    await tab.send(state, handler, payload)
    assert tab.redirects_to("/login")
    sent = tab.sent_text()
    assert "someone@example.com" not in sent and "T0000" not in sent
    assert "data:image/svg" not in sent
    with transaction() as db:
        assert db.exec(select(Account)).one().totp_pending_secret is None


async def test_registrant_cannot_use_staff_handlers(tabs):
    factories.registrant("reg@example.com")
    tab = tabs(cookie=session_cookie("reg@example.com"))
    await open_page(tab, "/mypage")
    await tab.send(AdminOverviewState, "load")
    assert tab.redirects_to("/mypage")
    assert (await tab.state(AdminOverviewState)).counts == {}
    for delta in tab.deltas:
        assert not delta.get(AdminOverviewState.get_full_name(), {}).get("counts_rx_state_")


async def test_staff_without_authenticator_cannot_reach_admin_handlers(tabs):
    operations.create_staff("staff@example.com", STAFF_PASSWORD, "admin", "Staff Member")
    tab = tabs(cookie=session_cookie("staff@example.com", STAFF_PASSWORD))
    await open_page(tab, "/mypage/account")
    await tab.send(AdminOverviewState, "load")
    assert tab.redirects_to("/mypage/account")
    assert (await tab.state(AdminOverviewState)).counts == {}


async def test_forged_or_stolen_cookie_is_nobody(tabs):
    factories.registrant("victim@example.com")
    real = session_cookie("victim@example.com")
    with transaction() as db:
        digest = db.exec(select(WebSession.secret_digest)).one()
    for cookie in (
        "portal_session=forged",
        f"portal_session={digest}",
        "portal_session=",
        "garbage;;==",
    ):
        tab = tabs(cookie=cookie)
        await open_page(tab, "/mypage")
        await tab.send(DashboardState, "load")
        assert tab.redirects_to("/login"), cookie
        assert "victim@example.com" not in tab.sent_text()
    assert real  # the real cookie was never used


@pytest.mark.parametrize(
    ("state", "handler", "payload"),
    [
        (LoginState, "submit", {"form": "not a dict"}),
        (LoginState, "submit", {"form": {"email": ["a"], "password": {"$ne": 1}}}),
        (LoginState, "submit", {"form": {"email": "x" * 100_000, "password": "y" * 100_000}}),
        (CodeState, "submit", {"form": {"code": {"$gt": ""}}}),
        (CodeState, "resend", {}),
        (ShellState, "set_language", {"lang": {"evil": True}}),
        (ShellState, "set_language", {"lang": "xx"}),
    ],
)
async def test_forged_payloads_change_nothing_and_never_crash(tabs, state, handler, payload):
    factories.registrant("target@example.com")
    tab = tabs()
    await open_page(tab, "/login")
    await tab.send(state, handler, payload)
    assert (await tab.state(ShellState)).lang == "en"
    assert factories.outbox("target@example.com") == []
    with transaction() as db:
        assert db.exec(select(LoginChallenge)).all() == []


async def test_code_step_without_password_step_goes_back_to_login(tabs):
    factories.registrant("skip@example.com")
    other = tabs()
    await open_page(other, "/login")
    await other.send(
        LoginState,
        "submit",
        {"form": {"email": "skip@example.com", "password": factories.PASSWORD}},
    )
    code = factories.last_code("skip@example.com")
    attacker = tabs()  # a different tab guessing with the right code
    await open_page(attacker, "/login/code")
    await attacker.send(CodeState, "submit", {"form": {"code": code}})
    assert attacker.redirects_to("/login")
    assert "/auth/session" not in attacker.sent_text()


async def test_private_helpers_are_not_event_handlers(tabs):
    tab = tabs()
    await open_page(tab, "/login/code")
    name = f"{CodeState.get_full_name()}._begin"
    assert not tab.is_handler(name)
    await tab.send(CodeState, "_begin", {"attempt": "forged", "method": "email"})
    assert (await tab.state(CodeState)).method == ""


async def test_full_sign_in_and_enrolment_never_send_a_secret(tabs):
    account_id = factories.registrant("careful@example.com")
    tab = tabs()
    await open_page(tab, "/login")
    await tab.send(
        LoginState,
        "submit",
        {"form": {"email": "careful@example.com", "password": factories.PASSWORD}},
    )
    assert tab.redirects_to("/login/code")
    await tab.send(
        CodeState, "submit", {"form": {"code": factories.last_code("careful@example.com")}}
    )
    assert "/auth/session" in tab.sent_text()
    signed_in = tabs(cookie=session_cookie("careful@example.com"))
    await open_page(signed_in, "/mypage/account")
    await signed_in.send(AccountState, "load")
    await signed_in.send(AccountState, "start_enrolment")
    key = (await signed_in.state(AccountState)).key_text.replace(" ", "")
    import pyotp

    await signed_in.send(
        AccountState, "confirm_enrolment", {"form": {"code": pyotp.TOTP(key).now()}}
    )
    assert (await signed_in.state(AccountState)).totp_enabled
    assert len((await signed_in.state(AccountState)).recovery_codes) == 10
    sent = tab.sent_text() + signed_in.sent_text()
    for secret in secrets_in_db():
        assert secret not in sent
    assert "$2b$" not in sent
    with transaction() as db:
        assert totp._decrypt(db.get(Account, account_id).totp_secret) == key


async def test_registrant_sees_only_their_own_record(tabs):
    from portal.domain.registry.tables import RegistryRecord

    mine_id = factories.registrant("mine@example.com")
    factories.registrant("theirs@example.com")
    tab = tabs(cookie=session_cookie("mine@example.com"))
    await open_page(tab, "/mypage")
    await tab.send(DashboardState, "load")
    state = await tab.state(DashboardState)
    with transaction() as db:
        records = {r.account_id == mine_id: r for r in db.exec(select(RegistryRecord)).all()}
    mine, theirs = records[True], records[False]
    assert state.registration_number == mine.registration_number
    assert state.welcome.endswith(f"{mine.family_name} {mine.given_name}")
    sent = tab.sent_text()
    assert theirs.registration_number not in sent and "theirs@example.com" not in sent
