"""Writing to the audit log inside the caller's transaction."""

from __future__ import annotations

from typing import Any, Protocol

from sqlmodel import Session

from portal.domain.audit.tables import AuditEvent


class Acting(Protocol):
    """Who and where: an `accounts.actor.Actor` or a `core.origin.Origin`."""

    @property
    def account_id(self) -> int | None: ...

    @property
    def ip(self) -> str: ...


def record(session: Session, action: str, by: Acting, *, target: str = "", **detail: Any) -> None:
    """Add one audit event, with who acted and from where as `by` says; it commits or
    rolls back with the caller's change."""
    session.add(
        AuditEvent(
            actor_account_id=by.account_id, action=action, target=target, ip=by.ip, detail=detail
        )
    )
