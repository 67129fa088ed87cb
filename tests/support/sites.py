"""A portal's database and data folder, made the settings and engine of a test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from portal.domain.core import migrations
from portal.domain.core.db import make_engine, use_engine
from tests.dbs import fresh_database


@dataclass
class Site:
    url: str
    data_dir: Path


@contextlib.contextmanager
def site(kind: str, folder: Path, configure, revision: str = "head") -> Iterator[Site]:
    """A database of `kind` migrated to `revision` and a data folder below `folder`, made
    the portal's settings and engine for the block."""
    folder.mkdir()
    with fresh_database(kind, folder) as url:
        configure(PORTAL_DB_URL=url, PORTAL_DATA_DIR=str(folder / "data"))
        migrations.upgrade(url, revision)
        engine = make_engine(url)
        use_engine(engine)
        try:
            yield Site(url, folder / "data")
        finally:
            use_engine(None)
            engine.dispose()
