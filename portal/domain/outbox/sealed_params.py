"""The parameters of a queued message that carry a live secret — a sign-in code, a link
with a token, the unsubscribe and preferences links — are stored sealed
(`core.sealing`), so the outbox table read on its own gives no code and no working link.
Only the deliverer opens them, to render the message."""

from __future__ import annotations

import json
from typing import Any

from portal.domain.core import sealing

SECRET = frozenset({"code", "link", "unsubscribe_url", "preferences_url"})
_KEY = "sealed"
_PURPOSE = "outbox"


def seal(params: dict[str, Any]) -> dict[str, Any]:
    """`params` as stored: the secret ones replaced by one sealed value."""
    secret = {name: value for name, value in params.items() if name in SECRET}
    stored = {name: value for name, value in params.items() if name not in SECRET}
    if secret:
        stored[_KEY] = sealing.seal(_PURPOSE, json.dumps(secret))
    return stored


def opened(stored: dict[str, Any]) -> dict[str, Any]:
    """The parameters as they were queued (secret ones that cannot be opened are left out:
    the message then renders without them rather than with a wrong value)."""
    params = {name: value for name, value in stored.items() if name != _KEY}
    sealed = stored.get(_KEY)
    text = sealing.unseal(_PURPOSE, sealed) if isinstance(sealed, str) else None
    if text is not None:
        params.update(json.loads(text))
    return params
