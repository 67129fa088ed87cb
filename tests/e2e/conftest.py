"""One production build of the portal for the whole run, on a free port, with its own
SQLite database, demo data, a real SMTP server (aiosmtpd) receiving its mail and a real
OpenID Connect provider (oidc-provider-mock) it accepts; the other PORTAL_OIDC_* settings
are the test suite's (tests/conftest.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.identity_provider import Provider, running_provider
from tests.portal_server import ROOT, RunningPortal, running_portal
from tests.smtp_sink import SmtpSink

DEMO_PASSWORD = "E2e-demo-pass-42!"
CHROMIUM = os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium")


@dataclass
class Portal:
    """The server under test and the SMTP server receiving its mail."""

    base_url: str
    mail: SmtpSink
    server: RunningPortal
    app_keys: dict[str, str]  # authenticator keys of the seeded admins, by address
    provider: Provider  # the identity provider the portal accepts

    def cli(self, *args: str) -> str:
        return self.server.cli(*args)


@pytest.fixture(scope="session")
def portal(tmp_path_factory) -> Iterator[Portal]:
    with (
        SmtpSink() as sink,
        running_provider() as provider,
        running_portal(
            tmp_path_factory.mktemp("e2e-data"),
            DEMO_PASSWORD,
            PORTAL_SMTP_HOST="127.0.0.1",
            PORTAL_SMTP_PORT=str(sink.port),
            PORTAL_SMTP_SECURITY="none",
            PORTAL_BCRYPT_ROUNDS="4",
            # Every browser of the suite is one client (127.0.0.1), signing in ~50 times.
            PORTAL_SIGNIN_PER_CLIENT="1000",
            PORTAL_OIDC_ISSUER=provider.issuer,
            PORTAL_OIDC_MFA_CLAIM="mfa",
        ) as server,
    ):
        seeded = server.python("-m", "tests.e2e.seed_people", DEMO_PASSWORD)
        keys = dict(line.split()[1:] for line in seeded.splitlines() if line.startswith("TOTP "))
        yield Portal(
            base_url=server.base_url, mail=sink, server=server, app_keys=keys, provider=provider
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, portal: Portal, request) -> Iterator[Page]:
    context = browser.new_context(base_url=portal.base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    refused: list[str] = []  # the browser's reports of anything the CSP blocked
    context.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    tab = context.new_page()
    yield tab
    artifacts = ROOT / "test-artifacts"
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        artifacts.mkdir(exist_ok=True)
        tab.screenshot(path=str(artifacts / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert refused == [], f"the page broke its own Content-Security-Policy: {refused}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
