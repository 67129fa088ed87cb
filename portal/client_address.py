"""The client's address as the throttles and the audit log should see it.

Behind a reverse proxy every connection comes from the proxy; the proxy names the client in
`X-Forwarded-For`. That header is believed only when the connection comes from an address
in PORTAL_TRUSTED_PROXIES, and then only up to the first hop that is not itself a trusted
proxy (read from the right), so a client cannot choose its own address by sending the
header. Shared by the HTTP routes (portal.api) and the Reflex layer (portal.web).
"""

from __future__ import annotations

import ipaddress

from portal.settings import get_settings


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return address is not None and any(
        address in ipaddress.ip_network(net) for net in get_settings().trusted_proxies
    )


def resolve(peer: str | None, forwarded_for: str | None) -> str:
    """The client address: `peer`, or — when `peer` is a trusted proxy — the nearest
    untrusted address of `forwarded_for` (the proxy's own view when all hops are trusted)."""
    peer = peer or ""
    if not forwarded_for or not _trusted(_address(peer)):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",")[-20:] if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer  # a hop we cannot read: believe nothing beyond the proxy
        if not _trusted(address):
            return str(address)
    return peer


def of_request(request) -> str:
    """The client address of a Starlette request (see `resolve`)."""
    peer = request.client.host if request.client else ""
    return resolve(peer, request.headers.get("x-forwarded-for"))


def is_operator(client: str) -> bool:
    """True for a client on this machine or one of the trusted proxies: someone who may be
    told why the portal is not ready (everyone else is told only whether it is)."""
    address = _address(client)
    return address is not None and (address.is_loopback or _trusted(address))
