"""Writing an announcement's copies: one mail per recipient in the outbox, one notice per
registrant, batch by batch, each batch its own short transaction.

Guarantees:
- Every recipient gets one copy, even with several workers and after a crash: a batch
  first moves the announcement's progress mark by a conditional UPDATE from the value it
  started at, and writes its copies only when that moved (in the same transaction), so a
  second worker's batch for the same range writes nothing.
- Mail goes in the recipient's language when that translation exists, else in the other;
  each copy carries the one-click unsubscribe and the preferences link for its address.
- A cancelled announcement gets no further batches.
"""

from __future__ import annotations

from sqlalchemy import insert
from sqlmodel import Session, col, select, update

from portal.domain.communications import preference_links, segments
from portal.domain.communications.tables import (
    Announcement,
    AnnouncementStatus,
    NoticeRecipient,
)
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.outbox import post
from portal.domain.outbox.tables import OutboxMessage
from portal.domain.registry import mail_topics
from portal.settings import get_settings

BATCH = 1000


def _due(db: Session) -> Announcement | None:
    """The announcement to work on: one being queued, else the oldest whose time has come."""
    return db.exec(
        select(Announcement)
        .where(
            (Announcement.status == AnnouncementStatus.QUEUEING)
            | (
                (Announcement.status == AnnouncementStatus.SCHEDULED)
                & (col(Announcement.send_at) <= utcnow())
            )
        )
        .order_by(col(Announcement.send_at), col(Announcement.id))
    ).first()


def copy_for(announcement: Announcement, member: segments.Member, topic_names: dict) -> dict:
    """The outbox row of one copy: in the member's language when that translation exists,
    with the unsubscribe and preferences links of their address."""
    lang = member.language or get_settings().language
    texts = {
        "en": (announcement.subject_en, announcement.body_en),
        "ja": (announcement.subject_ja, announcement.body_ja),
    }
    subject, body = texts[lang]
    if not subject or not body:
        lang = "ja" if lang == "en" else "en"
        subject, body = texts[lang]
    address = member.address or ""
    return {
        **post.row(
            address,
            "announcement",
            lang,
            subject=subject,
            body=body,
            topic=topic_names.get(lang, announcement.topic),
            preferences_url=preference_links.preferences_url(member.record_id, address),
            unsubscribe_url=preference_links.one_click_url(
                member.record_id, address, announcement.topic
            ),
        ),
        "announcement_id": announcement.id,
    }


def run_batch(size: int = BATCH) -> bool:
    """Write the next batch of the announcement that is due; False when nothing is due."""
    with transaction() as db:
        announcement = _due(db)
        if announcement is None:
            return False
        started_from = announcement.last_record_id
        segment = segments.Segment.from_json(announcement.segment)
        members, last = segments.page(db, segment, announcement.topic, started_from, size)
        topic = next(t for t in mail_topics.all_topics(db) if t.code == announcement.topic)
        names = {"en": topic.name_en, "ja": topic.name_ja}
        mails = [
            copy_for(announcement, m, names)
            for m in members
            if announcement.by_mail and m.gets_mail
        ]
        notices = [
            {"announcement_id": announcement.id, "record_id": m.record_id}
            for m in members
            if announcement.as_notice and m.has_account
        ]
        moved = db.execute(
            update(Announcement)
            .where(col(Announcement.id) == announcement.id)
            .where(Announcement.last_record_id == started_from)
            .where(
                col(Announcement.status).in_(
                    [AnnouncementStatus.SCHEDULED, AnnouncementStatus.QUEUEING]
                )
            )
            .values(
                last_record_id=last if last is not None else started_from,
                recipients=Announcement.recipients + len(mails),
                notified=Announcement.notified + len(notices),
                status=(
                    AnnouncementStatus.QUEUEING if last is not None else AnnouncementStatus.QUEUED
                ),
                finished_at=None if last is not None else utcnow(),
            )
        )
        if moved.rowcount != 1:
            return True  # another worker took this range, or the announcement was cancelled
        if mails:
            db.execute(insert(OutboxMessage), mails)
        if notices:
            db.execute(insert(NoticeRecipient), notices)
        return True


def run_all(size: int = BATCH, limit: int = 1_000_000) -> int:
    """Write batches until nothing is due (or `limit` batches); returns how many ran."""
    done = 0
    while done < limit and run_batch(size):
        done += 1
    return done
