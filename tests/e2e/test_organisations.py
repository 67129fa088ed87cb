"""A training provider in the browser, following only what the screens and mails say: an
admin creates it and invites its user, who chooses a password, signs in on the registrants'
page, proposes a seminar from a phone; staff approve it into the catalogue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import check, sign_in, sign_in_with_app

pytestmark = pytest.mark.e2e

PASSWORD = "Provider-pass-2026!"
RESET_LINK = re.compile(r"(http://\S+/password/reset\?token=\S+)")


def test_a_provider_is_invited_proposes_a_seminar_and_staff_approve_it(page, portal):
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
    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(RESET_LINK.search(invitation.get_content()).group(1))
    page.locator("#new_password").fill(PASSWORD)
    page.locator("#new_password_confirm").fill(PASSWORD)
    page.locator("#reset-submit").click()
    expect(page.get_by_role("status")).to_contain_text("Your new password is set")

    page.goto("/login")
    expect(page.locator("#login-doors")).to_have_text("Registrants and organisations sign in here.")
    sign_in(page, portal, "desk@nagoya.example", landing="/org", password=PASSWORD)
    expect(page.locator("#org-name")).to_have_text("Nagoya Training Institute")
    page.locator("#title").fill("Seminar: fair hiring")
    page.locator("#category").select_option("seminar")
    # Long past: no demo registrant can claim it, so the other tests' catalogue is unchanged.
    page.locator("#starts_on").fill("2020-01-20")
    page.locator("#points_requested").fill("2")
    page.locator("#place").fill("Nagoya station hall")
    page.locator("#send-proposal").click()
    expect(page.locator("#org-proposals")).to_contain_text("Seminar: fair hiring")
    expect(page.locator("#org-proposals")).to_contain_text("Waiting for the secretariat")
    check(page, "org-proposed")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 800})
    # Another admin: the first one's app code of this half-minute was used (no replays).
    sign_in_with_app(page, portal, "e2e-admin10@example.com")
    page.goto("/admin/activities")
    proposal = page.locator("#proposals")
    expect(proposal).to_contain_text("Seminar: fair hiring")
    proposal.get_by_role("button", name="Decide").first.click()
    page.locator("#decide-proposal").click()  # approve as proposed
    expect(proposal).to_contain_text("The activity is now in the catalogue")
    expect(page.locator("#activities")).to_contain_text("Nagoya Training Institute")
    portal.mail.wait_for("desk@nagoya.example", subject="points catalogue")
