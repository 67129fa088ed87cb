"""What staff see of a survey's answers: counts and percentages per question, free texts
as entered, and a CSV of the answers — only once enough answers count.

Guarantees: staff only; while fewer than PORTAL_SURVEY_MIN_RESPONSES answers count, no
figure, text or file is given (only that there are too few); the CSV is formula-injection
safe and lists answers in random order, never with anything but the day.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlmodel import select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.registrants.exports import safe_cell
from portal.domain.surveys import pool
from portal.domain.surveys.editing import questions
from portal.domain.surveys.tables import QuestionKind, Survey, SurveyAnswer
from portal.settings import get_settings


@dataclass(frozen=True)
class Tally:
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class QuestionResult:
    text: str
    kind: str
    answered: int
    tallies: list[Tally] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Results:
    title: str
    status: str
    answers: int
    shown: bool  # False while too few answers count
    questions: list[QuestionResult]


def _labels(question, lang: str) -> list[str]:
    if question.kind == QuestionKind.SCALE:
        return ["1", "2", "3", "4", "5"]
    return [c.get(lang) or c.get("en", "") for c in question.choices]


def results(actor: Actor, survey_id: int) -> Results:
    """The survey's results in the principal's language (staff)."""
    permissions.require_staff(actor)
    lang = actor.language
    with transaction() as db:
        survey = db.get(Survey, survey_id)
        if survey is None:
            raise DomainError("survey.unknown")
        total = pool.counted(db, survey_id)
        title = (survey.title_ja if lang == "ja" else survey.title_en) or survey.title_en
        if total < get_settings().survey_min_responses:
            return Results(title, survey.status, total, False, [])
        rows = [
            a.answers
            for a in db.exec(select(SurveyAnswer).where(SurveyAnswer.survey_id == survey_id))
        ]
        shown = []
        for q in questions(db, survey_id):
            given = [r[str(q.id)] for r in rows if str(q.id) in r]
            text = (q.text_ja if lang == "ja" else q.text_en) or q.text_en
            if q.kind == QuestionKind.TEXT:
                shown.append(
                    QuestionResult(text, q.kind, len(given), texts=sorted(map(str, given)))
                )
                continue
            labels = _labels(q, lang)
            counts = [0] * len(labels)
            for value in given:
                for picked in value if isinstance(value, list) else [value]:
                    index = picked - 1 if q.kind == QuestionKind.SCALE else picked
                    if isinstance(index, int) and 0 <= index < len(counts):
                        counts[index] += 1
            base = max(len(given), 1)
            shown.append(
                QuestionResult(
                    text,
                    q.kind,
                    len(given),
                    tallies=[
                        Tally(label, n, round(100 * n / base))
                        for label, n in zip(labels, counts, strict=True)
                    ],
                )
            )
        return Results(title, survey.status, total, True, shown)


def answers_csv(actor: Actor, survey_id: int) -> bytes:
    """Every counted answer as CSV (UTF-8 with BOM), one row each: the day, then each
    question's answer as people read it (staff; refused while too few answers count)."""
    permissions.require_staff(actor)
    lang = actor.language
    with transaction() as db:
        if pool.counted(db, survey_id) < get_settings().survey_min_responses:
            raise DomainError("survey.too_few")
        asked = questions(db, survey_id)
        rows = db.exec(
            select(SurveyAnswer.day, SurveyAnswer.answers)
            .where(SurveyAnswer.survey_id == survey_id)
            .order_by(SurveyAnswer.id)  # random ids: no order of arrival
        ).all()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "day",
            *[safe_cell((q.text_ja if lang == "ja" else q.text_en) or q.text_en) for q in asked],
        ]
    )
    for day, answers in rows:
        cells = [day.isoformat()]
        for q in asked:
            value = answers.get(str(q.id))
            labels = _labels(q, lang)
            if value is None:
                cells.append("")
            elif q.kind == QuestionKind.TEXT:
                cells.append(safe_cell(value))
            elif q.kind == QuestionKind.SCALE:
                cells.append(str(value))
            else:
                picked = value if isinstance(value, list) else [value]
                cells.append(
                    safe_cell("; ".join(labels[p] for p in picked if 0 <= p < len(labels)))
                )
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
