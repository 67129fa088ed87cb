"""The outbox as the secretariat sees it: delivery states, and another try for failed mail.

Guarantees: admins only; message parameters (which may hold sign-in links and
codes) are never returned — only who, which template, when and how delivery went; the
recipients of survey reminders are not returned either (they are who has not answered).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, func, select, update

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.outbox.tables import OutboxMessage, OutboxStatus

PER_PAGE = 50
# Mail whose recipient list would tell the secretariat something it must not learn: a survey
# reminder goes to those who have not answered, so its recipients are never listed.
PRIVATE_RECIPIENTS = frozenset({"survey_reminder"})
STATES = tuple(s.value for s in OutboxStatus)


@dataclass(frozen=True)
class MessageRow:
    id: int
    created_at: dt.datetime
    recipient: str
    template: str
    status: str
    attempts: int
    last_error: str
    sent_at: dt.datetime | None


@dataclass(frozen=True)
class OutboxPage:
    rows: list[MessageRow]
    counts: dict[str, int]
    page: int
    pages: int


def page(actor: Actor, status: str = "", number: int = 1) -> OutboxPage:
    """Newest messages first, optionally in one state, one page; counts of every state."""
    permissions.require_admin(actor)
    conditions = [OutboxMessage.status == status] if status in STATES else []
    with transaction() as db:
        counts = dict(
            db.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
        total = counts.get(status, 0) if conditions else sum(counts.values())
        pages = max(1, -(-total // PER_PAGE))
        number = min(max(number, 1), pages)
        found = db.exec(
            select(OutboxMessage)
            .where(*conditions)
            .order_by(col(OutboxMessage.id).desc())
            .offset((number - 1) * PER_PAGE)
            .limit(PER_PAGE)
        ).all()
        rows = [
            MessageRow(
                m.id,
                m.created_at,
                "" if m.template in PRIVATE_RECIPIENTS else m.recipient,
                m.template,
                m.status,
                m.attempts,
                m.last_error,
                m.sent_at,
            )
            for m in found
        ]
    return OutboxPage(
        rows=rows, counts={s: counts.get(s, 0) for s in STATES}, page=number, pages=pages
    )


def retry(actor: Actor, message_id: int) -> None:
    """Queue a failed message for delivery again, now."""
    permissions.require_admin(actor)
    if not isinstance(message_id, int):
        raise DomainError("outbox.not_failed")
    with transaction() as db:
        changed = db.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id, OutboxMessage.status == OutboxStatus.FAILED)
            .values(
                status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow(), last_error=""
            )
        ).rowcount
        if not changed:
            raise DomainError("outbox.not_failed")
        trail.record(db, "outbox.retried", actor, target=f"message:{message_id}")
