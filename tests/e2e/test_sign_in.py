"""Signing in, in a real browser against the production build, with mail over real SMTP."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import expect

from tests.e2e.helpers import (
    code_from_mail,
    codes_sent,
    enter_password,
    mails_to,
    registry_size,
    sign_in,
)

pytestmark = __import__("pytest").mark.e2e


def test_registrant_signs_in_with_the_emailed_code(page, portal):
    sign_in(page, portal, "registrant1@example.com")
    expect(page.locator("#reg-number")).to_have_text("D000001")
    expect(page.locator("#welcome")).to_contain_text("Sato Hanako")
    assert "portal_session" not in page.evaluate("document.cookie")


def test_wrong_code_is_refused_with_tries_left(page, portal):
    before = codes_sent(portal, "registrant2@example.com")
    enter_password(page, "registrant2@example.com")
    expect(page).to_have_url(re.compile(r"/login/code/?$"))
    right = code_from_mail(portal, "registrant2@example.com", before + 1)
    page.locator("#code").fill("000000" if right != "000000" else "111111")
    page.locator("#code-submit").click()
    expect(page.locator("#code-error")).to_contain_text("4 more")
    page.locator("#code").fill(right)
    page.locator("#code-submit").click()
    expect(page).to_have_url(re.compile(r"/mypage/?$"))


def test_five_wrong_passwords_lock_the_account_and_mail_the_owner(page, portal):
    email = "registrant8@example.com"  # a Japanese-speaking registrant
    for _ in range(5):
        enter_password(page, email, "Wrong-password-99")
        expect(page.get_by_role("status")).to_contain_text("not correct")
    [lock_mail] = portal.mail.wait_for(email, subject="ロック")  # reminders may come too
    assert "30分" in lock_mail.get_content()
    enter_password(page, email)  # the right password no longer opens it
    expect(page.get_by_role("status")).to_contain_text("not correct")
    expect(page).to_have_url(re.compile(r"/login/?$"))
    portal.cli("unlock", email)
    sign_in(page, portal, email)


def test_staff_enrol_an_authenticator_then_sign_in_with_it(page, portal):
    sign_in(page, portal, "admin@example.com", landing="/mypage/account")
    page.goto("/admin")  # not yet: enrolment comes first
    expect(page).to_have_url(re.compile(r"/mypage/account/?$"))
    page.locator("#totp-start").click()
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    page.locator("#code").fill(pyotp.TOTP(key).now())
    page.locator("#totp-confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    # The owner is told, with what to do if it was not them.
    [told] = portal.mail.wait_for("admin@example.com", subject="authenticator app was set up")
    assert "/password/forgot" in told.get_content()
    page.locator("#to-admin").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    expect(page.locator("#count-registrants")).to_have_text(str(registry_size(portal)))
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))

    before = mails_to(portal, "admin@example.com")
    enter_password(page, "admin@example.com")
    expect(page.get_by_text("authenticator app")).to_be_visible()
    totp = pyotp.TOTP(key)
    page.locator("#code").fill(
        totp.at(totp.timecode(__import__("datetime").datetime.now()) * 30 + 30)
    )
    page.locator("#code-submit").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    assert mails_to(portal, "admin@example.com") == before  # no e-mailed code any more


def test_after_sign_out_the_other_tab_can_do_nothing(page, portal):
    sign_in(page, portal, "registrant5@example.com")
    other = page.context.new_page()
    other.goto("/mypage/account")
    expect(other.locator("#account-email")).to_have_text("registrant5@example.com")
    page.goto("/mypage/account")
    page.locator("#sign-out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    other.get_by_role("link", name=re.compile("My page|マイページ")).first.click()
    expect(other).to_have_url(re.compile(r"/login"))
    other.goto("/mypage")
    expect(other).to_have_url(re.compile(r"/login"))


def test_language_switch_is_remembered(page, portal):
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_a_first_visit_from_a_japanese_browser_is_in_japanese(browser, portal):
    context = browser.new_context(base_url=portal.base_url, locale="ja-JP")
    page = context.new_page()
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.get_by_role("button", name="English").click()  # the visitor's choice wins from now on
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.goto("/password/forgot")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("パスワード"))
    context.close()


def test_the_password_can_be_shown_from_the_keyboard(page, portal):
    page.goto("/login")
    password = page.locator("#password")
    password.fill("correct horse battery")
    toggle = page.get_by_role("button", name="Show password")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(password).to_have_attribute("type", "text")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Space")
    expect(password).to_have_attribute("type", "password")
    expect(password).to_have_value("correct horse battery")  # nothing was lost or sent


def test_pages_run_only_their_own_scripts(browser, portal):
    page = browser.new_context(base_url=portal.base_url).new_page()  # expects a refusal
    response = page.goto("/login")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")  # its scripts ran
    ran = page.evaluate(
        """() => {
            const injected = document.createElement("script");
            injected.textContent = "window.injected = true";
            document.body.appendChild(injected);
            return window.injected === true;
        }"""
    )
    assert ran is False  # an injected inline script is refused
    page.context.close()
