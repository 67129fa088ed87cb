"""Any registrant's renewal standing, for staff (the record page) and support
(`portal eligibility NUMBER`).

Guarantees: only staff, or the command line (`actor` None), read it; it is exactly what
the registrant's own dashboard shows (`renewals.record_eligibility`: the rules of the
version their period started under, for their registrant category), with every audit of
the record's claims — a failed one stays visible for a decision on a renewal already made.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.core.clock import today
from portal.domain.core.db import reading
from portal.domain.points import audits
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import renewals
from portal.domain.renewal.eligibility import Eligibility


@dataclass(frozen=True)
class RecordEligibility:
    record_id: int
    number: str
    name: str
    category: str  # registrant category code
    valid_from: dt.date | None
    valid_until: dt.date | None
    eligibility: Eligibility
    audits: tuple[audits.RecordAudit, ...] = ()  # every audit of its claims, failed ones too


def of_record(
    actor: Actor | None,
    *,
    record_id: int | None = None,
    number: str | None = None,
    on: dt.date | None = None,
) -> RecordEligibility | None:
    """The record's eligibility on `on` (today), found by id or registration number; None
    when there is no such record."""
    if actor is not None:
        permissions.require_staff(actor)
    table = RegistryRecord.__table__
    where = (
        table.c.id == record_id
        if record_id is not None
        else table.c.registration_number == (number or "").strip()
    )
    with reading() as db:
        record = db.execute(select(table).where(where)).first()
        if record is None:
            return None
        result = renewals.record_eligibility(db, record, on or today())
        audited = tuple(audits.of_record(db, record.id))
    return RecordEligibility(
        record_id=record.id,
        number=record.registration_number,
        name=f"{record.family_name} {record.given_name}".strip(),
        category=record.category,
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        eligibility=result,
        audits=audited,
    )
