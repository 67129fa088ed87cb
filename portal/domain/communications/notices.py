"""Notices on My page (お知らせ): announcements posted to a registrant, newest first.

Guarantees: a registrant sees only the notices posted to their own record (whatever their
mail choices), in their language when that translation exists; marking one read touches
only their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import col, select, update

from portal.domain.accounts.actor import Actor
from portal.domain.communications.tables import Announcement, AnnouncementStatus, NoticeRecipient
from portal.domain.core.clock import utcnow
from portal.domain.core.db import reading, transaction
from portal.domain.registry.tables import RegistryRecord

SHOWN = 5


@dataclass(frozen=True)
class Notice:
    id: int
    subject: str
    body: str
    posted_at: dt.datetime
    read: bool


_MINE = (
    select(
        Announcement.id,
        Announcement.subject_en,
        Announcement.subject_ja,
        Announcement.body_en,
        Announcement.body_ja,
        Announcement.send_at,
        NoticeRecipient.read_at,
    )
    .join(NoticeRecipient, col(NoticeRecipient.announcement_id) == Announcement.id)
    .join(RegistryRecord, col(RegistryRecord.id) == NoticeRecipient.record_id)
    .where(RegistryRecord.account_id == bindparam("account_id"))
    .where(col(Announcement.status) != AnnouncementStatus.CANCELLED)
    .order_by(col(Announcement.send_at).desc(), col(Announcement.id).desc())
    .limit(SHOWN)
)


def for_registrant(actor: Actor) -> list[Notice]:
    """The newest notices posted to the principal's record, in their language."""
    if not actor.is_registrant:
        return []
    with reading() as connection:
        rows = connection.execute(_MINE, {"account_id": actor.account_id}).all()
    notices = []
    for nid, subject_en, subject_ja, body_en, body_ja, posted, read_at in rows:
        ja = actor.language == "ja" and subject_ja and body_ja
        en_missing = not (subject_en and body_en)
        use_ja = ja or en_missing
        notices.append(
            Notice(
                id=nid,
                subject=subject_ja if use_ja else subject_en,
                body=body_ja if use_ja else body_en,
                posted_at=posted,
                read=read_at is not None,
            )
        )
    return notices


def mark_read(actor: Actor, announcement_id: int) -> None:
    """Mark one of the principal's own notices read (nothing happens for anyone else's)."""
    with transaction() as db:
        mine = select(RegistryRecord.id).where(RegistryRecord.account_id == actor.account_id)
        db.execute(
            update(NoticeRecipient)
            .where(NoticeRecipient.announcement_id == announcement_id)
            .where(col(NoticeRecipient.record_id).in_(mine.scalar_subquery()))
            .where(col(NoticeRecipient.read_at).is_(None))
            .values(read_at=utcnow())
        )
