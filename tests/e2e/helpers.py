"""Steps a person takes, written once for the end-to-end tests."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, Portal

CODE_IN_SUBJECT = re.compile(r"(\d{6})")


def code_from_mail(portal: Portal, email: str, count: int) -> str:
    """The code in the `count`-th sign-in mail to `email` (waits for it to arrive)."""
    message = portal.mail.wait_for(email, count=count)[count - 1]
    return CODE_IN_SUBJECT.search(message.get_content()).group(1)


def mails_to(portal: Portal, email: str) -> int:
    return len([m for m in portal.mail.messages if email in str(m["To"])])


def enter_password(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#login-submit").click()


def sign_in(page: Page, portal: Portal, email: str, landing: str = "/mypage") -> None:
    """Password, then the code from the e-mail that arrives, then the landing page."""
    before = mails_to(portal, email)
    enter_password(page, email)
    expect(page).to_have_url(re.compile(r"/login/code/?$"))
    page.locator("#code").fill(code_from_mail(portal, email, before + 1))
    page.locator("#code-submit").click()
    expect(page).to_have_url(re.compile(re.escape(landing) + r"/?$"))
