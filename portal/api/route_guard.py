"""The one guard of the HTTP routes: who may fetch a file, decided once per request.

    @guarded_route(staff_only=True)
    async def mailing_labels(request: Request, actor: Actor) -> Response: ...

The session cookie is resolved off the event loop; a request without a live session, from
staff who have not set up their authenticator app yet, or from anyone but staff for a
`staff_only` route, is answered 403 before the route runs. The route gets the `Actor`
(principal, client address as portal.client_address resolves it, user agent).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from portal import client_address
from portal.cookies import SESSION_COOKIE
from portal.domain.accounts import permissions, sessions
from portal.domain.accounts.actor import Actor
from portal.domain.core.origin import Origin

NO_STORE = {"Cache-Control": "no-store"}
Route = Callable[[Request, Actor], Awaitable[Response]]


def origin_of(request: Request) -> Origin:
    """Where a request comes from: its client address (portal.client_address) and user agent."""
    agent = request.headers.get("user-agent", "")[:300]
    return Origin(client_address.of_request(request), agent)


def guarded_route(staff_only: bool = False) -> Callable[[Route], Callable]:
    """Decorate a Starlette route taking (request, actor)."""

    def decorate(route: Route) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(route)
        async def checked(request: Request) -> Response:
            secret = request.cookies.get(SESSION_COOKIE)
            principal = await asyncio.to_thread(sessions.resolve, secret)
            if (
                principal is None
                or not permissions.counts_as_signed_in(principal)
                or (staff_only and not principal.is_staff)
            ):
                return Response("Forbidden", status_code=403, headers=NO_STORE)
            where = origin_of(request)
            return await route(request, Actor(principal, where.ip, where.user_agent))

        return checked

    return decorate
