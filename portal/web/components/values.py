"""Registry values as a person reads them, in the page's language."""

from __future__ import annotations

from portal.i18n import format_date, translate


def display_value(field: str, value: object, lang: str) -> str:
    """Yes/no for flags, the translated status, dates per language, text as stored."""
    if isinstance(value, bool):
        return translate("record.yes" if value else "record.no", lang)
    if field == "status" and value:
        return translate(f"status.{value}", lang)
    if hasattr(value, "isoformat"):
        return format_date(value, lang)  # type: ignore[arg-type]
    return "" if value is None else str(value)
