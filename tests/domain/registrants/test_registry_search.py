import datetime as dt

from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.registrants import registry_search
from portal.domain.registrants.registry_search import RegistryQuery, query_from, search
from portal.domain.registry.tables import RegistryRecord
from tests.support.people import reviewer


def add(number, family, given, kana_f, kana_g, email=None, status="active", days=100):
    with transaction() as db:
        db.add(
            RegistryRecord(
                registration_number=number,
                family_name=family,
                given_name=given,
                family_name_kana=kana_f,
                given_name_kana=kana_g,
                birth_date=dt.date(1980, 1, 1),
                email=email,
                status=status,
                valid_until=today() + dt.timedelta(days=days),
            )
        )


def numbers(query: RegistryQuery) -> list[str]:
    return [row.registration_number for row in search(reviewer(), query).rows]


def test_text_search_ignores_width_case_and_kana(db):
    add("A001", "山田", "太郎", "ヤマダ", "タロウ", "Taro.Yamada@Example.com")
    add("A002", "Suzuki", "Hana", "スズキ", "ハナ")
    assert numbers(RegistryQuery(text="やまだ")) == ["A001"]
    assert numbers(RegistryQuery(text="ＹＡＭＡＤＡ@")) == ["A001"]
    assert numbers(RegistryQuery(text="山田 太郎")) == ["A001"]
    assert numbers(RegistryQuery(text="a00")) == ["A001", "A002"]
    assert numbers(RegistryQuery(text="100%_")) == []  # wildcards are literal


def test_filters_sort_and_pages(db, monkeypatch):
    monkeypatch.setattr(registry_search, "PER_PAGE", 2)
    for n, days in enumerate((300, 10, 200, 50, 400)):
        add(f"B{n}", "F", "G", "カ", "ナ", status="expired" if n == 4 else "active", days=days)
    assert numbers(RegistryQuery(status="expired")) == ["B4"]
    assert numbers(RegistryQuery(sort="valid_until")) == ["B1", "B3"]
    second = search(reviewer(), RegistryQuery(sort="valid_until", page=2))
    assert [r.registration_number for r in second.rows] == ["B2", "B0"] and second.pages == 3
    assert second.total == 5
    until = today() + dt.timedelta(days=100)
    assert numbers(RegistryQuery(valid_until_to=until, sort="valid_until")) == ["B1", "B3"]
    assert search(reviewer(), RegistryQuery(page=99)).page == 3  # past the end shows the last page


def test_url_parameters_are_checked():
    query = query_from(
        {
            "q": " x ",
            "status": "hacked",
            "sort": "password_hash; --",
            "order": "desc",
            "page": "-5",
            "from": "2026-13-01",
            "to": "2027-01-31",
        }
    )
    assert query == RegistryQuery(
        text="x", sort="number", descending=True, page=1, valid_until_to=dt.date(2027, 1, 31)
    )


def test_search_text_follows_edits(db):
    from sqlmodel import select

    add("C001", "Old", "Name", "", "")
    with transaction() as session:
        session.exec(select(RegistryRecord)).one().family_name = "Newname"
    assert numbers(RegistryQuery(text="newname")) == ["C001"]
    assert numbers(RegistryQuery(text="old")) == []


def test_only_staff_read_the_registry_whoever_calls(db):
    """The services check who asks themselves, not only the pages in front of them."""
    import pytest

    from portal.domain.core.errors import NotAllowed
    from portal.domain.registrants import exports, registry_admin
    from tests.support.people import signed_in

    registrant = signed_in("curious@example.com")
    for read in (
        lambda: registry_search.search(registrant, RegistryQuery()),
        lambda: registry_admin.detail(registrant, 1),
        lambda: exports.export_csv(registrant, RegistryQuery(), "utf-8"),
    ):
        with pytest.raises(NotAllowed):
            read()
