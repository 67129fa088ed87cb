"""HTTP routes mounted through rx.App(api_transformer=...).

- GET  /healthz        200 when the database answers, 503 when it does not (liveness).
- GET  /readyz         readiness: database, Redis when set, outbox, daily jobs; 503 when
                       something is wrong, with the reasons for local and proxy clients only
                       (portal.operations.readiness).
- POST /auth/session   exchanges a one-time sign-in ticket for the HttpOnly,
                       SameSite=Strict session cookie, then 303s to the start page.
- GET  /admin/registrants/export   the registry list's current filter as CSV, staff only
                       (`encoding=shift_jis` for Excel on older Japanese Windows).
- POST /mail/unsubscribe  the one-click unsubscribe of topic mail (portal.api.mail_links).
- GET  /auth/oidc/start, /auth/oidc/link, /auth/oidc/callback   signing in and linking
                       through the OpenID Connect provider (portal.api.provider).
- GET  /auth/signout   revokes the session named by the cookie, clears it, 303s to /login
                       (with ?reason=closed|ended|signed_out for the message there).
- GET  /evidence/<id>  an evidence file, to its claim's registrant or staff only, always
                       as an attachment in a sandbox; 404 for anyone else as for unknown ids.
- GET  /certificates/<number>  a renewal certificate PDF, to its holder or staff only
                       (404 for anyone else as for unknown numbers).
- GET  /admin/renewals/labels  mailing labels (CSV) of certificates still to mail, staff only.
- GET  /mypage/points/transcript.pdf  the registrant's own record of points (PDF); 404 for
                       anyone without a record of their own.
- GET  /admin/surveys/<id>/answers.csv  a survey's answers (CSV), staff only, once enough count.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from portal import __version__, client_address
from portal.api import cookie_jar, mail_links, provider
from portal.api.route_guard import guarded_route, origin_of
from portal.cookies import PROVIDER_ATTEMPT_COOKIE, SESSION_COOKIE
from portal.domain.accounts import sessions, signin
from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.clock import utcnow
from portal.domain.core.db import current_engine
from portal.domain.core.errors import DomainError, NotAllowed
from portal.domain.points import evidence
from portal.domain.registrants import exports, registry_search
from portal.domain.renewal import certificates, renewal_review, transcript
from portal.domain.surveys import results as surveys_results
from portal.operations import readiness
from portal.settings import get_settings

log = logging.getLogger("portal.api")

_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _database_answers() -> bool:
    try:
        with current_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:  # any failure means "not healthy"; the reason goes to the log
        log.exception("health check: database unreachable")
        return False


async def healthz(_request: Request) -> Response:
    ok = await asyncio.to_thread(_database_answers)
    return JSONResponse(
        {"status": "ok" if ok else "unavailable", "database": ok},
        status_code=200 if ok else 503,
        headers={"Cache-Control": "no-store"},
    )


async def readyz(request: Request) -> Response:
    """Readiness: 200 when every check passes, else 503. The checks and their details
    (which name the database, Redis and jobs) go only to this machine and the trusted
    proxies' own requests; anyone else reads "ready" or "unavailable"."""
    found = await asyncio.to_thread(readiness.checks)
    ok = all(c.ok for c in found)
    body: dict = {"status": "ready" if ok else "unavailable"}
    if client_address.is_operator(client_address.of_request(request)):
        body["version"] = __version__
        body["checks"] = {c.name: {"ok": c.ok, "detail": c.detail} for c in found}
    return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return False
    allowed = {get_settings().base_url, f"{request.url.scheme}://{request.url.netloc}"}
    return origin.rstrip("/") in allowed


async def start_session(request: Request) -> Response:
    if not _same_origin(request):
        return Response("Forbidden", status_code=403, headers=_NO_STORE)
    form = await request.form()
    ticket = form.get("ticket")
    started = await asyncio.to_thread(
        signin.redeem_ticket, ticket if isinstance(ticket, str) else None, origin_of(request)
    )
    if started is None:
        return RedirectResponse(paths.LOGIN, status_code=303, headers=_NO_STORE)
    response = RedirectResponse(started.landing, status_code=303, headers=_NO_STORE)
    cookie_jar.set_session(response, started.secret)
    response.delete_cookie(PROVIDER_ATTEMPT_COOKIE, path="/", httponly=True, samesite="strict")
    return response


_SIGN_OUT_REASONS = ("signed_out", "closed", "ended")


async def sign_out(request: Request) -> Response:
    await asyncio.to_thread(sessions.end, request.cookies.get(SESSION_COOKIE))
    reason = request.query_params.get("reason", "signed_out")
    reason = reason if reason in _SIGN_OUT_REASONS else "signed_out"
    response = RedirectResponse(
        f"{paths.LOGIN}?reason={reason}", status_code=303, headers=_NO_STORE
    )
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


@guarded_route(staff_only=True)
async def export_registry(request: Request, actor: Actor) -> Response:
    """The registry list's current filter as CSV (staff)."""
    params = {k: v for k, v in request.query_params.items()}
    query = registry_search.query_from(params)
    encoding = params.get("encoding", "utf-8")
    filename = f"registrants-{utcnow():%Y%m%d}.csv"
    charset = "shift_jis" if encoding == "shift_jis" else "utf-8"
    return StreamingResponse(
        exports.export_csv(actor, query, encoding),
        media_type=f"text/csv; charset={charset}",
        headers={**_NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


@guarded_route()
async def evidence_file(request: Request, actor: Actor) -> Response:
    """One evidence file, to its claim's registrant or to staff, always as a download."""
    raw = request.path_params.get("file_id", "")
    try:
        if not raw.isdigit() or len(raw) > 12:
            raise DomainError("evidence.unknown")
        found = await asyncio.to_thread(evidence.read, actor.principal, int(raw))
    except DomainError:
        return Response("Not found", status_code=404, headers=_NO_STORE)
    return Response(
        found.data,
        media_type=found.content_type,
        headers={
            **_NO_STORE,
            "Content-Disposition": "attachment; filename*=UTF-8''" + quote(found.name),
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


@guarded_route()
async def certificate_pdf(request: Request, actor: Actor) -> Response:
    """A certificate as PDF, to its holder or to staff, in the reader's language; 404 otherwise."""
    principal = actor.principal
    number = request.path_params.get("number", "")[:40]
    try:
        cert = await asyncio.to_thread(certificates.readable, principal, number)
        data = await asyncio.to_thread(certificates.pdf, cert, principal.language)
    except DomainError as exc:
        if exc.key == "certificate.font_missing":
            log.error("certificate %s: no Japanese font installed (make fonts)", number)
            return Response("Service unavailable", status_code=503, headers=_NO_STORE)
        return Response("Not found", status_code=404, headers=_NO_STORE)
    return Response(
        data,
        media_type="application/pdf",
        headers={
            **_NO_STORE,
            "Content-Disposition": f'attachment; filename="certificate-{cert.number}.pdf"',
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


@guarded_route()
async def transcript_pdf(request: Request, actor: Actor) -> Response:
    """The signed-in registrant's record of points as PDF, in their language; 404 for
    anyone without a record of their own."""
    try:
        found = await asyncio.to_thread(transcript.own, actor)
        data = await asyncio.to_thread(transcript.pdf, found, actor.language)
    except NotAllowed:
        return Response("Not found", status_code=404, headers=_NO_STORE)
    except DomainError as exc:
        if exc.key == "certificate.font_missing":
            log.error("transcript: no Japanese font installed (make fonts)")
            return Response("Service unavailable", status_code=503, headers=_NO_STORE)
        return Response("Not found", status_code=404, headers=_NO_STORE)
    filename = f"points-{found.number}-{found.on:%Y%m%d}.pdf"
    return Response(
        data,
        media_type="application/pdf",
        headers={
            **_NO_STORE,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
    )


@guarded_route(staff_only=True)
async def mailing_labels(request: Request, actor: Actor) -> Response:
    """Mailing labels of the certificates still to be mailed, as CSV, staff only."""
    data = await asyncio.to_thread(renewal_review.mailing_labels, actor.principal)
    filename = f"mailing-labels-{utcnow():%Y%m%d}.csv"
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={**_NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


@guarded_route(staff_only=True)
async def survey_answers(request: Request, actor: Actor) -> Response:
    """A survey's counted answers as CSV, staff only; 404 while too few or unknown."""
    raw = request.path_params.get("survey_id", "")
    try:
        if not raw.isdigit() or len(raw) > 11:
            raise DomainError("survey.unknown")
        data = await asyncio.to_thread(surveys_results.answers_csv, actor.principal, int(raw))
    except DomainError:
        return Response("Not found", status_code=404, headers=_NO_STORE)
    return Response(
        data,
        media_type="text/csv; charset=utf-8",
        headers={**_NO_STORE, "Content-Disposition": f'attachment; filename="survey-{raw}.csv"'},
    )


def build_api() -> Starlette:
    """The Starlette app Reflex mounts in front of its own routes."""
    return Starlette(
        routes=[
            Route(paths.HEALTHZ, healthz, methods=["GET"]),
            Route(paths.READYZ, readyz, methods=["GET"]),
            Route(paths.AUTH_SESSION, start_session, methods=["POST"]),
            Route(paths.AUTH_SIGNOUT, sign_out, methods=["GET"]),
            Route(paths.MAIL_UNSUBSCRIBE, mail_links.one_click, methods=["GET", "POST"]),
            Route(paths.OIDC_START, provider.start_signin, methods=["GET"]),
            Route(paths.OIDC_LINK, provider.start_link, methods=["GET"]),
            Route(provider.CALLBACK_PATH, provider.callback, methods=["GET"]),
            Route(paths.REGISTRANTS_EXPORT, export_registry, methods=["GET"]),
            Route(paths.EVIDENCE + "/{file_id}", evidence_file, methods=["GET"]),
            Route(paths.CERTIFICATES + "/{number}", certificate_pdf, methods=["GET"]),
            Route(paths.RENEWAL_LABELS, mailing_labels, methods=["GET"]),
            Route(paths.TRANSCRIPT, transcript_pdf, methods=["GET"]),
            Route(
                paths.ADMIN_SURVEYS + "/{survey_id}/answers.csv", survey_answers, methods=["GET"]
            ),
        ]
    )
