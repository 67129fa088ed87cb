import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal import i18n
from portal.domain.core import clock
from portal.i18n import format_date, format_datetime, keys, translate

LOCALES = Path(i18n.__file__).parent / "locales"
PLACEHOLDER = re.compile(r"{(\w+)}")


def _po(lang):
    with open(LOCALES / lang / "LC_MESSAGES" / "portal.po", "rb") as handle:
        return read_po(handle, locale=lang)


def _placeholders(text):
    return set(PLACEHOLDER.findall(text))


def test_both_catalogues_hold_the_same_messages_each_translated_with_its_placeholders():
    en = {m.context: m for m in _po("en") if m.id}
    ja = {m.context: m for m in _po("ja") if m.id}
    assert None not in en and set(en) == set(ja)
    for key, message in ja.items():
        assert message.id == en[key].id, key  # the Japanese file translates today's English
        assert not message.fuzzy, key
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{key} has no Japanese"
        wanted = _placeholders(english[0])
        assert all(_placeholders(e) == wanted for e in english), key
        assert all(_placeholders(s) == wanted for s in strings), key


def test_plural_forms_are_declared_per_language():
    assert _po("en").plural_forms == "nplurals=2; plural=(n != 1);"
    assert _po("ja").plural_forms == "nplurals=1; plural=0;"


def test_translate_fills_params_and_falls_back():
    assert (
        translate("code.wrong", "ja", tries=3) == "コードが正しくありません。あと3回入力できます。"
    )
    assert translate("no.such.key", "ja") == "no.such.key"
    assert translate("login.title", "fr") == "Sign in"


@pytest.mark.parametrize(
    ("count", "en", "ja"),
    [
        (0, "0 claims approved.", "0件を承認しました。"),
        (1, "1 claim approved.", "1件を承認しました。"),
        (2, "2 claims approved.", "2件を承認しました。"),
        (21, "21 claims approved.", "21件を承認しました。"),
    ],
)
def test_plural_messages_follow_the_count(count, en, ja):
    assert translate("review.bulk_done", "en", count=count) == en
    assert translate("review.bulk_done", "ja", count=count) == ja


def test_every_plural_message_has_a_count_placeholder():
    for message in _po("en"):
        if message.id and message.pluralizable:
            assert "count" in _placeholders(message.id[0]), message.context


def test_dates_per_language():
    day = dt.date(2026, 3, 31)
    assert format_date(day, "en") == "31 March 2026"
    assert format_date(day, "ja") == "2026年3月31日"


def test_timestamps_are_shown_in_the_association_time_zone():
    late = dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.UTC)  # 08:30 next morning in Tokyo
    assert format_datetime(late, "en") == "29 November 2026, 08:30"
    assert format_datetime(late, "ja") == "2026年11月29日 8:30"
    assert format_datetime(late.replace(tzinfo=None), "en") == "29 November 2026, 08:30"
    assert clock.local_date(late) == dt.date(2026, 11, 29)


def test_calendar_dates_are_never_shifted():
    assert format_date(dt.date(2026, 11, 28), "en") == "28 November 2026"


def test_every_record_field_shown_has_a_label():
    from portal.domain.registrants import exports, registry_admin
    from portal.domain.registry import records

    shown = {*registry_admin.FIELDS, *(f for fields in records.SECTIONS.values() for f in fields)}
    shown |= set(exports.COLUMNS)
    missing = sorted(f for f in shown if f"field.{f}" not in keys())
    assert missing == []


def test_page_messages_module_holds_both_languages_once(tmp_path):
    import json

    from portal.i18n import write_page_messages

    path = tmp_path / "assets" / "portal_messages.js"
    write_page_messages(path)
    body = path.read_text(encoding="utf-8").split("export const portalMessages = ", 1)[1]
    messages = json.loads(body.rstrip().rstrip(";"))
    assert messages["en"]["login.title"] == "Sign in"
    assert messages["ja"]["login.title"] == "ログイン"
    assert "review.bulk_done" not in messages["en"]  # plural messages are made on the server
    written = path.stat().st_mtime_ns
    write_page_messages(path)
    assert path.stat().st_mtime_ns == written  # unchanged catalogues: the file is left alone
