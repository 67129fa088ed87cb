"""Signing in through the association's identity provider, in Chromium, against a real
OpenID Connect provider on loopback: link from the account page, sign in through it (with
the e-mailed code, or straight in when the provider proved multi-factor), unlink."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, Portal
from tests.e2e.helpers import (
    check,
    code_from_mail,
    codes_sent,
    open_page,
    sign_in,
    sign_in_with_app,
)

pytestmark = pytest.mark.e2e


def at_the_provider(page: Page, portal: Portal, subject: str) -> None:
    """On the provider's own page: sign in there as `subject` and allow the portal."""
    expect(page).to_have_url(re.compile(re.escape(portal.provider.issuer) + "/oauth2/authorize"))
    page.locator('input[name="sub"]').fill(subject)
    page.get_by_role("button", name="Authorize").click()


def test_a_registrant_links_signs_in_through_the_provider_and_unlinks(page, portal):
    email = "provider-me@example.com"
    sign_in(page, portal, email)
    open_page(page, "/mypage/account")
    expect(page.locator("#provider-title")).to_have_text("Sign in with Example ID")
    page.locator("#provider-link").click()
    at_the_provider(page, portal, "provider-me-subject")
    expect(page).to_have_url(re.compile(r"/mypage/account/?\?provider=linked$"))
    expect(page.get_by_role("status").first).to_contain_text("Your Example ID account is linked")
    expect(page.locator("#provider-linked-on")).to_contain_text("Linked on")
    portal.mail.wait_for(email, subject="Example ID is now linked")
    check(page, "account-provider-linked")

    page.locator("#sign-out").click()
    expect(page).to_have_url(re.compile(r"/login/?\?reason=signed_out$"))
    before = codes_sent(portal, email)
    page.locator("#provider-signin").click()
    at_the_provider(page, portal, "provider-me-subject")
    expect(page).to_have_url(re.compile(r"/login/code/?\?via=provider$"))
    page.locator("#code").fill(code_from_mail(portal, email, before + 1))
    page.locator("#code-submit").click()
    expect(page).to_have_url(re.compile(r"/mypage/?$"))

    open_page(page, "/mypage/account")
    page.locator("#unlink_password").fill("not-my-password-1")
    page.locator("#provider-unlink").click()
    expect(page.locator("#unlink_password-error")).to_contain_text("not correct")
    page.locator("#unlink_password").fill(DEMO_PASSWORD)
    page.locator("#provider-unlink").click()
    expect(page.locator("#provider-link")).to_be_visible()
    portal.mail.wait_for(email, subject="no longer linked")

    # now the same provider account opens nothing, and says how to link it
    page.locator("#sign-out").click()
    page.locator("#provider-signin").click()
    at_the_provider(page, portal, "provider-me-subject")
    expect(page).to_have_url(re.compile(r"/login/?\?reason=provider_unlinked$"))
    expect(page.get_by_text("not linked to an account here")).to_be_visible()
    check(page, "login-provider-unlinked")


def test_staff_with_proved_multi_factor_land_on_admin_without_the_portals_code(page, portal):
    email = "e2e-admin12@example.com"
    sign_in_with_app(page, portal, email)
    open_page(page, "/mypage/account")
    page.locator("#provider-link").click()
    at_the_provider(page, portal, "chief-of-staff")
    expect(page.locator("#provider-linked-on")).to_be_visible()
    page.locator("#sign-out").click()

    portal.provider.set_claims("chief-of-staff", amr=["pwd", "mfa"])
    before = codes_sent(portal, email)
    page.locator("#provider-signin").click()
    at_the_provider(page, portal, "chief-of-staff")
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    assert codes_sent(portal, email) == before
    open_page(page, "/admin/staff")
    expect(page.locator("#staff-list")).to_contain_text("Linked to Example ID since")
