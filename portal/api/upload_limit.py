"""A ceiling on what Reflex's upload endpoint will read, before any handler sees the file.

Reflex's `/_upload` route has no size limit of its own (the browser-side
`max_size` is advisory) and spools whatever arrives to a temporary file.
Guarantee: a request to it that declares more than MAX_BYTES is answered 413
without reading the body; one that sends more than it declared, or more than
MAX_BYTES without declaring, is cut off as a disconnected client.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.domain.registrants.registry_import import MAX_BYTES as IMPORT_BYTES

MAX_BYTES = IMPORT_BYTES + 1024 * 1024  # the largest upload, plus the multipart envelope
UPLOAD_PATH = "/_upload"


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def upload_limit(app: ASGIApp) -> ASGIApp:
    """Wrap `app` so uploads larger than MAX_BYTES are refused."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith(UPLOAD_PATH):
            await app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > MAX_BYTES:
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": b"Upload too large."})
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BYTES:
                    return {"type": "http.disconnect"}
            return message

        await app(scope, counted, send)

    return wrapped
