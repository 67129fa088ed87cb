"""Registry values as a person reads them, in the page's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from portal.domain.registry import record_fields, records
from portal.i18n import format_date, translate
from portal.settings import get_settings


def display_value(field: str, value: object, lang: str) -> str:
    """Yes/no for flags, the translated status, dates per language, text as stored."""
    if isinstance(value, bool):
        return translate("record.yes" if value else "record.no", lang)
    if field.startswith("topic:"):
        return translate("record.yes" if value else "record.no", lang)
    if field == "status" and value:
        return translate(f"status.{value}", lang)
    if hasattr(value, "isoformat"):
        return format_date(value, lang)  # type: ignore[arg-type]
    return "" if value is None else str(value)


def change_text(field: str, text: str, lang: str) -> str:
    """A recorded change's value ('yes', 'expired', '2027-03-31') as a person reads it."""
    if (field in records.FLAGS or field.startswith("topic:")) and text in ("yes", "no"):
        return translate(f"record.{text}", lang)
    if field == "status" and text:
        return translate(f"status.{text}", lang)
    if field in record_fields.DATES and text:
        try:
            return format_date(dt.date.fromisoformat(text), lang)
        except ValueError:
            return text
    return text


def change_rows(
    changes: Iterable[records.FieldChange], lang: str, labels: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """Changes awaiting confirmation as rows of the changes table: field label key (or, for
    fields that are data such as added mail topics, the label itself), old, new.

    `labels` names such fields, and categories as "category:<code>"."""
    labels = labels or {}

    def value(field: str, text: str) -> str:
        if field == "category":
            return labels.get(f"category:{text}", text)
        return change_text(field, text, lang)

    return [
        {
            "key": f"field.{c.field}",
            "label": labels.get(c.field, ""),
            "old": value(c.field, c.old),
            "new": value(c.field, c.new),
        }
        for c in changes
    ]


def provider_text(linked: dt.datetime | None, lang: str) -> str:
    """For staff: whether an account is linked to the identity provider, and since when."""
    if linked is None:
        return translate("record.no", lang)
    name = get_settings().oidc.name if get_settings().oidc else ""
    return translate("staff.provider_linked", lang, provider=name, date=format_date(linked, lang))
