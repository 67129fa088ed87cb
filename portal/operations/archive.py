"""The backup archive's format, shared by `portal backup` and `portal restore`.

An archive is a gzip-compressed tar file named `portal-backup-<UTC time>.tar.gz` holding:

- `manifest.json` — format, portal version, database kind, schema revision, creation
  time, the row count of every table and the SHA-256 of every other member, signed
  (`hmac`: HMAC-SHA-256 under a key derived from the portal's secret key), so a restore
  takes only an archive made by a portal whose key the operator holds;
- `database.sqlite` (SQLite) or `database.pgdump` (PostgreSQL, `pg_dump` custom format);
- `evidence/<stored name>` — every evidence file the database copy names;
- `secret_key` — the key from the data folder, when the key lives there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import URL, make_url

FORMAT = 1
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"  # noqa: S105 (a member name)
EVIDENCE = "evidence/"
DATABASE = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
NAME = re.compile(r"^portal-backup-(\d{8}T\d{6})Z(?:-(\d+))?\.tar\.gz$")
_MEMBER = re.compile(r"^(?:database\.sqlite|database\.pgdump|secret_key|evidence/[A-Za-z0-9_.-]+)$")


def _signature(manifest: dict, secret_key: str) -> str:
    unsigned = {name: value for name, value in manifest.items() if name != "hmac"}
    text = json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = hashlib.sha256(f"backup\x00{secret_key}".encode()).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def signed(manifest: dict, secret_key: str) -> dict:
    """`manifest` with its `hmac` under `secret_key`."""
    return {**manifest, "hmac": _signature(manifest, secret_key)}


def is_signed_by(manifest: dict, secret_key: str) -> bool:
    """True when `manifest` carries the `hmac` that `secret_key` gives it (constant time)."""
    given = manifest.get("hmac")
    return isinstance(given, str) and hmac.compare_digest(given, _signature(manifest, secret_key))


class ArchiveError(Exception):
    """The archive cannot be made or used; the message says why, for the operator."""


def age_order(name: str) -> tuple[str, int]:
    """Sort key of an archive name (matching NAME): oldest first."""
    match = NAME.match(name)
    assert match is not None
    return match.group(1), int(match.group(2) or 0)


def database_kind(url: str) -> str:
    """'sqlite' or 'postgresql' for a SQLAlchemy URL."""
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL."""
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ArchiveError("the SQLite database must be a file")
    return Path(database)


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """(a libpq connection URL without the password, environment holding the password) for
    pg_dump and pg_restore: the password never appears on a command line."""
    parsed: URL = make_url(url)
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def program(name: str) -> str:
    """The full path of a PostgreSQL client program, or ArchiveError naming the package."""
    path = shutil.which(name)
    if path is None:
        raise ArchiveError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return path


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy the SQLite database `source` over `target` through SQLite's online backup API:
    a consistent copy while others write to `source`, replacing every page of `target`."""
    reading = sqlite3.connect(source, timeout=30)
    writing = sqlite3.connect(target, timeout=30)
    try:
        reading.backup(writing)
    finally:
        writing.close()
        reading.close()


def is_member_name(name: str) -> bool:
    """Whether `name` is a member an archive may hold (no paths outside the archive)."""
    return bool(_MEMBER.match(name)) and ".." not in name


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
