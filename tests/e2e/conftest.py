"""One production build of the portal for the whole run, on a free port, with its own
SQLite database, demo data and a real SMTP server (aiosmtpd) receiving its mail."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.smtp_sink import SmtpSink, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "E2e-demo-pass-42!"
CHROMIUM = os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium")
STARTUP_SECONDS = 600


@dataclass
class Portal:
    base_url: str
    mail: SmtpSink
    env: dict[str, str]

    def cli(self, *args: str) -> str:
        """Run the `portal` command against this server's database."""
        done = subprocess.run(
            [str(BIN / "portal"), *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"portal exited early:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"portal did not become healthy:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def portal(tmp_path_factory) -> Iterator[Portal]:
    data = tmp_path_factory.mktemp("e2e-data")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with SmtpSink() as sink:
        env = {
            **os.environ,
            "PORTAL_DATA_DIR": str(data),
            "PORTAL_DB_URL": f"sqlite:///{data}/portal.db",
            "PORTAL_PORT": str(port),
            "PORTAL_BASE_URL": base_url,
            "PORTAL_SMTP_HOST": "127.0.0.1",
            "PORTAL_SMTP_PORT": str(sink.port),
            "PORTAL_SMTP_SECURITY": "none",
            "PORTAL_BCRYPT_ROUNDS": "4",
            "PORTAL_LANGUAGE": "en",
            "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{BIN}:{os.environ['PATH']}",
            "REFLEX_USE_SYSTEM_BUN": "1",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "0",
        }
        env.pop("PORTAL_REDIS_URL", None)
        server = Portal(base_url=base_url, mail=sink, env=env)
        server.cli("migrate")
        server.cli("seed-demo", "--password", DEMO_PASSWORD)
        log = data / "server.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [
                    str(BIN / "reflex"),
                    "run",
                    "--env",
                    "prod",
                    "--single-port",
                    "--loglevel",
                    "info",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_until_healthy(base_url, process, log)
            yield server
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


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
    tab = context.new_page()
    yield tab
    artifacts = ROOT / "test-artifacts"
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        artifacts.mkdir(exist_ok=True)
        tab.screenshot(path=str(artifacts / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
