"""The registry list for staff, driven as a browser would (and as a hostile one)."""

from __future__ import annotations

from portal.domain.accounts import operations
from portal.web.pages.admin.registrants import AdminRegistrantsState
from tests import factories
from tests.support.people import STAFF_PASSWORD, session_cookie
from tests.web.harness import open_page


async def staff_tab(tabs, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    operations.create_staff("desk@example.com", STAFF_PASSWORD, "reviewer", "Desk")
    return tabs(cookie=session_cookie("desk@example.com", STAFF_PASSWORD))


async def test_staff_search_reads_the_url(tabs, configure):
    factories.registrant("yamada@example.com")
    factories.registrant("suzuki@example.com")
    tab = await staff_tab(tabs, configure)
    url = "/admin/registrants?q=YAMADA&sort=password_hash&order=desc"
    await open_page(tab, url)
    await tab.send(AdminRegistrantsState, "load", path=url)
    state = await tab.state(AdminRegistrantsState)
    assert [row["email"] for row in state.rows] == ["yamada@example.com"]
    assert state.params["sort"] == "number" and state.params["order"] == "desc"
    assert "1–1 of 1" in state.summary


async def test_filters_become_a_bookmarkable_url(tabs, configure):
    tab = await staff_tab(tabs, configure)
    await open_page(tab, "/admin/registrants")
    await tab.send(
        AdminRegistrantsState,
        "apply_filters",
        {"form": {"q": "山田", "status": "expired", "from": "", "to": "2027-01-31"}},
        path="/admin/registrants",
    )
    assert tab.redirects_to("/admin/registrants?q=%E5%B1%B1%E7%94%B0&status=expired&to=2027-01-31")


async def test_registrants_and_strangers_get_nothing(tabs):
    factories.registrant("private@example.com")
    for tab in (tabs(), tabs(cookie=session_cookie("private@example.com"))):
        await open_page(tab, "/admin/registrants")
        await tab.send(
            AdminRegistrantsState, "apply_filters", {"form": {"q": "x"}}, path="/admin/registrants"
        )
        assert (await tab.state(AdminRegistrantsState)).rows == []
        assert "private@example.com" not in tab.sent_text().replace('"email_rx_state_"', "")
