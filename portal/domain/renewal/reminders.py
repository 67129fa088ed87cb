"""Renewal reminders: at each stage, mail each registrant what they still miss.

Guarantees:
- Stages (`PORTAL_REMINDER_STAGES`; default window opens, 3 months, 1 month,
  7 days before the end, the day after it) are dated from the record's end of
  validity. On a day, a record is due the latest stage whose date has come —
  at most 30 days after the end — so a missed day catches up with one mail,
  never a burst of old ones.
- Each stage goes once per record and cycle: a `reminder` row with a unique
  (record, cycle end, stage) key is written with the outbox message in the same
  transaction, so running twice sends nothing new.
- Every registrant whose record is not withdrawn and who has not applied (or
  been approved) for the cycle is reminded: at their account's address when
  they use the portal, otherwise — no account yet, invitation not taken up,
  account closed — at the registry's address, with the way to open the
  account first. Accounts staff disabled, and records without any address,
  get nothing.
- The message lists exactly the requirements still missing, from the batch
  eligibility (the same rules as the dashboard), in the registrant's language.
- Work is done in chunks of plain SQL; the app runs it in a child process
  (`portal daily`), so no worker's event loop waits for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, tuple_
from sqlmodel import col, select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account, AccountStatus
from portal.domain.core import bulk, paths
from portal.domain.core.clock import utcnow
from portal.domain.core.db import column_defaults, transaction
from portal.domain.outbox import post
from portal.domain.outbox.tables import OutboxMessage
from portal.domain.registry.tables import RecordStatus, RegistryRecord
from portal.domain.renewal import eligibility_batch, requirement_text
from portal.domain.renewal.eligibility import months_before
from portal.domain.renewal.tables import ApplicationStatus, Reminder, RenewalApplication
from portal.domain.rules import versions
from portal.domain.rules.rule_set import RuleBook
from portal.i18n import format_date, translate
from portal.settings import REMINDER_STAGES, get_settings

LATEST_AFTER_END = dt.timedelta(days=30)
CHUNK = 1000


def stage_dates(end: dt.date, window_months: int, stages: tuple[str, ...]) -> dict[str, dt.date]:
    """The day each configured stage falls on for a period ending on `end`."""
    days = (  # in the order of settings.REMINDER_STAGES, the one list of the stages
        months_before(end, window_months),
        months_before(end, 3),
        months_before(end, 1),
        end - dt.timedelta(days=7),
        end + dt.timedelta(days=1),
    )
    dates = dict(zip(REMINDER_STAGES, days, strict=True))
    return {stage: dates[stage] for stage in stages}


def due_stage(end: dt.date, on: dt.date, window_months: int, stages: tuple[str, ...]) -> str | None:
    """The stage a record ending on `end` is due on `on`, if any."""
    if on > end + LATEST_AFTER_END:
        return None
    reached = [(day, stage) for stage, day in stage_dates(end, window_months, stages).items()]
    reached = [(day, stage) for day, stage in reached if day <= on]
    return max(reached)[1] if reached else None


@dataclass(frozen=True)
class Planned:
    record_id: int
    cycle_end: dt.date
    stage: str
    email: str
    language: str
    missing: list[str]
    activated: bool = True  # False: the mail says how to open the portal account first


def plan(on: dt.date, book: RuleBook | None = None) -> list[Planned]:
    """Who is due which reminder on `on`, and what each still misses, each under their own
    period's rules (nothing is written)."""
    book = book or versions.book()
    stages = get_settings().renewal.reminder_stages
    widest = max(v.window_months for v in book.versions)
    horizon = on + dt.timedelta(days=31 * max(widest, 3) + 1)
    with transaction() as db:
        rows = db.execute(
            select(
                RegistryRecord.id,
                RegistryRecord.valid_from,
                RegistryRecord.valid_until,
                RegistryRecord.category,
                RegistryRecord.email,
                Account.email,
                Account.status,
                Account.language,
            )
            .join(Account, col(Account.id) == RegistryRecord.account_id, isouter=True)
            .where(
                or_(col(Account.status).is_(None), Account.status != AccountStatus.DISABLED),
                RegistryRecord.status != RecordStatus.WITHDRAWN,
                col(RegistryRecord.valid_until).is_not(None),
                col(RegistryRecord.valid_until) >= on - LATEST_AFTER_END,
                col(RegistryRecord.valid_until) <= horizon,
            )
        ).all()
        default_language = get_settings().language
        due = {}
        for record_id, start, end, category, record_email, account_email, status, lang in rows:
            activated = status == AccountStatus.ACTIVE
            email = account_email if activated else record_email
            window = book.for_period(start, category).window_months
            stage = due_stage(end, on, window, stages)
            if email and stage is not None:
                due[record_id] = (end, stage, email, lang or default_language, activated)
        done: set[tuple[int, dt.date, str]] = set()
        applied: set[tuple[int, dt.date]] = set()
        ids = list(due)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            done |= set(
                db.execute(
                    select(Reminder.record_id, Reminder.cycle_end, Reminder.stage).where(
                        col(Reminder.record_id).in_(chunk)
                    )
                ).all()
            )
            applied |= set(
                db.execute(
                    select(RenewalApplication.record_id, RenewalApplication.cycle_end).where(
                        col(RenewalApplication.record_id).in_(chunk),
                        col(RenewalApplication.status).in_(
                            (ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED)
                        ),
                    )
                ).all()
            )
    due = {r: v for r, v in due.items() if (r, v[0], v[1]) not in done and (r, v[0]) not in applied}
    if not due:
        return []
    # A short list is read by id; a season's worth is cheaper as one pass over everyone.
    results = eligibility_batch.for_all(on, book, list(due) if len(due) < 5000 else None)
    return [
        Planned(
            record_id=r,
            cycle_end=end,
            stage=stage,
            email=email,
            language=lang,
            missing=requirement_text.missing_lines(results[r], lang),
            activated=activated,
        )
        for r, (end, stage, email, lang, activated) in sorted(due.items())
    ]


def _message(p: Planned) -> dict:
    lang = p.language
    end = format_date(p.cycle_end, lang)
    headline = translate(f"reminder.{p.stage}", lang, end=end)
    missing = "\n".join(p.missing) if p.missing else translate("reminder.all_met", lang)
    template, page = ("renewal_reminder", paths.MY_PAGE)
    if not p.activated:
        template, page = ("renewal_reminder_activate", paths.ACTIVATE)
    return post.row(
        p.email,
        template,
        lang,
        headline=headline,
        missing=missing,
        end=end,
        link=f"{get_settings().base_url}{page}",
    )


def send(planned: list[Planned]) -> int:
    """Queue the planned reminders with their ledger rows; returns how many were queued.

    A reminder some other run queued meanwhile is skipped, not sent twice.
    """
    sent = 0
    reminder_defaults = column_defaults(Reminder)
    for start in range(0, len(planned), CHUNK):
        chunk = planned[start : start + CHUNK]
        with transaction() as db:
            keys = [(p.record_id, p.cycle_end, p.stage) for p in chunk]
            taken = set(
                db.execute(
                    select(Reminder.record_id, Reminder.cycle_end, Reminder.stage).where(
                        tuple_(Reminder.record_id, Reminder.cycle_end, Reminder.stage).in_(keys)
                    )
                ).all()
            )
            fresh = [p for p in chunk if (p.record_id, p.cycle_end, p.stage) not in taken]
            message_ids = bulk.insert_returning_ids(
                db, OutboxMessage.__table__, [_message(p) for p in fresh]
            )
            now = utcnow()
            bulk.insert_rows(
                db,
                Reminder.__table__,
                [
                    {
                        **reminder_defaults,
                        "record_id": p.record_id,
                        "cycle_end": p.cycle_end,
                        "stage": p.stage,
                        "message_id": message_id,
                        "sent_at": now,
                    }
                    for p, message_id in zip(fresh, message_ids, strict=True)
                ],
            )
            sent += len(fresh)
    return sent


@dataclass(frozen=True)
class ReminderView:
    stage: str
    cycle_end: dt.date
    sent_at: dt.datetime
    delivery: str  # the outbox message's status
    error: str


def for_record(actor: Actor, record_id: int) -> list[ReminderView]:
    """A record's reminders, newest first, with each message's delivery state (staff only:
    NotAllowed for anyone else)."""
    permissions.require_staff(actor)
    with transaction() as db:
        rows = db.execute(
            select(
                Reminder.stage,
                Reminder.cycle_end,
                Reminder.sent_at,
                OutboxMessage.status,
                OutboxMessage.last_error,
            )
            .join(OutboxMessage, col(OutboxMessage.id) == Reminder.message_id, isouter=True)
            .where(Reminder.record_id == record_id)
            .order_by(col(Reminder.sent_at).desc(), col(Reminder.id).desc())
        ).all()
    return [ReminderView(s, c, at, status or "", error or "") for s, c, at, status, error in rows]
