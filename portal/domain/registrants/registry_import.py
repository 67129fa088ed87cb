"""Importing the ledger CSV (README, The ledger CSV): read, check every row, preview, apply all or nothing.

Guarantees:
- `decode()` accepts UTF-8 with or without a BOM and Excel's Shift_JIS (CP932);
  anything else is refused with a reason, never guessed.
- `plan()` saves nothing. It reports every row as new, changed (field by field,
  old → new), unchanged or wrong (line, column and why), plus file-level
  problems (missing or unknown columns, no rows, too large).
- `apply()` plans again inside one transaction and refuses (raising
  ImportRefused, nothing written) if any row is wrong. Otherwise it writes the
  new records, the changed fields with one RecordChange each (by staff, with
  the reason), invitations for new registrants with an address, and one
  audit summary — all committed together.
- Columns missing from the file are left as they are; a blank cell in a
  present column clears that field (except the required ones).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal.domain.accounts import activation, permissions
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account
from portal.domain.audit import trail
from portal.domain.audit.trail import Acting
from portal.domain.core import bulk, search_text
from portal.domain.core.clock import utcnow
from portal.domain.core.db import column_defaults, refresh_statistics, transaction
from portal.domain.core.errors import DomainError
from portal.domain.core.origin import SYSTEM
from portal.domain.registrants.exports import COLUMNS
from portal.domain.registry import record_fields, registrant_categories
from portal.domain.registry.records import FieldChange, shown
from portal.domain.registry.tables import RecordChange, RegistryRecord

MAX_BYTES = 50 * 1024 * 1024
REQUIRED_COLUMNS = ("registration_number", "family_name", "given_name", "birth_date")
_YES = frozenset({"yes", "y", "true", "1", "はい", "有", "○"})
_NO = frozenset({"no", "n", "false", "0", "", "いいえ", "無", "×"})
_BATCH = 1000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be imported: its line in the file, number, column and message."""

    line: int
    number: str
    column: str
    key: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RowChange:
    """An existing record the file changes, field by field."""

    line: int
    number: str
    name: str
    changes: list[FieldChange]


@dataclass
class ImportPlan:
    """What importing a file would do. `ok` is True when nothing stands in the way."""

    columns: tuple[str, ...] = ()
    new: list[dict] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    file_problem: tuple[str, dict] | None = None
    _cleaned: dict[str, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.file_problem is None and not self.problems

    @property
    def rows(self) -> int:
        return len(self.new) + len(self.changed) + self.unchanged + self.rows_with_problems

    @property
    def rows_with_problems(self) -> int:
        return len({p.line for p in self.problems})

    @property
    def invitations(self) -> int:
        return sum(1 for row in self.new if row.get("email"))


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    invited: int


class ImportRefused(DomainError):
    """The file cannot be applied; `plan` says why."""

    def __init__(self, plan: ImportPlan) -> None:
        key, params = plan.file_problem or ("import.has_errors", {})
        super().__init__(key, **params)
        self.plan = plan


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (BOM or not) first, then Shift_JIS/CP932; DomainError if neither."""
    if len(data) > MAX_BYTES:
        raise DomainError("import.too_large", mb=MAX_BYTES // (1024 * 1024))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise DomainError("import.encoding") from exc


def _unescaped(cell: str) -> str:
    """A cell as typed: the apostrophe our export adds before a formula character is removed."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in "=+-@\t\r":
        return cell[1:]
    return cell


def _clean_row(raw: dict[str, str]) -> tuple[dict[str, object], list[tuple[str, str, dict]]]:
    cleaned: dict[str, object] = {}
    problems: list[tuple[str, str, dict]] = []
    for column, value in raw.items():
        value = _unescaped(value)
        try:
            if column == "category":
                code = unicodedata.normalize("NFKC", value).strip().lower()
                if code:  # an empty cell leaves the category as it is ("general" when new)
                    cleaned[column] = code
            elif column == "newsletter":
                folded = unicodedata.normalize("NFKC", value).strip().lower()
                if folded not in _YES | _NO:
                    raise DomainError("import.yes_no")
                cleaned[column] = folded in _YES
            else:
                cleaned[column] = record_fields.clean(column, value)
        except DomainError as exc:
            problems.append((column, exc.key, exc.params))
    start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and start > end:
        problems.append(("valid_until", "import.period", {}))
    return cleaned, problems


def _header(reader_fields: list[str] | None) -> tuple[tuple[str, ...], tuple[str, dict] | None]:
    columns = tuple(
        unicodedata.normalize("NFKC", name or "").strip().lower() for name in reader_fields or []
    )
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        return columns, ("import.unknown_columns", {"columns": ", ".join(unknown)})
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        return columns, ("import.missing_columns", {"columns": ", ".join(missing)})
    if len(set(columns)) != len(columns):
        return columns, ("import.repeated_columns", {})
    return columns, None


def _known_categories(
    db: Session, plan: ImportPlan, rows: list[tuple[int, dict[str, object]]]
) -> list[tuple[int, dict[str, object]]]:
    """The rows whose category (if given) exists; the others become problems."""
    known = {c.code for c in registrant_categories.all_categories(db)}
    kept = []
    for line, cleaned in rows:
        if "category" in cleaned and cleaned["category"] not in known:
            number = str(cleaned["registration_number"])
            plan.problems.append(RowProblem(line, number, "category", "import.category_unknown"))
        else:
            kept.append((line, cleaned))
    return kept


def _existing(db: Session, numbers: Iterable[str]) -> dict[str, dict]:
    """The stored column values of the records with these numbers, by number."""
    table = RegistryRecord.__table__
    found: dict[str, dict] = {}
    wanted = list(numbers)
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start : start + _BATCH]
        for record in db.execute(
            select(table).where(table.c.registration_number.in_(chunk))
        ).mappings():
            found[record["registration_number"]] = dict(record)
    return found


def _email_holders(db: Session, emails: set[str]) -> tuple[dict[str, str], dict[str, int]]:
    """Who already uses each address: registry numbers, and account ids."""
    records: dict[str, str] = {}
    accounts: dict[str, int] = {}
    wanted = sorted(emails)
    for start in range(0, len(wanted), _BATCH):
        chunk = wanted[start : start + _BATCH]
        for email, number in db.exec(
            select(RegistryRecord.email, RegistryRecord.registration_number).where(
                col(RegistryRecord.email).in_(chunk)
            )
        ).all():
            records[email] = number
        for email, account_id in db.exec(
            select(Account.email, Account.id).where(col(Account.email).in_(chunk))
        ).all():
            accounts[email] = account_id
    return records, accounts


def _plan(db: Session, text: str) -> tuple[ImportPlan, dict[str, dict]]:
    plan = ImportPlan()
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\x00extra")
    try:
        plan.columns, plan.file_problem = _header(reader.fieldnames)
        if plan.file_problem is not None:
            return plan, {}
        rows: list[tuple[int, dict[str, object]]] = []
        first_line: dict[str, int] = {}
        for raw in reader:
            line = reader.line_num
            if "\x00extra" in raw or None in raw.values():
                plan.problems.append(RowProblem(line, "", "", "import.cell_count"))
                continue
            if not any((v or "").strip() for v in raw.values()):
                continue
            values = dict(zip(plan.columns, raw.values(), strict=True))
            cleaned, problems = _clean_row(values)
            number = str(cleaned.get("registration_number") or values["registration_number"])
            if number in first_line:
                problems.append(
                    ("registration_number", "import.duplicate", {"line": first_line[number]})
                )
            else:
                first_line[number] = line
            for column, key, params in problems:
                plan.problems.append(RowProblem(line, number, column, key, params))
            if not problems:
                rows.append((line, cleaned))
    except csv.Error:
        plan.file_problem = ("import.unreadable", {})
        return plan, {}
    if not rows and not plan.problems:
        plan.file_problem = ("import.empty", {})
        return plan, {}
    rows = _known_categories(db, plan, rows)
    existing = _existing(db, (str(c["registration_number"]) for _, c in rows))
    _check_emails(db, plan, rows, existing)
    for line, cleaned in rows:
        number = str(cleaned["registration_number"])
        record = existing.get(number)
        if record is None:
            plan.new.append({**cleaned, "_line": line})
            continue
        changes = [
            FieldChange(name, shown(record[name]), shown(value))
            for name, value in cleaned.items()
            if name != "registration_number" and record[name] != value
        ]
        if changes:
            merged = {**record, **cleaned}
            name = f"{merged['family_name']} {merged['given_name']}"
            plan.changed.append(RowChange(line, number, name, changes))
            plan._cleaned[number] = cleaned
        else:
            plan.unchanged += 1
    plan.problems.sort(key=lambda p: p.line)
    return plan, existing


def _check_emails(
    db: Session,
    plan: ImportPlan,
    rows: list[tuple[int, dict[str, object]]],
    existing: dict[str, dict],
) -> None:
    """An address may belong to one record only, and must not be another person's sign-in."""
    emails = {str(c["email"]) for _, c in rows if c.get("email")}
    if not emails:
        return
    holders, accounts = _email_holders(db, emails)
    seen: dict[str, int] = {}
    bad_lines: set[int] = set()
    for line, cleaned in rows:
        email = cleaned.get("email")
        if not email:
            continue
        number = str(cleaned["registration_number"])
        record = existing.get(number)
        own_account = record["account_id"] if record else None
        if email in seen:
            plan.problems.append(
                RowProblem(line, number, "email", "import.duplicate_email", {"line": seen[email]})
            )
            bad_lines.add(line)
            continue
        seen[email] = line
        holder = holders.get(str(email))
        account = accounts.get(str(email))
        if (holder is not None and holder != number) or (
            account is not None and account != own_account
        ):
            plan.problems.append(RowProblem(line, number, "email", "email.taken"))
            bad_lines.add(line)
    if bad_lines:
        rows[:] = [(line, c) for line, c in rows if line not in bad_lines]


def plan(data: bytes, actor: Actor | None) -> ImportPlan:
    """What importing `data` would do; saves nothing. File-level trouble is in `file_problem`.
    For administrators (NotAllowed for anyone else) and the command line (`actor` None)."""
    if actor is not None:
        permissions.require_admin(actor)
    try:
        text = decode(data)
    except DomainError as exc:
        return ImportPlan(file_problem=(exc.key, exc.params))
    with transaction() as db:
        return _plan(db, text)[0]


def apply(
    data: bytes,
    actor: Actor | None,
    *,
    reason: str,
    source: str = "",
    invite: bool = True,
    progress: Progress | None = None,
) -> ImportResult:
    """Import `data` in one transaction, or raise ImportRefused and write nothing. By an
    administrator (NotAllowed for anyone else) or the command line (`actor` None)."""
    if actor is not None:
        permissions.require_admin(actor)
    text = decode(data)
    try:
        result = _apply(text, actor or SYSTEM, reason, source, invite, progress)
    except IntegrityError as exc:  # another import or edit won a race for a number or address
        raise DomainError("import.conflict") from exc
    if result.created + result.updated >= _BATCH:
        refresh_statistics("registry_record", "account", "record_change")
    return result


def _apply(
    text: str,
    by: Acting,
    reason: str,
    source: str,
    invite: bool,
    progress: Progress | None,
) -> ImportResult:
    with transaction() as db:
        the_plan, existing = _plan(db, text)
        if not the_plan.ok:
            raise ImportRefused(the_plan)
        total = len(the_plan.new) + len(the_plan.changed)
        done = 0
        invited = (
            activation.invite_new(db, [str(r["email"]) for r in the_plan.new if r.get("email")])
            if invite
            else {}
        )
        base = column_defaults(RegistryRecord)
        for start in range(0, len(the_plan.new), _BATCH):
            batch = []
            for row in the_plan.new[start : start + _BATCH]:
                values = {**base, **{k: v for k, v in row.items() if k != "_line"}}
                values["account_id"] = invited.get(str(values.get("email") or ""))
                values["search_text"] = _search_text(values)
                batch.append(values)
            bulk.insert_rows(db, RegistryRecord.__table__, batch)
            done += len(batch)
            if progress:
                progress(done, total)
        _update_changed(db, the_plan, existing, by.account_id, reason, progress, done, total)
        result = ImportResult(
            created=len(the_plan.new),
            updated=len(the_plan.changed),
            unchanged=the_plan.unchanged,
            invited=len(invited),
        )
        trail.record(
            db,
            "registry.imported",
            by,
            source=source[:200],
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            invited=result.invited,
        )
        return result


def _search_text(values: dict) -> str:
    return search_text.for_record(
        values["registration_number"],
        values["family_name"],
        values["given_name"],
        values["family_name_kana"],
        values["given_name_kana"],
        values["email"],
    )


def _update_changed(
    db: Session,
    the_plan: ImportPlan,
    existing: dict[str, dict],
    actor_id: int | None,
    reason: str,
    progress: Progress | None,
    done: int,
    total: int,
) -> None:
    """Write the changed records (every file column, the search text) and one history row per field."""
    table = RegistryRecord.__table__
    columns = [c for c in the_plan.columns if c != "registration_number"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({c: bindparam(f"b_{c}") for c in (*columns, "search_text", "updated_at")})
    )
    now = utcnow()
    for start in range(0, len(the_plan.changed), _BATCH):
        batch = the_plan.changed[start : start + _BATCH]
        params, history = [], []
        for row in batch:
            record = existing[row.number]
            merged = {**record, **the_plan._cleaned[row.number]}
            merged["search_text"], merged["updated_at"] = _search_text(merged), now
            params.append(
                {"b_id": record["id"]}
                | {f"b_{c}": merged[c] for c in (*columns, "search_text", "updated_at")}
            )
            history.extend(
                {
                    "record_id": record["id"],
                    "section": "import",
                    "field": change.field,
                    "old_value": change.old[:200],
                    "new_value": change.new[:200],
                    "changed_by": actor_id,
                    "by_staff": True,
                    "reason": reason[:500],
                    "changed_at": now,
                }
                for change in row.changes
            )
        db.execute(statement, params)
        bulk.insert_rows(db, RecordChange.__table__, history)
        done += len(batch)
        if progress:
            progress(done, total)
