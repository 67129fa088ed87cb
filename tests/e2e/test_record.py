"""A registrant keeps their record current: edit → confirm → done, one section at a time."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import check, open_page, sign_in

pytestmark = pytest.mark.e2e


def test_registrant_edits_the_workplace_through_confirm(page, portal):
    sign_in(page, portal, "registrant3@example.com")
    open_page(page, "/mypage/record")
    # An empty field says so, instead of a label with nothing under it.
    postal = page.locator("dt:has-text('Postal code') + dd")
    expect(postal).to_have_text("Not given")
    check(page, "record")
    page.locator("#edit-workplace").click()
    page.locator("#employer").fill("株式会社サンプル人材")
    page.locator("#workplace_phone").fill("電話 03")  # a typo first
    page.locator("#review-submit").click()
    expect(page.locator("#workplace_phone-error")).to_contain_text("digits and hyphens")
    expect(page.locator("#employer")).to_have_value("株式会社サンプル人材")  # what was typed stays
    check(page, "record-edit-errors")
    page.locator("#workplace_phone").fill("０３－１２３４－５６７８")
    page.locator("#review-submit").click()
    changes = page.locator("#changes")
    expect(changes).to_contain_text("株式会社サンプル人材")
    expect(changes).to_contain_text("03-1234-5678")
    check(page, "record-confirm")
    page.get_by_role("button", name="Make more changes").click()
    expect(page.locator("#employer")).to_have_value("株式会社サンプル人材")
    page.locator("#department").fill("Placement")
    page.locator("#review-submit").click()
    expect(changes).to_contain_text("Placement")
    page.locator("#update-record").click()
    expect(page.get_by_role("status")).to_contain_text("Your Workplace was updated on")
    page.locator("#back-to-record").click()
    expect(page.get_by_text("株式会社サンプル人材")).to_be_visible()
    expect(page.get_by_text("Last updated:")).to_be_visible()


def test_unsubscribing_from_the_newsletter_warns_before_saving(page, portal):
    sign_in(page, portal, "registrant2@example.com")
    open_page(page, "/mypage/record")
    page.locator("#edit-mail").click()
    page.locator("#newsletter").click()
    page.locator("#review-submit").click()
    expect(page.get_by_text("requirement for renewal")).to_be_visible()
    page.get_by_role("button", name="Make more changes").click()
    page.get_by_role("button", name="Cancel").click()
    expect(page.locator("#edit-mail")).to_be_visible()
