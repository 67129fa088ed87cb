"""The scheme the public sees, for every request behind a TLS-terminating proxy.

The portal listens on 127.0.0.1 in plain HTTP; when its public address (PORTAL_BASE_URL)
is https://, every request really arrived over HTTPS at the proxy, so URLs the server
builds from a request (a redirect adding a trailing slash, say) must say https://, never
send the browser to http://.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from portal.settings import get_settings

_SECURE = {"http": "https", "websocket": "wss"}


def public_scheme(app: ASGIApp) -> ASGIApp:
    """Wrap `app` so requests carry the public scheme when the portal is served over HTTPS."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in _SECURE and get_settings().secure_cookies:
            scope = {**scope, "scheme": _SECURE[scope["type"]]}
        await app(scope, receive, send)

    return wrapped
