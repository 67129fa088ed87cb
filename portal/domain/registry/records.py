"""A registrant's record in sections, edited one section at a time with a recorded history.

Guarantees:
- Only a section's own fields can change through it (anything else in the
  input is ignored): status, validity, registration number and birth date are
  never editable by a registrant.
- `preview()` validates and lists exactly what would change (old → new)
  without saving; `apply()` validates again and saves the changes and one
  RecordChange row per changed field (who, when, old, new, reason) in one
  transaction, returning what changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from portal.domain.audit import trail
from portal.domain.audit.trail import Acting
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError, FieldErrors
from portal.domain.registry import mail_topics, record_fields, registrant_categories
from portal.domain.registry.mail_topics import FIELD_PREFIX
from portal.domain.registry.tables import RecordChange, RegistryRecord

SECTIONS: dict[str, tuple[str, ...]] = {
    "basic": (
        "family_name",
        "given_name",
        "family_name_kana",
        "given_name_kana",
        "postal_code",
        "address",
        "phone",
        "category",
    ),
    "workplace": (
        "employer",
        "department",
        "position",
        "workplace_address",
        "workplace_phone",
        "licence_number",
    ),
    # The built-in mail topics; the topics admins added join as "topic:<code>" fields.
    "mail": ("newsletter", "other_notices"),
}
STAFF_SECTIONS: dict[str, tuple[str, ...]] = {
    **SECTIONS,
    "certification": (
        "birth_date",
        "email",
        "certified_on",
        "valid_from",
        "valid_until",
        "status",
    ),
}
FLAGS = frozenset({"newsletter", "other_notices"})
MAX_REASON = 500


@dataclass(frozen=True)
class FieldChange:
    """One field that changes: its name and the old and new values as shown."""

    field: str
    old: str
    new: str


def shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _cleaned(
    section: str, values: dict, sections: dict[str, tuple[str, ...]] = SECTIONS
) -> dict[str, object]:
    if section not in sections or not isinstance(values, dict):
        raise DomainError("error.not_allowed")
    cleaned: dict[str, object] = {}
    errors: dict[str, tuple[str, dict]] = {}
    topic_fields = [f for f in values if isinstance(f, str) and f.startswith(FIELD_PREFIX)]
    for field in (*sections[section], *(topic_fields if section == "mail" else ())):
        if field not in values:
            continue
        raw = values[field]
        if field == "category":
            if not isinstance(raw, str) or len(raw) > 32:
                errors[field] = ("record.category_unknown", {})
            else:
                cleaned[field] = raw.strip()
            continue
        if field in FLAGS or field.startswith(FIELD_PREFIX):
            if not isinstance(raw, bool):
                errors[field] = ("record.invalid", {})
            else:
                cleaned[field] = raw
            continue
        try:
            cleaned[field] = record_fields.clean(field, raw)
        except DomainError as exc:
            errors[field] = (exc.key, exc.params)
    if errors:
        raise FieldErrors(errors)
    return cleaned


def _record_of(db: Session, account_id: int) -> RegistryRecord:
    record = db.exec(select(RegistryRecord).where(RegistryRecord.account_id == account_id)).first()
    if record is None:
        raise DomainError("error.not_allowed")
    return record


def _checked(
    db: Session, record: RegistryRecord, cleaned: dict[str, object], by_staff: bool
) -> dict[str, object]:
    """`cleaned` without unknown topics, after the category rule (categories.check_move)."""
    if "category" in cleaned:
        registrant_categories.check_move(db, record.category, str(cleaned["category"]), by_staff)
    return {
        field: value
        for field, value in cleaned.items()
        if not field.startswith(FIELD_PREFIX) or mail_topics.field_topic(db, field) is not None
    }


def _diff(db: Session, record: RegistryRecord, cleaned: dict[str, object]) -> list[FieldChange]:
    choices = (
        mail_topics.current(db, record) if any(f.startswith(FIELD_PREFIX) for f in cleaned) else {}
    )
    changes = []
    for field, value in cleaned.items():
        old = choices[field] if field.startswith(FIELD_PREFIX) else getattr(record, field)
        if old != value:
            changes.append(FieldChange(field, shown(old), shown(value)))
    return changes


def preview(actor: Acting, section: str, values: dict) -> list[FieldChange]:
    """What saving `values` into the `section` of `actor`'s own record would change; saves
    nothing."""
    cleaned = _cleaned(section, values)
    with transaction() as db:
        record = _record_of(db, actor.account_id)
        return _diff(db, record, _checked(db, record, cleaned, by_staff=False))


def apply(actor: Acting, section: str, values: dict) -> list[FieldChange]:
    """Save the registrant's own `section` (the record of `actor`'s account) and record every
    changed field; returns the changes."""
    cleaned = _cleaned(section, values)
    with transaction() as db:
        record = _record_of(db, actor.account_id)
        cleaned = _checked(db, record, cleaned, by_staff=False)
        return _save(db, record, section, cleaned, by=actor, reason="")


def apply_mail_choices(db: Session, record: RegistryRecord, values: dict, by: Acting):
    """Save mail-topic choices made by the holder of the record's address (a preferences link
    in a mail), recorded like the registrant's own edit; returns the changes."""
    cleaned = _checked(db, record, _cleaned("mail", values), by_staff=False)
    return _save(db, record, "mail", cleaned, by=by, reason="")


def _staff_input(record: RegistryRecord, section: str, values: dict) -> dict[str, object]:
    cleaned = _cleaned(section, values, STAFF_SECTIONS)
    if "birth_date" in cleaned and cleaned["birth_date"] is None:
        raise FieldErrors({"birth_date": ("record.required", {})})
    start = cleaned.get("valid_from", record.valid_from)
    end = cleaned.get("valid_until", record.valid_until)
    if start and end and start > end:
        raise FieldErrors({"valid_until": ("import.period", {})})
    return cleaned


def _staff_record(db: Session, record_id: int) -> RegistryRecord:
    record = db.get(RegistryRecord, record_id)
    if record is None:
        raise DomainError("admin.record_not_found")
    return record


def staff_preview(record_id: int, section: str, values: dict) -> list[FieldChange]:
    """What a staff edit of any section of the record would change; saves nothing."""
    with transaction() as db:
        record = _staff_record(db, record_id)
        return _diff(db, record, _checked(db, record, _staff_input(record, section, values), True))


def staff_apply(
    record_id: int, section: str, values: dict, by: Acting, *, reason: str
) -> list[FieldChange]:
    """Save a staff edit; every changed field is recorded with the staff member and the reason.

    The reason is required: the history must explain every change later.
    """
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise FieldErrors({"reason": ("admin.reason_required", {})})
    if len(reason) > MAX_REASON:
        raise FieldErrors({"reason": ("record.too_long", {"max": MAX_REASON})})
    with transaction() as db:
        record = _staff_record(db, record_id)
        cleaned = _checked(db, record, _staff_input(record, section, values), by_staff=True)
        return _save(db, record, section, cleaned, by=by, reason=reason, staff=True)


def _save(
    db: Session,
    record: RegistryRecord,
    section: str,
    cleaned: dict[str, object],
    *,
    by: Acting,
    reason: str,
    staff: bool = False,
) -> list[FieldChange]:
    changes = _diff(db, record, cleaned)
    if not changes:
        return []
    now = utcnow()
    for change in changes:
        if change.field in FLAGS or change.field.startswith(FIELD_PREFIX):
            mail_topics.store(db, record, change.field, bool(cleaned[change.field]))
        else:
            setattr(record, change.field, cleaned[change.field])
        db.add(
            RecordChange(
                record_id=record.id,
                section=section,
                field=change.field,
                old_value=change.old[:200],
                new_value=change.new[:200],
                changed_by=by.account_id,
                by_staff=staff,
                reason=reason[:MAX_REASON],
                changed_at=now,
            )
        )
    record.updated_at = now
    trail.record(
        db,
        "record.changed",
        by,
        target=f"record:{record.id}",
        section=section,
        fields=[c.field for c in changes],
        **({"reason": reason} if staff else {}),
    )
    return changes


def history(record_id: int) -> list[RecordChange]:
    """Every recorded change of a record, newest first."""
    with transaction() as db:
        return list(
            db.exec(
                select(RecordChange)
                .where(RecordChange.record_id == record_id)
                .order_by(col(RecordChange.changed_at).desc(), col(RecordChange.id).desc())
            ).all()
        )


@dataclass(frozen=True)
class RecordView:
    """A registrant's own record as plain values, with the last change time of each section."""

    values: dict[str, object]
    updated: dict[str, object]


def view(actor: Acting) -> RecordView:
    """The record of `actor`'s account: every section field plus the certification facts."""
    with transaction() as db:
        record = _record_of(db, actor.account_id)
        fields = [f for section in SECTIONS.values() for f in section]
        certification = (
            "registration_number",
            "certified_on",
            "valid_from",
            "valid_until",
            "status",
            "birth_date",
        )
        values = {f: getattr(record, f) for f in (*fields, *certification)}
        values.update(mail_topics.current(db, record))
        updated = {}
        for section in SECTIONS:
            last = db.exec(
                select(RecordChange.changed_at)
                .where(RecordChange.record_id == record.id, RecordChange.section == section)
                .order_by(col(RecordChange.changed_at).desc())
            ).first()
            updated[section] = last
        return RecordView(values=values, updated=updated)
