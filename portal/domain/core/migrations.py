"""Applying the Alembic migrations that ship with the portal."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from alembic import command

_ROOT = Path(__file__).resolve().parents[3]


def alembic_config(url: str | None = None) -> Config:
    """The Alembic config of this checkout, optionally aimed at `url`."""
    config = Config(str(_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(_ROOT / "alembic"))
    if url:
        config.attributes["url"] = url
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database to the newest schema (or to `revision`, for the upgrade tests)."""
    command.upgrade(alembic_config(url), revision)


def revisions(connection) -> tuple[str | None, str]:
    """(the database's schema revision or None, the newest this code ships)."""
    current = MigrationContext.configure(connection).get_current_revision()
    return current, ScriptDirectory.from_config(alembic_config()).get_current_head()
