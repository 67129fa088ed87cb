"""Deciding a waiting request exactly once, and the reason given with a decision."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlmodel import Session, col, update

from portal.domain.core.errors import DomainError, FieldErrors

MAX_REASON = 1000


def reason(value: object, required: bool, missing_key: str = "proposal.reason_required") -> str:
    """The reason given with a decision, trimmed; FieldErrors on "reason" when it is
    required and empty (`missing_key`), or longer than MAX_REASON characters."""
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise FieldErrors({"reason": (missing_key, {})})
    if len(text) > MAX_REASON:
        raise FieldErrors({"reason": ("record.too_long", {"max": MAX_REASON})})
    return text


def decide_once(
    db: Session,
    table: Any,
    row_id: int,
    waiting: str | Collection[str],
    already_key: str,
    unknown_key: str,
    **values: object,
) -> Any:
    """Give the row of `table` with `row_id` its decision (`values`) if its status is still
    `waiting` (one status, or any of several); returns the row. One conditional UPDATE
    decides, so of two decisions made at the same moment exactly one takes effect and the
    other gets DomainError(`already_key`); DomainError(`unknown_key`) when there is no
    such row."""
    statuses = [waiting] if isinstance(waiting, str) else list(waiting)
    moved = db.execute(
        update(table)
        .where(col(table.id) == row_id)
        .where(col(table.status).in_(statuses))
        .values(**values)
    )
    if moved.rowcount != 1:
        exists = db.get(table, row_id) is not None
        raise DomainError(already_key if exists else unknown_key)
    row = db.get(table, row_id)
    db.refresh(row)
    return row
