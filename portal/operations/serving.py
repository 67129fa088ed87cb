"""Whether a portal is serving from a data folder: each backend process holds a shared lock
on `<data folder>/portal.serving` while it runs (the operating system drops it when the
process ends, however it ends), and `portal restore` refuses while any process holds it.

Only processes on this machine are seen: workers on other machines sharing the database
must be stopped by hand before a restore (README, Backups).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from portal.operations.archive import ArchiveError

LOCK_FILE = "portal.serving"


def _open(data_dir: Path) -> int:
    data_dir.mkdir(parents=True, exist_ok=True)
    return os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)


def mark_serving(data_dir: Path) -> int:
    """Hold the shared lock that says this process serves from `data_dir`; returns its file
    descriptor (closing it releases the lock, as ending the process does)."""
    descriptor = _open(data_dir)
    fcntl.flock(descriptor, fcntl.LOCK_SH)
    return descriptor


@contextlib.contextmanager
def none_serving(data_dir: Path) -> Iterator[None]:
    """Hold the exclusive lock for the block, so no portal starts serving from `data_dir`
    meanwhile; ArchiveError at once when one already serves from it. When the block fails,
    the lock file and the folder are removed again if this call created them."""
    created = [p for p in (data_dir, data_dir / LOCK_FILE) if not p.exists()]
    descriptor = _open(data_dir)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ArchiveError(
                f"a portal is serving from {data_dir}: stop it before restoring"
            ) from None
        try:
            yield
        except BaseException:
            for path in reversed(created):  # the lock file, then the folder if left empty
                with contextlib.suppress(OSError):
                    if path.is_dir():
                        path.rmdir()
                    else:
                        path.unlink()
            raise
    finally:
        os.close(descriptor)
