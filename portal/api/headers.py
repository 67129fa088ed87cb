"""Security headers on every HTTP response the portal serves (pages, assets and routes).

The Content-Security-Policy allows scripts only from the portal's own origin
and the inline scripts of the compiled pages, each named by its SHA-256 hash
(read once from the production build). An injected `<script>` or event
attribute therefore does not run. `'unsafe-eval'` stays: Reflex runs the
scripts the server sends (`rx.call_script`) through `eval`.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.settings import get_settings

BASE_POLICY = "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
}
# Sent only when the portal's public address is https:// (browsers ignore it over http).
HSTS = b"max-age=31536000; includeSubDomains"
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def inline_script_hashes(pages: Path) -> list[str]:
    """The CSP hash source of each distinct inline script in the HTML files under `pages`."""
    found: set[str] = set()
    for page in pages.rglob("*.html"):
        for body in _INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            digest = hashlib.sha256(body.encode("utf-8")).digest()
            found.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(found)


def policy(pages: Path | None) -> str:
    """The Content-Security-Policy for a portal serving the compiled pages in `pages`.

    Without compiled pages (the backend alone, behind the development server)
    no page is served from here and scripts are not restricted.
    """
    hashes = inline_script_hashes(pages) if pages is not None and pages.is_dir() else []
    if not hashes:
        return BASE_POLICY
    return f"{BASE_POLICY}; script-src 'self' 'unsafe-eval' {' '.join(hashes)}"


@functools.cache
def _served_policy() -> bytes:
    from reflex import constants
    from reflex.utils import prerequisites

    return policy(prerequisites.get_web_dir() / constants.Dirs.STATIC).encode()


def _ours() -> dict[bytes, bytes]:
    ours = {**HEADERS, b"content-security-policy": _served_policy()}
    if get_settings().secure_cookies:
        ours[b"strict-transport-security"] = HSTS
    return ours


def security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap `app` so each HTTP response carries HEADERS, the CSP and, when the public
    address is https://, Strict-Transport-Security (each unless already set)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in _ours().items() if k not in present]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
