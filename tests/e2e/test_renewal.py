"""The renewal season for one registrant: told what is missing, fifth point, apply, approval,
certificate, public check — on a phone for the registrant, at a desk for the secretariat."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.helpers import check, open_page, sign_in, sign_in_with_app

pytestmark = pytest.mark.e2e


def test_a_registrant_renews_from_four_points_to_a_verified_certificate(page, portal, browser):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, portal, "registrant1@example.com")
    expect(page.locator("#req-points")).to_have_attribute("data-met", "no")
    expect(page.locator("#req-points")).to_contain_text("4 of 5 points counted; 1 pending review")
    expect(page.locator("#req-course")).to_have_attribute("data-met", "yes")
    expect(page.locator("#req-window")).to_contain_text("Open until")
    expect(page.locator("#apply-disabled")).to_be_disabled()
    expect(page.locator("#apply-note")).to_contain_text("every requirement")
    check(page, "dashboard-renewal")

    staff = browser.new_context(base_url=portal.base_url, viewport={"width": 1280, "height": 900})
    staff.set_default_timeout(20_000)
    desk = staff.new_page()
    sign_in_with_app(desk, portal, "e2e-admin6@example.com")
    open_page(desk, "/admin/claims")
    desk.get_by_role("link", name="Volunteer career counselling at the city job fair").click()
    expect(desk.locator("#claim-title")).to_contain_text("Volunteer career counselling")
    desk.locator("#action-approve").check()
    desk.locator("#record-decision").click()
    expect(desk.get_by_role("status").first).to_contain_text("Approved")

    open_page(page, "/mypage")
    expect(page.locator("#req-points")).to_have_attribute("data-met", "yes")
    expect(page.locator("#renew-headline")).to_contain_text("you can apply now")
    page.locator("#apply").click()
    expect(page).to_have_url(re.compile(r"/mypage/renewal/?$"))
    page.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    page.locator("#change-address").click()
    page.locator("#postal_code").fill("1000001")
    page.locator("#address").fill("東京都千代田区千代田1-1")
    page.get_by_role("button", name="Check the change").click()
    expect(page.locator("#address-changes")).to_contain_text("100-0001")
    page.locator("#save-address").click()
    expect(page.locator("#mailing-address")).to_have_text("東京都千代田区千代田1-1")
    page.locator("#submit-application").click()
    expect(page.locator("#declare-error")).to_contain_text("confirm the declaration")
    page.locator("#declare").click()
    check(page, "renewal-apply")
    page.locator("#submit-application").click()
    expect(page.locator("#application-status")).to_have_text("waiting for the secretariat")
    check(page, "renewal-submitted")

    open_page(desk, "/admin/renewals")
    desk.locator("#q").fill("D000001")
    desk.locator("#renewals-search").click()
    expect(desk).to_have_url(re.compile(r"q=D000001"))
    expect(desk.locator("#renewals-queue tbody tr")).to_have_count(1)
    desk.locator("[id^=review-]").first.click()
    expect(desk.locator("#decision")).to_contain_text("Sato Hanako")
    expect(desk.locator("#now-points")).to_have_attribute("data-met", "yes")
    check(desk, "admin-renewals")
    desk.locator("#approve-renewal").click()
    expect(desk.get_by_role("status").first).to_contain_text("Approved: certificate")
    expect(desk.locator("#to-mail")).to_contain_text("東京都千代田区千代田1-1")
    staff.close()
    [approved] = portal.mail.wait_for("registrant1@example.com", subject="renewal was approved")
    number = re.search(r"\d{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", approved.get_content()).group(0)

    open_page(page, "/mypage/renewal")
    expect(page.locator("#application-status")).to_have_text("approved")
    expect(page.locator("#certificates")).to_contain_text(number)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download (PDF)").click()
    pdf = download.value
    assert pdf.suggested_filename == f"certificate-{number}.pdf"
    text = PdfReader(pdf.path()).pages[0].extract_text()
    assert "Sato Hanako" in text and number in text and "D000001" in text

    visitor = browser.new_context(base_url=portal.base_url).new_page()
    open_page(visitor, f"/verify/{number}")
    expect(visitor.locator("#verify-status")).to_have_text("Valid")
    expect(visitor.locator("#verify-holder")).to_have_text("Sato Hanako")
    expect(visitor.locator("#verify-reg")).to_have_text("D000001")
    check(visitor, "verify")
    visitor.get_by_role("button", name="日本語").click()  # a visitor's switch: no reload
    expect(visitor.locator("#verify-status")).to_have_text("有効")
    expect(visitor.locator("#verify-period")).to_contain_text("年")
    open_page(visitor, "/verify/2020-AAAA-AAAA")
    expect(visitor.locator("#verify-not-found")).to_be_visible()
