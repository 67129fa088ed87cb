"""Reading an uploaded file on the server without trusting its declared size."""

from __future__ import annotations

from collections.abc import Callable

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


async def one_upload(files: object, limit: int, tr: Callable[..., str]) -> tuple[bytes | None, str]:
    """The bytes of exactly one uploaded file of at most `limit` bytes, or None with the
    message to show (in the page's language, through `tr`)."""
    if not isinstance(files, list) or len(files) != 1:
        return None, tr("import.choose_one")
    data = await read_at_most(files[0], limit)
    if data is None:
        return None, tr("import.too_large", mb=limit // (1024 * 1024))
    return data, ""
