"""`portal restore SRC [--force]`: put an archive made by `portal backup` back.

Before anything is written the whole archive is read and checked: the manifest's signature
under the key of the portal that made it (never a key the archive carries), every member's SHA-256
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
    is_signed_by,
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


MANIFEST_LIMIT = 16 * 1024 * 1024  # a manifest lists counts and digests: far below this
_CHUNK = 1024 * 1024


def _copy_hashing(source, target: Path) -> str:
    """Copy a member to `target` a chunk at a time (a large database never sits in
    memory); returns its SHA-256."""
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _signing_key(key_file: Path | None) -> str:
    """The key the archive's manifest must be signed with: `--key-file` (the secret_key of
    the portal that made it, kept apart from its backups), else PORTAL_SECRET_KEY, else
    the key already in the target's data folder. Never the key inside the archive: whoever
    could plant an archive could plant that too."""
    settings = get_settings()
    if key_file is not None:
        try:
            return key_file.read_text().strip()
        except OSError as exc:
            raise ArchiveError(f"the key file {key_file} cannot be read ({exc})") from None
    if settings.secret_key_from_environment:
        return settings.secret_key_from_environment
    folder_key = settings.data_dir / SECRET_KEY
    if folder_key.is_file():
        return folder_key.read_text().strip()
    raise ArchiveError(
        "an archive is restored only when it is signed with the secret key of the portal "
        "that made it: pass --key-file PATH (that portal's data folder's secret_key, kept "
        "apart from the backups) or set PORTAL_SECRET_KEY"
    )


def _unpack(src: Path, staging: Path, key: str) -> dict:
    """Extract `src` into `staging`, checking the manifest's signature under `key` and every
    member; returns the manifest."""
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
                source = archive.extractfile(member)
                if name == MANIFEST:
                    data = source.read(MANIFEST_LIMIT + 1)
                    if len(data) > MANIFEST_LIMIT:
                        raise ArchiveError("the archive's manifest is too large to be one")
                    manifest = json.loads(data)
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digests[name] = _copy_hashing(source, target)
    except (tarfile.TarError, EOFError, zlib.error, OSError, ValueError) as exc:
        raise ArchiveError(f"the archive is damaged or not a portal backup ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("the archive has no manifest of a format this portal reads")
    if not is_signed_by(manifest, key):
        raise ArchiveError(
            "the archive's manifest is not signed with the key given: it was made by another "
            "portal, or altered since"
        )
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


def restore(src: Path, force: bool = False, key_file: Path | None = None) -> Restored:
    """Check the archive `src` whole, then restore it into the configured database and data
    folder and migrate. Raises ArchiveError, having written nothing, when a portal serves
    from the data folder, or the archive is not signed with the key of the portal that
    made it (see `_signing_key`), damaged, of another database kind, from a newer schema,
    or the target is not empty (unless `force`)."""
    settings = get_settings()
    kind = database_kind(settings.db_url)
    if not src.is_file():
        raise ArchiveError(f"{src} is not a file")
    with none_serving(settings.data_dir):  # until the migrations are done
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=settings.data_dir) as folder:
            staging = Path(folder)
            manifest = _unpack(src, staging, _signing_key(key_file))
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
