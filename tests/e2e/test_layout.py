"""Every page at phone and desktop width: no sideways scrolling, no serious accessibility
problems (axe-core), and a screenshot in test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from portal import __version__
from tests.e2e.helpers import (
    check,
    code_from_mail,
    codes_sent,
    enter_password,
    registry_size,
    sign_in,
    sign_in_with_app,
    switch_language_signed_in,
)

pytestmark = pytest.mark.e2e


def test_sign_in_pages(page, portal):
    page.goto("/login")
    expect(page.locator("#login-submit")).to_be_visible()
    check(page, "login")
    page.locator("#login-submit").click()  # empty form: the error summary and field errors
    expect(page.locator("#email-error")).to_be_visible()
    check(page, "login-errors")
    enter_password(page, "registrant3@example.com")
    expect(page).to_have_url(re.compile(r"/login/code/?$"))
    portal.mail.wait_for("registrant3@example.com")  # so later tests count only their own mail
    check(page, "code")


def test_registrant_pages(page, portal):
    sign_in(page, portal, "registrant3@example.com")
    expect(page.locator("#reg-number")).to_have_text("D000003")
    expect(page.locator("#portal-version")).to_have_count(0)  # the release is staff's concern
    check(page, "mypage")
    page.goto("/mypage/account")
    expect(page.locator("#account-email")).to_be_visible()
    page.locator("#totp-start").click()
    expect(page.locator("#totp-key")).to_be_visible()
    check(page, "account-enrol")


def test_phone_menu_reaches_every_page(page, portal):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, portal, "registrant2@example.com")
    for item, path in (
        ("Account", "/mypage/account"),
        ("My record", "/mypage/record"),
        ("My page", "/mypage"),
    ):
        page.get_by_role("button", name="Menu").click()
        page.get_by_role("menuitem", name=item).click()
        expect(page).to_have_url(re.compile(re.escape(path) + r"/?$"))
        # Each page brings its own header: use the menu of the page that has arrived.
        expect(page.get_by_role("heading", level=1)).to_have_text(item)
        page.locator('#page-ready[data-ready="yes"]').wait_for(state="attached")


def test_staff_pages(page, portal):
    sign_in(page, portal, "reviewer@example.com", landing="/mypage/account")
    check(page, "account-staff-required")
    page.locator("#totp-start").click()
    key = page.locator("#totp-key").inner_text().replace(" ", "")
    page.locator("#code").fill(pyotp.TOTP(key).now())
    page.locator("#totp-confirm").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    check(page, "account-recovery-codes")
    page.locator("#to-admin").click()
    expect(page.locator("#count-registrants")).to_have_text(str(registry_size(portal)))
    expect(page.locator("#portal-version")).to_have_text(
        f"Registrant Portal · Version {__version__}"
    )
    check(page, "admin")
    page.get_by_role("link", name="Registrants").first.click()
    expect(page.locator("#summary")).to_contain_text(f"of {registry_size(portal)}")
    check(page, "admin-registrants")
    page.locator("#q").fill("ｓａｔｏ")  # full-width, as a Japanese keyboard may type it
    page.locator("#search-submit").click()
    expect(page).to_have_url(re.compile(r"/admin/registrants/?\?q=%EF%BD%93"))
    expect(page.locator("#registrants tbody tr")).to_have_count(1)
    expect(page.locator("#registrants")).to_contain_text("D000001")
    page.locator("#sort-valid_until").click()
    expect(page).to_have_url(re.compile(r"sort=valid_until"))
    with page.expect_download() as download:
        page.locator("#export-sjis").click()
    exported = Path(download.value.path()).read_bytes().decode("cp932")
    assert exported.startswith("registration_number,") and "D000001" in exported
    assert "D000002" not in exported  # the current filter (ｓａｔｏ) applies
    page.get_by_role("link", name="D000001").click()
    expect(page.locator("#record-title")).to_contain_text("D000001")
    expect(page.locator("#unlock")).to_have_count(0)  # reviewers read, admins act
    check(page, "admin-record")


def test_japanese_registrant_sees_japanese_page_and_mail(page, portal):
    sign_in(page, portal, "registrant5@example.com")
    expect(page.get_by_role("heading", level=1)).to_have_text("マイページ")
    expect(page.locator("#welcome")).to_contain_text("髙橋 𠮷男")
    expect(page.locator("#valid-until")).to_have_text(re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    mail = portal.mail.wait_for("registrant5@example.com")[-1]
    assert "ワンタイムパスワード" in mail["Subject"]
    check(page, "mypage-ja")
    for path, heading in (
        ("/mypage/record", "登録情報"),
        ("/mypage/points", "ポイント"),
        ("/mypage/renewal", "更新"),
        ("/mypage/account", "アカウント"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(page.locator("html")).to_have_attribute("lang", "ja")
        check(page, f"{path.strip('/').replace('/', '-')}-ja")


def test_self_service_pages(page, portal):
    page.goto("/password/forgot")
    expect(page.locator("#forgot-submit")).to_be_visible()
    check(page, "forgot")
    page.goto("/password/reset?token=not-a-real-token")
    expect(page.locator("#request-new")).to_be_visible()
    check(page, "reset-dead-link")
    page.goto("/activate")
    expect(page.locator("#identity-submit")).to_be_visible()
    check(page, "activate-identity")
    page.goto("/activate/request")
    expect(page.locator("#request-submit")).to_be_visible()
    check(page, "activate-request")
    page.goto("/email/confirm")
    expect(page.locator("#confirm-email")).to_be_visible()
    check(page, "email-confirm")
    sign_in(page, portal, "registrant1@example.com")
    page.goto("/mypage/account")
    page.locator("#password-submit").click()
    expect(page.locator("#current_password-error")).to_be_visible()
    check(page, "account-errors")


@pytest.mark.parametrize(("language", "admin"), [("en", "e2e-admin7"), ("ja", "e2e-admin8")])
def test_every_route_fits_passes_axe_and_is_translated(page, portal, language, admin):
    """Every page the app serves — public, registrant, organisation and staff — in each
    language, at 375 and 1280 px: no sideways scrolling, no serious axe violation, no raw
    message key. A page added to the app without being visited here fails this test."""
    from portal.portal import app

    visited: set[str] = set()

    def visit(route: str, url: str | None = None) -> None:
        if url is not None:
            page.goto(url)
        page.wait_for_selector("#page-ready[data-ready='yes']", state="attached")
        expect(page.locator("html")).to_have_attribute("lang", language)
        name = route.replace("/", "-").replace("[", "").replace("]", "")
        check(page, f"route-{name}-{language}")
        visited.add(route)

    page.goto("/login")
    page.get_by_role("button", name="日本語" if language == "ja" else "English").click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    for route, url in (
        ("index", "/"),
        ("login", "/login"),
        ("password/forgot", "/password/forgot"),
        ("password/reset", "/password/reset?token=not-a-token"),
        ("activate", "/activate"),
        ("activate/request", "/activate/request"),
        ("email/confirm", "/email/confirm?token=not-a-token"),
        ("verify/[number]", "/verify/NO-SUCH-CERTIFICATE"),
        ("mail/preferences", "/mail/preferences?token=not-a-token"),
    ):
        visit(route, url)

    registrant = "registrant8@example.com" if language == "ja" else "registrant2@example.com"
    before = codes_sent(portal, registrant)
    enter_password(page, registrant)
    expect(page).to_have_url(re.compile(r"/login/code/?$"))
    visit("login/code")
    page.locator("#code").fill(code_from_mail(portal, registrant, before + 1))
    page.locator("#code-submit").click()
    expect(page).to_have_url(re.compile(r"/mypage/?$"))
    for route in ("mypage", "mypage/record", "mypage/points", "mypage/renewal", "mypage/account"):
        visit(route, "/" + route)
    visit("mypage/surveys/[survey_id]", "/mypage/surveys/999999")  # none for them: says so
    visit("consent", "/consent")  # nothing new to accept: the page sends the registrant on

    page.context.clear_cookies()
    sign_in(page, portal, "provider@example.com", landing="/org")
    switch_language_signed_in(page, "日本語" if language == "ja" else "English")
    visit("org")

    page.context.clear_cookies()
    sign_in_with_app(page, portal, f"{admin}@example.com")
    if language == "ja":  # the account speaks English until its admin switches
        switch_language_signed_in(page, "日本語")
        expect(page.get_by_role("heading", level=1)).to_contain_text("事務局")
    visit("admin")
    for route in (
        "admin/registrants",
        "admin/claims",
        "admin/renewals",
        "admin/activities",
        "admin/rules",
        "admin/audits",
        "admin/import",
        "admin/organisations",
        "admin/categories-and-topics",
        "admin/announcements",
        "admin/surveys",
        "admin/staff",
        "admin/audit",
        "admin/outbox",
    ):
        visit(route, "/" + route)
    visit("admin/surveys/[survey_id]", "/admin/surveys/999999")  # unknown: says so
    page.goto("/admin/claims")
    page.locator("#queue a[id^='open-']").first.click()
    expect(page).to_have_url(re.compile(r"/admin/claims/\d+/?$"))
    visit("admin/claims/[claim_id]")
    page.goto("/admin/registrants?q=D000001")
    page.get_by_role("link", name="D000001").click()
    expect(page).to_have_url(re.compile(r"/admin/registrants/\d+/?$"))
    visit("admin/registrants/[record_id]")

    assert visited == set(app._unevaluated_pages), set(app._unevaluated_pages) ^ visited
