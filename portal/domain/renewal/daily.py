"""The daily jobs of a running portal: close overdue audits, expire records, then send due
reminders.

Guarantee: `run_once(day)` does the work at most once per day across every
worker and process — the first to insert the day's `job_run` row runs it,
the others find the row and do nothing. A run that failed half-way is retried
the next day; each step is idempotent on its own anyway.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from portal.domain.accounts import throttle
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.renewal import audit_outcomes, expiry, reminders
from portal.domain.renewal.tables import JobRun
from portal.domain.rules import versions

log = logging.getLogger("portal.daily")

NAME = "daily"


def _claim(day: dt.date) -> int | None:
    try:
        with transaction() as db:
            run = JobRun(name=NAME, day=day)
            db.add(run)
            db.flush()
            return run.id
    except IntegrityError:
        return None


def done(day: dt.date) -> bool:
    """Whether some worker or process has started (or finished) `day`'s run."""
    with transaction() as db:
        return (
            db.exec(select(JobRun.id).where(JobRun.name == NAME, JobRun.day == day)).first()
            is not None
        )


def run_once(day: dt.date) -> dict | None:
    """Expire and remind for `day` unless some worker already did; returns the counts."""
    run_id = _claim(day)
    if run_id is None:
        return None
    overdue = audit_outcomes.close_overdue(day)  # first: reminders list what is missing now
    book = versions.book()
    expired = expiry.expire_records(day, book)
    sent = reminders.send(reminders.plan(day, book))
    summary = {"expired": len(expired), "reminders": sent, "audits_overdue": overdue}
    with transaction() as db:
        summary["throttle_hits_pruned"] = throttle.prune(db)  # older than a day: spent
        run = db.exec(select(JobRun).where(JobRun.id == run_id)).one()
        run.finished_at = utcnow()
        run.summary = summary
    log.info("daily jobs for %s: %s", day, summary)
    return summary
