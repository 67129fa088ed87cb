"""The running app's mail deliverer: drains the outbox in a thread every few seconds."""

from __future__ import annotations

import asyncio
import logging

from portal.mail import delivery

log = logging.getLogger("portal.mail")

INTERVAL_SECONDS = 2.0


async def mail_pump() -> None:
    """Lifespan task: deliver due mail until the server stops; errors are logged, never fatal."""
    while True:
        try:
            await asyncio.to_thread(delivery.deliver_due)
        except Exception:  # keep delivering later whatever went wrong now
            log.exception("mail delivery run failed")
        await asyncio.sleep(INTERVAL_SECONDS)
