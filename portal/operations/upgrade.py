"""`portal upgrade`: the one command an operator runs after installing a new release.

In order, stopping at the first step that fails:

1. refuse while a portal serves from the data folder (the lock `portal restore` honours);
2. check the backup folder can be written, then take a backup there (`portal backup`);
3. migrate the database to this release's schema;
4. run `portal doctor`.

Every step reports a line; when one fails after the backup was taken, the report names the
archive and the `portal restore` command that brings the data back as it was. Alembic
downgrades are not offered: the way back is that backup and the previous release.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from portal import __version__
from portal.domain.core import migrations
from portal.domain.core.db import current_engine
from portal.operations import backup, doctor
from portal.operations.archive import ArchiveError
from portal.operations.serving import none_serving
from portal.settings import get_settings


@dataclass
class Upgrade:
    """What `upgrade` did: a line a step, the archive it wrote, whether all went well."""

    steps: list[tuple[str, str]] = field(default_factory=list)  # (OK | FAIL | WARN, text)
    archive: Path | None = None
    ok: bool = True

    def say(self, level: str, text: str) -> None:
        self.steps.append((level, text))
        if level == "FAIL":
            self.ok = False

    @property
    def way_back(self) -> str:
        """What to do when a step failed: fix and run again, or go back to the backup."""
        if self.archive is None:
            return "nothing was changed: fix the problem above and run portal upgrade again"
        return (
            "fix what is reported above and run portal doctor; or go back to the data as "
            "it was: reinstall the previous release and run "
            f"portal restore {self.archive} --force"
        )


def _writable(folder: Path) -> str | None:
    """None when a file can be written in `folder` (created if absent), else why not."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".portal-upgrade-"):
            pass
    except OSError as exc:
        return f"cannot write a backup in {folder}: {exc.strerror or exc}"
    return None


def _revision() -> str | None:
    with current_engine().connect() as conn:
        return migrations.revisions(conn)[0]


def upgrade(dest: Path, keep: int | None = None, migrate: Callable[[], None] | None = None):
    """Back up into `dest`, migrate, check; returns the `Upgrade` report (never raises for
    a failed step). `migrate` replaces the migration step (the tests make it fail)."""
    report = Upgrade()
    settings = get_settings()
    try:
        with none_serving(settings.data_dir):
            if (problem := _writable(dest)) is not None:
                report.say("FAIL", problem)
                return report
            before = _revision()
            made = backup.create(dest, keep=keep)
            report.archive = made.path
            report.say("OK", f"backup {made.path} ({sum(made.counts.values()):,} rows)")
            try:
                (migrate or migrations.upgrade)()
            except (SQLAlchemyError, OSError, RuntimeError) as exc:
                report.say("FAIL", f"migration failed: {type(exc).__name__}: {exc}"[:500])
                return report
            report.say("OK", f"schema {before or 'empty'} → {_revision()} (portal {__version__})")
    except ArchiveError as exc:
        report.say("FAIL", str(exc).replace("before restoring", "before upgrading"))
        return report
    for line in doctor.examine():
        if line.level != "OK":
            report.say(line.level, f"doctor: {line.name}: {line.detail}")
    if report.ok:
        report.say("OK", f"portal {__version__} is ready")
    return report
