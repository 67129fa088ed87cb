"""`portal backup DEST [--keep N]`: one archive holding a consistent copy of the portal.

The database is copied while the portal runs — SQLite through its online backup API,
PostgreSQL through `pg_dump` on an exported snapshot — and the evidence files, row counts
and schema revision are read from that same copy, so every file the copy names is in the
archive. The archive is written under a temporary name readable by its owner only and
renamed when complete; older archives beyond `keep` are then removed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, func, inspect, select, text
from sqlmodel import SQLModel

import portal.domain.schema  # noqa: F401  (registers every table for the counts)
from portal import __version__
from portal.domain.core import migrations
from portal.domain.core.db import make_engine
from portal.domain.points.tables import EvidenceFile
from portal.operations.archive import (
    DATABASE,
    EVIDENCE,
    FORMAT,
    MANIFEST,
    NAME,
    SECRET_KEY,
    ArchiveError,
    age_order,
    copy_sqlite,
    database_kind,
    libpq,
    program,
    sha256_of,
    signed,
    sqlite_path,
)
from portal.settings import get_settings


@dataclass(frozen=True)
class Snapshot:
    """What was read from the database copy."""

    revision: str | None
    counts: dict[str, int]
    evidence: list[str]  # stored names of the evidence files the copy names


@dataclass(frozen=True)
class Made:
    path: Path
    size: int
    counts: dict[str, int]
    missing: list[str]  # evidence files the database names but the data folder lacks
    removed: list[Path] = field(default_factory=list)  # older archives pruned


def read_snapshot(conn: Connection) -> Snapshot:
    """Schema revision, every portal table's row count and the evidence files named, read
    through `conn` (one consistent view of the database)."""
    present = set(inspect(conn).get_table_names())
    counts = {
        table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
        for table in SQLModel.metadata.sorted_tables
        if table.name in present
    }
    evidence = []
    if "evidence_file" in present:
        rows = conn.execute(select(EvidenceFile.stored_name).order_by(EvidenceFile.id))
        evidence = [row[0] for row in rows]
    return Snapshot(migrations.revisions(conn)[0], counts, evidence)


def snapshot_of(url: str) -> Snapshot:
    """`read_snapshot` of the database at `url`, on a connection of its own."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return read_snapshot(conn)
    finally:
        engine.dispose()


def _copy_sqlite(url: str, target: Path) -> Snapshot:
    copy_sqlite(sqlite_path(url), target)
    return snapshot_of(f"sqlite:///{target}")


def _copy_postgresql(url: str, target: Path) -> Snapshot:
    engine = make_engine(url)
    try:
        with (
            engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
            conn.begin(),
        ):
            snapshot_id = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            snapshot = read_snapshot(conn)
            address, password = libpq(url)
            command = [program("pg_dump"), "--format=custom", f"--snapshot={snapshot_id}"]
            done = subprocess.run(  # noqa: S603 (fixed program, settings' own URL)
                [*command, "--file", str(target), f"--dbname={address}"],
                env={**os.environ, **password},
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise ArchiveError(f"pg_dump failed: {done.stderr.strip()[-500:]}")
            return snapshot
    finally:
        engine.dispose()


def _archive_name(folder: Path, moment: dt.datetime) -> Path:
    stamp = moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"portal-backup-{stamp}Z.tar.gz"
    serial = 0
    while path.exists():  # a second archive within the same second
        serial += 1
        path = folder / f"portal-backup-{stamp}Z-{serial}.tar.gz"
    return path


@contextmanager
def _private_file(path: Path) -> Iterator[Path]:
    """A temporary file beside `path`, readable by its owner only, renamed to `path` when
    the block ends without an error and removed otherwise."""
    fd, name = tempfile.mkstemp(prefix=".portal-backup-", suffix=".partial", dir=path.parent)
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` archives in `folder`; returns what was removed.
    Only files named like the portal's archives are ever touched."""
    archives = sorted(
        (p for p in folder.iterdir() if p.is_file() and NAME.match(p.name)),
        key=lambda p: age_order(p.name),
    )
    doomed = archives[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink()
    return doomed


def create(dest: Path, keep: int | None = None) -> Made:
    """Write one archive of the running portal into the folder `dest` (created if absent)
    and, with `keep`, remove all but the newest `keep` archives there."""
    settings = get_settings()
    kind = database_kind(settings.db_url)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".portal-backup-", dir=dest) as staging:
        database = Path(staging) / DATABASE[kind]
        copy = _copy_sqlite if kind == "sqlite" else _copy_postgresql
        snapshot = copy(settings.db_url, database)
        members: dict[str, Path] = {DATABASE[kind]: database}
        missing = []
        for stored in snapshot.evidence:
            source = settings.data_dir / "evidence" / stored
            if source.is_file():
                members[EVIDENCE + stored] = source
            else:
                missing.append(stored)
        key = settings.data_dir / SECRET_KEY
        if key.is_file():
            members[SECRET_KEY] = key
        manifest = {
            "format": FORMAT,
            "portal_version": __version__,
            "database": kind,
            "schema_revision": snapshot.revision,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "counts": snapshot.counts,
            "missing_evidence": missing,
            "files": {name: sha256_of(path) for name, path in members.items()},
        }
        manifest_path = Path(staging) / MANIFEST
        manifest = signed(manifest, settings.secret_key)
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
        path = _archive_name(dest, dt.datetime.now(dt.UTC))
        with _private_file(path) as partial:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(manifest_path, MANIFEST)
                for name, source in members.items():
                    archive.add(source, name)
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
    removed = prune(dest, keep) if keep else []
    return Made(path, path.stat().st_size, snapshot.counts, missing, removed)
