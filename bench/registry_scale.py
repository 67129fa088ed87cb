"""Registry list at scale: 100,000 registrants, then timed searches as staff run them.

    .venv/bin/python -m bench.registry_scale [--rows 100000] [--repeat 30] [--postgres URL] [--skip-sqlite]

Fills a fresh SQLite file (and, with --postgres or PORTAL_TEST_DATABASE_URL, a
fresh PostgreSQL database that is dropped afterwards) with the registrants and
two recorded changes each, and reports p50/p95 of `registry_search.search` —
the whole server-side query: count plus one page — and of the staff record
page's read (`registry_admin.detail`: record, account and history).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from portal.domain.core import search_text
from portal.domain.core.db import use_engine
from portal.domain.registrants import registry_admin, registry_search
from portal.domain.registrants.registry_search import RegistryQuery
from portal.domain.registry.tables import RecordChange, RegistryRecord
from tests.dbs import engine_with_tables

FAMILY = [
    ("山田", "ヤマダ"),
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
]
GIVEN = [
    ("太郎", "タロウ"),
    ("花子", "ハナコ"),
    ("一郎", "イチロウ"),
    ("美咲", "ミサキ"),
    ("健", "ケン"),
    ("陽菜", "ヒナ"),
    ("翔", "ショウ"),
    ("結衣", "ユイ"),
]


def _rows(count: int):
    rng = random.Random(7)
    today = dt.date(2026, 11, 21)
    for n in range(count):
        (family, family_kana), (given, given_kana) = rng.choice(FAMILY), rng.choice(GIVEN)
        number = f"R{n:07d}"
        email = f"person{n}@example.jp"
        yield {
            "registration_number": number,
            "family_name": family,
            "given_name": given,
            "family_name_kana": family_kana,
            "given_name_kana": given_kana,
            "birth_date": dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
            "email": email,
            "status": "expired" if n % 10 == 0 else "active",
            "valid_until": today + dt.timedelta(days=rng.randint(-400, 1100)),
            "newsletter": True,
            "search_text": search_text.for_record(
                number, family, given, family_kana, given_kana, email
            ),
        }


QUERIES = {
    "first page, default sort": RegistryQuery(),
    "reading 'ヤマダハナコ'": RegistryQuery(text="ヤマダハナコ"),
    "exact number 'R0054321'": RegistryQuery(text="R0054321"),
    "family name '佐藤' (2 characters)": RegistryQuery(text="佐藤"),
    "e-mail fragment 'person777'": RegistryQuery(text="person777"),
    "status expired, by validity": RegistryQuery(status="expired", sort="valid_until"),
    "validity in the next 6 months": RegistryQuery(
        valid_until_from=dt.date(2026, 11, 21),
        valid_until_to=dt.date(2027, 5, 21),
        sort="valid_until",
    ),
    "page 1000, by reading": RegistryQuery(sort="kana", page=1000),
}


def _timed(work, repeat: int) -> tuple[object, float, float]:
    work()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return result, statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


def _measure(repeat: int, rows: int) -> list[str]:
    lines = []
    for label, query in QUERIES.items():
        found, p50, p95 = _timed(lambda query=query: registry_search.search(query), repeat)
        lines.append(f"  {label:40s} total={found.total:6d}  p50={p50:6.1f} ms  p95={p95:6.1f} ms")
    _, p50, p95 = _timed(lambda: registry_admin.detail(rows // 2), repeat)
    lines.append(
        f"  {'record page with its history':40s} {'':12s}  p50={p50:6.1f} ms  p95={p95:6.1f} ms"
    )
    return lines


def _history(count: int):
    when = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
    for record_id in range(1, count + 1):
        for field, old, new in (("phone", "", "03-1234-5678"), ("employer", "", "Example Care")):
            yield {
                "record_id": record_id,
                "section": "basic" if field == "phone" else "workplace",
                "field": field,
                "old_value": old,
                "new_value": new,
                "changed_by": None,
                "by_staff": False,
                "reason": "",
                "changed_at": when,
            }


def run(kind: str, rows: int, repeat: int) -> None:
    with engine_with_tables(kind, Path(tempfile.mkdtemp(prefix="portal-scale-"))) as engine:
        started = time.perf_counter()
        batch = []
        with engine.begin() as conn:
            for row in _rows(rows):
                batch.append(row)
                if len(batch) == 5000:
                    conn.execute(insert(RegistryRecord.__table__), batch)
                    batch = []
            if batch:
                conn.execute(insert(RegistryRecord.__table__), batch)
            conn.execute(insert(RecordChange.__table__), list(_history(rows)))
        print(
            f"{kind}: inserted {rows} records and {2 * rows} changes in {time.perf_counter() - started:.1f} s"
        )
        if engine.dialect.name == "postgresql":  # as autovacuum does soon after a load
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        use_engine(engine)
        try:
            print("\n".join(_measure(repeat, rows)))
        finally:
            use_engine(None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres", default=os.environ.get("PORTAL_TEST_DATABASE_URL"))
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.skip_sqlite:
        run("sqlite", args.rows, args.repeat)
    if args.postgres:
        os.environ["PORTAL_TEST_DATABASE_URL"] = args.postgres
        run("postgresql", args.rows, args.repeat)


if __name__ == "__main__":
    main()
