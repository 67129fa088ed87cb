"""Scale-out: the portal on one worker beside the same portal on N workers, in one run.

Serves two production builds side by side: one backend worker on SQLite with page state
in memory (what `make run` serves), and N workers (PORTAL_WORKERS) on a PostgreSQL
database and a Redis database made for the run. In interleaved rounds, so both meet the
same machine load, it measures on each:

- opening /mypage signed in (connect -> hydrated, on_load events included), p50 and p95;
- the dashboard refresh event (`DashboardState.load`) sent in bursts from `--tabs` tabs,
  as events per second;
- a whole navigation to /mypage (its on_load chain) from the same tabs, per second.

It prints each round, the medians, and the ratios the target is judged by: N workers'
event rate against one worker's (target ≥ 1) and N workers' open p50 against one
worker's (target ≤ 1.5).

    .venv/bin/python -m bench.scale_out [--workers 3] [--rounds 3] [--tabs 10] [--events 100]

Needs PORTAL_TEST_DATABASE_URL and PORTAL_TEST_REDIS_URL (as `.ci/run` sets them).
Results and the command: docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from pathlib import Path

from bench.page_weight import HASHES, ROOT, _opens, _p, _rate, _tab, refresh_rate
from bench.wire import initial_state_hashes

DEMO_PASSWORD = "Bench-demo-pass-42!"
REGISTRANTS = [f"registrant{n}@example.com" for n in (1, 2, 5, 8)]


def _local_socket(url: str) -> str:
    """A PostgreSQL URL on 127.0.0.1 rewritten to the server's Unix socket when it has one,
    as a portal on the database's machine connects (README, Deploying); else `url`."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not url.startswith("postgresql") or parsed.host not in ("127.0.0.1", "localhost"):
        return url
    folder = "/var/run/postgresql"
    if not Path(folder, f".s.PGSQL.{parsed.port or 5432}").exists():
        return url
    return parsed.set(
        host=None, query={"host": folder, "port": str(parsed.port or 5432)}
    ).render_as_string(hide_password=False)


async def _measure(base: str, cookies: list[str], args) -> dict[str, float]:
    result: dict[str, float] = {}
    _, times = await _opens(base, cookies, "/mypage", args.opens)
    result["open_p50_ms"] = 1000 * statistics.median(times)
    result["open_p95_ms"] = 1000 * _p(times, 0.95)

    tabs = [_tab(base, cookies[i % len(cookies)], "/mypage") for i in range(args.tabs)]
    await asyncio.gather(*(t.open() for t in tabs))
    result["refresh_events_s"] = await refresh_rate(tabs, args.events)
    result["navigations_s"] = await _rate(tabs, lambda t: t.navigate("/mypage"), args.events // 4)
    await asyncio.gather(*(t.close() for t in tabs))
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tabs", type=int, default=10)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--opens", type=int, default=20)
    parser.add_argument(
        "--database",
        choices=["postgresql", "sqlite"],
        default="postgresql",
        help="the workers' database (sqlite: one file shared by the workers, to tell the "
        "database's share of the cost from Redis's)",
    )
    args = parser.parse_args()

    import portal.portal  # noqa: F401  (registers the states whose event names we send)
    from tests.dbs import fresh_database, fresh_redis
    from tests.portal_server import own_app_root, running_portal

    folder = Path(tempfile.mkdtemp(prefix="portal-scale-"))
    (folder / "one").mkdir()
    (folder / "many").mkdir()
    with (
        fresh_database(args.database, folder / "many") as database,
        fresh_redis() as redis,
        running_portal(folder / "one", DEMO_PASSWORD, PORTAL_BCRYPT_ROUNDS="4") as one,
        running_portal(
            folder / "many",
            DEMO_PASSWORD,
            own_app_root(folder / "many"),
            PORTAL_BCRYPT_ROUNDS="4",
            PORTAL_DB_URL=_local_socket(database),
            PORTAL_REDIS_URL=redis,
            PORTAL_WORKERS=str(args.workers),
        ) as many,
    ):
        kind = "PG" if args.database == "postgresql" else "SQLite"
        servers = {"1 worker, SQLite": one, f"{args.workers} workers, {kind}+Redis": many}
        cookies = {
            label: server.python("-m", "bench.session_cookies", DEMO_PASSWORD, *REGISTRANTS)
            .strip()
            .splitlines()
            for label, server in servers.items()
        }
        hashes = initial_state_hashes(ROOT)
        for server in servers.values():
            HASHES[server.base_url] = hashes
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
        results: dict[str, list[dict[str, float]]] = {label: [] for label in servers}
        for number in range(1, args.rounds + 1):
            for label, server in servers.items():
                measured = asyncio.run(_measure(server.base_url, cookies[label], args))
                results[label].append(measured)
                shown = ", ".join(f"{k} {v:.1f}" for k, v in measured.items())
                print(f"round {number} {label:22} {shown}")
        medians = {
            label: {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
            for label, rounds in results.items()
        }
        for label, values in medians.items():
            print(f"median  {label:22} " + ", ".join(f"{k} {v:.1f}" for k, v in values.items()))
        single, scaled = medians.values()
        print(
            f"ratios ({args.workers} workers / 1): "
            f"refresh events {scaled['refresh_events_s'] / single['refresh_events_s']:.2f} "
            f"(target >= 1), navigations {scaled['navigations_s'] / single['navigations_s']:.2f}, "
            f"open p50 {scaled['open_p50_ms'] / single['open_p50_ms']:.2f} (target <= 1.5)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
