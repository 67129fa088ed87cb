"""How registry fields are typed by real people, and how they are stored.

Guarantee: `clean(field, value)` returns the stored form of an accepted value
or raises DomainError naming why (a catalogue key). Japanese keyboard input is
accepted as typed: full-width digits and hyphens, 〒, the long vowel mark ー,
full-width spaces; hiragana readings are stored in katakana.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from portal.domain.core import email_address, typed_dates
from portal.domain.core.errors import DomainError

_DASHES = "‐‑‒–—―−ー－ｰ"
_POSTAL = re.compile(r"^(\d{3})-?(\d{4})$")
_PHONE = re.compile(r"^[0-9-]{6,20}$")
_KATAKANA = re.compile(r"^[\u30A0-\u30FF\u3000 ]*$")

LIMITS = {
    "family_name": 100,
    "given_name": 100,
    "family_name_kana": 100,
    "given_name_kana": 100,
    "postal_code": 8,
    "address": 200,
    "phone": 20,
    "employer": 200,
    "department": 100,
    "position": 100,
    "workplace_address": 200,
    "workplace_phone": 20,
    "licence_number": 32,
}
REQUIRED = frozenset({"family_name", "given_name", "birth_date", "registration_number"})
DATES = frozenset({"birth_date", "certified_on", "valid_from", "valid_until"})
STATUSES = ("active", "expired", "withdrawn")
_NUMBER = re.compile(r"^[A-Za-z0-9-]{1,32}$")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc, exactly


def has_control_chars(value: str) -> bool:
    """True when `value` holds a control character (Unicode category Cc)."""
    return bool(_CONTROL.search(value))


def _text(value: str, field: str) -> str:
    if has_control_chars(value):
        raise DomainError("record.control_chars", field=field)
    value = value.strip().replace("\u3000", " ").strip()
    if field in REQUIRED and not value:
        raise DomainError("record.required", field=field)
    return value


def _digits_and_dashes(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value)
    return "".join("-" if ch in _DASHES else ch for ch in folded).replace(" ", "")


def _kana(value: str, field: str) -> str:
    value = unicodedata.normalize("NFKC", value)
    converted = "".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in value)
    if not _KATAKANA.match(converted):
        raise DomainError("record.kana", field=field)
    return converted


def _postal(value: str, field: str) -> str:
    folded = _digits_and_dashes(value).removeprefix("〒")
    if not folded:
        return ""
    match = _POSTAL.match(folded)
    if match is None:
        raise DomainError("record.postal_code", field=field)
    return f"{match[1]}-{match[2]}"


def _phone(value: str, field: str) -> str:
    folded = _digits_and_dashes(value)
    if folded and not _PHONE.match(folded):
        raise DomainError("record.phone", field=field)
    return folded


def _typed(field: str, text: str) -> object:
    """Fields whose stored form is not the text itself (dates, address, number, status)."""
    if not text:
        return None
    if field in DATES:
        parsed = typed_dates.parse(text)
        if parsed is None:
            raise DomainError("record.date", field=field)
        return parsed
    if field == "email":
        if (key := email_address.problem(text)) is not None:
            raise DomainError(key, field=field)
        return email_address.normalize(text)
    if field == "registration_number":
        number = unicodedata.normalize("NFKC", text)
        if not _NUMBER.match(number):
            raise DomainError("record.number", field=field)
        return number
    if text not in STATUSES:
        raise DomainError("record.invalid", field=field)
    return text


def clean(field: str, value: object) -> str | dt.date | None:
    """The stored form of `value` for `field`; DomainError (with the field) when refused.

    Dates and the e-mail address come back as None when left blank.
    """
    if not isinstance(value, str) or len(value) > 1000:
        raise DomainError("record.invalid", field=field)
    text = _text(value, field)
    if field in DATES or field in ("email", "registration_number", "status"):
        return _typed(field, text)
    if field in ("family_name_kana", "given_name_kana"):
        stored = _kana(text, field)
    elif field == "postal_code":
        stored = _postal(text, field)
    elif field in ("phone", "workplace_phone"):
        stored = _phone(text, field)
    else:
        stored = text
    if len(stored) > LIMITS[field]:
        raise DomainError("record.too_long", field=field, max=LIMITS[field])
    return stored
