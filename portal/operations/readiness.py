"""Is this portal ready to serve? The checks behind /readyz and `portal doctor`.

Each check says OK or not and why, in one line an operator can act on:
- database: a `SELECT 1` answers and the schema is the one this code ships (migrated);
- redis (only when PORTAL_REDIS_URL is set): a PING answers;
- outbox: mail due for more than STALLED is waiting (delivery has stopped) — failed
  messages are counted and shown, but one bad address does not make the site unready;
- daily jobs: the newest daily run finished within DAILY_GRACE, and none started more than
  RUN_STUCK ago without finishing (before the first run ever, that is said and is OK).
Everything here blocks: call it in a thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import redis
from sqlalchemy import func, select, text

from portal.domain.core import migrations
from portal.domain.core.clock import utcnow
from portal.domain.core.db import current_engine
from portal.domain.outbox.tables import OutboxMessage, OutboxStatus
from portal.domain.renewal.tables import JobRun
from portal.settings import get_settings

STALLED = dt.timedelta(minutes=15)
DAILY_GRACE = dt.timedelta(hours=26)
RUN_STUCK = dt.timedelta(hours=2)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _database() -> Check:
    try:
        with current_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
            current, newest = migrations.revisions(conn)
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return Check("database", False, f"unreachable ({type(exc).__name__})")
    if current != newest:
        return Check(
            "database",
            False,
            f"schema {current or 'empty'}, code needs {newest}: run portal upgrade",
        )
    return Check("database", True, f"{current_engine().dialect.name}, schema {current}")


def _redis() -> Check | None:
    url = get_settings().redis_url
    if not url:
        return None
    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except Exception as exc:  # any failure means "not ready"
        return Check("redis", False, f"unreachable ({type(exc).__name__})")
    return Check("redis", True, "answers")


def _outbox(now: dt.datetime) -> Check:
    with current_engine().connect() as conn:
        oldest = conn.execute(
            select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == OutboxStatus.PENDING
            )
        ).scalar()
        failed = conn.execute(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED)
        ).scalar_one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)
    waiting = (now - oldest) if oldest is not None and oldest < now else dt.timedelta(0)
    detail = f"oldest due mail waiting {int(waiting.total_seconds() // 60)} min; {failed} failed"
    return Check("outbox", waiting <= STALLED, detail)


def _daily(now: dt.datetime) -> Check:
    with current_engine().connect() as conn:
        newest = conn.execute(
            select(JobRun.started_at, JobRun.finished_at).order_by(JobRun.started_at.desc())
        ).first()
    if newest is None:
        return Check("daily jobs", True, "not run yet")
    started, finished = (
        v.replace(tzinfo=dt.UTC) if v is not None and v.tzinfo is None else v for v in newest
    )
    if finished is None:
        stuck = now - started > RUN_STUCK
        return Check("daily jobs", not stuck, f"running since {started:%Y-%m-%d %H:%M} UTC")
    late = now - finished > DAILY_GRACE
    return Check("daily jobs", not late, f"last finished {finished:%Y-%m-%d %H:%M} UTC")


def checks() -> list[Check]:
    """Every readiness check, in a fixed order; without a database the others are skipped."""
    now = utcnow()
    found = [_database()]
    cache = _redis()
    if cache is not None:
        found.append(cache)
    if found[0].ok:
        found += [_outbox(now), _daily(now)]
    return found
