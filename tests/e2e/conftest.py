"""The production build of the portal, served for the whole run on a free port: `portal`
with its own SQLite database in one process, and (when the run has PostgreSQL and Redis)
`cluster`, several workers on both. Each has demo data, a real SMTP server (aiosmtpd)
receiving its mail and accepts a real OpenID Connect provider (oidc-provider-mock); the
other PORTAL_OIDC_* settings are the test suite's (tests/conftest.py)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.dbs import fresh_database, fresh_redis
from tests.identity_provider import Provider, running_provider
from tests.portal_server import ROOT, RunningPortal, own_app_root, running_portal
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


# Several backend workers on PostgreSQL and Redis, when the run has both (CI does).
CLUSTER = bool(
    os.environ.get("PORTAL_TEST_DATABASE_URL") and os.environ.get("PORTAL_TEST_REDIS_URL")
)
WORKERS = 3


@contextlib.contextmanager
def serving_portal(
    data_dir: Path, sink: SmtpSink, provider: Provider, app_root: Path = ROOT, **settings: str
) -> Iterator[Portal]:
    """The production build with demo data and the e2e people, mailing `sink`."""
    with running_portal(
        data_dir,
        DEMO_PASSWORD,
        app_root,
        PORTAL_SMTP_HOST="127.0.0.1",
        PORTAL_SMTP_PORT=str(sink.port),
        PORTAL_SMTP_SECURITY="none",
        PORTAL_BCRYPT_ROUNDS="4",
        # Every browser of the suite is one client (127.0.0.1), signing in ~50 times.
        PORTAL_SIGNIN_PER_CLIENT="1000",
        PORTAL_SIGNIN_PER_ACCOUNT="1000",
        PORTAL_OIDC_ISSUER=provider.issuer,
        PORTAL_OIDC_MFA_CLAIM="mfa",
        **settings,
    ) as server:
        seeded = server.python("-m", "tests.e2e.seed_people", DEMO_PASSWORD)
        keys = dict(line.split()[1:] for line in seeded.splitlines() if line.startswith("TOTP "))
        yield Portal(
            base_url=server.base_url, mail=sink, server=server, app_keys=keys, provider=provider
        )


@pytest.fixture(scope="session")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest.fixture(scope="session")
def portal(tmp_path_factory, provider) -> Iterator[Portal]:
    """One process, SQLite, state in memory: what `make run` serves."""
    with (
        SmtpSink() as sink,
        serving_portal(tmp_path_factory.mktemp("e2e-data"), sink, provider) as one,
    ):
        yield one


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, provider) -> Iterator[Portal]:
    """WORKERS backend processes sharing a PostgreSQL database (created for the run) and a
    Redis database (emptied after), with a mail server of their own."""
    if not CLUSTER:
        pytest.skip("needs PORTAL_TEST_DATABASE_URL and PORTAL_TEST_REDIS_URL (CI sets both)")
    folder = tmp_path_factory.mktemp("cluster-data")
    with (
        SmtpSink() as sink,
        fresh_database("postgresql", folder) as url,
        fresh_redis() as redis_url,
        serving_portal(
            folder,
            sink,
            provider,
            own_app_root(folder),
            PORTAL_DB_URL=url,
            PORTAL_REDIS_URL=redis_url,
            PORTAL_WORKERS=str(WORKERS),
        ) as many,
    ):
        yield many


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


@contextlib.contextmanager
def _tab(browser: Browser, base_url: str, request) -> Iterator[Page]:
    """A fresh browser context on `base_url`; a screenshot when the test failed; fails the
    test when the page broke its Content-Security-Policy."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
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


@pytest.fixture
def page(browser: Browser, portal: Portal, request) -> Iterator[Page]:
    with _tab(browser, portal.base_url, request) as tab:
        yield tab


@pytest.fixture
def cluster_page(browser: Browser, cluster: Portal, request) -> Iterator[Page]:
    with _tab(browser, cluster.base_url, request) as tab:
        yield tab


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
