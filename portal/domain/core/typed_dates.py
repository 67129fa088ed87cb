"""Dates as people type them: 1985-04-23, 1985/4/23, 19850423, １９８５年４月２３日."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_SEPARATED = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse(text: str) -> dt.date | None:
    """The date `text` means, or None when it is not a real calendar date."""
    normalized = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    match = _SEPARATED.match(normalized) or _COMPACT.match(normalized)
    if match is None:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
