"""Steps a person takes, written once for the end-to-end tests."""

from __future__ import annotations

import re
from pathlib import Path

import pyotp
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import DEMO_PASSWORD, ROOT, Portal

CODE_SUBJECT = r"\d{6}"  # sign-in code mails carry the code in the subject, in both languages


def code_from_mail(portal: Portal, email: str, count: int) -> str:
    """The code in the `count`-th sign-in code mail to `email` (waits for it)."""
    message = portal.mail.wait_for(email, count=count, subject=CODE_SUBJECT)[count - 1]
    return re.search(CODE_SUBJECT, message["Subject"]).group(0)


def codes_sent(portal: Portal, email: str) -> int:
    """How many sign-in code mails `email` has received so far."""
    return len(
        [
            m
            for m in portal.mail.messages
            if email in str(m["To"]) and re.search(CODE_SUBJECT, str(m["Subject"]))
        ]
    )


def mails_to(portal: Portal, email: str) -> int:
    return len([m for m in portal.mail.messages if email in str(m["To"])])


def open_page(page: Page, path: str) -> None:
    """Load `path` and wait until the page's own load events have run (hydrated)."""
    page.goto(path)
    page.locator('#page-ready[data-ready="yes"]').wait_for(state="attached")


def enter_password(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    open_page(page, "/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#login-submit").click()


def sign_in(
    page: Page, portal: Portal, email: str, landing: str = "/mypage", password: str = DEMO_PASSWORD
) -> None:
    """Password, then the code from the e-mail that arrives, then the landing page."""
    before = codes_sent(portal, email)
    enter_password(page, email, password)
    expect(page).to_have_url(re.compile(r"/login/code/?$"))
    page.locator("#code").fill(code_from_mail(portal, email, before + 1))
    page.locator("#code-submit").click()
    expect(page).to_have_url(re.compile(re.escape(landing) + r"/?$"))


def claim_newest_activity_with(page: Page, evidence: Path) -> Locator:
    """On /mypage/points: claim the newest catalogue activity, attach the file `evidence`;
    returns the claim's card."""
    page.get_by_role("button", name="Claim", exact=True).first.click()  # the newest activity
    expect(page.get_by_role("status").first).to_contain_text("Your claim was sent")
    page.locator("#evidence-file input[type=file]").set_input_files(str(evidence))
    expect(page.locator("#evidence-file")).to_contain_text(evidence.name)
    page.locator("#upload-evidence").click()
    expect(page.get_by_role("status").first).to_contain_text("1 file attached")
    return page.locator("[id^=claim-card-]").first


def switch_language_signed_in(page: Page, label: str) -> None:
    """Press the language button as a signed-in person and wait for the reload it causes
    (a new window object) and the reloaded page's load events."""
    page.locator('#page-ready[data-ready="yes"]').wait_for(state="attached")
    page.evaluate("window.__before_switch = true")
    page.get_by_role("button", name=label).click()
    page.wait_for_function("window.__before_switch === undefined")
    page.locator('#page-ready[data-ready="yes"]').wait_for(state="attached")


def sign_in_with_app(page: Page, portal: Portal, email: str) -> None:
    """A seeded admin signs in: password, then the authenticator app's current code."""
    enter_password(page, email)
    expect(page).to_have_url(re.compile(r"/login/code/?$"))
    page.locator("#code").fill(pyotp.TOTP(portal.app_keys[email]).now())
    page.locator("#code-submit").click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))


_COUNT = (
    "from sqlmodel import func, select\n"
    "from portal.domain.core.db import transaction\n"
    "from portal.domain.registry.tables import RegistryRecord\n"
    "with transaction() as db:\n"
    "    print(db.exec(select(func.count()).select_from(RegistryRecord)).one())"
)


def registry_size(portal: Portal) -> int:
    """How many records the server's registry holds now."""
    return int(portal.server.python("-c", _COUNT))


AXE = ROOT / ".tools/node_modules/axe-core/axe.min.js"
WIDTHS = {"phone": 375, "desktop": 1280}


def check(page: Page, name: str) -> None:
    """Assert the page fits and passes axe at each width, and shows no untranslated message
    key; save a screenshot at each width."""
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.mouse.move(0, 0)  # judge the page at rest, not a hovered link
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script> tag: the CSP would refuse it
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_load_state("networkidle")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        page.screenshot(path=str(artifacts / f"{name}-{label}.png"), full_page=True)
        result = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
        )
        assert result == [], f"{name} at {width}px: {result}"
    shown = page.evaluate(_VISIBLE_PROSE)
    raw_keys = sorted(key for key in message_keys() if key in shown)
    assert raw_keys == [], f"{name} shows message keys instead of text: {raw_keys}"


# The page's text without what is shown as a code on purpose (`<code>`, e.g. the audit log's
# event names) and without scripts.
_VISIBLE_PROSE = """() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll("code, script, style, template, [translate=no]")
        .forEach((node) => node.remove());
    return copy.textContent;
}"""


def message_keys() -> set[str]:
    """Every catalogue key: none may ever reach the screen as it is."""
    from portal.i18n import keys

    return keys()


def open_from_more(page: Page, name: str) -> None:
    """Open a secretariat page grouped under the header's "More" menu (wide screens)."""
    page.locator("#nav-more").click()
    page.get_by_role("menuitem", name=name).click()
