"""A registrant proves an activity from a phone: claim, attach a PDF, see it on the timeline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    check,
    claim_newest_activity_with,
    open_from_more,
    open_page,
    sign_in,
    sign_in_with_app,
)

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
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)
    first_claim = claim_newest_activity_with(page, certificate)
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
        "Waiting for review: 1 claim for 1 point"
    )


def test_reviewer_asks_registrant_answers_with_a_file_then_approval_counts(
    page, portal, browser, tmp_path
):
    sign_in(page, portal, "points-me@example.com")
    open_page(page, "/mypage/points")
    lecture = page.locator("[id^=activity-]").filter(has_text="Lecture: careers after 60")
    lecture.get_by_role("button", name="Claim", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Your claim was sent")
    page.locator("#attach-panel").get_by_role("button", name="Later").click()

    staff = browser.new_context(base_url=portal.base_url, viewport={"width": 1280, "height": 900})
    staff.set_default_timeout(20_000)
    desk = staff.new_page()
    sign_in_with_app(desk, portal, "e2e-admin4@example.com")
    desk.get_by_role("link", name="Claims").first.click()
    desk.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    check(desk, "admin-claims")
    desk.get_by_role("link", name="Lecture: careers after 60").click()
    expect(desk.locator("#claim-title")).to_have_text("Lecture: careers after 60")
    expect(desk.get_by_text("No files are attached.")).to_be_visible()
    desk.locator("#action-ask").check()
    desk.locator("#reason").fill("Please attach the attendance certificate.")
    desk.locator("#record-decision").click()
    expect(desk.get_by_role("status").first).to_contain_text("question was sent")
    check(desk, "admin-claim")
    [question] = portal.mail.wait_for("points-me@example.com", subject="more information")
    assert "attendance certificate" in question.get_content()

    open_page(page, "/mypage/points")
    card = page.locator("[id^=claim-card-]").filter(has_text="Lecture: careers after 60")
    expect(card).to_contain_text("Please attach the attendance certificate.")
    card.locator("textarea").fill("Here it is.")
    card.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("status").first).to_contain_text("Your answer was sent")
    page.locator("[id^=add-file-]").first.click()
    certificate = tmp_path / "attendance.pdf"
    certificate.write_bytes(PDF)
    page.locator("#evidence-file input[type=file]").set_input_files(str(certificate))
    page.locator("#upload-evidence").click()
    expect(page.get_by_role("status").first).to_contain_text("1 file attached")

    desk.reload()
    desk.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    expect(desk.get_by_role("link", name="attendance.pdf")).to_be_visible()
    desk.locator("#action-approve").check()
    desk.locator("#record-decision").click()
    expect(desk.get_by_role("status").first).to_contain_text("Approved")
    staff.close()

    open_page(page, "/mypage/points")
    expect(page.locator("#points-counted")).to_contain_text("1 / 5")
    open_page(page, "/mypage")
    expect(page.locator("#points-link")).to_contain_text("1 of 5 counted")


def test_attendance_list_credits_three_registrants(page, portal, tmp_path):
    sign_in_with_app(page, portal, "e2e-admin5@example.com")
    open_from_more(page, "Activities")
    page.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    check(page, "admin-activities")
    row = page.locator("#activities tr").filter(has_text="Seminar: labour law update")
    row.get_by_role("button", name="Attendance").click()
    listing = tmp_path / "attendance.csv"
    listing.write_bytes("登録番号\r\nD000002\r\nD000004\r\nD000006\r\nD999999\r\n".encode("cp932"))
    page.locator("#attendance-file input[type=file]").set_input_files(str(listing))
    page.locator("#check-attendance").click()
    counts = page.locator("#attendance-counts")
    expect(counts).to_contain_text("To be credited3")
    expect(page.locator("#attendance-panel")).to_contain_text("D999999")
    check(page, "admin-attendance")
    page.locator("#credit-attendance").click()
    expect(page.get_by_role("status").first).to_contain_text("credited to 3 registrants")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))  # signed out before going on
    sign_in(page, portal, "registrant2@example.com")
    open_page(page, "/mypage/points")
    expect(page.locator("[id^=claim-card-]").first).to_contain_text("Credited by the secretariat")
