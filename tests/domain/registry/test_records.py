"""Registry record sections: field rules, preview, saving with history, mass assignment."""

import pytest
from sqlmodel import select

from portal.domain.accounts import operations
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.registry import record_fields, records
from portal.domain.registry.tables import RecordChange, RegistryRecord
from tests import factories
from tests.support.people import acting_as


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("postal_code", "〒１２３－４５６７", "123-4567"),
        ("postal_code", "1234567", "123-4567"),
        ("postal_code", "", ""),
        ("phone", "０３ー１２３４ー５６７８", "03-1234-5678"),
        ("family_name_kana", "やまだ", "ヤマダ"),
        ("given_name_kana", "タロウ　ジロー", "タロウ ジロー"),
        ("family_name", "  髙橋\u3000", "髙橋"),
        ("address", "東京都千代田区１－１", "東京都千代田区１－１"),
    ],
)
def test_japanese_input_is_accepted_as_typed(field, typed, stored):
    assert record_fields.clean(field, typed) == stored


@pytest.mark.parametrize(
    ("field", "typed", "key"),
    [
        ("postal_code", "12-34567", "record.postal_code"),
        ("phone", "03 1234 5678 ext. 9", "record.phone"),
        ("family_name_kana", "Yamada", "record.kana"),
        ("family_name", "", "record.required"),
        ("address", "a\x07b", "record.control_chars"),
        ("employer", "x" * 201, "record.too_long"),
        ("phone", ["03"], "record.invalid"),
    ],
)
def test_bad_input_is_refused_with_a_reason(field, typed, key):
    with pytest.raises(DomainError) as refused:
        record_fields.clean(field, typed)
    assert refused.value.key == key and refused.value.field == field


def test_preview_lists_changes_and_saves_nothing(db):
    account_id = factories.registrant("edit@example.com")
    changes = records.preview(
        acting_as(account_id),
        "workplace",
        {"employer": "Acme 人材", "workplace_phone": "０３-1111-2222"},
    )
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("employer", "", "Acme 人材"),
        ("workplace_phone", "", "03-1111-2222"),
    ]
    with transaction() as db_session:
        assert db_session.exec(select(RegistryRecord.employer)).one() == ""


def test_apply_saves_and_records_each_changed_field(db):
    account_id = factories.registrant("history@example.com")
    records.apply(acting_as(account_id), "basic", {"phone": "090-1234-5678", "address": ""})
    records.apply(acting_as(account_id), "mail", {"newsletter": False, "phone": "ignored"})
    with transaction() as db_session:
        record = db_session.exec(select(RegistryRecord)).one()
        rows = db_session.exec(select(RecordChange)).all()
    assert record.phone == "090-1234-5678" and record.newsletter is False
    assert {(r.field, r.old_value, r.new_value, r.changed_by, r.by_staff) for r in rows} == {
        ("phone", "", "090-1234-5678", account_id, False),
        ("newsletter", "yes", "no", account_id, False),
    }
    assert [h.field for h in records.history(record.id)]  # newest first, both present
    assert (
        records.apply(acting_as(account_id), "basic", {"phone": "090-1234-5678"}) == []
    )  # nothing new


def test_a_section_cannot_carry_other_fields(db):
    account_id = factories.registrant("sneaky@example.com")
    payload = {
        "employer": "X",
        "status": "active",
        "valid_until": "2099-12-31",
        "registration_number": "HACK",
        "birth_date": "1900-01-01",
        "account_id": 1,
    }
    changes = records.apply(acting_as(account_id), "workplace", payload)
    assert [c.field for c in changes] == ["employer"]
    with transaction() as db_session:
        record = db_session.exec(select(RegistryRecord)).one()
    assert record.registration_number != "HACK" and str(record.valid_until) != "2099-12-31"
    with pytest.raises(DomainError):
        records.apply(acting_as(account_id), "certification", {"status": "active"})


def test_errors_come_per_field_and_nothing_is_saved(db):
    account_id = factories.registrant("typo@example.com")
    with pytest.raises(FieldErrors) as refused:
        records.apply(
            acting_as(account_id),
            "basic",
            {"phone": "call me", "postal_code": "12", "address": "ok"},
        )
    assert set(refused.value.fields) == {"phone", "postal_code"}
    with transaction() as db_session:
        assert db_session.exec(select(RecordChange)).all() == []


def test_staff_changes_carry_who_and_why_and_may_touch_certification(db):
    account_id = factories.registrant("staffedit@example.com")
    staff_id = operations.create_staff(
        "clerk@example.com", "Tangerine-Bicycle-77", "admin", "Clerk"
    )
    with transaction() as db_session:
        record_id = db_session.exec(select(RegistryRecord.id)).one()
    with pytest.raises(FieldErrors) as refused:
        records.staff_apply(
            record_id, "basic", {"address": "大阪市"}, acting_as(staff_id), reason=" "
        )
    assert refused.value.fields == {"reason": ("admin.reason_required", {})}
    changes = records.staff_preview(
        record_id, "certification", {"valid_until": "2031/3/31", "status": "withdrawn"}
    )
    assert {(c.field, c.new) for c in changes} == {
        ("valid_until", "2031-03-31"),
        ("status", "withdrawn"),
    }
    records.staff_apply(
        record_id, "certification", {"status": "withdrawn"}, acting_as(staff_id), reason="letter"
    )
    with transaction() as db_session:
        row = db_session.exec(select(RecordChange)).one()
        record = db_session.exec(select(RegistryRecord)).one()
    assert (row.by_staff, row.changed_by, row.reason) == (True, staff_id, "letter")
    assert record.status == "withdrawn" and account_id == record.account_id
    for bad in ({"status": "gone"}, {"valid_from": "2099-01-01"}, {"birth_date": ""}):
        with pytest.raises(FieldErrors):
            records.staff_apply(record_id, "certification", bad, acting_as(staff_id), reason="x")
