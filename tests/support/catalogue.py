"""Catalogue entries and files the points, organisation and registry tests share."""

from __future__ import annotations

import datetime as dt

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.points import catalogue
from portal.domain.registry.tables import MailTopic, RegistrantCategory

PDF = b"%PDF-1.7\n" + b"x" * 100  # begins as a PDF does: accepted as evidence


def activity(staff, days_ago: int = 30, points: int = 2, category: str = "seminar") -> int:
    """A catalogue activity that took place `days_ago` days ago; its id."""
    day = (today() - dt.timedelta(days=days_ago)).isoformat()
    return catalogue.save_activity(
        staff,
        None,
        {
            "title": f"Seminar {days_ago}",
            "category": category,
            "starts_on": day,
            "points": str(points),
        },
    )


def add_category(code: str, self_service: bool) -> None:
    with transaction() as db:
        db.add(
            RegistrantCategory(
                code=code, name_en=code.title(), name_ja=code, self_service=self_service
            )
        )


def add_topic(code: str, default_on: bool) -> None:
    with transaction() as db:
        db.add(MailTopic(code=code, name_en=code.title(), name_ja=code, default_on=default_on))
