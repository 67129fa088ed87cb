"""The running app's daily jobs: once a day (any worker, only one runs it), in a child process.

The run loops over every registrant; in a thread it would hold this worker's
interpreter lock for long stretches and delay every event. `portal daily`
in its own interpreter leaves the event loop free; the `job_run` row makes
sure only one worker's child does the work.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from portal.domain.core.clock import today
from portal.domain.renewal import daily

log = logging.getLogger("portal.daily")

CHECK_SECONDS = 600.0


async def run_in_child(*arguments: str) -> int:
    """Run `portal daily [arguments]` in a child process; returns its exit status."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "portal.cli", "daily", *arguments
    )
    return await child.wait()


async def daily_jobs() -> None:
    """Lifespan task: every few minutes, run the day's jobs if no worker has yet."""
    while True:
        try:
            if not await asyncio.to_thread(daily.done, today()):
                status = await run_in_child()
                if status:
                    log.error("daily jobs exited with status %s", status)
        except Exception:  # try again at the next check whatever went wrong now
            log.exception("daily jobs failed")
        await asyncio.sleep(CHECK_SECONDS)
