"""The Content-Security-Policy names exactly the compiled pages' inline scripts; HSTS is
sent, and URLs built from requests say https://, when the portal is served over HTTPS."""

import base64
import hashlib

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.testclient import TestClient

from portal.api.headers import BASE_POLICY, policy, security_headers
from portal.api.scheme import public_scheme


def _source(body: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"


def test_inline_scripts_are_allowed_by_hash_and_nothing_else(tmp_path):
    (tmp_path / "admin").mkdir()
    (tmp_path / "login.html").write_text(
        '<script>window.a = "ログイン";</script><script type="module" src="/assets/x.js"></script>'
        '<SCRIPT id="_R_">b()</SCRIPT>',
        encoding="utf-8",
    )
    (tmp_path / "admin" / "index.html").write_text("<script>b()</script>", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("<script>evil()</script>", encoding="utf-8")
    served = policy(tmp_path)
    assert served.startswith(BASE_POLICY + "; script-src 'self' 'unsafe-eval' ")
    assert served.split("'unsafe-eval' ")[1].split() == sorted(
        [_source('window.a = "ログイン";'), _source("b()")]
    )


def test_without_compiled_pages_scripts_are_not_restricted(tmp_path):
    assert policy(tmp_path / "missing") == BASE_POLICY
    assert policy(None) == BASE_POLICY


def _headers_of_a_response() -> dict[str, str]:
    async def hello(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"hi"})

    return dict(TestClient(security_headers(hello)).get("/").headers)


def test_hsts_only_when_the_public_address_is_https(configure):
    configure(PORTAL_BASE_URL="http://localhost:3000")
    plain = _headers_of_a_response()
    assert plain["x-frame-options"] == "DENY" and "strict-transport-security" not in plain
    configure(PORTAL_BASE_URL="https://portal.example.org")
    secure = _headers_of_a_response()
    assert secure["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_behind_an_https_proxy_redirects_stay_on_https(configure):
    async def add_slash(scope, receive, send):
        await RedirectResponse(str(Request(scope).url) + "/")(scope, receive, send)

    client = TestClient(public_scheme(add_slash), base_url="http://portal.example.org")
    configure(PORTAL_BASE_URL="http://portal.example.org")
    assert client.get("/login", follow_redirects=False).headers["location"].startswith("http://")
    configure(PORTAL_BASE_URL="https://portal.example.org")
    location = client.get("/login", follow_redirects=False).headers["location"]
    assert location == "https://portal.example.org/login/"
