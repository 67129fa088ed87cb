"""The secretariat announces new renewal rules: an admin enters the version starting
tomorrow on /admin/rules, reads its impact, publishes it; a registrant whose period starts
tomorrow is held to it on their phone (and their transcript PDF says so), one mid-period
keeps the rules they started under."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.helpers import check, open_from_more, open_page, sign_in, sign_in_with_app

pytestmark = pytest.mark.e2e

_TODAY = "from portal.domain.core.clock import today\nprint(today().isoformat())"


def test_an_admin_publishes_tomorrows_rules_and_only_new_periods_follow_them(page, portal, browser):
    tomorrow = dt.date.fromisoformat(portal.server.python("-c", _TODAY).strip()) + dt.timedelta(
        days=1
    )
    staff = browser.new_context(base_url=portal.base_url, viewport={"width": 1280, "height": 900})
    staff.set_default_timeout(20_000)
    desk = staff.new_page()
    sign_in_with_app(desk, portal, "e2e-admin14@example.com")
    open_from_more(desk, "Renewal rules")
    expect(desk.locator("[data-status=in_force]")).to_contain_text("At least 5 points")
    check(desk, "admin-rules")

    desk.locator("#new-rules").click()
    desk.locator("#effective_from").fill(tomorrow.isoformat())
    desk.locator("#points_required").fill("10")
    desk.locator("#min-seminar").fill("2")
    expect(desk.get_by_label("Seminar — At least", exact=True)).to_have_value("2")
    check(desk, "admin-rules-form")
    desk.locator("#save-rules").click()
    impact = desk.locator("#rules-impact")
    # rules-new's period, and any renewed earlier in the run (its next period starts later)
    expect(impact).to_contain_text(re.compile(r"\d+ current periods? started on or after"))
    expect(desk.locator("[data-status=draft]")).to_contain_text("At least 10 points")
    check(desk, "admin-rules-impact")
    desk.locator("#publish-rules").click()
    expect(desk.get_by_role("status").first).to_contain_text("The version was published")
    expect(desk.locator("[data-status=planned]")).to_contain_text(
        "Of these, at least 2 from Seminar"
    )
    staff.close()

    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, portal, "rules-new@example.com")
    expect(page.locator("#rules-title")).to_contain_text("Rules for periods from")
    expect(page.locator("#req-points")).to_contain_text("0 of 10 points")
    expect(page.locator("#req-minimum")).to_contain_text("Seminar")
    check(page, "dashboard-new-rules")
    open_page(page, "/mypage/points")
    with page.expect_download() as download:
        page.locator("#transcript").click()
    text = PdfReader(download.value.path()).pages[0].extract_text()
    assert "Continuing-education record" in text and "Rules for periods from" in text
    assert "[not met] At least 10 points counted" in text
    check(page, "points-transcript-link")

    other = browser.new_context(base_url=portal.base_url, viewport={"width": 375, "height": 800})
    other.set_default_timeout(20_000)
    phone = other.new_page()
    sign_in(phone, portal, "rules-old@example.com")
    expect(phone.locator("#req-points")).to_contain_text("0 of 5 points")
    expect(phone.locator("#req-minimum")).to_have_count(0)
    expect(phone.locator("#rules-title")).to_have_count(0)
    other.close()
