"""The one translation function for pages, validation messages and mail, and the one way a
date or a time is shown to a person.

Messages are gettext catalogues, `portal/i18n/locales/<lang>/LC_MESSAGES/portal.po`, read
with Babel when the process starts (no compiled `.mo` files to keep in step). Each entry's
`msgctxt` is the key the code uses and its `msgid` the English text; `en/portal.po` leaves
`msgstr` empty (English is the source), `ja/portal.po` translates. Entries with a plural
(`msgid_plural`) choose their form by the `count` parameter through the language's
`Plural-Forms` rule: English "1 claim" / "2 claims", Japanese one form.

`translate(key, lang, **params)` falls back to English and then to the key itself, so a
missing entry shows up plainly instead of crashing. Timestamps (stored in UTC) are shown in
the association's time zone (`PORTAL_TIMEZONE`); calendar dates are never shifted.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import json
from pathlib import Path

from babel import Locale
from babel import dates as babel_dates
from babel.messages.pofile import read_po

from portal.domain.core.clock import local
from portal.settings import LANGUAGES

LOCALES = Path(__file__).resolve().parent / "locales"
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}
# English dates read "31 March 2026" (day first, 24-hour clock): CLDR's British English.
_BABEL_LOCALE = {"en": "en_GB", "ja": "ja"}

Message = str | tuple[str, ...]


class _Catalogue:
    """One language's messages by key, and its plural rule."""

    def __init__(self, lang: str) -> None:
        with open(LOCALES / lang / "LC_MESSAGES" / "portal.po", "rb") as handle:
            po = read_po(handle, locale=lang, domain="portal")
        self.plural = gettext.c2py(po.plural_expr)
        self.messages: dict[str, Message] = {}
        for entry in po:
            if not entry.id or not entry.context:
                continue
            if entry.pluralizable:
                forms = tuple(entry.string) if any(entry.string) else tuple(entry.id)
                self.messages[entry.context] = forms
            else:
                self.messages[entry.context] = entry.string or entry.id


@functools.cache
def _catalogue(lang: str) -> _Catalogue:
    return _Catalogue(lang)


def _form(lang: str, message: Message, count: object) -> str:
    if isinstance(message, str):
        return message
    n = count if isinstance(count, int) else 0
    index = _catalogue(lang).plural(n)
    return message[min(index, len(message) - 1)]


def translate(key: str, lang: str, **params: object) -> str:
    """The message `key` in `lang` with `params` filled in; plural forms follow `count`."""
    lang = lang if lang in LANGUAGES else "en"
    message = _catalogue(lang).messages.get(key)
    if message is None:
        lang, message = "en", _catalogue("en").messages.get(key, key)
    template = _form(lang, message, params.get("count"))
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


def language_from_header(accept_language: str) -> str | None:
    """The portal language a browser's `Accept-Language` prefers most (by q-value, then
    order), or None when it names neither: `ja-JP,ja;q=0.9,en;q=0.8` gives `ja`."""
    ranked = []
    for position, part in enumerate(accept_language.split(",")[:32]):
        tag, *options = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for option in options:
            name, _, value = option.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = tag.split("-")[0].lower()
        if quality > 0 and language in LANGUAGES:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def keys() -> set[str]:
    """Every message key (the English catalogue's; a test keeps Japanese in step)."""
    return set(_catalogue("en").messages)


def write_page_messages(path: Path) -> None:
    """Write the page text of every language (messages without a plural; English where a
    language has none) as the JavaScript module the frontend bundles, if it changed.

    The build runs this once (`portal/web/components/text.py`); the browser caches the
    bundle, so no page ever receives the catalogue over the websocket.
    """
    messages = {}
    for lang in LANGUAGES:
        merged = {**_catalogue("en").messages, **_catalogue(lang).messages}
        messages[lang] = {key: text for key, text in merged.items() if isinstance(text, str)}
    body = json.dumps(messages, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    module = (
        "// Generated from portal/i18n/locales by portal.i18n.write_page_messages.\n"
        f"export const portalMessages = {body};\n"
    )
    if not path.exists() or path.read_text(encoding="utf-8") != module:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(module, encoding="utf-8")


def format_date(value: dt.date | None, lang: str) -> str:
    """A calendar date as people write it: `31 March 2026`, `2026年3月31日`; empty for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):  # a timestamp: its day where the association is
        value = local(value).date()
    return _format_day(value, lang)


@functools.lru_cache(maxsize=4096)
def _format_day(value: dt.date, lang: str) -> str:
    # CLDR formatting costs ~0.3 ms; a page shows the same few days again and again.
    return babel_dates.format_date(value, "long", locale=_BABEL_LOCALE.get(lang, "en_GB"))


def format_date_range(first: dt.date, last: dt.date, lang: str) -> str:
    """One day as `format_date` writes it, or a span of days as CLDR writes intervals:
    `10 – 12 Dec 2026`, `2026年12月10日～12日`."""
    if first == last:
        return format_date(first, lang)
    locale = _BABEL_LOCALE.get(lang, "en_GB")
    return babel_dates.format_interval(first, last, "yMMMMd", locale=locale)


def format_datetime(value: dt.datetime | None, lang: str) -> str:
    """A stored timestamp in the association's zone, date and minutes: `29 November 2026, 08:30`,
    `2026年11月29日 8:30`; empty for None."""
    if value is None:
        return ""
    locale = Locale.parse(_BABEL_LOCALE.get(lang, "en_GB"))
    moment = local(value)
    day = babel_dates.format_date(moment.date(), "long", locale=locale)
    time = babel_dates.format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale)
    pattern = str(babel_dates.get_datetime_format("medium", locale=locale))
    return pattern.replace("{1}", day).replace("{0}", time)


def format_duration(amount: int, unit: str, lang: str) -> str:
    """A whole number of `minute`, `hour` or `day` units with its plural: `1 minute`,
    `24 hours`, `5日`."""
    return translate(f"duration.{unit}s", lang, count=amount)
