"""A tab's states hold one person's data at most. After sign-out, after the session ends
elsewhere, or when another person signs in on the same tab, the next hydrate — which
ships every state of the tab — carries none of the previous person's values."""

from __future__ import annotations

import os

import pytest
from redis.asyncio import Redis
from reflex.istate.manager.redis import StateManagerRedis

from portal.domain.accounts import sessions
from portal.web.pages.mypage.dashboard import DashboardState
from portal.web.pages.mypage.record import RecordState
from portal.web.session import ShellState
from tests import factories
from tests.dbs import fresh_redis
from tests.domain.communications_people import change
from tests.support.people import session_cookie
from tests.web.harness import hydrate


@pytest.fixture(
    params=["memory", "redis"] if os.environ.get("PORTAL_TEST_REDIS_URL") else ["memory"]
)
def state_manager(request):
    """Each test with the states in memory, and in Redis (as several workers keep them)."""
    if request.param == "memory":
        yield None
        return
    with fresh_redis() as url:
        yield StateManagerRedis(redis=Redis.from_url(url))


PHONE = "03-5550-7788"
ADDRESS = "Kasumigaseki 9-9-9"


async def a_tab_showing_hanakos_record(tabs):
    hanako = factories.registrant("hanako@example.com")
    change(hanako, phone=PHONE, address=ADDRESS)
    cookie = session_cookie("hanako@example.com")
    tab = tabs(cookie)
    await tab.send(ShellState, "sync", path="/mypage/record")  # the page and its on_load
    await tab.send(DashboardState, "load", path="/mypage")
    assert PHONE in tab.sent_text() and ADDRESS in tab.sent_text()  # the page showed it
    return tab, cookie


def personal_data_in(text: str) -> list[str]:
    return [value for value in (PHONE, ADDRESS, "hanako@example.com") if value in text]


async def test_after_sign_out_a_hydrate_of_the_tab_carries_nothing_of_the_person(tabs):
    tab, _ = await a_tab_showing_hanakos_record(tabs)
    await tab.send(ShellState, "sign_out", path="/mypage/record")
    tab.cookie = ""  # /auth/signout cleared it
    tab.deltas.clear()
    await hydrate(tab, "/login")
    assert tab.deltas and personal_data_in(tab.sent_text()) == []


async def test_a_session_ended_elsewhere_empties_the_tab_before_hydrate(tabs):
    tab, cookie = await a_tab_showing_hanakos_record(tabs)
    sessions.end(cookie.split("=", 1)[1])  # e.g. "sign out everywhere", or it expired
    tab.deltas.clear()
    await hydrate(tab, "/mypage/record")  # the same browser, the same (dead) cookie
    assert tab.deltas and personal_data_in(tab.sent_text()) == []
    assert (await tab.state(RecordState)).rows == {}


async def test_another_person_on_the_same_tab_never_receives_the_first_ones_data(tabs):
    tab, _ = await a_tab_showing_hanakos_record(tabs)
    factories.registrant("taro@example.com")
    tab.cookie = session_cookie("taro@example.com")
    tab.deltas.clear()
    await hydrate(tab, "/mypage")
    await tab.send(DashboardState, "load", path="/mypage")
    assert personal_data_in(tab.sent_text()) == []
