"""The secretariat's surveys: write a draft, open it, close it, copy it.

Guarantees:
- Only admins change surveys; staff of any role read them.
- Questions change only while the survey is a draft; an open survey's questions are fixed
  (a copy, itself a draft, can change them); a closed survey takes no more answers.
- A survey opens only with a title and at least one question, each with its text in both
  languages (choices too), and at least two choices for choice questions.
- Every change of state is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.communications import segments
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.points.tables import Activity
from portal.domain.surveys import pool
from portal.domain.surveys.tables import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyMoment,
    SurveyQuestion,
    SurveyStatus,
)

MAX_TITLE = 200
MAX_QUESTION = 300
MAX_CHOICES = 12
TEXT_LIMITS = (1, 1000)


def _text(values: dict, name: str, limit: int, errors: dict, required: bool = True) -> str:
    raw = values.get(name, "")
    text = raw.strip() if isinstance(raw, str) else ""
    if required and not text:
        errors[name] = ("categories_topics.required", {})
    elif len(text) > limit:
        errors[name] = ("record.too_long", {"max": limit})
    return text


def create(actor: Actor, values: dict) -> int:
    """A new draft: titles, who is asked (a segment) and when (a moment, with the attendance
    moment optionally one activity's id); returns its id."""
    permissions.require_admin(actor)
    errors: dict[str, tuple[str, dict]] = {}
    title_en = _text(values, "title_en", MAX_TITLE, errors)
    title_ja = _text(values, "title_ja", MAX_TITLE, errors)
    moment = values.get("moment") or ""
    if moment not in {m.value for m in SurveyMoment}:
        errors["moment"] = ("survey.moment_unknown", {})
    raw_activity = values.get("activity_id") or ""
    activity_id = (
        int(raw_activity) if isinstance(raw_activity, str) and raw_activity.isdigit() else None
    )
    if raw_activity and (activity_id is None or moment != SurveyMoment.ATTENDANCE):
        errors["activity_id"] = ("survey.activity_invalid", {})
    with transaction() as db:
        try:
            segment = segments.parse(db, values)
        except FieldErrors as exc:
            errors.update(exc.fields)
            segment = segments.Segment()
        if activity_id is not None and db.get(Activity, activity_id) is None:
            errors["activity_id"] = ("survey.activity_invalid", {})
        if errors:
            raise FieldErrors(errors)
        survey = Survey(
            title_en=title_en,
            title_ja=title_ja,
            segment=segment.to_json(),
            moment=moment,
            activity_id=activity_id,
            created_by=actor.account_id,
        )
        db.add(survey)
        db.flush()
        _audit(db, actor, "survey.created", survey.id)
        return survey.id


def _draft(db: Session, survey_id: int) -> Survey:
    survey = db.get(Survey, survey_id)
    if survey is None:
        raise DomainError("survey.unknown")
    if survey.status != SurveyStatus.DRAFT:
        raise DomainError("survey.not_draft")
    return survey


def add_question(actor: Actor, survey_id: int, values: dict) -> None:
    """Add a question to a draft (kind, texts, choices one per line "English | 日本語")."""
    permissions.require_admin(actor)
    errors: dict[str, tuple[str, dict]] = {}
    kind = values.get("kind")
    if kind not in {k.value for k in QuestionKind}:
        errors["kind"] = ("survey.kind_unknown", {})
    text_en = _text(values, "text_en", MAX_QUESTION, errors)
    text_ja = _text(values, "text_ja", MAX_QUESTION, errors)
    choices = []
    raw = values.get("choices", "")
    for line in (raw if isinstance(raw, str) else "").splitlines():
        if line.strip():
            en, _, ja = line.partition("|")
            choices.append({"en": en.strip()[:100], "ja": (ja.strip() or en.strip())[:100]})
    if (
        kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
        and not 2 <= len(choices) <= MAX_CHOICES
    ):
        errors["choices"] = ("survey.choices_needed", {"max": MAX_CHOICES})
    limit = 200
    if kind == QuestionKind.TEXT:
        raw_limit = values.get("max_length") or "200"
        limit = int(raw_limit) if isinstance(raw_limit, str) and raw_limit.isdigit() else 0
        if not TEXT_LIMITS[0] <= limit <= TEXT_LIMITS[1]:
            errors["max_length"] = ("survey.length_invalid", {"max": TEXT_LIMITS[1]})
    if errors:
        raise FieldErrors(errors)
    with transaction() as db:
        survey = _draft(db, survey_id)
        count = db.exec(
            select(func.count())
            .select_from(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey.id)
        ).one()
        db.add(
            SurveyQuestion(
                survey_id=survey.id,
                position=count,
                kind=kind,
                text_en=text_en,
                text_ja=text_ja,
                choices=choices if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else [],
                required=values.get("required") is True,
                max_length=limit,
            )
        )
        _audit(db, actor, "survey.question_added", survey.id)


def remove_question(actor: Actor, question_id: int) -> None:
    """Remove a question from a draft."""
    permissions.require_admin(actor)
    with transaction() as db:
        question = db.get(SurveyQuestion, question_id)
        if question is None:
            raise DomainError("survey.unknown")
        _draft(db, question.survey_id)
        db.delete(question)
        _audit(db, actor, "survey.question_removed", question.survey_id)


def open_survey(actor: Actor, survey_id: int) -> None:
    """Start asking; the questions are fixed from now on."""
    permissions.require_admin(actor)
    with transaction() as db:
        survey = _draft(db, survey_id)
        if not db.exec(
            select(SurveyQuestion.id).where(SurveyQuestion.survey_id == survey.id)
        ).first():
            raise DomainError("survey.no_questions")
        survey.status, survey.opened_at = SurveyStatus.OPEN, utcnow()
        _audit(db, actor, "survey.opened", survey.id)


def close_survey(actor: Actor, survey_id: int) -> None:
    """Stop asking. Answers already counted stay; those still waiting for company (fewer
    than the minimum) are discarded, so closing never reveals one person's answers."""
    permissions.require_admin(actor)
    with transaction() as db:
        survey = db.get(Survey, survey_id)
        if survey is None or survey.status != SurveyStatus.OPEN:
            raise DomainError("survey.not_open")
        survey.status, survey.closed_at = SurveyStatus.CLOSED, utcnow()
        _audit(db, actor, "survey.closed", survey.id)
    pool.discard_waiting(survey_id)


def copy(actor: Actor, survey_id: int) -> int:
    """A new draft with the same titles, segment, moment and questions; returns its id."""
    permissions.require_admin(actor)
    with transaction() as db:
        original = db.get(Survey, survey_id)
        if original is None:
            raise DomainError("survey.unknown")
        twin = Survey(
            title_en=original.title_en,
            title_ja=original.title_ja,
            segment=dict(original.segment),
            moment=original.moment,
            activity_id=original.activity_id,
            created_by=actor.account_id,
        )
        db.add(twin)
        db.flush()
        for q in db.exec(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id)):
            db.add(
                SurveyQuestion(
                    survey_id=twin.id,
                    position=q.position,
                    kind=q.kind,
                    text_en=q.text_en,
                    text_ja=q.text_ja,
                    choices=list(q.choices),
                    required=q.required,
                    max_length=q.max_length,
                )
            )
        _audit(db, actor, "survey.copied", twin.id, source=survey_id)
        return twin.id


def _audit(db: Session, actor: Actor, action: str, survey_id: int, **detail):
    trail.record(db, action, actor, target=f"survey:{survey_id}", **detail)


@dataclass(frozen=True)
class SurveyRow:
    id: int
    title_en: str
    title_ja: str
    status: str
    moment: str
    answers: int


def listing(actor: Actor) -> list[SurveyRow]:
    """Every survey, newest first, with how many answers count so far (staff)."""
    permissions.require_staff(actor)
    with transaction() as db:
        counts = dict(
            db.exec(
                select(SurveyAnswer.survey_id, func.count()).group_by(SurveyAnswer.survey_id)
            ).all()
        )
        return [
            SurveyRow(s.id, s.title_en, s.title_ja, s.status, s.moment, counts.get(s.id, 0))
            for s in db.exec(select(Survey).order_by(col(Survey.id).desc())).all()
        ]


def questions(db: Session, survey_id: int) -> list[SurveyQuestion]:
    """A survey's questions in order."""
    return list(
        db.exec(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id == survey_id)
            .order_by(col(SurveyQuestion.position), col(SurveyQuestion.id))
        ).all()
    )


@dataclass(frozen=True)
class QuestionRow:
    id: int
    kind: str
    text_en: str
    text_ja: str
    choices: list[dict[str, str]]
    required: bool
    max_length: int


@dataclass(frozen=True)
class SurveyDetail:
    id: int
    title_en: str
    title_ja: str
    status: str
    moment: str
    reminded: bool
    questions: list[QuestionRow]

    @property
    def may_remind(self) -> bool:
        """The one reminder may still go (reminders.send): open, asked by segment, not sent."""
        return (
            self.status == SurveyStatus.OPEN
            and self.moment == SurveyMoment.NONE
            and not self.reminded
        )


def detail(actor: Actor, survey_id: int) -> SurveyDetail:
    """One survey with its questions (staff)."""
    permissions.require_staff(actor)
    with transaction() as db:
        survey = db.get(Survey, survey_id)
        if survey is None:
            raise DomainError("survey.unknown")
        return SurveyDetail(
            survey.id,
            survey.title_en,
            survey.title_ja,
            survey.status,
            survey.moment,
            survey.reminded_at is not None,
            [
                QuestionRow(
                    q.id, q.kind, q.text_en, q.text_ja, list(q.choices), q.required, q.max_length
                )
                for q in questions(db, survey_id)
            ],
        )
