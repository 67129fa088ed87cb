"""The running app's daily jobs: once a day (any worker, only one runs it), in a thread."""

from __future__ import annotations

import asyncio
import logging

from portal.domain import daily
from portal.domain.clock import today

log = logging.getLogger("portal.daily")

CHECK_SECONDS = 600.0


async def daily_jobs() -> None:
    """Lifespan task: every few minutes, run the day's jobs if no worker has yet."""
    while True:
        try:
            await asyncio.to_thread(daily.run_once, today())
        except Exception:  # try again at the next check whatever went wrong now
            log.exception("daily jobs failed")
        await asyncio.sleep(CHECK_SECONDS)
