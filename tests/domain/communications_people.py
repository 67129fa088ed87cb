"""Registrants of several kinds for the communications tests."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.registry.tables import RegistryRecord
from tests import factories
from tests.support.catalogue import add_category


def record_of(account_id: int) -> RegistryRecord:
    with transaction() as db:
        return db.exec(select(RegistryRecord).where(RegistryRecord.account_id == account_id)).one()


def change(account_id: int, **values) -> None:
    with transaction() as db:
        record = db.exec(
            select(RegistryRecord).where(RegistryRecord.account_id == account_id)
        ).one()
        for name, value in values.items():
            setattr(record, name, value)


def paper_only(number: str, email: str | None, **values) -> int:
    """A record without a portal account (the registry's address, if any); returns its id."""
    with transaction() as db:
        record = RegistryRecord(
            registration_number=number,
            family_name="Paper",
            given_name=number,
            birth_date=dt.date(1970, 1, 1),
            email=email,
            valid_until=today() + dt.timedelta(days=300),
            newsletter=True,
            **values,
        )
        db.add(record)
        db.flush()
        return record.id


def population() -> dict[str, int]:
    """general/en, student/ja, an expired student, one without news, and two paper records."""
    add_category("student", self_service=True)
    people = {
        "general": factories.registrant("general@example.com"),
        "student": factories.registrant("student@example.com", language="ja"),
        "old_student": factories.registrant("old@example.com"),
        "quiet": factories.registrant("quiet@example.com"),
    }
    change(people["student"], category="student", other_notices=True)
    change(people["old_student"], category="student", status="expired", other_notices=True)
    change(people["general"], other_notices=True)
    change(people["quiet"], other_notices=False, valid_until=today() + dt.timedelta(days=20))
    people["paper"] = paper_only("P0001", "paper@example.com", other_notices=True)
    people["no_address"] = paper_only("P0002", None, other_notices=True)
    return people
