"""A survey end to end: an admin builds a three-question survey for after renewal and opens
it, a renewal is approved, the registrant answers on a phone, and the admin sees results
only once five people have answered."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import check, open_page, sign_in, sign_in_with_app

pytestmark = pytest.mark.e2e

APPROVE = (
    "import sys\n"
    "from sqlmodel import select\n"
    "from portal.domain.accounts.tables import Account\n"
    "from portal.domain.core.clock import utcnow\n"
    "from portal.domain.core.db import transaction\n"
    "from portal.domain.registry.tables import RegistryRecord\n"
    "from portal.domain.renewal.tables import RenewalApplication\n"
    "with transaction() as db:\n"
    "    for email in sys.argv[1:]:\n"
    "        record = db.exec(select(RegistryRecord).join(Account, Account.id == "
    "RegistryRecord.account_id).where(Account.email == email)).one()\n"
    "        db.add(RenewalApplication(record_id=record.id, cycle_end=record.valid_until, "
    "status='approved', decided_at=utcnow()))\n"
)
OTHERS = (
    "from sqlmodel import select\n"
    "from portal.domain.accounts import sessions\n"
    "from portal.domain.accounts.actor import Actor\n"
    "from portal.domain.accounts.tables import Account\n"
    "from portal.domain.core.db import transaction\n"
    "from portal.domain.surveys import answering\n"
    "with transaction() as db:\n"
    "    ids = db.exec(select(Account.id).where(Account.email.like('registrant%'))"
    ".order_by(Account.id)).all()\n"
    "answered = 0\n"
    "for account_id in ids:\n"
    "    person = Actor(\n"
    "        sessions.Principal(account_id, 0, 'registrant', None, '', 'en', '', False, False),\n"
    "        '127.0.0.1',\n"
    "    )\n"
    "    for survey_id, _ in answering.waiting_for(person):\n"
    "        form = answering.form(person, survey_id)\n"
    "        answering.answer(person, survey_id, {f'q{q.id}': '1' for q in form.questions})\n"
    "        answered += 1\n"
    "    if answered == 4:\n"
    "        break\n"
    "print(answered)\n"
)


def test_a_survey_from_draft_to_results(page, portal, browser):
    sign_in_with_app(page, portal, "e2e-admin11@example.com")
    open_page(page, "/admin/surveys")
    page.locator("#title_ja").fill("研修会アンケート")
    page.locator("#title_en").fill("Seminar survey")
    page.locator("#moment").select_option("renewal")
    page.locator("#survey-create").click()
    expect(page).to_have_url(re.compile(r"/admin/surveys/\d+/?$"))
    page.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    for kind, en, ja, choices in (
        ("single", "Age band", "年代", "under 30 | 30歳未満\n30 or over | 30歳以上"),
        ("scale", "How useful was it?", "役に立ちましたか", ""),
        ("text", "Anything else?", "その他", ""),
    ):
        page.locator("#kind").select_option(kind)
        page.locator("#text_ja").fill(ja)
        page.locator("#text_en").fill(en)
        page.locator("#choices").fill(choices)
        page.locator("#max_length").fill("100")
        page.locator("#question-add").click()
        expect(page.locator("#survey-questions")).to_contain_text(en)
    page.locator("#survey-open").click()
    expect(page.locator("#survey-results-note")).to_contain_text("enough people")
    check(page, "admin-survey-open")

    # the registrant's renewal is approved (the renewal journey is tested in test_renewal.py)
    portal.server.python("-c", APPROVE, "registrant5@example.com")
    phone = browser.new_context(base_url=portal.base_url, viewport={"width": 375, "height": 800})
    person = phone.new_page()
    sign_in(person, portal, "registrant5@example.com")
    person.locator("#surveys-waiting a").first.click()
    # registrant5 reads Japanese: the survey comes in Japanese
    expect(person.get_by_role("heading", level=1)).to_have_text("研修会アンケート")
    check(person, "survey-answer")
    person.get_by_role("radio", name="30歳以上").click()
    person.get_by_role("radio", name="4").click()
    person.get_by_role("textbox").fill("More evening sessions, please.")
    person.locator("#survey-send").click()
    expect(person.get_by_text("ご協力ありがとうございました")).to_be_visible()
    phone.close()

    page.reload()
    page.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    expect(page.locator("#survey-results-note")).to_contain_text("enough people")
    others = [f"registrant{n}@example.com" for n in (1, 2, 3, 4)]
    portal.server.python("-c", APPROVE, *others)
    assert portal.server.python("-c", OTHERS).strip() == "4"
    page.reload()
    page.locator("#page-ready[data-ready='yes']").wait_for(state="attached")
    expect(page.locator("#survey-results-note")).to_contain_text("5 answers count")
    expect(page.locator("#survey-results")).to_contain_text("30 or over")
    expect(page.get_by_text("More evening sessions, please.")).to_be_visible()
    check(page, "admin-survey-results")
