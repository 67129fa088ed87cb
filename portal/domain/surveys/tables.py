"""Surveys, their questions, and answers that cannot be traced back to a person.

`survey_answered` says only that an account answered a survey (so nobody is asked twice).
An answer waits in `survey_answer_pool` until enough answers to the same survey are
waiting, then all of them move to `survey_answer` in one transaction, in random order,
with random ids and only the day — so nothing (id, order, transaction, time) joins an
answer to a row of `survey_answered` beyond "one of these people" (surveys.answering).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from portal.domain.core.clock import now_factory


class SurveyStatus(StrEnum):
    DRAFT = "draft"  # questions may change; nobody is asked
    OPEN = "open"  # asked; questions fixed (a copy can change them)
    CLOSED = "closed"  # no more answers


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"  # 1 to 5
    TEXT = "text"  # short free text


class SurveyMoment(StrEnum):
    NONE = ""  # whenever the registrant is in the segment
    ACTIVATION = "activation"  # after activating their portal account
    RENEWAL = "renewal"  # after a renewal is approved
    ATTENDANCE = "attendance"  # after attendance is credited (for the survey's activity)


class Survey(SQLModel, table=True):
    __tablename__ = "survey"

    id: int | None = Field(default=None, primary_key=True)
    title_en: str = Field(default="", max_length=200)
    title_ja: str = Field(default="", max_length=200)
    status: str = Field(default=SurveyStatus.DRAFT, max_length=8, index=True)
    segment: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    moment: str = Field(default=SurveyMoment.NONE, max_length=16)
    # With the attendance moment: the activity the survey is about (None: any activity).
    activity_id: int | None = Field(default=None, foreign_key="activity.id")
    created_by: int | None = Field(default=None, foreign_key="account.id")
    created_at: dt.datetime = Field(default_factory=now_factory)
    opened_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    reminded_at: dt.datetime | None = None  # the one reminder mail went out


class SurveyQuestion(SQLModel, table=True):
    __tablename__ = "survey_question"

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    position: int = 0
    kind: str = Field(max_length=8)
    text_en: str = Field(default="", max_length=300)
    text_ja: str = Field(default="", max_length=300)
    # Choices of single/multiple questions: [{"en": ..., "ja": ...}, ...]
    choices: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    required: bool = False
    max_length: int = 200


class SurveyAnswered(SQLModel, table=True):
    """Only that an account answered a survey; never what."""

    __tablename__ = "survey_answered"

    survey_id: int = Field(foreign_key="survey.id", primary_key=True)
    account_id: int = Field(foreign_key="account.id", primary_key=True)


class SurveyAnswerPool(SQLModel, table=True):
    """Answers waiting for company before they become results (at most a few per survey)."""

    __tablename__ = "survey_answer_pool"

    id: str = Field(primary_key=True, max_length=32)  # random
    survey_id: int = Field(foreign_key="survey.id", index=True)
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SurveyAnswer(SQLModel, table=True):
    """One person's answers: the survey, the answers, the day — nothing else."""

    __tablename__ = "survey_answer"

    id: str = Field(primary_key=True, max_length=32)  # random
    survey_id: int = Field(foreign_key="survey.id", index=True)
    day: dt.date
    answers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
