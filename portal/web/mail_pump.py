"""The running app's mail work, off the event loop: the deliverer drains the outbox every few
seconds; the announcement writer turns due announcements into outbox copies, one batch per
thread hop, so neither ever blocks an event."""

from __future__ import annotations

import asyncio
import gc
import logging

from portal.domain.communications import announcement_queue
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


async def announcement_writer() -> None:
    """Lifespan task: write the copies of due announcements, batch after batch."""
    while True:
        try:
            busy = await asyncio.to_thread(announcement_queue.run_batch)
        except Exception:  # try again later whatever went wrong now
            log.exception("announcement batch failed")
            busy = False
        await asyncio.sleep(0 if busy else INTERVAL_SECONDS)


async def freeze_heap() -> None:
    """Lifespan task, once: move everything loaded at start-up (the compiled app, catalogues,
    settings) out of the cyclic collector's reach. Work that makes many small objects (an
    announcement's batches) then triggers only cheap collections; a full one over the whole
    heap stopped the event loop for 70–90 ms (bench/announcements_scale.py)."""
    await asyncio.sleep(5)  # let start-up finish allocating
    gc.freeze()
