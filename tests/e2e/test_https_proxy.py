"""The portal as deployed: behind Caddy with the shipped deploy/Caddyfile, over HTTPS.

Chromium signs in through the proxy (the pages' websocket upgraded through it, the session
cookie Secure, HSTS sent); the throttles tell clients apart by the address Caddy passes on
in X-Forwarded-For, and believe that header from nobody but the configured proxy."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from portal.cookies import SESSION_COOKIE
from tests.e2e.conftest import DEMO_PASSWORD
from tests.e2e.helpers import sign_in
from tests.portal_server import own_app_root, running_portal
from tests.reverse_proxy import get, running_caddy
from tests.smtp_sink import free_port

pytestmark = pytest.mark.e2e

LIMIT = 5  # sign-in trips per client address within the window


def trips_allowed(url: str, source: str, forged: bool = False) -> list[bool]:
    """Start LIMIT + 1 sign-in trips at `url` from the local address `source` (each with a
    made-up X-Forwarded-For when `forged`); which were let through to the provider."""
    allowed = []
    for n in range(LIMIT + 1):
        headers = {"X-Forwarded-For": f"203.0.113.{n + 1}"} if forged else {}
        status, answer = get(url, "/auth/oidc/start", source, headers)
        assert status in (302, 303), status
        allowed.append(status == 302 and "provider_throttled" not in answer.get("location", ""))
    return allowed


def test_sign_in_over_https_through_caddy(browser, portal, tmp_path):
    https_port, http_port = free_port(), free_port()
    settings = portal.server.shared_settings()
    settings |= {
        "PORTAL_BASE_URL": f"https://127.0.0.1:{https_port}",
        "PORTAL_TRUSTED_PROXIES": "127.0.0.1",
        "PORTAL_SIGNIN_PER_CLIENT": str(LIMIT),
    }
    with (
        running_portal(
            tmp_path / "data", DEMO_PASSWORD, own_app_root(tmp_path), **settings
        ) as server,
        running_caddy(https_port, http_port, server.port, tmp_path / "caddy") as address,
    ):
        context = browser.new_context(base_url=address, ignore_https_errors=True)
        page = context.new_page()
        sockets: list[str] = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        first = page.goto("/login")
        assert first.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        assert "server" not in first.headers  # the proxy does not advertise itself
        sign_in(page, portal, "registrant1@example.com")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert any(re.match(rf"wss://127\.0\.0\.1:{https_port}/_event", url) for url in sockets)
        # Over HTTPS the session cookie is a __Host- cookie: Secure, Path=/, no Domain.
        cookie = next(c for c in context.cookies() if c["name"] == "__Host-" + SESSION_COOKIE)
        assert (
            cookie["path"] == "/"
            and cookie["secure"]
            and cookie["httpOnly"]
            and cookie["sameSite"] == "Strict"
        )
        context.close()

        # The proxy's access log keeps neither a link's token nor the session cookie.
        get(address, "/password/reset?token=LinkTokenNeverLogged42")
        logged = access_log_with(tmp_path / "caddy" / "caddy.log", "/password/reset")
        assert "LinkTokenNeverLogged42" not in logged
        assert cookie["value"] not in logged

        # Through the proxy each client has its own allowance, forged headers or not ...
        assert trips_allowed(address, "127.0.0.3") == [True] * LIMIT + [False]
        assert trips_allowed(address, "127.0.0.4") == [True] * LIMIT + [False]
        assert trips_allowed(address, "127.0.0.5", forged=True) == [True] * LIMIT + [False]
        # ... and straight to the portal, a client is not a proxy: its header is ignored.
        direct = f"http://127.0.0.1:{server.port}"
        assert trips_allowed(direct, "127.0.0.6", forged=True) == [True] * LIMIT + [False]


def access_log_with(path, text: str, timeout: float = 10) -> str:
    """Caddy's log once it holds `text` (Caddy writes a request's line as it ends)."""
    deadline = time.monotonic() + timeout
    while text not in (logged := path.read_text()):
        assert time.monotonic() < deadline, f"{text} never logged"
        time.sleep(0.05)
    return logged
