"""A registrant proves an activity from a phone: claim, attach a PDF, see it on the timeline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import check, open_page, sign_in

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_claim_a_seminar_with_a_pdf_from_a_phone(page, portal, tmp_path):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, portal, "points-me@example.com")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("menuitem", name="My points").click()
    expect(page).to_have_url(re.compile(r"/mypage/points/?$"))
    page.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    expect(page.locator("#points-counted")).to_contain_text("0 / 5")
    check(page, "points")

    page.get_by_text("Seminar: interviewing skills").wait_for()
    page.get_by_role("button", name="Claim", exact=True).first.click()  # the newest activity
    expect(page.get_by_role("status").first).to_contain_text("Your claim was sent")
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)
    page.locator("#evidence-file input[type=file]").set_input_files(str(certificate))
    expect(page.locator("#evidence-file")).to_contain_text("certificate.pdf")
    check(page, "points-attach")
    page.locator("#upload-evidence").click()
    expect(page.get_by_role("status").first).to_contain_text("1 file(s) attached")
    first_claim = page.locator("[id^=claim-card-]").first
    expect(first_claim).to_contain_text("File added")
    expect(first_claim).to_contain_text("Usually reviewed within 14 days")
    with page.expect_download() as download:
        first_claim.get_by_role("link", name="certificate.pdf").click()
    assert download.value.suggested_filename == "certificate.pdf"

    page.locator("#show-other").click()
    page.locator("#description").fill("Career talk at a high school")
    page.locator("#activity_date").fill("2020-01-01")  # before the validity period
    page.locator("#points").fill("1")
    page.locator("#submit-other").click()
    expect(page.locator("#organiser-error")).to_contain_text("cannot be empty")
    page.locator("#organiser").fill("Minato High School")
    page.locator("#submit-other").click()
    expect(page.locator("#activity_date-error")).to_contain_text("validity period")
    expect(page.locator("#description")).to_have_value("Career talk at a high school")
    check(page, "points-other-errors")
    open_page(page, "/mypage/points")
    expect(page.locator("#points-summary")).to_contain_text(
        "Waiting for review: 1 claim(s) for 1 point(s)"
    )
