"""Which language a page speaks, and what it costs: the catalogue never travels in state."""

from __future__ import annotations

import pytest
from reflex.state import State
from reflex.utils.format import json_dumps

from portal.web.pages.mypage.dashboard import DashboardState
from portal.web.session import ShellState
from tests.domain.renewal.renewal_people import renewing
from tests.support.people import session_cookie


@pytest.mark.parametrize(
    ("accept_language", "shown"),
    [
        ("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "ja"),
        ("en-GB,en;q=0.9,ja;q=0.8", "en"),
        ("fr-FR,fr;q=0.9,ja;q=0.5", "ja"),
        ("de-DE,ja;q=0", "en"),
        ("", "en"),
        ("garbage;;q=x,,", "en"),
    ],
)
async def test_a_first_visit_speaks_the_browser_language(tabs, accept_language, shown):
    tab = tabs(accept_language=accept_language)
    await tab.send(ShellState, "sync", path="/login")
    shell = await tab.state(ShellState)
    assert shell.lang == shown
    assert shell.lang_cookie == shown  # remembered from now on


async def test_a_chosen_language_wins_over_the_browser(tabs):
    tab = tabs(accept_language="ja-JP,ja")
    await tab.send(ShellState, "sync", path="/login")
    await tab.send(ShellState, "set_language", {"lang": "en"}, path="/login")
    await tab.send(ShellState, "sync", path="/mypage")  # the next page of the same visit
    assert (await tab.state(ShellState)).lang == "en"


async def test_a_signed_in_page_carries_its_data_not_the_dictionary(tabs):
    renewing("light@example.com", points=4)
    tab = tabs(cookie=session_cookie("light@example.com"))
    await tab.send(State, "hydrate", path="/mypage")
    await tab.send(ShellState, "sync", path="/mypage")
    await tab.send(DashboardState, "load", path="/mypage")
    sent = json_dumps(tab.deltas)
    assert "Skip to main content" not in sent and "login.title" not in sent
    assert len(sent.encode()) < 24 * 1024  # the catalogue alone was 77 KiB
    # A refresh that changes nothing sends nothing.
    tab.deltas.clear()
    await tab.send(ShellState, "sync", path="/mypage")
    await tab.send(DashboardState, "load", path="/mypage")
    assert all(not any(d.values()) for d in tab.deltas), tab.deltas


async def test_switching_language_sends_two_letters(tabs):
    tab = tabs()
    await tab.send(ShellState, "sync", path="/login")
    tab.deltas.clear()
    await tab.send(ShellState, "set_language", {"lang": "ja"}, path="/login")
    shell = tab.deltas[0][ShellState.get_full_name()]
    assert set(shell) <= {"lang_rx_state_", "lang_cookie_rx_state_"}
