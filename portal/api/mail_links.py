"""The one-click unsubscribe that mail clients POST (RFC 8058).

- POST /mail/unsubscribe?token=…&topic=…  turns that one topic off for the link's address
  (200), or answers 400 for a link that is not valid; nothing else is possible with it.
- GET  /mail/unsubscribe?token=…          a person who opened the link in a browser goes to
  the preferences page, where nothing changes until they choose (RFC 8058: a GET must not
  unsubscribe).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from portal.api.route_guard import origin_of
from portal.domain.communications import preference_links
from portal.domain.core import paths

_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


async def one_click(request: Request) -> Response:
    token = request.query_params.get("token", "")[:100]
    if request.method == "GET":
        query = urlencode({"token": token})
        return RedirectResponse(
            f"{paths.MAIL_PREFERENCES}?{query}", status_code=303, headers=_NO_STORE
        )
    topic = request.query_params.get("topic", "")[:40]
    done = await asyncio.to_thread(preference_links.one_click_off, token, topic, origin_of(request))
    if not done:
        return PlainTextResponse("This link is not valid.", status_code=400, headers=_NO_STORE)
    return PlainTextResponse("Unsubscribed.", headers=_NO_STORE)
