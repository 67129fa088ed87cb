"""Ledger import and export at scale: 100,000 rows through the same code the screens and CLI use.

    .venv/bin/python -m bench.registry_io [--rows 100000] [--postgres URL]

For each database (a fresh SQLite file; PostgreSQL too with --postgres or
PORTAL_TEST_DATABASE_URL, in a fresh database dropped afterwards):
1. writes a ledger CSV of `rows` registrants (UTF-8 with BOM, as exported);
2. imports it into the empty registry — preview, then apply with an
   invitation for every registrant (account, code, queued mail);
3. re-imports it with 10% of the rows changed (preview and apply, one
   history row per changed field);
4. exports the whole registry as UTF-8 and as Shift_JIS.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.registry_scale import _rows
from portal.domain.core.db import use_engine
from portal.domain.registrants import exports, registry_import
from portal.domain.registrants.registry_search import RegistryQuery
from tests.dbs import engine_with_tables


def _ledger(rows: int, changed_every: int = 0) -> bytes:
    lines = [",".join(exports.COLUMNS)]
    for n, row in enumerate(_rows(rows)):
        values = {**row, "newsletter": "yes"}
        values["employer"] = f"Employer {n % 500}" + (
            " (moved)" if changed_every and n % changed_every == 0 else ""
        )
        lines.append(",".join(str(values.get(c) or "") for c in exports.COLUMNS))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def _timed(label: str, work):
    started = time.perf_counter()
    result = work()
    print(f"  {label:48s} {time.perf_counter() - started:6.1f} s")
    return result


def run(kind: str, rows: int) -> None:
    first = _ledger(rows)
    second = _ledger(rows, changed_every=10)
    print(f"{kind}: {rows} rows, file {len(first) / 1e6:.1f} MB")
    with engine_with_tables(kind, Path(tempfile.mkdtemp(prefix="portal-io-"))) as engine:
        use_engine(engine)
        try:
            plan = _timed("preview, empty registry", lambda: registry_import.plan(first, None))
            assert plan.ok and len(plan.new) == rows, plan.file_problem or plan.problems[:3]
            result = _timed(
                "apply: all new, with invitations",
                lambda: registry_import.apply(first, None, reason="bench"),
            )
            assert result.created == rows and result.invited == rows
            plan = _timed("preview, 10% changed", lambda: registry_import.plan(second, None))
            assert len(plan.changed) == rows // 10, len(plan.changed)
            _timed(
                "apply: 10% changed",
                lambda: registry_import.apply(second, None, reason="bench"),
            )
            for encoding in ("utf-8", "shift_jis"):
                size = _timed(
                    f"export, {encoding}",
                    lambda encoding=encoding: sum(
                        len(chunk) for chunk in exports.export_csv(RegistryQuery(), encoding)
                    ),
                )
                print(f"  {'':48s} {size / 1e6:6.1f} MB")
        finally:
            use_engine(None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("PORTAL_TEST_DATABASE_URL"))
    args = parser.parse_args()
    run("sqlite", args.rows)
    if args.postgres:
        os.environ["PORTAL_TEST_DATABASE_URL"] = args.postgres
        run("postgresql", args.rows)


if __name__ == "__main__":
    main()
