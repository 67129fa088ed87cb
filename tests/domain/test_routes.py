"""The HTTP routes beside the Reflex app: health, session hand-over, sign-out."""

import io

from pypdf import PdfReader
from sqlalchemy import create_engine
from starlette.testclient import TestClient

from portal.api.routes import build_api
from portal.domain.accounts import sessions, signin
from portal.domain.core import paths
from portal.domain.core.db import use_engine
from tests import factories
from tests.support.people import HERE

ORIGIN = {"origin": "http://localhost:3000"}


def client() -> TestClient:
    return TestClient(build_api(), base_url="http://localhost:3000", follow_redirects=False)


def ticket_for(email: str) -> str:
    factories.registrant(email)
    step = signin.check_password(email, factories.PASSWORD, HERE)
    return signin.verify_code(step.attempt, factories.last_code(email), HERE).ticket


def test_health_ok(db):
    response = client().get("/healthz")
    assert response.status_code == 200 and response.json()["database"] is True


def test_health_503_when_the_database_is_unreachable(db):
    use_engine(create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none"))
    response = client().get("/healthz")
    assert response.status_code == 503 and response.json()["database"] is False


def test_ticket_becomes_an_httponly_strict_cookie_once(db):
    ticket = ticket_for("cookie@example.com")
    response = client().post("/auth/session", data={"ticket": ticket}, headers=ORIGIN)
    assert response.status_code == 303 and response.headers["location"] == "/mypage"
    cookie = response.headers["set-cookie"]
    assert "portal_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    secret = cookie.split("portal_session=")[1].split(";")[0]
    assert sessions.resolve(secret).email == "cookie@example.com"
    again = client().post("/auth/session", data={"ticket": ticket}, headers=ORIGIN)
    assert again.headers["location"] == "/login" and "set-cookie" not in again.headers


def test_cross_site_post_is_refused(db):
    ticket = ticket_for("csrf@example.com")
    response = client().post(
        "/auth/session", data={"ticket": ticket}, headers={"origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert client().post("/auth/session", data={"ticket": ticket}).status_code == 403


def test_sign_out_revokes_and_clears_the_cookie(db):
    ticket = ticket_for("out@example.com")
    http = client()
    cookie = http.post("/auth/session", data={"ticket": ticket}, headers=ORIGIN).headers[
        "set-cookie"
    ]
    secret = cookie.split("portal_session=")[1].split(";")[0]
    http.cookies.set("portal_session", secret)
    response = http.get("/auth/signout")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert 'portal_session=""' in response.headers["set-cookie"]
    assert sessions.resolve(secret) is None


def test_uploads_above_the_ceiling_are_refused_before_reading():
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from portal.api.upload_limit import MAX_BYTES, upload_limit

    async def echo(request: Request) -> PlainTextResponse:
        return PlainTextResponse(str(len(await request.body())))

    app = Starlette(routes=[Route("/_upload", echo, methods=["POST"])])
    limited = TestClient(upload_limit(app))
    assert limited.post("/_upload", content=b"x" * 10).text == "10"
    refused = limited.post("/_upload", content=b"", headers={"content-length": str(MAX_BYTES + 1)})
    assert refused.status_code == 413


def test_evidence_is_downloaded_by_its_owner_and_staff_only(db, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    from portal.domain.points import claims, evidence
    from tests.support.catalogue import PDF, activity
    from tests.support.people import registrant_principal, staff_principal

    boss, boss_secret = staff_principal("boss@example.com")
    me = registrant_principal("me@example.com")
    registrant_principal("other@example.com")
    file_id = evidence.attach(me, claims.submit_catalogue(me, activity(boss)), "受講証明.pdf", PDF)

    def fetch(email: str | None, secret: str | None = None):
        browser = client()
        if secret is None and email is not None:
            step = signin.check_password(email, factories.PASSWORD, HERE)
            ticket = signin.verify_code(step.attempt, factories.last_code(email), HERE).ticket
            secret = signin.redeem_ticket(ticket, HERE).secret
        if secret:
            browser.cookies.set("portal_session", secret)
        return browser.get(f"/evidence/{file_id}")

    mine = fetch("me@example.com")
    assert mine.status_code == 200 and mine.content == PDF
    assert mine.headers["content-disposition"].startswith("attachment;")
    assert "%E5%8F%97" in mine.headers["content-disposition"]  # the Japanese name, encoded
    assert fetch(None, boss_secret).status_code == 200
    assert fetch("other@example.com").status_code == 404
    assert fetch(None).status_code == 403


def test_the_transcript_is_the_signed_in_registrants_own(db, configure):
    configure(PORTAL_STAFF_REQUIRE_TOTP="false")
    from tests.support.people import staff_principal

    _, boss_secret = staff_principal("boss@example.com")
    for email in ("me@example.com", "other@example.com"):
        factories.registrant(email)

    def fetch(email: str | None = None, secret: str | None = None):
        browser = client()
        if email is not None:
            step = signin.check_password(email, factories.PASSWORD, HERE)
            ticket = signin.verify_code(step.attempt, factories.last_code(email), HERE).ticket
            secret = signin.redeem_ticket(ticket, HERE).secret
        if secret:
            browser.cookies.set("portal_session", secret)
        return browser.get(paths.TRANSCRIPT)

    mine, theirs = fetch("me@example.com"), fetch("other@example.com")
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
    assert mine.headers["content-disposition"].startswith("attachment;")
    assert mine.headers["cache-control"] == "no-store"
    assert "Person" in _text(mine.content) and _text(mine.content) != _text(theirs.content)
    assert fetch(secret=boss_secret).status_code == 404  # staff have no record of points
    assert fetch().status_code == 403


def _text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()
