"""Writing to the audit log inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from portal.domain.audit.tables import AuditEvent


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    target: str = "",
    ip: str = "",
    **detail: Any,
) -> None:
    """Add one audit event; it commits or rolls back with the caller's change."""
    session.add(
        AuditEvent(actor_account_id=actor_id, action=action, target=target, ip=ip, detail=detail)
    )
