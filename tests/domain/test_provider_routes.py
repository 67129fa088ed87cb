"""Signing in and linking through a real OpenID Connect provider on loopback
(oidc-provider-mock), driven over HTTP as a browser and the provider's pages would."""

from __future__ import annotations

import logging

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlmodel import select
from starlette.testclient import TestClient

from portal.api import provider as provider_route
from portal.api.routes import build_api
from portal.domain.accounts import provider_links, reauth, sessions, signin
from portal.domain.accounts.tables import ProviderLink
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from tests import factories
from tests.identity_provider import Provider, query, running_provider
from tests.support.people import HERE, actor_of, sign_in, signed_in, staff_principal

CALLBACK = "http://localhost:3000/auth/oidc/callback"


@pytest.fixture(scope="module")
def idp():
    with running_provider() as provider:
        yield provider


@pytest.fixture
def provider(idp, configure) -> Provider:
    configure(PORTAL_OIDC_ISSUER=idp.issuer)
    return idp


def browser(session_secret: str | None = None) -> TestClient:
    http = TestClient(build_api(), base_url="http://localhost:3000", follow_redirects=False)
    if session_secret:
        http.cookies.set("portal_session", session_secret)
    return http


def trip(http: TestClient, path: str = "/auth/oidc/start") -> str:
    """Start a trip; returns the provider's authorization URL the browser is sent to."""
    response = http.get(path)
    assert response.status_code == 302, response.headers.get("location")
    return response.headers["location"]


def come_back(http: TestClient, url: str) -> str:
    """Follow the provider's redirect into the portal; returns where the portal sends us."""
    response = http.get(url)
    assert response.status_code == 303
    return response.headers["location"]


def link(provider: Provider, email: str, subject: str) -> sessions.Principal:
    """A registrant signed in the usual way links `subject`."""
    me = signed_in(email)
    http = browser(sign_in(email)[1])
    back = provider.authorize(trip(http, "/auth/oidc/link"), subject)
    assert come_back(http, back) == "/mypage/account?provider=linked"
    return me


def test_the_authorization_request_uses_pkce_state_and_nonce(db, provider):
    url = trip(browser())
    params = query(url)
    assert url.startswith(provider.issuer + "/oauth2/authorize")
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) >= 43
    assert params["redirect_uri"] == CALLBACK and params["client_id"] == "portal-test"
    assert params["scope"] == "openid email profile"
    assert len(params["state"]) >= 20 and len(params["nonce"]) >= 20


def test_link_then_sign_in_through_the_provider_and_the_emailed_code(db, provider):
    me = link(provider, "linked@example.com", "alice")
    assert len(factories.outbox("linked@example.com", "provider_linked")) == 1
    http = browser()
    back = provider.authorize(trip(http), "alice")
    assert come_back(http, back) == "/login/code?via=provider"
    attempt = http.cookies.get("portal_provider_attempt")
    assert signin.pending_method(attempt) == "email"
    ticket = signin.verify_code(attempt, factories.last_code("linked@example.com"), HERE).ticket
    response = http.post(
        "/auth/session", data={"ticket": ticket}, headers={"origin": "http://localhost:3000"}
    )
    assert response.headers["location"] == "/mypage"
    assert 'portal_provider_attempt=""' in response.headers["set-cookie"]
    secret = response.cookies.get("portal_session") or http.cookies.get("portal_session")
    assert sessions.resolve(secret).account_id == me.account_id


def test_proved_multi_factor_signs_staff_straight_in(db, provider, configure):
    configure(PORTAL_OIDC_ISSUER=provider.issuer, PORTAL_OIDC_MFA_CLAIM="mfa")
    staff, secret = staff_principal("chief@example.com")
    http = browser(secret)
    assert come_back(http, provider.authorize(trip(http, "/auth/oidc/link"), "chief")).endswith(
        "=linked"
    )
    provider.set_claims("chief", amr=["pwd", "mfa"])
    fresh = browser()
    assert come_back(fresh, provider.authorize(trip(fresh), "chief")) == "/admin"
    principal = sessions.resolve(fresh.cookies.get("portal_session"))
    assert principal.account_id == staff.account_id and not principal.needs_totp_enrolment
    # without the claim, the portal's own second factor still comes first
    provider.set_claims("chief", amr=["pwd"])
    again = browser()
    assert come_back(again, provider.authorize(trip(again), "chief")) == "/login/code?via=provider"


def test_an_unlinked_subject_is_turned_away_with_the_way_to_link(db, provider):
    factories.registrant("nobody@example.com")
    http = browser()
    back = provider.authorize(trip(http), "nobody@example.com")  # the mock's e-mail claim
    assert come_back(http, back) == "/login?reason=provider_unlinked"
    assert "portal_session" not in http.cookies
    with transaction() as db_:
        assert db_.exec(select(ProviderLink)).all() == []


def test_forged_replayed_and_foreign_callbacks_are_refused(db, provider):
    link(provider, "replay@example.com", "bob")
    http = browser()
    back = provider.authorize(trip(http), "bob")
    forged = back.replace(f"state={query(back)['state']}", "state=forged")
    assert come_back(http, forged) == "/login?reason=provider_failed"
    other_browser = browser()
    assert come_back(other_browser, back) == "/login?reason=provider_failed"
    assert come_back(http, back) == "/login/code?via=provider"
    assert come_back(http, back) == "/login?reason=provider_failed"  # replayed


def test_cancelling_at_the_provider(db, provider):
    http = browser()
    back = provider.authorize(trip(http), None)
    assert query(back)["error"] == "access_denied"
    assert come_back(http, back) == "/login?reason=provider_cancelled"
    me = signed_in("cancel@example.com")
    http = browser(sign_in("cancel@example.com")[1])
    back = provider.authorize(trip(http, "/auth/oidc/link"), None)
    # this provider leaves `state` out of a refusal, so the portal cannot tell the trip:
    # the message is the sign-in page's (which sends a signed-in visitor home)
    assert come_back(http, back) == "/login?reason=provider_cancelled"
    assert provider_links.linked_since([me.account_id]) == {}


def test_a_spent_code_is_refused_by_the_provider(db, provider, caplog):
    link(provider, "spent@example.com", "carol")
    first = browser()
    used = provider.authorize(trip(first), "carol")
    assert come_back(first, used) == "/login/code?via=provider"
    second = browser()
    fresh = provider.authorize(trip(second), "carol")
    reused = fresh.replace(f"code={query(fresh)['code']}", f"code={query(used)['code']}")
    with caplog.at_level(logging.INFO, logger="portal.provider"):
        assert come_back(second, reused) == "/login?reason=provider_failed"
    assert "invalid_grant" in caplog.text and query(used)["code"] not in caplog.text


def token_for(provider: Provider, client_id: str, subject: str, nonce: str) -> dict:
    """A real token response of the provider for `client_id` (not necessarily the portal)."""
    authorize = httpx.Request(
        "GET",
        provider.issuer + "/oauth2/authorize",
        params={
            "client_id": client_id,
            "redirect_uri": "http://client.example/cb",
            "response_type": "code",
            "scope": "openid",
            "nonce": nonce,
            "state": "s",
        },
    )
    code = query(provider.authorize(str(authorize.url), subject))["code"]
    response = httpx.post(
        provider.issuer + "/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://client.example/cb",
            "client_id": client_id,
            "client_secret": "whatever",
        },
    )
    response.raise_for_status()
    return response.json()


def answer_with(monkeypatch, token: dict) -> None:
    """The token endpoint's answer to the portal is `token` (a real provider token, or one
    made from it): what the ID-token checks must stand up to."""

    async def fetch(*_args, **_kwargs):
        return dict(token)

    client = provider_route._client(provider_route.get_settings().oidc)
    monkeypatch.setattr(client, "fetch_access_token", fetch)


def callback_with(provider: Provider, subject: str, token_maker, monkeypatch, caplog) -> str:
    http = browser()
    url = trip(http)
    back = provider.authorize(url, subject)
    answer_with(monkeypatch, token_maker(query(url)["nonce"]))
    with caplog.at_level(logging.INFO, logger="portal.provider"):
        return come_back(http, back)


def test_an_id_token_for_another_client_is_refused(db, provider, monkeypatch, caplog):
    link(provider, "aud@example.com", "dave")
    ending = callback_with(
        provider,
        "dave",
        lambda nonce: token_for(provider, "another-client", "dave", nonce),
        monkeypatch,
        caplog,
    )
    assert ending == "/login?reason=provider_failed"
    assert "provider callback: refused" in caplog.text and "eyJ" not in caplog.text


def test_an_id_token_signed_with_another_key_is_refused(db, provider, monkeypatch, caplog):
    link(provider, "sig@example.com", "erin")

    def forged(nonce: str) -> dict:
        real = token_for(provider, "portal-test", "erin", nonce)
        decoded = jwt.decode(real["id_token"], _provider_keys(provider))
        other = RSAKey.generate_key(2048)
        return {**real, "id_token": jwt.encode(decoded.header, decoded.claims, other)}

    assert callback_with(provider, "erin", forged, monkeypatch, caplog) == (
        "/login?reason=provider_failed"
    )
    assert "BadSignatureError" in caplog.text


def test_a_wrong_nonce_is_refused(db, provider, monkeypatch, caplog):
    link(provider, "nonce@example.com", "fay")
    ending = callback_with(
        provider,
        "fay",
        lambda _nonce: token_for(provider, "portal-test", "fay", "another-nonce"),
        monkeypatch,
        caplog,
    )
    assert ending == "/login?reason=provider_failed"


def _provider_keys(provider: Provider):
    from joserfc.jwk import KeySet

    return KeySet.import_key_set(httpx.get(provider.issuer + "/jwks").json())


def test_rotated_keys_are_fetched_again(db, provider):
    link(provider, "rotate@example.com", "gus")
    client = provider_route._client(provider_route.get_settings().oidc)
    stale = RSAKey.generate_key(2048)  # this provider names no key id in its tokens
    client.server_metadata["jwks"] = {"keys": [stale.as_dict(private=False)]}
    http = browser()
    assert come_back(http, provider.authorize(trip(http), "gus")) == "/login/code?via=provider"
    assert client.server_metadata["jwks"] != {"keys": [stale.as_dict(private=False)]}


def test_an_unreachable_provider_ends_on_login_with_a_message(db, caplog):
    # the tests' default issuer is a port nobody listens on
    with caplog.at_level(logging.WARNING, logger="portal.provider"):
        assert come_back(browser(), "/auth/oidc/start") == "/login?reason=provider_unavailable"
    assert "discovery" in caplog.text


def test_linking_needs_a_signed_in_browser(db, provider):
    assert come_back(browser(), "/auth/oidc/link") == "/login"
    assert come_back(browser("not-a-session"), "/auth/oidc/link") == "/login"


def test_without_an_issuer_the_routes_do_not_exist(db, configure):
    configure(PORTAL_OIDC_ISSUER="")
    for path in ("/auth/oidc/start", "/auth/oidc/link", "/auth/oidc/callback?state=x&code=y"):
        assert browser().get(path).status_code == 404


def test_every_provider_sign_in_and_link_is_audited(db, provider):
    link(provider, "audit@example.com", "hal")
    http = browser()
    come_back(http, provider.authorize(trip(http), "hal"))
    unknown = browser()
    come_back(unknown, provider.authorize(trip(unknown), "stranger"))
    with transaction() as db_:
        done = [e.action for e in db_.exec(select(AuditEvent)).all()]
    assert {"provider.linked", "signin.provider_ok", "signin.provider_unlinked"} <= set(done)


def test_a_session_left_open_links_no_identity_until_the_owner_confirms(db, provider, frozen):
    """Someone at a borrowed tab cannot link their own provider account to it."""
    factories.registrant("open-tab@example.com")
    _, secret = sign_in("open-tab@example.com")
    frozen.advance(minutes=6)
    assert come_back(browser(secret), "/auth/oidc/link") == "/mypage/account?provider=reauth"
    owner = actor_of(secret)
    reauth.confirm(owner, factories.PASSWORD, "")
    assert trip(browser(secret), "/auth/oidc/link").startswith(provider.issuer)
