"""Where the time to open a page goes, build by build: the probe behind the scale-out
analysis in docs/PERFORMANCE.md.

Serves one production build per BUILD argument, side by side, and opens /mypage signed in
(a new websocket each time, as a new tab) `--opens` times per round on each, in
interleaved rounds. Per build and round it prints the wall time per open, the CPU time
per open of the portal's processes, of PostgreSQL and of Redis, and the median time
between the client's milestones (websocket connected, Engine.IO open, Socket.IO connect
acknowledged, each state message, the hydrated mark).

A BUILD is STORE-DATABASE-WORKERS: STORE `memory` or `redis` (PORTAL_TEST_REDIS_URL),
DATABASE `sqlite` or `postgresql` (PORTAL_TEST_DATABASE_URL, over its Unix socket); or
`blank-memory-1` / `blank-redis-N`, the blank counter app (bench/blank_app) opening its
index, to tell the framework's own cost from the portal's.

    .venv/bin/python -m bench.open_phases memory-sqlite-1 redis-sqlite-3 redis-postgresql-3 \
        blank-memory-1 blank-redis-3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import websockets

from bench.page_weight import ROOT, blank_app
from bench.scale_out import DEMO_PASSWORD, REGISTRANTS, _local_socket
from bench.wire import _HYDRATED, initial_state_hashes

_HZ = os.sysconf("SC_CLK_TCK")


def _cpu_ms(include: Callable[[str, int], bool]) -> float:
    """User + system CPU time, in ms, of every process whose (name, process group) passes."""
    ticks = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError):
            stat = Path("/proc", entry, "stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat.rsplit(")", 1)[1].split()
            if include(name, int(fields[2])):
                ticks += int(fields[11]) + int(fields[12])
    return 1000 * ticks / _HZ


async def _open(base: str, cookie: str, hashes: list[str], path: str) -> dict[str, float]:
    """Open `path` once; the ms between successive milestones, and the total."""
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    url = f"{base.replace('http', 'ws', 1)}/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}"
    headers = {"Origin": base, "Cookie": cookie}
    async with websockets.connect(url, additional_headers=headers, max_size=None) as ws:
        marks.append(("connected", time.perf_counter()))
        await ws.recv()
        marks.append(("eio_open", time.perf_counter()))
        router = {"pathname": path, "asPath": path, "query": {}}
        hydrate = {
            "name": "reflex___state____state.hydrate_and_load",
            "payload": {"hashes": hashes},
            "router_data": router,
        }
        await ws.send("40/_event," + json.dumps({"event": hydrate}))
        messages = 0
        while True:
            message = await ws.recv()
            if message.startswith("40"):
                marks.append(("sio_ack", time.perf_counter()))
            elif message.startswith("42"):
                messages += 1
                marks.append((f"message{messages}", time.perf_counter()))
                if _HYDRATED in message:
                    break
    times, previous = {}, started
    for name, at in marks:
        times[name] = 1000 * (at - previous)
        previous = at
    times["total"] = 1000 * (previous - started)
    return times


async def _round(
    base: str, cookie: str, hashes: list[str], path: str, opens: int, pgid: int
) -> str:
    for _ in range(5):  # warm the workers' caches and pools
        await _open(base, cookie, hashes, path)
    groups: dict[str, Callable[[str, int], bool]] = {
        "portal": lambda _name, group: group == pgid,
        "postgres": lambda name, _group: name.startswith("postgres"),
        "redis": lambda name, _group: name.startswith("redis"),
    }
    before = {label: _cpu_ms(include) for label, include in groups.items()}
    started = time.perf_counter()
    results = [await _open(base, cookie, hashes, path) for _ in range(opens)]
    wall = 1000 * (time.perf_counter() - started) / opens
    cpu = "  ".join(
        f"{label} {(_cpu_ms(include) - before[label]) / opens:.2f}"
        for label, include in groups.items()
    )
    phases = "  ".join(
        f"{name} {statistics.median(r.get(name, 0.0) for r in results):.2f}" for name in results[0]
    )
    return f"wall/open {wall:.2f} ms; CPU ms/open: {cpu}\n    phases (ms, medians): {phases}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("builds", nargs="+", metavar="BUILD")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--opens", type=int, default=150)
    args = parser.parse_args()

    from tests.dbs import fresh_database, fresh_redis
    from tests.portal_server import own_app_root, running_portal

    folder = Path(tempfile.mkdtemp(prefix="portal-phases-"))
    portal_hashes = initial_state_hashes(ROOT)
    with contextlib.ExitStack() as stack:
        servers = {}  # build -> (base URL, process group, cookie, hashes, path)
        for build in args.builds:
            if build.startswith("blank-"):
                _, store, workers = build.split("-")
                redis = stack.enter_context(fresh_redis()) if store == "redis" else None
                url, pgid, root = stack.enter_context(blank_app(redis, int(workers)))
                servers[build] = (url, pgid, "", initial_state_hashes(root), "/")
                continue
            store, database, workers = build.split("-")
            data = Path(tempfile.mkdtemp(dir=folder))
            settings = {"PORTAL_BCRYPT_ROUNDS": "4", "PORTAL_WORKERS": workers}
            if database == "postgresql":
                url = stack.enter_context(fresh_database("postgresql", data))
                settings["PORTAL_DB_URL"] = _local_socket(url)
            if store == "redis":
                settings["PORTAL_REDIS_URL"] = stack.enter_context(fresh_redis())
            server = stack.enter_context(
                running_portal(data, DEMO_PASSWORD, own_app_root(data), **settings)
            )
            cookie = server.python("-m", "bench.session_cookies", DEMO_PASSWORD, REGISTRANTS[0])
            servers[build] = (
                server.base_url,
                server.pgid,
                cookie.strip(),
                portal_hashes,
                "/mypage",
            )
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
        for number in range(1, args.rounds + 1):
            for build, (url, pgid, cookie, hashes, path) in servers.items():
                line = asyncio.run(_round(url, cookie, hashes, path, args.opens, pgid))
                print(f"round {number} {build:22} {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
