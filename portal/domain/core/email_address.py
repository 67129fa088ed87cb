"""E-mail address syntax (seed 003) and the canonical form used for lookups.

Guarantee: `problem()` returns the reason an address is refused, or None; an
accepted address has no CR/LF or other character that could reach a mail
header, and `normalize()` gives the one form under which it is stored and
compared, so one person cannot hold two accounts by changing letter case.
"""

from __future__ import annotations

import re

MAX_LENGTH = 254
_LOCAL_ALLOWED = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_DOMAIN_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def normalize(address: str) -> str:
    """The stored form: surrounding spaces removed, lower-cased."""
    return address.strip().lower()


def problem(address: str) -> str | None:
    """A message key saying why `address` is not acceptable, or None when it is."""
    address = address.strip()
    if not address:
        return "email.required"
    if len(address) > MAX_LENGTH:
        return "email.too_long"
    if address.count("@") != 1:
        return "email.format"
    local, domain = address.split("@")
    if not local or not domain:
        return "email.format"
    if local.startswith("."):
        return "email.leading_dot"
    if local.endswith("."):
        return "email.dot_before_at"
    if ".." in address:
        return "email.consecutive_dots"
    if not _LOCAL_ALLOWED.match(local) or len(local) > 64:
        return "email.forbidden_symbol"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels):
        return "email.domain"
    return None
