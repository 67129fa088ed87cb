"""The registry as CSV, in the ledger's column order (README, The ledger CSV).

Guarantees: every cell that a spreadsheet would run as a formula (starting with
= + - @, a tab or a carriage return) is prefixed with an apostrophe; the file is
UTF-8 with a BOM (Excel opens it correctly) or Shift_JIS (CP932), where a
character CP932 lacks becomes "?" and is counted; rows stream in batches, so a
large registry never sits in memory at once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlmodel import col, func, select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.audit import trail
from portal.domain.core.db import current_engine, transaction
from portal.domain.registrants.registry_search import RegistryQuery, conditions_for
from portal.domain.registry.tables import RegistryRecord

COLUMNS = (
    "registration_number",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "email",
    "postal_code",
    "address",
    "phone",
    "employer",
    "certified_on",
    "valid_from",
    "valid_until",
    "newsletter",
    "category",
)
ENCODINGS = {"utf-8": "utf-8-sig", "shift_jis": "cp932"}
BATCH = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell's text, neutralised so a spreadsheet shows it rather than runs it."""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    else:
        text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(values)
    return buffer.getvalue()


def _filter_of(query: RegistryQuery) -> dict[str, str]:
    """The criteria of an export as the audit log keeps them (the ones given)."""
    given = {
        "text": query.text,
        "status": query.status,
        "valid_until_from": query.valid_until_from.isoformat() if query.valid_until_from else "",
        "valid_until_to": query.valid_until_to.isoformat() if query.valid_until_to else "",
    }
    return {name: value for name, value in given.items() if value}


def export_csv(actor: Actor, query: RegistryQuery, encoding: str) -> Iterator[bytes]:
    """The matching records as CSV bytes, header first, in registration-number order (staff
    only: NotAllowed for anyone else, at the call). The audit entry (who, from where, the
    filter, how many rows) is written at the call, before the first byte leaves, so a
    download broken off half-way is on record too."""
    permissions.require_staff(actor)
    codec = ENCODINGS.get(encoding, "utf-8-sig")
    conditions = conditions_for(query, current_engine().dialect.name)
    with transaction() as db:
        matching = db.exec(
            select(func.count()).select_from(RegistryRecord).where(*conditions)
        ).one()
        trail.record(
            db,
            "registry.exported",
            actor,
            rows=matching,
            encoding=encoding,
            filter=_filter_of(query),
        )
    return _streamed(conditions, codec)


def _streamed(conditions: list, codec: str) -> Iterator[bytes]:
    yield _line(list(COLUMNS)).encode(codec)
    last_id = 0
    while True:
        with transaction() as db:
            batch = db.exec(
                select(RegistryRecord)
                .where(*conditions)
                .where(col(RegistryRecord.id) > last_id)
                .order_by(col(RegistryRecord.id))
                .limit(BATCH)
            ).all()
            rows = [[safe_cell(getattr(r, c)) for c in COLUMNS] for r in batch]
        if not batch:
            break
        last_id = batch[-1].id
        chunk = "".join(_line(row) for row in rows)
        yield chunk.encode("cp932", errors="replace") if codec == "cp932" else chunk.encode("utf-8")
