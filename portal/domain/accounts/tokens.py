"""Secrets handed to people (codes, links, session cookies) and how they are stored.

Guarantees: every secret comes from `secrets` (CSPRNG); only a keyed digest
(HMAC-SHA-256 under the server secret) is stored, so a copy of the database
alone cannot be replayed (the mail carrying a secret keeps it sealed while queued,
outbox.sealed_params); digests are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from portal.settings import get_settings


def new_token() -> str:
    """A fresh URL-safe secret of 256 bits."""
    return secrets.token_urlsafe(32)


def new_numeric_code(digits: int = 6) -> str:
    """A fresh code of `digits` decimal digits, uniformly drawn."""
    return f"{secrets.randbelow(10**digits):0{digits}d}"


def digest(purpose: str, value: str) -> str:
    """The stored form of `value`: HMAC-SHA-256 keyed by the server secret, bound to `purpose`."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def matches(purpose: str, value: str, stored_digest: str | None) -> bool:
    """True when `value` hashes to `stored_digest`, compared in constant time."""
    if not stored_digest:
        return False
    return hmac.compare_digest(digest(purpose, value), stored_digest)
