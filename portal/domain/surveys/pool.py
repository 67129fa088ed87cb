"""The pool where answers wait for company before they count (surveys.answering)."""

from __future__ import annotations

import random
import secrets

from sqlmodel import Session, col, delete, func, select

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.surveys.tables import SurveyAnswer, SurveyAnswerPool
from portal.settings import get_settings


def add(db: Session, survey_id: int, answers: dict) -> None:
    """Put one answer in the survey's pool. Every waiting answer of the survey is written
    again with it, in a shuffled order under new random ids, in this one transaction: no
    id, row position or creating transaction tells which answer came last, so none can be
    paired with the "answered" mark written beside it."""
    waiting = [
        item.answers
        for item in db.exec(
            select(SurveyAnswerPool).where(SurveyAnswerPool.survey_id == survey_id)
        ).all()
    ]
    db.execute(delete(SurveyAnswerPool).where(col(SurveyAnswerPool.survey_id) == survey_id))
    db.flush()
    batch = [*waiting, answers]
    random.SystemRandom().shuffle(batch)
    for item in batch:
        db.add(SurveyAnswerPool(id=secrets.token_hex(16), survey_id=survey_id, answers=item))


def discard_waiting(survey_id: int) -> int:
    """Drop the survey's waiting answers (fewer than the minimum: they never count, so the
    results never change by fewer than PORTAL_SURVEY_MIN_RESPONSES answers). Returns how many."""
    with transaction() as db:
        return db.execute(
            delete(SurveyAnswerPool).where(col(SurveyAnswerPool.survey_id) == survey_id)
        ).rowcount


def move_waiting(survey_id: int) -> int:
    """Move the survey's waiting answers to the results when at least
    PORTAL_SURVEY_MIN_RESPONSES wait: shuffled, new random ids, today's date. Returns how
    many moved."""
    needed = get_settings().survey_min_responses
    with transaction() as db:
        waiting = list(
            db.exec(select(SurveyAnswerPool).where(SurveyAnswerPool.survey_id == survey_id)).all()
        )
        if not waiting or len(waiting) < needed:
            return 0
        random.SystemRandom().shuffle(waiting)
        day = today()
        for item in waiting:
            db.add(
                SurveyAnswer(
                    id=secrets.token_hex(16), survey_id=survey_id, day=day, answers=item.answers
                )
            )
        db.execute(
            delete(SurveyAnswerPool).where(
                col(SurveyAnswerPool.id).in_([item.id for item in waiting])
            )
        )
        return len(waiting)


def counted(db: Session, survey_id: int) -> int:
    """How many answers count in the results."""
    return db.exec(
        select(func.count()).select_from(SurveyAnswer).where(SurveyAnswer.survey_id == survey_id)
    ).one()
