"""Account self-service in the browser, following only what the screens and mails say."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.helpers import check, enter_password, sign_in

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Brand-new-pass-77!"
LINK = re.compile(r"(http://\S+/(?:password/reset|email/confirm)\?token=\S+)")


def link_in(message) -> str:
    return LINK.search(message.get_content()).group(1)


def test_forgotten_password_reset_by_link(page, portal):
    email = "reset-me@example.com"
    page.goto("/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgotten your password?")
    page.locator("#email").fill(email)
    page.locator("#forgot-submit").click()
    expect(page.get_by_role("status")).to_contain_text("If an account uses this address")
    [mail] = [m for m in portal.mail.wait_for(email) if "new password" in m["Subject"]]
    link = link_in(mail)
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/password/reset/?$"))  # the token left the address bar
    page.locator("#new_password").fill("password12")
    page.locator("#new_password").press("Tab")  # checked live, before submitting
    expect(page.locator("#new_password-error")).to_contain_text("letters, digits and symbols")
    page.locator("#new_password").fill("short")
    page.locator("#new_password_confirm").fill("different")
    page.locator("#reset-submit").click()
    expect(page.locator("#new_password-error")).to_contain_text("at least 10")
    expect(page.locator("#new_password_confirm-error")).to_contain_text("not the same")
    page.locator("#new_password").fill(NEW_PASSWORD)
    page.locator("#new_password_confirm").fill(NEW_PASSWORD)
    page.locator("#reset-submit").click()
    expect(page.get_by_role("status")).to_contain_text("Your new password is set")
    portal.mail.wait_for(email, count=2)  # "your password was changed"

    enter_password(page, email, DEMO_PASSWORD)  # the old password no longer works
    expect(page.get_by_role("status")).to_contain_text("not correct")
    page.goto(link)  # nor does the used link
    expect(page.locator("#request-new")).to_be_visible()
    sign_in(page, portal, email, password=NEW_PASSWORD)


def test_migrated_account_is_sent_a_link_at_first_sign_in(page, portal):
    email = "registrant6@example.com"
    enter_password(page, email)
    expect(page.get_by_role("status")).to_contain_text("We have sent a link")
    [mail] = [m for m in portal.mail.wait_for(email) if "new password" in m["Subject"]]
    page.goto(link_in(mail))
    page.locator("#new_password").fill(NEW_PASSWORD)
    page.locator("#new_password_confirm").fill(NEW_PASSWORD)
    page.locator("#reset-submit").click()
    page.locator("#to-login").click()
    sign_in(page, portal, email, password=NEW_PASSWORD)


def test_email_change_confirmed_from_the_new_address(page, portal):
    old, new = "move-me@example.com", "moved-here@example.com"
    sign_in(page, portal, old)
    page.goto("/mypage/account")
    page.locator("#new_email").fill(new)
    page.locator("#new_email_confirm").fill(new)
    page.locator("#email_password").fill(DEMO_PASSWORD)
    page.locator("#email-submit").click()
    expect(page.get_by_role("status")).to_contain_text("We have sent a link to the new address")
    told = [
        m for m in portal.mail.wait_for(old, count=2) if "change of your e-mail" in m["Subject"]
    ]
    assert told and new in told[0].get_content()
    [confirm] = portal.mail.wait_for(new)
    page.goto(link_in(confirm))
    page.locator("#confirm-email").click()
    expect(page.get_by_role("status")).to_contain_text(f"Your e-mail address is now {new}")
    page.goto("/mypage")  # the old session ended with the change
    expect(page).to_have_url(re.compile(r"/login"))
    sign_in(page, portal, new)
    page.context.clear_cookies()  # another browser, signed out
    enter_password(page, old)
    expect(page.get_by_role("status")).to_contain_text("not correct")


def test_closed_account_cannot_sign_in(page, portal):
    email = "close-me@example.com"
    sign_in(page, portal, email)
    page.goto("/mypage/account")
    page.locator("#close_password").fill(DEMO_PASSWORD)
    page.locator("#close-submit").click()
    expect(page.locator("#understood-error")).to_be_visible()
    page.locator("#understood").click()
    page.locator("#close_password").fill(DEMO_PASSWORD)
    page.locator("#close-submit").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("status")).to_contain_text("Your portal account was closed")
    enter_password(page, email)
    expect(page.get_by_role("status")).to_contain_text("not correct")


def test_invitation_activation_then_first_sign_in(page, portal):
    email = "invite-me@example.com"
    portal.cli("invite", "E2E00001")
    [invitation] = portal.mail.wait_for(email, subject="start using")
    link = re.search(r"(http://\S+/activate\?code=\S+)", invitation.get_content()).group(1)
    page.goto(link)
    expect(page.get_by_text("has been filled in")).to_be_visible()
    page.locator("#registration_number").fill("E2E00001")
    page.locator("#birth_date").fill("1979-12-04")  # a wrong day first
    page.locator("#identity-submit").click()
    expect(page.get_by_role("status")).to_contain_text("do not match")
    page.locator("#birth_date").fill("1979/12/3")
    page.locator("#identity-submit").click()
    expect(page.get_by_text("Welcome, Kobayashi Ren")).to_be_visible()
    check(page, "activate-consent")
    page.locator("#accept_terms").click()
    page.locator("#consent-submit").click()
    expect(page.locator("#accept_privacy-error")).to_be_visible()  # each ticked separately
    page.locator("#accept_privacy").click()
    page.locator("#consent-submit").click()
    page.locator("#new_password").fill(NEW_PASSWORD)
    page.locator("#new_password_confirm").fill(NEW_PASSWORD)
    check(page, "activate-password")
    page.locator("#password-submit").click()
    expect(page.get_by_role("status")).to_contain_text("Your account is open")
    page.locator("#to-login").click()
    sign_in(page, portal, email, password=NEW_PASSWORD)
    expect(page.locator("#reg-number")).to_have_text("E2E00001")


# Every session of the account last proved its owner ten minutes ago (they stepped away).
STEPPED_AWAY = (
    "import datetime as dt\n"
    "from sqlmodel import select, update\n"
    "from portal.domain.core.db import transaction\n"
    "from portal.domain.accounts.tables import Account, WebSession\n"
    "with transaction() as db:\n"
    "    account = db.exec(select(Account.id).where(Account.email == {email!r})).one()\n"
    "    db.execute(update(WebSession).where(WebSession.account_id == account)"
    ".values(confirmed_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)))\n"
)


def test_a_tab_left_open_asks_who_it_is_before_an_app_is_set_up(page, portal):
    email = "confirm-me@example.com"
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, portal, email)
    portal.server.python("-c", STEPPED_AWAY.format(email=email))
    page.goto("/mypage/account")
    expect(page.locator("#reauth")).to_be_visible()
    expect(page.locator("#totp-start")).to_have_count(0)
    check(page, "account-confirm")
    page.locator("#reauth_password").fill(DEMO_PASSWORD)
    page.locator("#reauth-submit").click()
    expect(page.get_by_text("Confirmed. For the next 5 minutes")).to_be_visible()
    page.locator("#totp-start").click()
    expect(page.locator("#totp-key")).to_be_visible()
