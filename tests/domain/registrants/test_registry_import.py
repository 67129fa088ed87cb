import datetime as dt

import pytest
from sqlmodel import col, func, select

from portal.domain.accounts.tables import Account
from portal.domain.audit.tables import AuditEvent
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.registrants import exports, registry_import
from portal.domain.registrants.registry_search import RegistryQuery
from portal.domain.registry.tables import RecordChange, RegistryRecord
from tests import factories
from tests.factories import HEADER
from tests.factories import ledger_csv as csv_text
from tests.factories import ledger_row as row
from tests.support.people import reviewer


def count(model) -> int:
    with transaction() as db:
        return db.exec(select(func.count()).select_from(model)).one()


def record(number: str) -> RegistryRecord:
    with transaction() as db:
        return db.exec(
            select(RegistryRecord).where(RegistryRecord.registration_number == number)
        ).one()


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "cp932"])
def test_utf8_with_or_without_bom_and_excel_shift_jis_are_read(db, codec):
    data = csv_text(row()).encode(codec)
    plan = registry_import.plan(data, None)
    assert plan.ok and len(plan.new) == 1
    new = plan.new[0]
    assert new["family_name"] == "山田" and new["family_name_kana"] == "ヤマダ"
    assert new["postal_code"] == "123-4567" and new["birth_date"] == dt.date(1980, 4, 1)


def test_a_file_in_another_encoding_is_refused_with_the_reason(db):
    plan = registry_import.plan(csv_text(row()).encode("utf-16"), None)
    assert plan.file_problem == ("import.encoding", {})


def test_missing_and_unknown_columns_are_named(db):
    missing = registry_import.plan(b"registration_number,family_name\r\nR1,A\r\n", None)
    assert missing.file_problem == (
        "import.missing_columns",
        {"columns": "given_name, birth_date"},
    )
    unknown = registry_import.plan((HEADER + ",favourite_colour\r\n").encode(), None)
    assert unknown.file_problem == ("import.unknown_columns", {"columns": "favourite_colour"})
    assert registry_import.plan(HEADER.encode(), None).file_problem == ("import.empty", {})


def test_every_bad_row_is_reported_with_line_column_and_reason(db):
    data = csv_text(
        row("R0001"),
        row("R0002", birth_date="1980-02-30"),
        row("R0003", phone="03 1234 5678x", postal_code="12-34"),
        row("R0001", given="Again"),
        row("R 4"),
        row("R0005", newsletter="maybe", valid_from="2031-01-01"),
        "R0006,only,three",
    ).encode()
    plan = registry_import.plan(data, None)
    found = {(p.line, p.column, p.key) for p in plan.problems}
    assert found == {
        (3, "birth_date", "record.date"),
        (4, "phone", "record.phone"),
        (4, "postal_code", "record.postal_code"),
        (5, "registration_number", "import.duplicate"),
        (6, "registration_number", "record.number"),
        (7, "newsletter", "import.yes_no"),
        (7, "valid_until", "import.period"),
        (8, "", "import.cell_count"),
    }
    assert not plan.ok and plan.rows_with_problems == 6 and len(plan.new) == 1


def test_addresses_are_unique_across_the_file_and_the_registry(db):
    factories.registrant(email="taken@example.com")
    data = csv_text(
        row("R0001", email="a@example.com"),
        row("R0002", email="A@Example.com"),
        row("R0003", email="taken@example.com"),
    ).encode()
    plan = registry_import.plan(data, None)
    assert [(p.line, p.key) for p in plan.problems] == [
        (3, "import.duplicate_email"),
        (4, "email.taken"),
    ]


def test_nothing_is_written_when_one_row_is_wrong(db):
    before = (count(RegistryRecord), count(Account), count(AuditEvent))
    data = csv_text(row("R0001", email="a@example.com"), row("R0002", phone="phone")).encode()
    with pytest.raises(registry_import.ImportRefused) as refused:
        registry_import.apply(data, None, reason="import")
    assert refused.value.key == "import.has_errors"
    assert (count(RegistryRecord), count(Account), count(AuditEvent)) == before


def test_preview_lists_new_changed_and_unchanged_rows_then_apply_records_history(db):
    first = csv_text(row("R0001", email="one@example.com"), row("R0002"), row("R0003")).encode()
    result = registry_import.apply(first, None, reason="first load", source="a.csv")
    assert (result.created, result.updated, result.invited) == (3, 0, 1)
    assert record("R0002").search_text  # the search index is filled for imported rows

    second = csv_text(
        row("R0001", email="one@example.com"),
        row("R0002", employer="New Employer", newsletter="no"),
        row("R0004", given="新人"),
    ).encode()
    plan = registry_import.plan(second, None)
    assert plan.ok and plan.unchanged == 1 and len(plan.new) == 1
    [changed] = plan.changed
    assert changed.number == "R0002" and {(c.field, c.old, c.new) for c in changed.changes} == {
        ("employer", "Example Care", "New Employer"),
        ("newsletter", "yes", "no"),
    }
    assert count(RegistryRecord) == 3  # the preview saved nothing

    result = registry_import.apply(second, None, reason="April update", source="b.csv")
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert record("R0002").employer == "New Employer" and record("R0002").newsletter is False
    with transaction() as db_:
        history = db_.exec(select(RecordChange).order_by(col(RecordChange.field))).all()
        events = db_.exec(select(AuditEvent).where(AuditEvent.action == "registry.imported")).all()
    assert [(h.field, h.reason, h.by_staff) for h in history] == [
        ("employer", "April update", True),
        ("newsletter", "April update", True),
    ]
    assert [e.detail["source"] for e in events] == ["a.csv", "b.csv"]
    assert events[-1].detail["created"] == 1 and events[-1].detail["updated"] == 1


def test_new_registrants_with_an_address_are_invited_in_their_language(db):
    data = csv_text(row("R0001", email="new@example.com"), row("R0002")).encode()
    registry_import.apply(data, None, reason="import")
    [mail] = factories.outbox("new@example.com", "activation_invite")
    assert len(mail.params["code"]) >= 12
    assert record("R0001").account_id is not None and record("R0002").account_id is None
    assert registry_import.plan(data, None).unchanged == 2


def test_an_exported_file_imports_back_unchanged(db):
    data = csv_text(row("R0001", address="=SUM(A1)", family="-Minus")).encode()
    registry_import.apply(data, None, reason="import")
    exported = b"".join(exports.export_csv(reviewer(), RegistryQuery(), "utf-8"))
    assert b"'=SUM(A1)" in exported
    plan = registry_import.plan(exported, None)
    assert plan.ok and plan.unchanged == 1
    sjis = b"".join(exports.export_csv(reviewer(), RegistryQuery(), "shift_jis"))
    assert registry_import.plan(sjis, None).unchanged == 1


def test_columns_left_out_of_the_file_keep_their_values(db):
    registry_import.apply(csv_text(row("R0001")).encode(), None, reason="import")
    short = "registration_number,family_name,given_name,birth_date\r\nR0001,山田,花子,1980/4/1\r\n".encode()
    assert registry_import.plan(short, None).unchanged == 1
    cleared = "registration_number,family_name,given_name,birth_date,employer\r\nR0001,山田,花子,1980-04-01,\r\n".encode()
    [changed] = registry_import.plan(cleared, None).changed
    assert [(c.field, c.new) for c in changed.changes] == [("employer", "")]


def test_progress_is_reported_as_rows_are_written(db):
    rows = [row(f"R{n:05d}") for n in range(2500)]
    seen = []
    registry_import.apply(
        csv_text(*rows).encode(),
        None,
        reason="import",
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_an_oversized_file_is_refused_before_it_is_read(db, monkeypatch):
    monkeypatch.setattr(registry_import, "MAX_BYTES", 10)
    assert registry_import.plan(b"x" * 11, None).file_problem == ("import.too_large", {"mb": 0})
    with pytest.raises(DomainError):
        registry_import.apply(b"x" * 11, None, reason="")


def test_imported_and_reimported_names_are_found_by_search(db):
    from portal.domain.registrants import registry_search

    def found(text: str) -> list[str]:
        query = registry_search.RegistryQuery(text=text)
        return [r.registration_number for r in registry_search.search(reviewer(), query).rows]

    registry_import.apply(csv_text(row("R0001", family="Oldname")).encode(), None, reason="")
    assert found("oldname") == ["R0001"] and found("OLDN") == ["R0001"]
    registry_import.apply(csv_text(row("R0001", family="Newname")).encode(), None, reason="")
    assert found("newname") == ["R0001"] and found("oldname") == []


def test_the_category_column_is_optional_checked_and_kept(db):
    from tests.support.catalogue import add_category

    add_category("student", self_service=True)
    data = csv_text(row("R0001", category="Student"), row("R0002"), row("R0003", category="ghost"))
    plan = registry_import.plan(data.encode(), None)
    assert [(p.number, p.column, p.key) for p in plan.problems] == [
        ("R0003", "category", "import.category_unknown")
    ]
    registry_import.apply(
        csv_text(row("R0001", category="student"), row("R0002")).encode(), None, reason="i"
    )
    assert (record("R0001").category, record("R0002").category) == ("student", "general")
    old_format = (
        "registration_number,family_name,given_name,birth_date\r\nR0001,山田,花子,1980-04-01\r\n"
    )
    assert registry_import.plan(old_format.encode(), None).unchanged == 1  # the category stays
    exported = b"".join(exports.export_csv(reviewer(), RegistryQuery(), "utf-8")).decode(
        "utf-8-sig"
    )
    assert exported.splitlines()[0].endswith(",newsletter,category")
    assert ",student" in exported.splitlines()[1]
