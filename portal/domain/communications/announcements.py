"""Announcements: the secretariat writes to a segment about one mail topic.

Guarantees:
- Admins check, send, schedule and cancel; staff of any role read; registrants nothing.
- A message needs a subject and a body in at least one language; a missing translation is
  allowed — those readers get the other language — and `check()` says so before sending.
- `check()` gives the recipient counts (mail for the topic, notices) and a sample of
  recipients without writing anything.
- Sending records the announcement; its copies are written later, in batches, by
  `announcement_queue` (never in the request), and delivered at the bulk pace.
- Cancelling stops the queueing and withdraws every copy not yet sent; what went out
  stays counted. Every send, schedule and cancel is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select, update

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.communications import segments
from portal.domain.communications.tables import Announcement, AnnouncementStatus
from portal.domain.core.clock import local, utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.outbox.tables import OutboxMessage, OutboxStatus
from portal.domain.registry import mail_topics
from portal.settings import get_settings

MAX_SUBJECT = 200
MAX_BODY = 10_000
LANGS = ("en", "ja")


@dataclass(frozen=True)
class Draft:
    """A checked message: what it says, to whom, how and when."""

    topic: str
    subjects: dict[str, str]
    bodies: dict[str, str]
    segment: segments.Segment
    by_mail: bool
    as_notice: bool
    send_at: dt.datetime | None  # None: now

    @property
    def missing(self) -> list[str]:
        """Languages without a translation (their readers get the other language)."""
        return [lang for lang in LANGS if not self.subjects[lang] or not self.bodies[lang]]


@dataclass(frozen=True)
class Checked:
    draft: Draft
    reach: segments.Reach
    sample: list[segments.Member]


def _text(values: dict, name: str, limit: int, errors: dict) -> str:
    raw = values.get(name, "")
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) > limit:
        errors[name] = ("record.too_long", {"max": limit})
    return text


def _send_at(raw: object, errors: dict) -> dt.datetime | None:
    """A local date and time (YYYY-MM-DDTHH:MM, the association's zone) as UTC; None: now."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        local = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        errors["send_at"] = ("announce.send_at_invalid", {})
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=get_settings().zone)
    return local.astimezone(dt.UTC)


def _draft(db: Session, values: dict) -> Draft:
    errors: dict[str, tuple[str, dict]] = {}
    topic = values.get("topic")
    if topic not in {t.code for t in mail_topics.all_topics(db)}:
        errors["topic"] = ("announce.topic_unknown", {})
    subjects = {lang: _text(values, f"subject_{lang}", MAX_SUBJECT, errors) for lang in LANGS}
    bodies = {lang: _text(values, f"body_{lang}", MAX_BODY, errors) for lang in LANGS}
    if not any(subjects[lang] and bodies[lang] for lang in LANGS):
        errors.setdefault("subject_en", ("announce.text_required", {}))
        errors.setdefault("body_en", ("announce.text_required", {}))
    by_mail, as_notice = values.get("by_mail") is True, values.get("as_notice") is True
    if not by_mail and not as_notice:
        errors["by_mail"] = ("announce.how_required", {})
    send_at = _send_at(values.get("send_at"), errors)
    try:
        segment = segments.parse(db, values)
    except FieldErrors as exc:
        errors.update(exc.fields)
        segment = segments.Segment()
    if errors:
        raise FieldErrors(errors)
    return Draft(str(topic), subjects, bodies, segment, by_mail, as_notice, send_at)


def check(actor: Actor, values: dict) -> Checked:
    """What sending `values` would do: counts and a sample; writes nothing (staff)."""
    permissions.require_staff(actor)
    with transaction() as db:
        draft = _draft(db, values)
        return Checked(
            draft,
            segments.reach(db, draft.segment, draft.topic),
            segments.sample(db, draft.segment, draft.topic),
        )


def send(actor: Actor, values: dict) -> int:
    """Record the announcement to go now or at its time; returns its id (admins)."""
    permissions.require_admin(actor)
    with transaction() as db:
        draft = _draft(db, values)
        now = utcnow()
        if draft.send_at is not None and draft.send_at < now - dt.timedelta(minutes=1):
            raise FieldErrors({"send_at": ("announce.send_at_past", {})})
        announcement = Announcement(
            topic=draft.topic,
            subject_en=draft.subjects["en"],
            subject_ja=draft.subjects["ja"],
            body_en=draft.bodies["en"],
            body_ja=draft.bodies["ja"],
            segment=draft.segment.to_json(),
            by_mail=draft.by_mail,
            as_notice=draft.as_notice,
            send_at=draft.send_at or now,
            created_by=actor.account_id,
        )
        db.add(announcement)
        db.flush()
        trail.record(
            db,
            "announcement.scheduled",
            actor,
            target=f"announcement:{announcement.id}",
            topic=draft.topic,
            send_at=announcement.send_at.isoformat(),
        )
        return announcement.id


def cancel(actor: Actor, announcement_id: int) -> int:
    """Stop an announcement and withdraw its unsent copies; returns how many (admins)."""
    permissions.require_admin(actor)
    with transaction() as db:
        stopped = db.execute(
            update(Announcement)
            .where(col(Announcement.id) == announcement_id)
            .where(col(Announcement.status) != AnnouncementStatus.CANCELLED)
            .values(status=AnnouncementStatus.CANCELLED, finished_at=utcnow())
        )
        if stopped.rowcount != 1:
            raise DomainError("announce.cannot_cancel")
        withdrawn = db.execute(
            update(OutboxMessage)
            .where(OutboxMessage.announcement_id == announcement_id)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .values(status=OutboxStatus.CANCELLED)
        ).rowcount
        trail.record(
            db,
            "announcement.cancelled",
            actor,
            target=f"announcement:{announcement_id}",
            withdrawn=withdrawn,
        )
        return withdrawn or 0


@dataclass(frozen=True)
class Sent:
    """One announcement as the secretariat's list shows it."""

    id: int
    topic: str
    subject: str
    status: str
    send_at: dt.datetime
    by_mail: bool
    as_notice: bool
    copies: int
    delivered: int
    failed: int
    waiting: int
    withdrawn: int
    notified: int
    due: bool  # its sending time has come

    @property
    def progress(self) -> str:
        """Where it stands as the secretariat reads it: "scheduled" (its time has not come),
        "sending" (copies being written or waiting in the outbox), "sent" or "cancelled"."""
        if self.status == AnnouncementStatus.CANCELLED:
            return "cancelled"
        if self.status == AnnouncementStatus.SCHEDULED and not self.due:
            return "scheduled"
        if self.status == AnnouncementStatus.QUEUED and self.waiting == 0:
            return "sent"
        return "sending"

    @property
    def cancellable(self) -> bool:
        """Worth cancelling: not cancelled, and copies still to write or to send."""
        return self.status != AnnouncementStatus.CANCELLED and (
            self.waiting > 0 or self.status != AnnouncementStatus.QUEUED
        )


def listing(actor: Actor, limit: int = 50) -> list[Sent]:
    """The newest announcements with their delivery counts (staff)."""
    permissions.require_staff(actor)
    delivered = (OutboxStatus.SENT, OutboxStatus.LOGGED)
    waiting = (OutboxStatus.PENDING, OutboxStatus.SENDING)
    with transaction() as db:
        rows = db.exec(
            select(Announcement).order_by(col(Announcement.id).desc()).limit(limit)
        ).all()
        counts: dict[tuple[int, str], int] = {
            (a, s): n
            for a, s, n in db.exec(
                select(OutboxMessage.announcement_id, OutboxMessage.status, func.count())
                .where(col(OutboxMessage.announcement_id).in_([r.id for r in rows]))
                .group_by(OutboxMessage.announcement_id, OutboxMessage.status)
            ).all()
        }

        now = utcnow()

        def total(announcement_id: int, statuses) -> int:
            return sum(counts.get((announcement_id, s), 0) for s in statuses)

        return [
            Sent(
                id=r.id,
                topic=r.topic,
                subject=r.subject_en or r.subject_ja,
                status=r.status,
                send_at=r.send_at,
                by_mail=r.by_mail,
                as_notice=r.as_notice,
                copies=r.recipients,
                delivered=total(r.id, delivered),
                failed=total(r.id, (OutboxStatus.FAILED,)),
                waiting=total(r.id, waiting),
                withdrawn=total(r.id, (OutboxStatus.CANCELLED,)),
                notified=r.notified,
                due=local(r.send_at) <= now,  # aware: SQLite returns it naive
            )
            for r in rows
        ]
