"""Security headers on every HTTP response the portal serves (pages, assets and routes)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",
    b"content-security-policy": (
        b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    ),
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
}


def security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap `app` so each HTTP response carries HEADERS (without replacing ones already set)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS.items() if k not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
