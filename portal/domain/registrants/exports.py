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

from sqlmodel import col, select

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


def export_csv(query: RegistryQuery, encoding: str, actor_id: int | None = None) -> Iterator[bytes]:
    """The matching records as CSV bytes, header first, in registration-number order."""
    codec = ENCODINGS.get(encoding, "utf-8-sig")
    yield _line(list(COLUMNS)).encode(codec)
    conditions = conditions_for(query, current_engine().dialect.name)
    last_id = 0
    exported = 0
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
        exported += len(batch)
        chunk = "".join(_line(row) for row in rows)
        yield chunk.encode("cp932", errors="replace") if codec == "cp932" else chunk.encode("utf-8")
    with transaction() as db:
        trail.record(db, "registry.exported", actor_id=actor_id, rows=exported, encoding=encoding)
