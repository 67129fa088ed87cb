"""A training provider in the browser, following only what the screens and mails say: an
admin creates it and invites its user, who chooses a password, signs in on the registrants'
page and proposes a seminar from a phone; staff approve it into the catalogue; after the
seminar the provider reports who attended; staff confirm; the registrant sees the points."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import check, open_page, sign_in, sign_in_with_app

pytestmark = pytest.mark.e2e

PASSWORD = "Provider-pass-2026!"
RESET_LINK = re.compile(r"(http://\S+/password/reset\?token=\S+)")
ATTENDEE = "attend-me@example.com"
_RECORD = (
    "from sqlmodel import select\n"
    "from portal.domain.core.db import transaction\n"
    "from portal.domain.registry.tables import RegistryRecord\n"
    "with transaction() as db:\n"
    "    r = db.exec(select(RegistryRecord).where(RegistryRecord.email == '{email}')).one()\n"
    "    print(r.registration_number, r.family_name, r.given_name, sep=',')"
)


def phone(browser, portal):
    """A second person's browser: a phone-sized window of its own."""
    context = browser.new_context(base_url=portal.base_url, viewport={"width": 375, "height": 800})
    context.set_default_timeout(20_000)
    return context.new_page()


def test_a_provider_is_invited_proposes_reports_attendance_and_points_arrive(
    page, browser, portal, tmp_path
):
    # Each person signs in once, in a browser of their own (sign-ins per client are limited).
    sign_in_with_app(page, portal, "e2e-admin9@example.com")
    page.goto("/admin/organisations")
    page.locator("#org_name").fill("Nagoya Training Institute")
    page.locator("#contact_email").fill("office@nagoya.example")
    page.locator("#create-organisation").click()
    expect(page.locator("#organisation-open")).to_have_text("Nagoya Training Institute")
    page.locator("#user_name").fill("Kato Desk")
    page.locator("#user_email").fill("desk@nagoya.example")
    page.locator("#send-organisation-invitation").click()
    expect(page.locator("#organisation-users")).to_contain_text("desk@nagoya.example")
    check(page, "admin-organisation-open")

    [invitation] = portal.mail.wait_for("desk@nagoya.example", subject="Nagoya Training")
    provider = phone(browser, portal)
    provider.goto(RESET_LINK.search(invitation.get_content()).group(1))
    provider.locator("#new_password").fill(PASSWORD)
    provider.locator("#new_password_confirm").fill(PASSWORD)
    provider.locator("#reset-submit").click()
    expect(provider.get_by_role("status")).to_contain_text("Your new password is set")
    provider.goto("/login")
    expect(provider.locator("#login-doors")).to_have_text(
        "Registrants and organisations sign in here."
    )
    sign_in(provider, portal, "desk@nagoya.example", landing="/org", password=PASSWORD)
    expect(provider.locator("#org-name")).to_have_text("Nagoya Training Institute")
    provider.locator("#title").fill("Seminar: fair hiring")
    provider.locator("#category").select_option("seminar")
    # Older than every demo activity: the registrants' "newest activity" stays the same.
    held = dt.date.today() - dt.timedelta(days=300)
    provider.locator("#starts_on").fill(held.isoformat())
    provider.locator("#points_requested").fill("2")
    provider.locator("#place").fill("Nagoya station hall")
    provider.locator("#send-proposal").click()
    expect(provider.locator("#org-proposals")).to_contain_text("Seminar: fair hiring")
    expect(provider.locator("#org-proposals")).to_contain_text("Waiting for the secretariat")
    check(provider, "org-proposed")

    page.goto("/admin/activities")
    proposal = page.locator("#proposals")
    expect(proposal).to_contain_text("Seminar: fair hiring")
    proposal.get_by_role("button", name="Decide").first.click()
    page.locator("#decide-proposal").click()  # approve as proposed
    expect(proposal).to_contain_text("The activity is now in the catalogue")
    expect(page.locator("#activities")).to_contain_text("Nagoya Training Institute")
    portal.mail.wait_for("desk@nagoya.example", subject="points catalogue")

    # After the seminar: the provider reports one attendee, an unknown number and a
    # registration number with the wrong name (both "not found": nobody is revealed).
    number, family, given = portal.server.python("-c", _RECORD.format(email=ATTENDEE)).split(",")
    listing = tmp_path / "attended.csv"
    rows = ["登録番号,氏名", f"{number},{family} {given.strip()}", "ZZ0000,Nobody", "D000002,Wrong"]
    listing.write_bytes("\r\n".join(rows).encode("cp932"))
    open_page(provider, "/org")
    provider.locator("#org-activities").get_by_role("button").first.click()
    provider.locator("#report-file input[type=file]").set_input_files(str(listing))
    provider.locator("#check-report").click()
    counts = provider.locator("#report-counts")
    expect(counts).to_contain_text("To be credited1")
    expect(counts).to_contain_text(
        "Not found: the number is unknown or the name does not match it2"
    )
    expect(provider.locator("#report-panel")).not_to_contain_text("Suzuki")  # D000002's holder
    check(provider, "org-attendance-preview")
    provider.locator("#send-report").click()
    expect(provider.locator("#org-reports")).to_contain_text("Waiting for the secretariat")

    open_page(page, "/admin/activities")
    reports = page.locator("#reports")
    expect(reports).to_contain_text("Seminar: fair hiring")
    reports.get_by_role("button", name="Decide").first.click()
    page.locator("#confirm-report").click()
    expect(reports).to_contain_text("The list was confirmed")
    portal.mail.wait_for("desk@nagoya.example", subject="points credited")

    attendee = phone(browser, portal)
    sign_in(attendee, portal, ATTENDEE)
    open_page(attendee, "/mypage/points")
    expect(attendee.locator("#points-counted")).to_contain_text("2 / 5")
    expect(attendee.locator("#main")).to_contain_text("Credited: reported by the provider")
    check(attendee, "points-reported-by-provider")
    open_page(attendee, "/mypage")
    expect(attendee.locator("#points-link")).to_contain_text("2 of 5 counted")
    for person in (provider, attendee):
        person.context.close()
