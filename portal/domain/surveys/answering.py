"""Answering a survey, anonymously by construction.

Guarantees:
- A registrant is asked only open surveys whose segment holds their record and whose moment
  (after activation, after a renewal is approved, after attendance at the survey's
  activity is credited from a list) came after the survey opened; each
  answers once (the `survey_answered` mark, unique per survey and account).
- The mark and the answer are written together, but the answer holds no account, record,
  address or time; it waits in a pool until PORTAL_SURVEY_MIN_RESPONSES answers to the
  survey wait, then they all move to the results in one transaction, shuffled, with new
  random ids and the day of the move. Ids, order, transaction and time of a result thus
  say at most "one of these N people" (docs/SECURITY.md). Closing a survey moves what
  still waits, however few.
- Answers are checked against the questions: a choice must be one offered, a scale 1–5,
  a text within its length, and required questions answered.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account
from portal.domain.communications import segments
from portal.domain.core.db import looking, transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.points.tables import Claim, ClaimEvent, ClaimStatus
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal.tables import ApplicationStatus, RenewalApplication
from portal.domain.surveys import pool
from portal.domain.surveys.editing import questions
from portal.domain.surveys.tables import (
    QuestionKind,
    Survey,
    SurveyAnswered,
    SurveyMoment,
    SurveyQuestion,
    SurveyStatus,
)

# Timeline events of a claim credited from an attendance list (points.attendance).
ATTENDANCE_EVENTS = ("credited", "reported", "confirmed")


@dataclass(frozen=True)
class Question:
    id: int
    kind: str
    text: str
    choices: list[str]
    required: bool
    max_length: int


@dataclass(frozen=True)
class SurveyForm:
    id: int
    title: str
    questions: list[Question]


def _moment_passed(db: Session, survey: Survey, actor: Actor, record: RegistryRecord) -> bool:
    if survey.moment == SurveyMoment.ACTIVATION:
        account = db.get(Account, actor.account_id)
        return account is not None and account.created_at >= survey.opened_at
    if survey.moment == SurveyMoment.RENEWAL:
        return (
            db.exec(
                select(RenewalApplication.id)
                .where(RenewalApplication.record_id == record.id)
                .where(RenewalApplication.status == ApplicationStatus.APPROVED)
                .where(col(RenewalApplication.decided_at) >= survey.opened_at)
            ).first()
            is not None
        )
    if survey.moment == SurveyMoment.ATTENDANCE:
        credited = (
            select(Claim.id)
            .join(ClaimEvent, col(ClaimEvent.claim_id) == Claim.id)
            .where(Claim.record_id == record.id)
            .where(Claim.status == ClaimStatus.APPROVED)
            .where(col(ClaimEvent.kind).in_(ATTENDANCE_EVENTS))
            .where(col(ClaimEvent.at) >= survey.opened_at)
        )
        if survey.activity_id is not None:
            credited = credited.where(Claim.activity_id == survey.activity_id)
        return db.exec(credited).first() is not None
    return True


# Open surveys the account has not answered, oldest first: built once (the dashboard asks
# it on every visit, and usually finds none).
_OPEN_UNANSWERED = (
    select(Survey.id)
    .where(Survey.status == SurveyStatus.OPEN)
    .where(
        col(Survey.id).not_in(
            select(SurveyAnswered.survey_id).where(
                SurveyAnswered.account_id == bindparam("account_id")
            )
        )
    )
    .order_by(col(Survey.opened_at), col(Survey.id))
)


def _askable(db: Session, actor: Actor) -> list[Survey]:
    if not actor.is_registrant:
        return []
    ids = (
        db.connection().execute(_OPEN_UNANSWERED, {"account_id": actor.account_id}).scalars().all()
    )
    if not ids:  # the usual case: one query
        return []
    record = db.exec(
        select(RegistryRecord).where(RegistryRecord.account_id == actor.account_id)
    ).first()
    if record is None:
        return []
    open_ones = db.exec(
        select(Survey)
        .where(col(Survey.id).in_(ids))
        .order_by(col(Survey.opened_at), col(Survey.id))
    ).all()
    return [
        s
        for s in open_ones
        if _moment_passed(db, s, actor, record)
        and segments.includes(db, segments.Segment.from_json(s.segment), record.id)
    ]


def waiting_for(actor: Actor) -> list[tuple[int, str]]:
    """(id, title) of the surveys the registrant may answer now, oldest first."""
    with looking() as db:
        return [(s.id, _title(s, actor.language)) for s in _askable(db, actor)]


def _title(survey: Survey, lang: str) -> str:
    return (survey.title_ja if lang == "ja" else survey.title_en) or survey.title_en


def _text(question: SurveyQuestion, lang: str) -> str:
    return (question.text_ja if lang == "ja" else question.text_en) or question.text_en


def form(actor: Actor, survey_id: int) -> SurveyForm:
    """The survey's questions in the registrant's language, if they may answer it."""
    lang = actor.language
    with transaction() as db:
        survey = next((s for s in _askable(db, actor) if s.id == survey_id), None)
        if survey is None:
            raise DomainError("survey.not_for_you")
        return SurveyForm(
            survey.id,
            _title(survey, lang),
            [
                Question(
                    q.id,
                    q.kind,
                    _text(q, lang),
                    [c.get(lang) or c.get("en", "") for c in q.choices],
                    q.required,
                    q.max_length,
                )
                for q in questions(db, survey.id)
            ],
        )


def _checked(asked: list[SurveyQuestion], values: dict) -> dict[str, object]:
    answers: dict[str, object] = {}
    errors: dict[str, tuple[str, dict]] = {}
    for q in asked:
        name = f"q{q.id}"
        raw = values.get(name)
        if q.kind == QuestionKind.MULTIPLE:
            picked = raw if isinstance(raw, list) else []
            valid = sorted({int(p) for p in picked if isinstance(p, str) and p.isdigit()})
            if any(p >= len(q.choices) for p in valid):
                errors[name] = ("survey.answer_invalid", {})
            elif valid:
                answers[str(q.id)] = valid
        elif isinstance(raw, str) and raw.strip():
            value = raw.strip()
            if q.kind == QuestionKind.SINGLE:
                ok = value.isdigit() and int(value) < len(q.choices)
                answers[str(q.id)] = int(value) if ok else None
            elif q.kind == QuestionKind.SCALE:
                ok = value in {"1", "2", "3", "4", "5"}
                answers[str(q.id)] = int(value) if ok else None
            else:
                ok = len(value) <= q.max_length
                answers[str(q.id)] = value
            if not ok:
                errors[name] = ("survey.answer_invalid", {})
        if q.required and str(q.id) not in answers and name not in errors:
            errors[name] = ("survey.answer_required", {})
    if errors:
        raise FieldErrors(errors)
    return answers


def answer(actor: Actor, survey_id: int, values: dict) -> None:
    """Record the registrant's answers once (see the module's guarantees)."""
    try:
        with transaction() as db:
            survey = next((s for s in _askable(db, actor) if s.id == survey_id), None)
            if survey is None:
                raise DomainError("survey.not_for_you")
            answers = _checked(questions(db, survey.id), values if isinstance(values, dict) else {})
            db.add(SurveyAnswered(survey_id=survey.id, account_id=actor.account_id))
            pool.add(db, survey.id, answers)
    except IntegrityError:
        raise DomainError("survey.not_for_you") from None
    pool.move_waiting(survey_id)
