"""The audit log: every staff action and security event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, event
from sqlmodel import Field, SQLModel

from portal.domain.core.clock import now_factory


class AuditEvent(SQLModel, table=True):
    """Who did what to what, when and from where. Never holds passwords, codes or tokens."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=now_factory, index=True)
    actor_account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    action: str = Field(max_length=64, index=True)
    target: str = Field(default="", max_length=200)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    ip: str = Field(default="", max_length=64)


_REFUSE = "the audit log is append-only"
APPEND_ONLY_DDL = {
    "sqlite": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END",
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{_REFUSE}'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
    ],
}


@event.listens_for(AuditEvent.__table__, "after_create")
def _append_only(table, connection, **_kw) -> None:
    """Whoever creates the table gets the triggers that refuse UPDATE, DELETE and TRUNCATE."""
    for statement in APPEND_ONLY_DDL.get(connection.dialect.name, []):
        connection.exec_driver_sql(statement)
