"""Signing in and linking accounts through the association's OpenID Connect provider.

- GET /auth/oidc/start     a sign-in trip: 302 to the provider's authorization endpoint.
- GET /auth/oidc/link      a link trip for the signed-in account (from /mypage/account).
- GET /auth/oidc/callback  the provider's answer: claims the trip, exchanges the code
                           and checks the ID token, then signs in or links.

Authlib does the protocol: discovery, authorization code with PKCE (S256), `state` and
`nonce`, the token request, and the ID token's signature against the provider's JWKS
(fetched again when an unknown key id appears, or — for providers that name no key id —
when a signature does not verify, so rotation works) and its iss, aud, exp,
iat and nonce. The trip is bound to the browser by an HttpOnly cookie and counts once
(`provider_flows`). Every failure ends on a page with a plain message and a log line that
names what failed, never a token. Without PORTAL_OIDC_ISSUER these routes answer 404.
"""

from __future__ import annotations

import asyncio
import logging

import httpx2
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import BadSignatureError, JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.api import cookie_jar
from portal.api.route_guard import origin_of
from portal.cookies import PROVIDER_ATTEMPT_COOKIE, PROVIDER_TRIP_COOKIE, SESSION_COOKIE
from portal.domain.accounts import provider_flows, provider_links, reauth, sessions
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.settings import OidcSettings, get_settings

log = logging.getLogger("portal.provider")

_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
CALLBACK_PATH = paths.OIDC_CALLBACK
_clients: dict[OidcSettings, object] = {}


class ProviderDown(Exception):
    """The provider could not be reached or answered nonsense."""


def _client(oidc: OidcSettings):
    """One Authlib client per configuration (it caches discovery and the JWKS)."""
    client = _clients.get(oidc)
    if client is None:
        client = OAuth().register(
            "provider",
            client_id=oidc.client_id,
            client_secret=oidc.client_secret,
            server_metadata_url=oidc.metadata_url,
            client_kwargs={"scope": oidc.scopes, "code_challenge_method": "S256", "timeout": 10},
        )
        _clients[oidc] = client
    return client


async def _discover(oidc: OidcSettings):
    client = _client(oidc)
    try:
        metadata = await client.load_server_metadata()
    except (httpx2.HTTPError, ValueError) as exc:
        raise ProviderDown(type(exc).__name__) from None
    if str(metadata.get("issuer", "")).rstrip("/") != oidc.issuer.rstrip("/"):
        client.server_metadata.clear()
        raise ProviderDown("discovery names another issuer")
    return client


def redirect_uri() -> str:
    """The callback address registered at the provider."""
    return get_settings().base_url + CALLBACK_PATH


def _back(url: str, trip_done: bool = True) -> Response:
    """A 303 back into the portal, forgetting the trip's cookie once it has done its work
    (a forged callback must not spoil the trip really under way in this browser)."""
    response = RedirectResponse(url, status_code=303, headers=_NO_STORE)
    if trip_done:
        response.delete_cookie(PROVIDER_TRIP_COOKIE, path=paths.OIDC, httponly=True, samesite="lax")
    return response


def _ending(purpose: str, what: str) -> Response:
    """Where a trip ends with a message: sign-in trips on /login, link trips on the account
    page (`what` names the message)."""
    if purpose == "link":
        return _back(f"{paths.MY_ACCOUNT}?provider={what}")
    return _back(f"{paths.LOGIN}?reason=provider_{what}")


async def _start(
    request: Request, purpose: str, account_id: int | None = None, session_id: int | None = None
) -> Response:
    oidc = get_settings().oidc
    try:
        client = await _discover(oidc)
        trip = await client.create_authorization_url(redirect_uri())
    except ProviderDown as exc:
        log.warning("provider: discovery at %s failed (%s)", oidc.issuer, exc)
        return _ending(purpose, "unavailable")
    browser = await asyncio.to_thread(
        provider_flows.begin,
        purpose,
        trip["state"],
        trip["nonce"],
        trip["code_verifier"],
        origin_of(request),
        account_id,
        session_id,
    )
    if browser is None:
        return _ending(purpose, "throttled")
    response = RedirectResponse(trip["url"], status_code=302, headers=_NO_STORE)
    lifetime = int(provider_flows.TRIP_LIFETIME.total_seconds())
    cookie_jar.set_http_only(
        response,
        PROVIDER_TRIP_COOKIE,
        browser,
        path=paths.OIDC,
        max_age=lifetime,
        same_site="lax",
    )
    return response


async def start_signin(request: Request) -> Response:
    if get_settings().oidc is None:
        return Response("Not found", status_code=404, headers=_NO_STORE)
    return await _start(request, "signin")


async def start_link(request: Request) -> Response:
    """A link trip for the signed-in account; anyone else goes to /login."""
    if get_settings().oidc is None:
        return Response("Not found", status_code=404, headers=_NO_STORE)
    principal = await asyncio.to_thread(sessions.resolve, request.cookies.get(SESSION_COOKIE))
    if principal is None:
        return RedirectResponse(paths.LOGIN, status_code=303, headers=_NO_STORE)
    if not provider_links.may_use(principal.kind):
        return _ending("link", "not_for_you")
    if not await asyncio.to_thread(reauth.is_recent, principal):
        return _ending("link", "reauth")  # a borrowed session links no identity of its own
    return await _start(request, "link", principal.account_id, principal.session_id)


def _mfa_proved(oidc: OidcSettings, claims: dict) -> bool:
    if not oidc.mfa_claim:
        return False
    amr = claims.get("amr")
    methods = amr if isinstance(amr, list) else []
    return oidc.mfa_claim in methods or claims.get("acr") == oidc.mfa_claim


async def _identify(oidc: OidcSettings, trip: provider_flows.Trip, code: str) -> dict:
    """The ID token's checked claims for this code. Raises ProviderDown or AuthlibBaseError
    / JoseError (refused by the provider or by the checks)."""
    client = await _discover(oidc)
    try:
        token = await client.fetch_access_token(
            redirect_uri=redirect_uri(), code=code, code_verifier=trip.code_verifier
        )
    except httpx2.HTTPError as exc:
        raise ProviderDown(type(exc).__name__) from None
    options = {
        "iss": {"essential": True, "value": client.server_metadata["issuer"]},
        "sub": {"essential": True},
    }
    try:
        claims = await client.parse_id_token(token, nonce=trip.nonce, claims_options=options)
    except BadSignatureError:
        # Authlib fetches the keys again for an unknown key id; a provider that names no
        # key id may have rotated its key all the same: fetch them once more and retry.
        await client.fetch_jwk_set(force=True)
        claims = await client.parse_id_token(token, nonce=trip.nonce, claims_options=options)
    if claims is None:
        raise AuthlibBaseError(error="no_id_token")
    return dict(claims)


async def callback(request: Request) -> Response:
    """The provider's answer: finish the trip this browser started, once."""
    oidc = get_settings().oidc
    if oidc is None:
        return Response("Not found", status_code=404, headers=_NO_STORE)
    params = request.query_params
    trip = await asyncio.to_thread(
        provider_flows.claim, params.get("state"), request.cookies.get(PROVIDER_TRIP_COOKIE)
    )
    if params.get("error"):
        # Some providers leave out `state` on a refusal: the message still fits, and
        # nothing is done either way.
        error = params["error"][:40]
        log.info("provider callback: the provider answered %s", error)
        return _ending(
            trip.purpose if trip else "signin",
            "cancelled" if error == "access_denied" else "failed",
        )
    if trip is None:
        log.warning("provider callback: unknown, foreign, late or replayed state")
        return _back(f"{paths.LOGIN}?reason=provider_failed", trip_done=False)
    try:
        claims = await _identify(oidc, trip, params.get("code", "")[:2000])
    except ProviderDown as exc:
        log.warning("provider callback: provider unreachable (%s)", exc)
        return _ending(trip.purpose, "unavailable")
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as exc:
        log.warning("provider callback: refused (%s: %s)", type(exc).__name__, _reason(exc))
        return _ending(trip.purpose, "failed")
    issuer, subject = str(claims["iss"]), str(claims["sub"])[:255]
    if trip.purpose == "link":
        return await _finish_link(request, trip, issuer, subject)
    return await _finish_signin(request, issuer, subject, _mfa_proved(oidc, claims))


def _reason(exc: Exception) -> str:
    # Authlib and joserfc errors carry a short code ("invalid_grant", "invalid_claim") and a
    # description naming the claim or check, never the token; anything else is named by its
    # type only.
    error = str(getattr(exc, "error", "") or "")[:40]
    description = str(getattr(exc, "description", "") or "")[:120]
    return f"{error} {description}".strip()


async def _finish_link(
    request: Request, trip: provider_flows.Trip, issuer: str, subject: str
) -> Response:
    try:
        await asyncio.to_thread(
            provider_links.link,
            trip.account_id,
            trip.session_id,
            issuer,
            subject,
            origin_of(request),
        )
    except DomainError as exc:
        log.info("provider link refused for account %s: %s", trip.account_id, exc.key)
        return _ending("link", exc.key.removeprefix("account.provider_"))
    return _ending("link", "linked")


async def _finish_signin(request: Request, issuer: str, subject: str, mfa: bool) -> Response:
    result = await asyncio.to_thread(
        provider_links.sign_in,
        issuer,
        subject,
        mfa,
        origin_of(request),
    )
    if result.problem is not None:
        return _ending("signin", result.problem)
    if result.session is not None:
        response = _back(result.session.landing)
        cookie_jar.set_session(response, result.session.secret)
        return response
    # The second factor: /login/code takes the attempt from this cookie (?via=provider).
    response = _back(f"{paths.LOGIN_CODE}?via=provider")
    lifetime = get_settings().sign_in.code_minutes * 60
    cookie_jar.set_http_only(response, PROVIDER_ATTEMPT_COOKIE, result.attempt, max_age=lifetime)
    return response
