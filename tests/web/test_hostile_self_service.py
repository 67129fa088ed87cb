"""The self-service handlers called out of order, without tokens, or with forged ones."""

from __future__ import annotations

import pytest
from sqlmodel import select

from portal.domain.accounts import password_reset, signin
from portal.domain.accounts.tables import Account
from portal.domain.core.db import transaction
from portal.domain.core.origin import SYSTEM
from portal.web.pages.auth.email_confirm import EmailConfirmState
from portal.web.pages.auth.forgot import ForgotState
from portal.web.pages.auth.reset import ResetState
from portal.web.pages.mypage.account import AccountState
from tests import factories
from tests.support.people import HERE, session_cookie
from tests.web.harness import open_page

NEW = "Fresh-meadow-2026!"
FORM = {"form": {"new_password": NEW, "new_password_confirm": NEW}}


def password_hash(email: str) -> str:
    with transaction() as db:
        return db.exec(select(Account.password_hash).where(Account.email == email)).one()


@pytest.mark.parametrize(
    "path", ["/password/reset", "/password/reset?token=", "/password/reset?token=forged"]
)
async def test_reset_without_a_real_token_changes_nothing(tabs, path):
    factories.registrant("target@example.com")
    before = password_hash("target@example.com")
    tab = tabs()
    await open_page(tab, path)
    await tab.send(ResetState, "submit", FORM, path="/password/reset")
    state = await tab.state(ResetState)
    assert not state.link_ok and not state.done
    assert password_hash("target@example.com") == before


async def test_a_link_changes_only_its_own_account(tabs):
    factories.registrant("mine@example.com")
    factories.registrant("theirs@example.com")
    password_reset.request("theirs@example.com", HERE)
    token = (
        factories.outbox("theirs@example.com", "password_reset")[-1]
        .params["link"]
        .split("token=")[1]
    )
    mine = password_hash("mine@example.com")
    tab = tabs(cookie=session_cookie("mine@example.com"))  # signed in as someone else
    await open_page(tab, f"/password/reset?token={token}")
    await tab.send(ResetState, "submit", FORM, path="/password/reset")
    assert (await tab.state(ResetState)).done
    assert password_hash("mine@example.com") == mine
    assert signin.check_password("theirs@example.com", NEW, HERE).ok


async def test_email_confirm_without_token_is_refused(tabs):
    tab = tabs()
    await open_page(tab, "/email/confirm")
    await tab.send(EmailConfirmState, "confirm", path="/email/confirm")
    state = await tab.state(EmailConfirmState)
    assert state.done == "" and "expired" in state.problem


@pytest.mark.parametrize(
    ("handler", "payload"),
    [
        (
            "change_password",
            {"form": {"current_password": "x", "new_password": NEW, "new_password_confirm": NEW}},
        ),
        (
            "change_email",
            {"form": {"new_email": "a@example.com", "new_email_confirm": "a@example.com"}},
        ),
        ("close_account", {"form": {"understood": "on", "close_password": "x"}}),
    ],
)
async def test_account_changes_need_a_session(tabs, handler, payload):
    factories.registrant("someone@example.com")
    before = password_hash("someone@example.com")
    tab = tabs()
    await open_page(tab, "/mypage/account")
    await tab.send(AccountState, handler, payload, path="/mypage/account")
    assert tab.redirects_to("/login")
    assert password_hash("someone@example.com") == before
    assert factories.outbox("someone@example.com") == []


async def test_close_with_forged_checkbox_value_is_refused(tabs):
    factories.registrant("stay@example.com")
    tab = tabs(cookie=session_cookie("stay@example.com"))
    await open_page(tab, "/mypage/account")
    form = {"understood": {"checked": True}, "close_password": factories.PASSWORD}
    await tab.send(AccountState, "close_account", {"form": form}, path="/mypage/account")
    assert "understood" in (await tab.state(AccountState)).errors
    assert signin.check_password("stay@example.com", factories.PASSWORD, HERE).ok


async def test_forgot_answers_the_same_for_known_and_unknown(tabs):
    factories.registrant("known@example.com")
    answers = []
    for email in ("known@example.com", "unknown@example.com"):
        tab = tabs()
        await open_page(tab, "/password/forgot")
        await tab.send(ForgotState, "submit", {"form": {"email": email}}, path="/password/forgot")
        answers.append((await tab.state(ForgotState)).sent)
    assert answers[0] == answers[1] != ""


async def test_activation_steps_cannot_be_skipped(tabs):
    import datetime as dt

    from portal.domain.accounts import activation
    from portal.domain.core.clock import today
    from portal.domain.registry.tables import RegistryRecord
    from portal.web.pages.auth.activate import ActivateState

    with transaction() as db:
        db.add(
            RegistryRecord(
                registration_number="S000001",
                family_name="Skip",
                given_name="Per",
                birth_date=dt.date(1980, 1, 1),
                email="skip@example.com",
                valid_until=today() + dt.timedelta(days=100),
            )
        )
    activation.invite("S000001", SYSTEM)
    tab = tabs()
    await open_page(tab, "/activate")
    await tab.send(
        ActivateState, "submit_password", FORM, path="/activate"
    )  # no identity, no consent
    await tab.send(
        ActivateState, "submit_consent", {"form": {"accept_terms": "on", "accept_privacy": "on"}}
    )
    await tab.send(ActivateState, "submit_password", FORM, path="/activate")
    state = await tab.state(ActivateState)
    assert state.step != 4 and state.errors
    assert not signin.check_password("skip@example.com", NEW, HERE).ok


async def test_consent_page_needs_a_registrant_and_real_ticks(tabs):
    from portal.web.pages.mypage.consent import ConsentState

    tab = tabs()
    await open_page(tab, "/consent")
    await tab.send(ConsentState, "accept", {"form": {"accept_terms": "on", "accept_privacy": "on"}})
    assert tab.redirects_to("/login")
