"""the audit log refuses UPDATE, DELETE and TRUNCATE

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 07:30:00
"""

from collections.abc import Sequence

from alembic import op

from portal.domain.audit.tables import APPEND_ONLY_DDL

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_event_no_update",
        "DROP TRIGGER IF EXISTS audit_event_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
        "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
        "DROP FUNCTION IF EXISTS audit_event_append_only()",
    ],
}


def upgrade() -> None:
    for statement in APPEND_ONLY_DDL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    for statement in _DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
