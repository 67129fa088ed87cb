"""`portal restore SRC [--force]`: put an archive made by `portal backup` back.

Before anything is written the whole archive is read and checked: every member's SHA-256
against the manifest, no member missing, unknown or outside the archive, the database kind
the same as the configured one, and a schema revision this code knows (an archive from a
newer portal is refused). A target that already holds accounts, records or evidence files
is refused unless `force`. Then the database, evidence files and secret key are put in
place, the row counts compared with the manifest, and the migrations run. A portal still
serving from the data folder is refused (portal.operations.serving); stop every worker of
the portal before restoring into its database.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect, select, text
from sqlmodel import SQLModel

import portal.domain.schema  # noqa: F401  (registers every table)
from portal.domain.accounts.tables import Account
from portal.domain.core import migrations
from portal.domain.core.db import make_engine
from portal.domain.registry.tables import RegistryRecord
from portal.operations.archive import (
    DATABASE,
    EVIDENCE,
    FORMAT,
    MANIFEST,
    SECRET_KEY,
    ArchiveError,
    copy_sqlite,
    database_kind,
    is_member_name,
    libpq,
    program,
    sqlite_path,
)
from portal.operations.backup import snapshot_of
from portal.operations.serving import none_serving
from portal.settings import get_settings, write_owner_only

_OCCUPIED_BY = (Account.__table__, RegistryRecord.__table__)


@dataclass(frozen=True)
class Restored:
    manifest: dict
    counts: dict[str, int]  # as read back from the restored database, before migrating
    secret_key_from_environment: bool  # PORTAL_SECRET_KEY overrides the restored key file


def _unpack(src: Path, staging: Path) -> dict:
    """Extract `src` into `staging`, checking every member; returns the manifest."""
    digests: dict[str, str] = {}
    manifest = None
    try:
        with tarfile.open(src, "r:gz") as archive:
            for member in archive:
                name = member.name
                if name in digests or (name == MANIFEST and manifest is not None):
                    raise ArchiveError(f"the archive holds {name} twice")
                if not member.isfile() or not (name == MANIFEST or is_member_name(name)):
                    raise ArchiveError(f"the archive holds an unexpected member: {name!r}")
                data = archive.extractfile(member).read()
                if name == MANIFEST:
                    manifest = json.loads(data)
                    continue
                digests[name] = hashlib.sha256(data).hexdigest()
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise ArchiveError(f"the archive is damaged or not a portal backup ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("the archive has no manifest of a format this portal reads")
    listed = manifest.get("files") or {}
    if set(listed) != set(digests):
        raise ArchiveError(
            "the archive's members do not match its manifest "
            f"(missing: {sorted(set(listed) - set(digests))}, "
            f"unlisted: {sorted(set(digests) - set(listed))})"
        )
    damaged = sorted(name for name, digest in digests.items() if listed[name] != digest)
    if damaged:
        raise ArchiveError(f"checksum mismatch, the archive is damaged: {', '.join(damaged)}")
    return manifest


def _check_schema(revision: str | None) -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    newest = script.get_current_head()
    if revision is None:
        return
    try:
        known = script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise ArchiveError(
            f"the archive's schema revision {revision} is newer than this portal knows "
            f"(newest {newest}): install the portal version that made it "
            "(see its manifest), then restore"
        )


def _occupied(url: str, evidence: Path) -> list[str]:
    """What the target already holds that a restore would overwrite."""
    found = []
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            present = set(inspect(conn).get_table_names())
            for table in _OCCUPIED_BY:
                if table.name in present and conn.execute(select(1).select_from(table)).first():
                    found.append(f"the database has rows in {table.name}")
    finally:
        engine.dispose()
    if evidence.is_dir() and any(evidence.iterdir()):
        found.append(f"{evidence} holds files")
    return found


def _put_sqlite(url: str, copy: Path) -> None:
    target = sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_sqlite(copy, target)


def _put_postgresql(url: str, dump: Path) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:  # tables of a newer schema the dump would not drop
            for table in [*reversed(SQLModel.metadata.sorted_tables), "alembic_version"]:
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
    finally:
        engine.dispose()
    address, password = libpq(url)
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    done = subprocess.run(  # noqa: S603 (fixed program, settings' own URL)
        [program("pg_restore"), *options, "--exit-on-error", f"--dbname={address}", str(dump)],
        env={**os.environ, **password},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise ArchiveError(f"pg_restore failed: {done.stderr.strip()[-500:]}")


def _put_files(staging: Path, data_dir: Path) -> None:
    evidence = data_dir / "evidence"
    if evidence.exists():
        shutil.rmtree(evidence)
    evidence.mkdir(mode=0o700, parents=True)
    staged = staging / EVIDENCE
    if staged.is_dir():
        for item in staged.iterdir():
            os.replace(item, evidence / item.name)
            (evidence / item.name).chmod(0o600)
    key = staging / SECRET_KEY
    if key.is_file():
        target = data_dir / SECRET_KEY
        target.unlink(missing_ok=True)
        write_owner_only(target, key.read_text())


def restore(src: Path, force: bool = False) -> Restored:
    """Check the archive `src` whole, then restore it into the configured database and data
    folder and migrate. Raises ArchiveError, having written nothing, when a portal serves
    from the data folder, or the archive is damaged, of another database kind, from a newer
    schema, or the target is not empty (unless `force`)."""
    settings = get_settings()
    kind = database_kind(settings.db_url)
    if not src.is_file():
        raise ArchiveError(f"{src} is not a file")
    with none_serving(settings.data_dir):  # until the migrations are done
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.data_dir) as folder:
            staging = Path(folder)
            manifest = _unpack(src, staging)
            if manifest.get("database") != kind:
                raise ArchiveError(
                    f"the archive holds a {manifest.get('database')} database; this portal is "
                    f"configured for {kind} (PORTAL_DB_URL)"
                )
            _check_schema(manifest.get("schema_revision"))
            if not force:
                occupied = _occupied(settings.db_url, settings.data_dir / "evidence")
                if occupied:
                    raise ArchiveError(
                        "the target is not empty (" + "; ".join(occupied) + "): "
                        "restore into a fresh data folder and database, or pass --force"
                    )
            database = staging / DATABASE[kind]
            if kind == "sqlite":
                _put_sqlite(settings.db_url, database)
            else:
                _put_postgresql(settings.db_url, database)
            _put_files(staging, settings.data_dir)
        counts = snapshot_of(settings.db_url).counts
        if counts != manifest.get("counts"):
            raise ArchiveError(f"restored row counts differ from the manifest: {counts}")
        migrations.upgrade(settings.db_url)
    key_restored = SECRET_KEY in manifest["files"]
    return Restored(manifest, counts, key_restored and "PORTAL_SECRET_KEY" in os.environ)
