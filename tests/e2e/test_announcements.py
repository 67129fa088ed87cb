"""An announcement to students only, end to end: the admin writes and checks it, each student
receives it in their language with the unsubscribe headers, one unsubscribes in one click as
a mail client does, the other follows the footer link and changes topics, and the notice is
on My page on a phone."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import check, open_page, sign_in, sign_in_with_app

pytestmark = pytest.mark.e2e

PREFERENCES = re.compile(r"(http://\S+/mail/preferences\?token=\S+)")


def test_an_announcement_to_students_only(page, portal, browser):
    sign_in_with_app(page, portal, "e2e-admin13@example.com")
    open_page(page, "/admin/announcements")
    page.locator("#topic").select_option("news")
    page.locator("#subject_ja").fill("学生向け研修会のご案内")
    page.locator("#body_ja").fill("学生の皆さまへ。5月に研修会を開きます。")
    page.locator("#subject_en").fill("A seminar for students")
    page.locator("#body_en").fill("Dear students, there is a seminar in May.")
    page.locator("label[for='cat:student']").click()
    page.locator("label[for='as_notice']").click()
    page.locator("#announce-check").click()
    expect(page.locator("#announce-summary")).to_contain_text("E-mail to 2 people.")
    expect(page.locator("#announce-summary")).to_contain_text("A notice on My page for 2 people.")
    expect(page.locator("#announce-sample")).to_contain_text("student-ja@example.com")
    check(page, "announce-check")
    page.locator("#announce-send").click()
    expect(page.get_by_text("The announcement is on its way")).to_be_visible()
    expect(page.locator("#subject_en")).to_have_value("")  # a new, empty form
    expect(page.locator("#announce-list")).to_contain_text("Association news")
    check(page, "announce-sent")

    [ja] = portal.mail.wait_for("student-ja@example.com", subject="学生向け研修会")
    [en] = portal.mail.wait_for("student-en@example.com", subject="A seminar for students")
    others = [m for m in portal.mail.messages if "student-" not in str(m["To"])]
    assert not [m for m in others if "seminar for students" in str(m["Subject"])]
    for mail in (ja, en):
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert mail["List-Unsubscribe"].startswith(f"<{portal.base_url}/mail/unsubscribe?token=")
    assert "5月に研修会" in ja.get_content()

    # The Japanese student opened the footer link, then their mail client's "Unsubscribe"
    # POSTs, as RFC 8058 says; the open page, reloaded, shows the news off and Save keeps it.
    ja_phone = browser.new_context(viewport={"width": 375, "height": 800}, locale="ja-JP")
    prefs = ja_phone.new_page()
    prefs.goto(PREFERENCES.search(ja.get_content()).group(1))
    prefs.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    expect(prefs.locator("#other_notices")).to_be_checked()
    one_click = ja["List-Unsubscribe"].strip("<>")
    answer = httpx.post(one_click, content=b"List-Unsubscribe=One-Click")
    assert answer.status_code == 200
    prefs.reload()
    prefs.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    expect(prefs.locator("#prefs-address")).to_contain_text("@example.com")
    expect(prefs.locator("#other_notices")).not_to_be_checked()
    prefs.locator("#prefs-save").click()
    expect(prefs.get_by_text("保存しました")).to_be_visible()
    assert news_choices(portal)["student-ja@example.com"] is False
    ja_phone.close()

    # The English student follows the link at the foot of the mail, on a phone.
    phone = browser.new_context(viewport={"width": 375, "height": 800})
    other = phone.new_page()
    other.goto(PREFERENCES.search(en.get_content()).group(1))
    other.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    expect(other.locator("#prefs-address")).to_contain_text("@example.com")
    assert "token=" not in other.url  # the token left the address bar
    other.locator("label[for='other_notices']").click()  # stop the association's news
    other.locator("#prefs-save").click()
    expect(other.get_by_text("Your choices are saved.")).to_be_visible()
    check(other, "mail-preferences")
    phone.close()

    # The Japanese student signs in on a phone: the notice is on My page, news is off.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, portal, "student-ja@example.com")
    expect(page.locator("#notices")).to_contain_text("学生向け研修会のご案内")
    check(page, "mypage-notice")
    assert news_choices(portal) == {
        "student-ja@example.com": False,
        "student-en@example.com": False,
    }


def news_choices(portal) -> dict[str, bool]:
    """Whether each student still receives the association's news, as the server stores it."""
    script = (
        "from sqlmodel import select\n"
        "from portal.domain.core.db import transaction\n"
        "from portal.domain.accounts.tables import Account\n"
        "from portal.domain.registry.tables import RegistryRecord\n"
        "with transaction() as db:\n"
        "    for email, news in db.exec(select(Account.email, RegistryRecord.other_notices)"
        ".join(RegistryRecord, RegistryRecord.account_id == Account.id)"
        ".where(Account.email.like('student-%'))):\n"
        "        print(email, news)"
    )
    lines = portal.server.python("-c", script).split("\n")
    return {line.split()[0]: line.split()[1] == "True" for line in lines if line.strip()}
