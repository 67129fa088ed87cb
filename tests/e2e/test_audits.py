"""Self-declared points with a random audit: the secretariat makes lectures self-declared,
a registrant's claim counts at once, a draw takes it, the registrant is mailed and sends the
certificate from a phone, a reviewer passes it; a second one left unanswered past its day
stops counting, and the dashboard says so."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import check, open_page, sign_in, sign_in_with_app

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LECTURE = "Lecture: careers after 60"
_SET_MODE = (
    "import sys\n"
    "from portal.domain.core.db import transaction\n"
    "from portal.domain.points.tables import ActivityCategory\n"
    "from sqlmodel import select\n"
    "with transaction() as db:\n"
    "    db.exec(select(ActivityCategory).where(ActivityCategory.code == 'lecture'))"
    ".one().review_mode = sys.argv[1]\n"
)
# The audit step of the daily job, for a day after the evidence was due (the whole job on
# that day would also expire other tests' records).
_CLOSE_OVERDUE = (
    "import datetime as dt\n"
    "from portal.domain.core.clock import today\n"
    "from portal.domain.points import audits\n"
    "print(audits.close_overdue(today() + dt.timedelta(days=31)))\n"
)


def claim_the_lecture(phone: Page) -> None:
    open_page(phone, "/mypage/points")
    offered = phone.locator("[id^=activity-]", has_text=LECTURE)
    expect(offered).to_contain_text("Self-declared: counts as soon as you claim it")
    offered.get_by_role("button", name="Claim", exact=True).click()
    expect(phone.get_by_role("status").first).to_contain_text("Your points count now.")


def draw_every_lecture(desk: Page) -> None:
    open_page(desk, "/admin/audits")
    desk.locator("#percent").fill("100")
    desk.locator("#category").select_option("lecture")
    desk.locator("#draw-audit").click()
    expect(desk.get_by_role("status").first).to_contain_text("1 claim drawn out of 1")


def test_a_self_declared_claim_is_drawn_answered_from_a_phone_and_passed(
    page, portal, browser, tmp_path
):
    staff = browser.new_context(base_url=portal.base_url, viewport={"width": 1280, "height": 900})
    staff.set_default_timeout(20_000)
    desk = staff.new_page()
    try:
        sign_in_with_app(desk, portal, "e2e-admin15@example.com")
        open_page(desk, "/admin/activities")
        desk.locator("#review-mode-lecture").get_by_role("combobox").click()
        desk.get_by_role("option", name="Self-declared (audited at random)").click()
        expect(desk.locator("#review-mode-lecture")).to_have_attribute("data-mode", "self_declared")

        page.set_viewport_size({"width": 375, "height": 800})
        sign_in(page, portal, "audit-me@example.com")
        claim_the_lecture(page)
        expect(page.locator("#points-counted")).to_contain_text("1 / 5")

        draw_every_lecture(desk)
        check(desk, "admin-audits")
        [mail] = portal.mail.wait_for("audit-me@example.com", subject="please send the evidence")
        assert LECTURE in str(mail["Subject"])

        open_page(page, "/mypage")
        expect(page.locator(".audit")).to_contain_text("counted, under audit until")
        open_page(page, "/mypage/points")
        expect(page.locator("[id^=audit-]")).to_contain_text("Drawn for audit")
        page.locator("[id^=send-evidence-]").click()
        certificate = tmp_path / "certificate.pdf"
        certificate.write_bytes(PDF)
        page.locator("#evidence-file input[type=file]").set_input_files(str(certificate))
        page.locator("#upload-evidence").click()
        expect(page.get_by_role("status").first).to_contain_text("1 file attached")
        expect(page.locator("[id^=audit-]")).to_contain_text("your evidence was sent")
        check(page, "points-audit-answered")

        open_page(desk, "/admin/audits")
        item = desk.locator("[id^=audit-item-]").first
        expect(item).to_contain_text("Evidence sent")
        expect(item).to_contain_text("certificate.pdf")
        item.locator("[id^=decide-]").click()
        expect(desk.get_by_role("status").first).to_contain_text("The audit passed")
        portal.mail.wait_for("audit-me@example.com", subject="audit passed")

        late = browser.new_context(base_url=portal.base_url, viewport={"width": 375, "height": 800})
        late.set_default_timeout(20_000)
        phone = late.new_page()
        sign_in(phone, portal, "audit-late@example.com")
        claim_the_lecture(phone)
        draw_every_lecture(desk)
        assert portal.server.python("-c", _CLOSE_OVERDUE).strip() == "1"
        portal.mail.wait_for("audit-late@example.com", subject="no evidence received")
        open_page(phone, "/mypage")
        expect(phone.locator("#req-points")).to_contain_text("0 of 5 points counted")
        expect(phone.locator(".audit")).to_have_count(0)
        open_page(phone, "/mypage/points")
        expect(phone.locator("[id^=audit-]")).to_contain_text("the points no longer count")
        late.close()
    finally:
        portal.server.python("-c", _SET_MODE, "reviewed")  # the other tests expect review
        staff.close()
