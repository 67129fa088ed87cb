"""substring search index: FTS5 trigram (SQLite), pg_trgm GIN (PostgreSQL)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 08:00:00

On PostgreSQL the pg_trgm extension needs the right to create extensions; without
it the index is skipped (searching still works, by reading every row) and a
warning says so.
"""

import logging
from collections.abc import Sequence

from alembic import op
from sqlalchemy.exc import DBAPIError

from portal.domain.registry.tables import SEARCH_INDEX_DDL

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS registry_fts_insert",
        "DROP TRIGGER IF EXISTS registry_fts_delete",
        "DROP TRIGGER IF EXISTS registry_fts_update",
        "DROP TABLE IF EXISTS registry_fts",
    ],
    "postgresql": ["DROP INDEX IF EXISTS ix_registry_record_search_trgm"],
}


def upgrade() -> None:
    bind = op.get_bind()
    statements = SEARCH_INDEX_DDL.get(bind.dialect.name, [])
    if bind.dialect.name != "postgresql":
        for statement in statements:
            op.execute(statement)
        return
    try:
        with bind.begin_nested():
            for statement in statements:
                bind.exec_driver_sql(statement)
    except DBAPIError as exc:
        logging.getLogger("alembic").warning("registry search index skipped: %s", exc.orig)


def downgrade() -> None:
    for statement in _DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
