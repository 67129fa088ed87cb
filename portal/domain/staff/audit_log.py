"""Reading the audit log: filtered, newest first, one page at a time. There is no way to change it.

Guarantees: only admins read it; filters (kind of event, who, what, dates)
and paging run in SQL with keyset pages on the id (constant time however
long the log grows); entries come back as plain values. The table itself
refuses UPDATE and DELETE (database triggers, see models/audit.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import col, or_, select

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account, StaffRole
from portal.domain.audit.tables import AuditEvent
from portal.domain.core import typed_dates
from portal.domain.core.clock import day_start
from portal.domain.core.db import transaction
from portal.domain.core.errors import NotAllowed

CATEGORIES = (
    "signin",
    "provider",
    "account",
    "password",
    "totp",
    "email",
    "activation",
    "consent",
    "record",
    "registry",
    "staff",
    "category",
    "topic",
    "announcement",
    "survey",
    "organisation",
    "claim",
    "catalogue",
    "attendance",
    "renewal",
    "certificate",
    "rules",
    "audits",
    "outbox",
)
PER_PAGE = 50


@dataclass(frozen=True)
class AuditQuery:
    category: str = ""
    actor: str = ""
    target: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    before: int | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    ip: str
    detail: str


@dataclass(frozen=True)
class AuditPage:
    entries: list[AuditEntry]
    older: int | None  # the `before` value of the next (older) page, if there is one


def query_from(params: dict[str, str]) -> AuditQuery:
    """The query a URL's parameters ask for; anything unusable is ignored."""
    category = params.get("category", "")
    before = params.get("before", "")
    return AuditQuery(
        category=category if category in CATEGORIES else "",
        actor=params.get("actor", "").strip()[:100],
        target=params.get("target", "").strip()[:100],
        date_from=typed_dates.parse(params.get("from", "")[:20]),
        date_to=typed_dates.parse(params.get("to", "")[:20]),
        before=int(before) if before.isdigit() and len(before) < 15 else None,
    )


def _detail(detail: dict) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted(detail.items()))[:500]


def page(actor: Actor, query: AuditQuery) -> AuditPage:
    """One page of matching entries, newest first (admins only)."""
    if not actor.is_staff or actor.role != StaffRole.ADMIN:
        raise NotAllowed()
    statement = (
        select(AuditEvent, Account.display_name, Account.email)
        .join(Account, col(Account.id) == AuditEvent.actor_account_id, isouter=True)
        .order_by(col(AuditEvent.id).desc())
        .limit(PER_PAGE + 1)
    )
    if query.category:
        statement = statement.where(col(AuditEvent.action).startswith(f"{query.category}."))
    if query.actor:
        pattern = f"%{query.actor.lower()}%"
        statement = statement.where(
            or_(col(Account.email).like(pattern), col(Account.display_name).ilike(pattern))
        )
    if query.target:
        statement = statement.where(AuditEvent.target == query.target)
    if query.date_from:
        statement = statement.where(AuditEvent.at >= day_start(query.date_from))
    if query.date_to:
        statement = statement.where(AuditEvent.at < day_start(query.date_to + dt.timedelta(days=1)))
    if query.before:
        statement = statement.where(col(AuditEvent.id) < query.before)
    with transaction() as db:
        rows = db.exec(statement).all()
    entries = [
        AuditEntry(
            id=event.id,
            at=event.at,
            actor=(name or email or "") if event.actor_account_id else "",
            action=event.action,
            target=event.target,
            ip=event.ip,
            detail=_detail(event.detail),
        )
        for event, name, email in rows[:PER_PAGE]
    ]
    older = entries[-1].id if len(rows) > PER_PAGE else None
    return AuditPage(entries=entries, older=older)
