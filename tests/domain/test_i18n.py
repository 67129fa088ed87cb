import datetime as dt
import re

from portal.i18n import CATALOGUES, format_date, translate


def test_both_catalogues_hold_the_same_keys_and_placeholders():
    en, ja = CATALOGUES["en"], CATALOGUES["ja"]
    assert set(en) == set(ja)
    for key in en:
        assert set(re.findall(r"{(\w+)}", en[key])) == set(re.findall(r"{(\w+)}", ja[key])), key


def test_translate_fills_params_and_falls_back():
    assert (
        translate("code.wrong", "ja", tries=3) == "コードが正しくありません。あと3回入力できます。"
    )
    assert translate("no.such.key", "ja") == "no.such.key"
    assert translate("login.title", "fr") == "Sign in"


def test_dates_per_language():
    day = dt.date(2026, 3, 31)
    assert format_date(day, "en") == "31 March 2026"
    assert format_date(day, "ja") == "2026年3月31日"


def test_every_record_field_shown_has_a_label():
    from portal.domain.registrants import exports, registry_admin
    from portal.domain.registry import records

    shown = {*registry_admin.FIELDS, *(f for fields in records.SECTIONS.values() for f in fields)}
    shown |= set(exports.COLUMNS)
    for lang in ("en", "ja"):
        missing = sorted(f for f in shown if f"field.{f}" not in CATALOGUES[lang])
        assert missing == [], lang
