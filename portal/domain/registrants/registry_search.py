"""Finding registrants for the secretariat: search, filter, sort and paginate in SQL.

Guarantees: only columns in SORTS can order the list (anything else falls back
to the registration number); text search is partial and width-, case- and
kana-insensitive; the database returns only the requested page, and the total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import column, table
from sqlmodel import col, func, select

from portal.domain.accounts import permissions
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account
from portal.domain.core import search_text
from portal.domain.core.db import transaction
from portal.domain.registry.tables import RecordStatus, RegistryRecord

SORTS = {
    "number": col(RegistryRecord.registration_number),
    "kana": col(RegistryRecord.family_name_kana),
    "valid_until": col(RegistryRecord.valid_until),
    "updated": col(RegistryRecord.updated_at),
}
PER_PAGE = 50


@dataclass(frozen=True)
class RegistryQuery:
    """What the secretariat asked for; every value is already checked."""

    text: str = ""
    status: str = ""
    valid_until_from: dt.date | None = None
    valid_until_to: dt.date | None = None
    sort: str = "number"
    descending: bool = False
    page: int = 1


@dataclass(frozen=True)
class RegistryRow:
    record_id: int
    registration_number: str
    name: str
    kana: str
    email: str
    status: str
    valid_until: dt.date | None
    account_status: str


@dataclass(frozen=True)
class RegistryPage:
    rows: list[RegistryRow]
    total: int
    page: int
    pages: int


def query_from(params: dict[str, str]) -> RegistryQuery:
    """A query from URL parameters; unknown or malformed values are dropped."""

    def date(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(params.get(name, ""))
        except ValueError:
            return None

    status = params.get("status", "")
    sort = params.get("sort", "number")
    try:
        page = max(1, min(int(params.get("page", "1")), 100_000))
    except ValueError:
        page = 1
    return RegistryQuery(
        text=params.get("q", "")[:100].strip(),
        status=status if status in tuple(RecordStatus) else "",
        valid_until_from=date("from"),
        valid_until_to=date("to"),
        sort=sort if sort in SORTS else "number",
        descending=params.get("order") == "desc",
        page=page,
    )


_FTS = table("registry_fts", column("rowid"), column("registry_fts"))


def conditions_for(query: RegistryQuery, dialect: str) -> list:
    """The SQL conditions of a query's text and filters (sort and page aside).

    Text is a substring match on the folded search text. On SQLite a text of
    three characters or more first narrows the rows through the FTS5 trigram
    index (the LIKE still decides); PostgreSQL's planner uses the pg_trgm index
    for the LIKE by itself.
    """
    conditions = []
    if query.text:
        folded = search_text.fold(query.text)
        if dialect == "sqlite" and len(folded) >= 3:
            phrase = '"' + folded.replace('"', '""') + '"'
            conditions.append(
                col(RegistryRecord.id).in_(
                    select(_FTS.c.rowid).where(_FTS.c.registry_fts.op("MATCH")(phrase))
                )
            )
        conditions.append(col(RegistryRecord.search_text).contains(folded, autoescape=True))
    if query.status:
        conditions.append(RegistryRecord.status == query.status)
    if query.valid_until_from:
        conditions.append(col(RegistryRecord.valid_until) >= query.valid_until_from)
    if query.valid_until_to:
        conditions.append(col(RegistryRecord.valid_until) <= query.valid_until_to)
    return conditions


def search(actor: Actor, query: RegistryQuery) -> RegistryPage:
    """One page of matching records and the total count (staff only: NotAllowed for
    anyone else).

    The page is found on the sort index alone (ids only), then its rows are
    read: deep pages cost an index walk, not reading every skipped row.
    """
    permissions.require_staff(actor)
    order = SORTS.get(query.sort, SORTS["number"])
    order = order.desc() if query.descending else order.asc()
    with transaction() as db:
        conditions = conditions_for(query, db.get_bind().dialect.name)
        total = db.exec(select(func.count()).select_from(RegistryRecord).where(*conditions)).one()
        pages = max(1, -(-total // PER_PAGE))
        page = min(query.page, pages)
        page_ids = (
            select(RegistryRecord.id)
            .where(*conditions)
            .order_by(order, col(RegistryRecord.id))
            .offset((page - 1) * PER_PAGE)
            .limit(PER_PAGE)
        )
        found = db.exec(
            select(RegistryRecord, Account.status)
            .join(Account, col(Account.id) == RegistryRecord.account_id, isouter=True)
            .where(col(RegistryRecord.id).in_(page_ids))
            .order_by(order, col(RegistryRecord.id))
        ).all()
        rows = [
            RegistryRow(
                record_id=r.id,
                registration_number=r.registration_number,
                name=f"{r.family_name} {r.given_name}",
                kana=f"{r.family_name_kana} {r.given_name_kana}".strip(),
                email=r.email or "",
                status=r.status,
                valid_until=r.valid_until,
                account_status=account_status or "none",
            )
            for r, account_status in found
        ]
    return RegistryPage(rows=rows, total=total, page=page, pages=pages)
