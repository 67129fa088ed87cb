"""The secretariat in the browser: import the ledger, correct a record with a reason, manage staff,
read the audit log."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import check, enter_password, open_from_more, open_page, sign_in_with_app
from tests.factories import ledger_csv, ledger_row

pytestmark = pytest.mark.e2e

LINK = re.compile(r"(http://\S+/password/reset\?token=\S+)")


def choose_file(page, path) -> None:
    page.locator("#ledger-file input[type=file]").set_input_files(str(path))
    expect(page.locator("#ledger-file")).to_contain_text(path.name)


def test_import_with_one_bad_row_changes_nothing_then_the_fixed_file_imports(
    page, portal, tmp_path
):
    sign_in_with_app(page, portal, "e2e-admin1@example.com")
    open_from_more(page, "Import")
    expect(page).to_have_url(re.compile(r"/admin/import/?$"))
    page.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    check(page, "admin-import")

    rows = [
        ledger_row("E2E10001", family="中村", given="葵", email="aoi@example.com"),
        ledger_row("E2E10002", family="Mori", given="Ken", phone="電話"),
    ]
    bad = tmp_path / "ledger-bad.csv"
    bad.write_bytes(ledger_csv(*rows).encode("cp932"))  # as Excel saves it in Japan
    choose_file(page, bad)
    page.locator("#check-file").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("Use digits and hyphens only")
    expect(problems).to_contain_text("E2E10002")
    expect(page.locator("#confirm-import")).to_have_count(0)
    check(page, "admin-import-errors")
    open_page(page, "/admin/registrants?q=E2E1000")
    expect(page.locator("#registrants tbody tr")).to_have_count(0)  # nothing was applied

    open_page(page, "/admin/import")
    rows[1] = ledger_row("E2E10002", family="Mori", given="Ken", phone="０３-5555-0000")
    good = tmp_path / "ledger-fixed.csv"
    good.write_bytes(ledger_csv(*rows).encode("utf-8-sig"))
    choose_file(page, good)
    page.locator("#check-file").click()
    expect(page.locator("#counts")).to_contain_text("New registrants")
    expect(page.locator("#import-new")).to_contain_text("中村 葵")
    check(page, "admin-import-preview")
    page.locator("#confirm-import").click()
    expect(page.locator("#import-result")).to_contain_text("2 new")
    [invitation] = portal.mail.wait_for("aoi@example.com")
    assert "/activate?code=" in invitation.get_content()
    open_page(page, "/admin/registrants?q=E2E1000")
    expect(page.locator("#registrants tbody tr")).to_have_count(2)


def test_admin_finds_a_registrant_and_corrects_the_record_with_a_reason(page, portal):
    sign_in_with_app(page, portal, "e2e-admin2@example.com")
    open_page(page, "/admin/registrants")
    page.locator("#q").fill("registrant2@example.com")
    page.locator("#search-submit").click()
    expect(page.locator("#registrants tbody tr")).to_have_count(1)
    page.locator("#registrants tbody a").first.click()
    expect(page.locator("#record-title")).to_be_visible()
    page.locator("#staff-edit-workplace").click()
    page.locator("#employer").fill("Kanda Care Services")
    page.locator("#staff-review").click()
    expect(page.locator("#reason-error")).to_contain_text("Say why")  # a reason is required
    expect(page.locator("#employer")).to_have_value("Kanda Care Services")
    page.locator("#reason").fill("Phone call from the registrant, 12 May")
    page.locator("#staff-review").click()
    expect(page.locator("#staff-changes")).to_contain_text("Kanda Care Services")
    check(page, "admin-record-confirm")
    page.locator("#staff-save").click()
    expect(page.get_by_role("status")).to_contain_text("The record was changed")
    history = page.locator("#history")
    expect(history).to_contain_text("Kanda Care Services")
    expect(history).to_contain_text("Phone call from the registrant, 12 May")
    expect(history).to_contain_text("E2E-ADMIN2")
    check(page, "admin-record-edited")

    open_page(page, "/admin/registrants?q=D000003")  # the demo's expired registrant
    page.locator("#registrants tbody a").first.click()
    page.locator("#reinstate").click()
    expect(page.locator("#reinstate-intro")).to_be_visible()
    expect(page.locator("#status")).to_have_value("active")
    page.locator("#valid_until").fill((dt.date.today() + dt.timedelta(days=200)).isoformat())
    page.locator("#reason").fill("Late renewal accepted by the board, 3 June")
    check(page, "admin-record-reinstate")
    page.locator("#staff-review").click()
    expect(page.locator("#staff-changes")).to_contain_text("Expired")
    expect(page.locator("#staff-changes")).to_contain_text("Active")
    page.locator("#staff-save").click()
    expect(page.locator("#history")).to_contain_text("Late renewal accepted by the board")
    expect(page.locator("#reinstate")).to_have_count(0)


def test_admin_invites_a_reviewer_who_sets_a_password_and_the_log_shows_it(page, portal):
    sign_in_with_app(page, portal, "e2e-admin3@example.com")
    open_from_more(page, "Staff accounts")
    expect(page.locator("#staff-list")).to_contain_text("e2e-admin3@example.com")
    check(page, "admin-staff")
    page.locator("#name").fill("Hanako Desk")
    page.locator("#email").fill("desk@example.com")
    page.locator("#role").select_option("reviewer")
    page.locator("#language").select_option("en")
    page.locator("#send-invitation").click()
    expect(page.get_by_role("status").first).to_contain_text("desk@example.com")
    expect(page.locator("#staff-list")).to_contain_text("Invited")

    open_page(page, "/admin/audit?category=staff")
    expect(page.locator("#audit-log")).to_contain_text("staff.invited")
    expect(page.locator("#category")).to_have_value("staff")  # the filter shows the URL's query
    check(page, "admin-audit")

    [mail] = portal.mail.wait_for("desk@example.com")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))  # signed out before going on
    page.goto(LINK.search(mail.get_content()).group(1))
    password = "Quiet-Meadow-4821"
    page.locator("#new_password").fill(password)
    page.locator("#new_password_confirm").fill(password)
    page.locator("#reset-submit").click()
    expect(page.get_by_role("status")).to_contain_text("Your new password is set")
    enter_password(page, "desk@example.com", password)
    expect(page).to_have_url(re.compile(r"/login/code/?$"))  # the new reviewer is in
