"""Counting actions per key over a sliding window, shared by all workers via the database.

Guarantee: `allow()` records the attempt and answers False once `limit`
attempts under the same scope and key fall inside the last `window`; keys are
stored only as digests (an address or IP never sits in this table in clear).
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from sqlmodel import Session, delete, func, select

from portal.domain.accounts import tokens
from portal.domain.accounts.tables import ThrottleHit
from portal.domain.audit.trail import Acting
from portal.domain.core.clock import utcnow


def client(by: Acting) -> str:
    """The key the client address `by` acts from is counted under: an IPv6 address by its
    /64 network (the addresses one subscriber line hands out), an IPv4 address whole,
    "unknown" for none."""
    text = by.ip.strip()
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d is that IPv4 client
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def allow(session: Session, scope: str, key: str, limit: int, window: dt.timedelta) -> bool:
    """Record one attempt; True when it is within `limit` for the window."""
    now = utcnow()
    key_digest = tokens.digest(f"throttle:{scope}", key.lower())
    count = session.exec(
        select(func.count())
        .select_from(ThrottleHit)
        .where(ThrottleHit.scope == scope, ThrottleHit.key == key_digest)
        .where(ThrottleHit.at > now - window)
    ).one()
    session.add(ThrottleHit(scope=scope, key=key_digest, at=now))
    return count < limit


def prune(session: Session, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete hits older than `older_than`; returns how many went."""
    result = session.execute(delete(ThrottleHit).where(ThrottleHit.at < utcnow() - older_than))
    return result.rowcount or 0
