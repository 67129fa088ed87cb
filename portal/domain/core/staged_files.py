"""Files a staff member uploaded and has not confirmed yet, kept outside every public folder.

Guarantees: a staged file lives under `<data dir>/staged/` with a generated
name (never the uploader's), readable by the server's user only; `load()`
accepts only names `stage()` could have produced; files older than a day are
removed whenever a new one is staged.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path

from portal.settings import get_settings

_NAME = re.compile(r"^[A-Za-z0-9_-]{32}$")
_MAX_AGE_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = get_settings().data_dir / "staged"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    cutoff = time.time() - _MAX_AGE_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def stage(data: bytes) -> str:
    """Keep `data`; returns the generated name that `load()` and `discard()` take."""
    folder = _folder()
    _sweep(folder)
    name = secrets.token_urlsafe(24)
    descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return name


def load(name: str) -> bytes | None:
    """The staged bytes, or None when the name is not one of ours or the file is gone."""
    if not isinstance(name, str) or not _NAME.match(name):
        return None
    path = _folder() / name
    return path.read_bytes() if path.is_file() else None


def discard(name: str) -> None:
    """Remove a staged file (nothing happens for unknown names)."""
    if isinstance(name, str) and _NAME.match(name):
        (_folder() / name).unlink(missing_ok=True)
