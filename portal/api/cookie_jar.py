"""Setting the portal's HttpOnly cookies on HTTP responses, the same way on every route."""

from __future__ import annotations

from starlette.responses import Response

from portal.cookies import SESSION_COOKIE
from portal.settings import get_settings


def set_http_only(
    response: Response,
    name: str,
    value: str,
    *,
    path: str = "/",
    max_age: int | None = None,
    same_site: str = "strict",
) -> None:
    """An HttpOnly cookie, `Secure` whenever the portal is served over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite=same_site,
        secure=get_settings().secure_cookies,
        path=path,
    )


def set_session(response: Response, secret: str) -> None:
    """The session cookie, the same for every way in: HttpOnly, SameSite=Strict, whole site,
    ending with the browser (the server ends it sooner: idle and absolute timeouts)."""
    set_http_only(response, SESSION_COOKIE, secret)
