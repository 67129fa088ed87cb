"""Lifespan task: this backend process tells `portal restore` that it serves from the data
folder (portal.operations.serving), until it ends."""

from __future__ import annotations

import asyncio

from portal.operations import serving
from portal.settings import get_settings

_held: list[int] = []  # the lock's file descriptor, kept open for the life of the process


async def mark_serving() -> None:
    """Take the shared lock (waiting, off the event loop, while a restore runs)."""
    _held.append(await asyncio.to_thread(serving.mark_serving, get_settings().data_dir))
