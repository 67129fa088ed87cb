"""The one reminder mail of an open segment survey, to those who have not answered.

Guarantees: admins only; at most once per survey (a conditional UPDATE claims it); only for
surveys asked by segment (a moment survey is asked at its moment); it goes as the
association's news, so only to those who chose that topic, with its unsubscribe links, and
at the bulk pace — it is listed, counted and cancellable with the announcements.
"""

from __future__ import annotations

from sqlalchemy import insert
from sqlmodel import col, select, update

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.communications import announcement_queue, segments
from portal.domain.communications.tables import Announcement, AnnouncementStatus
from portal.domain.core import paths
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.outbox.tables import OutboxMessage
from portal.domain.registry import mail_topics
from portal.domain.registry.tables import RegistryRecord
from portal.domain.surveys.tables import Survey, SurveyAnswered, SurveyMoment, SurveyStatus
from portal.i18n import translate
from portal.settings import get_settings

TOPIC = "news"
# The copies' template: the announcement's text, under a name of its own so the outbox page
# can keep their recipients — who has not answered — from the secretariat (staff.outbox_admin).
REMINDER_TEMPLATE = "survey_reminder"
BATCH = 1000


def send(actor: Actor, survey_id: int) -> int:
    """Queue the reminder; returns how many mails were written."""
    permissions.require_admin(actor)
    with transaction() as db:
        claimed = db.execute(
            update(Survey)
            .where(col(Survey.id) == survey_id)
            .where(Survey.status == SurveyStatus.OPEN)
            .where(Survey.moment == SurveyMoment.NONE)
            .where(col(Survey.reminded_at).is_(None))
            .values(reminded_at=utcnow())
        )
        if claimed.rowcount != 1:
            raise DomainError("survey.cannot_remind")
        survey = db.get(Survey, survey_id)
        link = f"{get_settings().base_url}{paths.MY_SURVEYS}/{survey_id}"
        texts = {
            lang: (
                translate("survey.reminder_subject", lang, title=_title(survey, lang)),
                translate("survey.reminder_body", lang, title=_title(survey, lang), link=link),
            )
            for lang in ("en", "ja")
        }
        reminder = Announcement(
            topic=TOPIC,
            subject_en=texts["en"][0],
            body_en=texts["en"][1],
            subject_ja=texts["ja"][0],
            body_ja=texts["ja"][1],
            segment=dict(survey.segment),
            by_mail=True,
            status=AnnouncementStatus.QUEUED,  # written here, not by the announcement writer
            created_by=actor.account_id,
        )
        db.add(reminder)
        db.flush()
        reminder_id = reminder.id
        segment = segments.Segment.from_json(survey.segment)
        answered = set(
            db.exec(
                select(RegistryRecord.id)
                .join(SurveyAnswered, col(SurveyAnswered.account_id) == RegistryRecord.account_id)
                .where(SurveyAnswered.survey_id == survey_id)
            ).all()
        )
        topic = next(t for t in mail_topics.all_topics(db) if t.code == TOPIC)
        names = {"en": topic.name_en, "ja": topic.name_ja}
        trail.record(
            db, "survey.reminded", actor, target=f"survey:{survey_id}", announcement=reminder_id
        )
    written, after = 0, 0
    while after is not None:
        with transaction() as db:
            reminder = db.get(Announcement, reminder_id)
            members, after = segments.page(db, segment, TOPIC, after, BATCH)
            rows = [
                {**announcement_queue.copy_for(reminder, m, names), "template": REMINDER_TEMPLATE}
                for m in members
                if m.gets_mail and m.has_account and m.record_id not in answered
            ]
            if rows:
                db.execute(insert(OutboxMessage), rows)
            reminder.recipients += len(rows)
            written += len(rows)
    return written


def _title(survey: Survey, lang: str) -> str:
    return (survey.title_ja if lang == "ja" else survey.title_en) or survey.title_en
