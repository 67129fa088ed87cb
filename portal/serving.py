"""How the production server runs the portal's backend processes (read by rxconfig.py).

Reflex serves the production build with Granian: one process without Redis, else as many
workers as GRANIAN_WORKERS says (default 2 × cores + 1). The portal sets that number from
PORTAL_WORKERS and turns on Reflex's opportunistic state lock (see configure_backend).
Reflex also leaves Granian's `respawn_failed_workers` off, so one worker that dies
(killed, out of memory) stops the whole server; the portal turns it on, so the other
workers keep serving and the dead one is replaced (Granian still stops on a crash loop:
the same worker dying again within 5.5 s).
"""

from __future__ import annotations

import functools
import os

from portal.settings import Settings


def configure_backend(settings: Settings) -> None:
    """Set the worker count, let each worker keep the state of the tabs it serves, and make
    Granian replace a worker that dies."""
    os.environ["GRANIAN_WORKERS"] = str(settings.workers)
    # A tab's events all reach the worker holding its websocket: with an opportunistic
    # lock that worker keeps the tab's state in memory between events and writes it to
    # Redis when another worker asks for it or after 5 s, instead of a Redis read and
    # write around every event.
    os.environ.setdefault("REFLEX_OPLOCK_ENABLED", "true")
    try:
        from granian.server.common import AbstractServer
    except ImportError:  # pragma: no cover - Reflex without Granian serves one process
        return
    if getattr(AbstractServer.__init__, "portal_respawns", False):
        return
    original = AbstractServer.__init__

    @functools.wraps(original)
    def respawning(self, *args, **kwargs):
        kwargs["respawn_failed_workers"] = True
        original(self, *args, **kwargs)

    respawning.portal_respawns = True
    AbstractServer.__init__ = respawning
