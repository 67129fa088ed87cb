"""Reading an uploaded file on the server without trusting its declared size."""

from __future__ import annotations

import reflex as rx

_CHUNK = 1024 * 1024


async def read_at_most(file: rx.UploadFile, limit: int) -> bytes | None:
    """The file's bytes, or None as soon as more than `limit` bytes have arrived."""
    parts, size = [], 0
    while chunk := await file.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)
