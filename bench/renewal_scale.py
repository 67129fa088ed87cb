"""Renewal at scale: 100,000 registrants with accounts, 1,000,000 claims.

    .venv/bin/python -m bench.renewal_scale [--records 100000] [--claims-each 10] [--postgres URL]

Measures: the eligibility batch for every registrant (median of 3); the impact preview
of a new rule version (`rules_impact.preview`, median of 3); the
dashboard's service call for one registrant (`renewals.mine`, p50/p95 of 30 —
the /mypage event's server time is this plus copying strings); a full daily
run of reminders (plan, then queue with their ledger rows) executed the way
the app runs it — in a thread — while a coroutine ticks every 10 ms on the
event loop and records its worst lateness; then the same run again (nothing
new to send).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text

from bench.points_scale import _fill, _principal, main_for
from bench.registry_scale import _timed
from portal.domain.accounts.tables import Account
from portal.domain.core import bulk
from portal.domain.core.db import column_defaults, transaction, use_engine
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import eligibility_batch, renewals, rules_impact
from portal.domain.renewal.tables import Reminder
from portal.domain.rules import versions
from tests.dbs import engine_with_tables

ON = dt.date(2026, 11, 21)


def _accounts_for_everyone(engine, registrant_id: int) -> None:
    """Give every record without one an active registrant account (one bulk insert + UPDATE)."""
    with transaction() as db:
        record_ids = [
            r
            for (r,) in db.execute(
                text("SELECT id FROM registry_record WHERE account_id IS NULL ORDER BY id")
            ).all()
        ]
        base = column_defaults(Account)
        account_ids = bulk.insert_returning_ids(
            db,
            Account.__table__,
            [base | {"email": f"r{r}@example.jp", "kind": "registrant"} for r in record_ids],
        )
        runs: dict[int, list[int]] = {}  # account id - record id: the records it holds for
        for account_id, record_id in zip(account_ids, record_ids, strict=True):
            runs.setdefault(account_id - record_id, []).append(record_id)
        for offset, ids in runs.items():
            db.execute(
                text(
                    "UPDATE registry_record SET account_id = id + :offset "
                    "WHERE id BETWEEN :low AND :high AND account_id IS NULL"
                ),
                {"offset": offset, "low": ids[0], "high": ids[-1]},
            )
        assert db.get(RegistryRecord, record_ids[-1]).account_id == account_ids[-1]
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


async def _off_the_loop(work) -> tuple[object, float, float]:
    """Await `work()` while ticking; returns (its result, seconds, worst tick lateness ms)."""
    worst = 0.0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal worst
        while not done.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            worst = max(worst, (time.perf_counter() - started - 0.01) * 1000)

    tick = asyncio.create_task(ticker())
    started = time.perf_counter()
    result = await work()
    elapsed = time.perf_counter() - started
    done.set()
    await tick
    return result, elapsed, worst


async def _portal(*arguments: str) -> int:
    """`portal ARGUMENTS` in a child process, its output kept out of the results."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "portal.cli", *arguments, stdout=asyncio.subprocess.DEVNULL
    )
    return await child.wait()


def _reminders_queued() -> int:
    with transaction() as db:
        return db.execute(select(func.count()).select_from(Reminder)).scalar_one()


def run(kind: str, records: int, claims_each: int, repeat: int) -> None:
    with engine_with_tables(kind, Path(tempfile.mkdtemp(prefix="portal-renewal-"))) as engine:
        use_engine(engine)
        try:
            print(f"{kind}: {records} registrants, {records * claims_each} claims")
            _, registrant_id, _ = _fill(engine, records, claims_each)
            _accounts_for_everyone(engine, registrant_id)
            book = versions.book()
            times = []
            for _ in range(3):
                started = time.perf_counter()
                result = eligibility_batch.for_all(ON, book)
                times.append(time.perf_counter() - started)
            eligible = sum(1 for e in result.values() if e.can_apply)
            print(
                f"  eligibility batch, {len(result)} registrants: "
                f"median {statistics.median(times):.2f} s ({eligible} may apply)"
            )
            desk = _principal(None, "staff", "admin")
            planned = versions.save_draft(
                None,
                {
                    "effective_from": (ON + dt.timedelta(days=30)).isoformat(),
                    "points_required": 10,
                    "mandatory_category": "mandatory_course",
                    "categories": {"seminar": {"minimum": 2}, "other": {"maximum": 2}},
                },
            )
            times = []
            for _ in range(3):
                started = time.perf_counter()
                impact = rules_impact.preview(desk, planned, ON)
                times.append(time.perf_counter() - started)
            print(
                f"  impact preview of a new version, {impact.registrants} registrants: "
                f"median {statistics.median(times):.2f} s ({impact.changed} changed, "
                f"{impact.lose} could no longer apply, {impact.gain} could)"
            )
            me = _principal(registrant_id, "registrant", None)
            _, p50, p95 = _timed(lambda: renewals.mine(me, ON), repeat)
            print(
                f"  dashboard service (renewals.mine)         p50={p50:6.1f} ms  p95={p95:6.1f} ms"
            )

            os.environ["PORTAL_DB_URL"] = engine.url.render_as_string(hide_password=False)
            for label, command in (
                ("daily jobs (child process)", ["daily"]),
                ("reminders again (child process)", ["send-reminders"]),
            ):
                before = _reminders_queued()
                status, seconds, worst = asyncio.run(
                    _off_the_loop(lambda c=command: _portal(*c, "--date", ON.isoformat()))
                )
                assert status == 0, f"portal {command[0]} exited with {status}"
                print(
                    f"  {label}: {_reminders_queued() - before} reminders queued in "
                    f"{seconds:.2f} s (with start-up); event loop worst lateness {worst:.1f} ms"
                )
        finally:
            use_engine(None)


def main() -> None:
    main_for(run)


if __name__ == "__main__":
    main()
