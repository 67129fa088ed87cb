"""Password policy and hashing.

Guarantees: a password is never truncated — it is pre-hashed (SHA-256, base64)
before bcrypt so every character counts, whatever its length; hashing and
checking never raise on long or non-ASCII input; the policy refuses the 30,000
most common passwords and passwords containing the user's e-mail or name.
"""

from __future__ import annotations

import base64
import hashlib
import string
from dataclasses import dataclass

import bcrypt
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from portal.settings import get_settings

MIN_LENGTH = 10
MAX_LENGTH = 128
_COMMON = frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])
_SYMBOLS = frozenset(string.punctuation)


@dataclass(frozen=True)
class PolicyProblem:
    """Why a password is refused: a message key for the translation catalogue."""

    key: str
    params: dict


def policy_problems(
    password: str,
    *,
    email: str = "",
    names: tuple[str, ...] = (),
    current_hash: str | None = None,
) -> list[PolicyProblem]:
    """Every rule the password breaks under the configured policy (empty when it is fine)."""
    problems: list[PolicyProblem] = []
    if len(password) < MIN_LENGTH:
        problems.append(PolicyProblem("password.too_short", {"min": MIN_LENGTH}))
    if len(password) > MAX_LENGTH:
        problems.append(PolicyProblem("password.too_long", {"max": MAX_LENGTH}))
    if get_settings().sign_in.password_policy == "composition":  # noqa: S105 (a policy name)
        if not all(32 < ord(c) < 127 for c in password):
            problems.append(PolicyProblem("password.ascii_only", {}))
        has_letter = any(c.isascii() and c.isalpha() for c in password)
        has_digit = any(c.isascii() and c.isdigit() for c in password)
        has_symbol = any(c in _SYMBOLS for c in password)
        if not (has_letter and has_digit and has_symbol):
            problems.append(PolicyProblem("password.composition", {}))
    elif any(ord(c) < 32 or ord(c) == 127 for c in password):
        problems.append(PolicyProblem("password.control_chars", {}))
    lowered = password.lower()
    if lowered in _COMMON:
        problems.append(PolicyProblem("password.common", {}))
    local = email.split("@")[0].lower()
    personal = [local] if len(local) >= 3 else []
    personal += [n.lower() for n in names if len(n) >= 3]
    if any(part in lowered for part in personal):
        problems.append(PolicyProblem("password.personal", {}))
    if current_hash and verify_password(password, current_hash):
        problems.append(PolicyProblem("password.same_as_current", {}))
    return problems


def _prehash(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str) -> str:
    """A bcrypt hash of the whole password at the configured work factor. Slow: call off the loop."""
    salt = bcrypt.gensalt(rounds=get_settings().sign_in.bcrypt_rounds)
    return bcrypt.hashpw(_prehash(password), salt).decode("ascii")


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when `password` matches; False for no hash or a malformed one. Slow: call off the loop."""
    if not password_hash:
        burn_time()
        return False
    try:
        return bcrypt.checkpw(_prehash(password), password_hash.encode("ascii"))
    except ValueError:
        return False


_DUMMY_HASH: list[str] = []


def burn_time() -> None:
    """Spend as long as one real password check, so refusals all take the same time."""
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password("dummy password for timing"))
    bcrypt.checkpw(_prehash("not the password"), _DUMMY_HASH[0].encode("ascii"))
