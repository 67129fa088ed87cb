"""The identity provider on the pages: the account card (link, see, unlink), the messages
/login shows after a trip, and /login/code after a provider sign-in — driven as a browser,
hostile or not, would drive them."""

from __future__ import annotations

from portal.domain.accounts import provider_links, signin
from portal.web.pages.admin.record_state import AdminRecordState
from portal.web.pages.auth.code import CodeState
from portal.web.pages.auth.login import LoginState
from portal.web.pages.mypage.account_provider import ProviderLinkState
from tests import factories
from tests.support.people import HERE, actor_of, session_cookie

ISSUER = "http://127.0.0.1:9"


def linked(email: str, subject: str) -> str:
    """A registrant linked to `subject`; returns their session cookie."""
    factories.registrant(email)
    cookie = session_cookie(email)
    me = actor_of(cookie.split("=", 1)[1])
    provider_links.link(me.account_id, me.session_id, ISSUER, subject, HERE)
    return cookie


async def test_the_card_shows_the_link_and_the_outcome_of_the_trip(tabs):
    cookie = linked("card@example.com", "card")
    tab = tabs(cookie)
    await tab.send(ProviderLinkState, "load", path="/mypage/account?provider=linked")
    state = await tab.state(ProviderLinkState)
    assert state.may_link and state.linked_on
    assert "Example ID" in state.info and state.form_error == ""
    other = tabs(cookie)
    await other.send(ProviderLinkState, "load", path="/mypage/account?provider=<script>")
    state = await other.state(ProviderLinkState)
    assert state.info == "" and state.form_error == ""


async def test_unlinking_takes_the_password_and_touches_only_ones_own_link(tabs):
    mine = linked("mine@example.com", "mine")
    linked("theirs@example.com", "theirs")
    tab = tabs(mine)
    await tab.send(ProviderLinkState, "load", path="/mypage/account")
    await tab.send(ProviderLinkState, "unlink", {"form": {"unlink_password": "Wrong-guess-11"}})
    state = await tab.state(ProviderLinkState)
    assert "unlink_password" in state.errors and state.linked_on
    await tab.send(ProviderLinkState, "unlink", {"form": {"unlink_password": factories.PASSWORD}})
    state = await tab.state(ProviderLinkState)
    assert state.linked_on == "" and "no longer linked" in state.info
    assert provider_links.sign_in(ISSUER, "mine", False, HERE).problem == "unlinked"
    assert provider_links.sign_in(ISSUER, "theirs", False, HERE).problem is None


async def test_a_visitor_without_a_session_unlinks_nothing(tabs):
    linked("target@example.com", "target")
    for cookie in ("", "portal_session=forged"):
        tab = tabs(cookie)
        await tab.send(ProviderLinkState, "unlink", {"form": {"unlink_password": "x"}})
        await tab.send(ProviderLinkState, "unlink", {"form": "not-a-form"})
        assert tab.redirects_to("/login")
    assert provider_links.sign_in(ISSUER, "target", False, HERE).problem is None


async def test_login_explains_why_the_provider_sign_in_failed(tabs):
    tab = tabs()
    await tab.send(LoginState, "load", path="/login?reason=provider_unlinked")
    state = await tab.state(LoginState)
    assert "not linked" in state.form_error and "Example ID" in state.form_error
    await tab.send(LoginState, "load", path="/login?reason=provider_nonsense")
    assert (await tab.state(LoginState)).form_error == ""


async def test_the_code_page_takes_the_attempt_the_provider_callback_left(tabs):
    linked("code@example.com", "code")
    step = provider_links.sign_in(ISSUER, "code", False, HERE)
    tab = tabs(f"portal_provider_attempt={step.attempt}")
    await tab.send(CodeState, "load", path="/login/code?via=provider")
    assert not tab.redirects_to("/login")
    await tab.send(CodeState, "submit", {"form": {"code": factories.last_code("code@example.com")}})
    assert "/auth/session" in tab.sent_text() or "auth/session" in repr(tab.events)
    # a forged attempt, or one without ?via=provider, leads back to /login
    for cookie, path in (
        ("portal_provider_attempt=forged", "/login/code?via=provider"),
        (f"portal_provider_attempt={step.attempt}", "/login/code"),
    ):
        other = tabs(cookie)
        await other.send(CodeState, "load", path=path)
        assert other.redirects_to("/login")
    assert signin.pending_method(step.attempt) is None  # passed: spent


async def test_staff_see_the_link_on_the_record_page(tabs, configure):
    from sqlmodel import select

    from portal.domain.accounts.tables import Account
    from portal.domain.core.db import transaction
    from portal.domain.registry.tables import RegistryRecord
    from tests.support.people import staff
    from tests.web.harness import open_record

    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    linked("seen@example.com", "seen")
    factories.registrant("unseen@example.com")
    with transaction() as db:
        numbers = dict(
            db.exec(
                select(Account.email, RegistryRecord.id).join(
                    RegistryRecord, RegistryRecord.account_id == Account.id
                )
            ).all()
        )
    tab = tabs(staff("reviewer", "desk@example.com"))
    shown = {}
    for email in ("seen@example.com", "unseen@example.com"):
        await open_record(tab, numbers[email])
        state = await tab.state(AdminRecordState)
        [row] = [r for r in state.account_rows if r.key == "admin.provider_link"]
        shown[email] = row.value
    assert shown["seen@example.com"].startswith("Linked to Example ID since")
    assert shown["unseen@example.com"] == "No"
