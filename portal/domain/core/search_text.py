"""The form in which registry text is searched: width- and case-insensitive, kana-folded.

Guarantee: `fold()` maps full-width and half-width forms, upper and lower case,
and hiragana and katakana to one form, so "ＹＡＭＡＤＡ", "yamada" and
"やまだ"/"ヤマダ" find the same people.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """`text` in the comparison form."""
    normalized = unicodedata.normalize("NFKC", text).lower()
    return "".join(chr(ord(ch) + 0x60) if "ぁ" <= ch <= "ゖ" else ch for ch in normalized)


def for_record(
    registration_number: str,
    family_name: str,
    given_name: str,
    family_name_kana: str,
    given_name_kana: str,
    email: str | None,
) -> str:
    """The folded text a record is found by (number, names both ways round, readings, e-mail)."""
    parts = (
        registration_number,
        f"{family_name}{given_name}",
        f"{family_name} {given_name}",
        f"{given_name} {family_name}",
        f"{family_name_kana}{given_name_kana}",
        email or "",
    )
    return fold(" | ".join(parts))[:1000]
