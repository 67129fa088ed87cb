"""Trips to the identity provider, each bound to the browser that started it.

Guarantees:
- A trip is found from the callback by its `state`, and only in the browser holding
  the secret handed out when it started (an HttpOnly cookie); anywhere else it does not
  exist.
- A trip counts once: the first callback claims it in one conditional UPDATE; a
  replayed callback, a second tab or a late one (after TRIP_LIFETIME) gets nothing.
- Starting trips is limited per client address (PORTAL_SIGNIN_PER_CLIENT per 15 min),
  and spent trips are deleted as new ones start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, delete, select, update

from portal.domain.accounts import throttle, tokens
from portal.domain.accounts.tables import ProviderFlow
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.origin import Origin
from portal.settings import get_settings

TRIP_LIFETIME = dt.timedelta(minutes=10)
WINDOW = dt.timedelta(minutes=15)
PURPOSES = ("signin", "link")


@dataclass(frozen=True)
class Trip:
    """A claimed trip: what the callback needs to finish it."""

    purpose: str
    nonce: str
    code_verifier: str
    account_id: int | None
    session_id: int | None


def begin(
    purpose: str,
    state: str,
    nonce: str,
    code_verifier: str,
    origin: Origin,
    account_id: int | None = None,
    session_id: int | None = None,
) -> str | None:
    """Record a trip; returns the browser's secret for its cookie, or None when throttled."""
    if purpose not in PURPOSES:
        raise ValueError(purpose)
    browser = tokens.new_token()
    now = utcnow()
    with transaction() as db:
        limit = get_settings().sign_in.per_client
        if not throttle.allow(db, "provider-ip", throttle.client(origin), limit, WINDOW):
            return None
        db.execute(delete(ProviderFlow).where(col(ProviderFlow.expires_at) < now))
        db.add(
            ProviderFlow(
                state_digest=tokens.digest("provider-state", state),
                browser_digest=tokens.digest("provider-browser", browser),
                purpose=purpose,
                account_id=account_id,
                session_id=session_id,
                nonce=nonce,
                code_verifier=code_verifier,
                expires_at=now + TRIP_LIFETIME,
            )
        )
    return browser


def claim(state: str | None, browser: str | None) -> Trip | None:
    """The trip behind `state` when this browser started it and nobody claimed it yet."""
    if not state or not browser or len(state) > 200 or len(browser) > 100:
        return None
    now = utcnow()
    with transaction() as db:
        flow = db.exec(
            select(ProviderFlow).where(
                ProviderFlow.state_digest == tokens.digest("provider-state", state)
            )
        ).first()
        if (
            flow is None
            or not tokens.matches("provider-browser", browser, flow.browser_digest)
            or now >= flow.expires_at
        ):
            return None
        claimed = db.execute(
            update(ProviderFlow)
            .where(col(ProviderFlow.id) == flow.id)
            .where(col(ProviderFlow.used_at).is_(None))
            .values(used_at=now)
        )
        if claimed.rowcount != 1:
            return None
        return Trip(
            purpose=flow.purpose,
            nonce=flow.nonce,
            code_verifier=flow.code_verifier,
            account_id=flow.account_id,
            session_id=flow.session_id,
        )
