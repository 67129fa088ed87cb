"""Cyclic garbage collection paused while a batch builds 10⁵–10⁶ small objects.

Each new container object is tracked by the cyclic collector, and a full collection walks
every live one: building the eligibility of 100,000 registrants triggers several full
collections over a growing heap, about a third of the batch's time. Reference counting
still frees everything at once; only cycles wait until the last batch running (in any
thread) leaves `paused()`, when the collector is switched back on if it was on before.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block (nestable, thread-safe)."""
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
