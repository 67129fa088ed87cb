"""The one translation function for pages, validation messages and mail.

`translate(key, lang, **params)` returns the message in `lang`, falling back
to English and then to the key itself, so a missing entry shows up plainly
instead of crashing. Both catalogues hold the same keys (a test checks it).
"""

from __future__ import annotations

import datetime as dt

from portal.i18n.en import MESSAGES as EN
from portal.i18n.ja import MESSAGES as JA

CATALOGUES: dict[str, dict[str, str]] = {"en": EN, "ja": JA}
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def translate(key: str, lang: str, **params: object) -> str:
    """The message `key` in `lang` with `params` filled in."""
    template = CATALOGUES.get(lang, EN).get(key) or EN.get(key) or key
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def catalogue(lang: str) -> dict[str, str]:
    """Every message of `lang` (English where it has none), for the pages."""
    return {**EN, **CATALOGUES.get(lang, {})}


def format_date(value: dt.date | None, lang: str) -> str:
    """`31 March 2026` in English, `2026年3月31日` in Japanese; empty for None."""
    if value is None:
        return ""
    if lang == "ja":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def format_datetime(value: dt.datetime | None, lang: str) -> str:
    """A UTC timestamp as date and minutes, per language."""
    if value is None:
        return ""
    return f"{format_date(value.date(), lang)} {value:%H:%M} UTC"
