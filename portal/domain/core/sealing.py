"""Values kept in the database that only the running portal can read: encrypted (Fernet,
AES-128-CBC with HMAC-SHA256) under a key derived from the secret key, which lives outside
the database (PORTAL_SECRET_KEY or the data folder's key file). A copy of the database
alone reads none of them."""

from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from portal.settings import get_settings


@functools.cache
def _fernet(purpose: str, secret_key: str) -> Fernet:
    key = hashlib.sha256(f"{purpose}\x00{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(purpose: str, text: str) -> str:
    """`text` encrypted for `purpose` (a label keeping the uses' keys apart)."""
    return _fernet(purpose, get_settings().secret_key).encrypt(text.encode()).decode("ascii")


def unseal(purpose: str, sealed: str) -> str | None:
    """The text `seal(purpose, …)` encrypted, or None when it was sealed under another key
    or altered."""
    try:
        return _fernet(purpose, get_settings().secret_key).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None
