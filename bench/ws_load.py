"""Load on the production build over the real websocket protocol.

Measures (1) throughput and latency of a signed-in event (switching language: the
cookie session is resolved in the database, then the account row is updated) from
many signed-in tabs, and
(2) how long a cheap event waits while bcrypt-12 password checks are in flight —
they run in threads, so the event loop must stay responsive.

    .venv/bin/python -m bench.ws_load [--clients 10] [--events 200] [--logins 20]

Starts its own server on a free loopback port and stops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.session_cookies import session_cookie

DEMO_PASSWORD = "Bench-demo-pass-42!"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _summary(label: str, seconds: list[float], elapsed: float | None = None) -> str:
    ms = [s * 1000 for s in seconds]
    line = f"{label}: n={len(ms)} p50={statistics.median(ms):.1f} ms p95={_percentile(ms, 0.95):.1f} ms"
    if elapsed:
        line += f" throughput={len(ms) / elapsed:.0f} events/s"
    return line


async def _guarded_load(base_url: str, cookies: list[str], events: int) -> str:
    from bench.wire import Tab
    from portal.web.session import ShellState

    name = f"{ShellState.get_full_name()}.set_language"
    tabs = [Tab(base_url, cookie, "/mypage/account") for cookie in cookies]
    await asyncio.gather(*(tab.open() for tab in tabs))
    started = time.perf_counter()
    results = await asyncio.gather(*(_repeat(tab, name, events) for tab in tabs))
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(tab.close() for tab in tabs))
    latencies = [value for per_tab in results for value in per_tab]
    return _summary(f"signed-in event x {len(tabs)} tabs", latencies, elapsed)


async def _repeat(tab, name: str, count: int) -> list[float]:
    return [await tab.call(name, {"lang": "ja" if i % 2 == 0 else "en"}) for i in range(count)]


async def _probe_during_logins(base_url: str, logins: int) -> tuple[str, str]:
    from bench.wire import Tab
    from portal.web.pages.auth.login import LoginState
    from portal.web.session import ShellState

    probe = Tab(base_url, path="/login")
    await probe.open()
    cheap = f"{ShellState.get_full_name()}.set_language"
    quiet = [await probe.call(cheap, {"lang": "en" if i % 2 else "ja"}) for i in range(100)]
    submit = f"{LoginState.get_full_name()}.submit"
    login_tabs = [Tab(base_url, path="/login") for _ in range(logins)]
    await asyncio.gather(*(tab.open() for tab in login_tabs))
    form = {"form": {"email": "registrant1@example.com", "password": "Wrong-password-1"}}
    storm = asyncio.gather(*(tab.call(submit, form) for tab in login_tabs))
    busy = []
    while not storm.done():
        busy.append(await probe.call(cheap, {"lang": "en" if len(busy) % 2 else "ja"}))
    login_times = await storm
    for tab in [probe, *login_tabs]:
        await tab.close()
    return (
        _summary("cheap event, idle server", quiet)
        + "\n"
        + _summary("cheap event during logins", busy),
        _summary(f"{logins} concurrent bcrypt-12 password checks", login_times),
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--logins", type=int, default=20)
    args = parser.parse_args()

    from tests.portal_server import running_portal

    data = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    with running_portal(data, DEMO_PASSWORD, PORTAL_BCRYPT_ROUNDS="12") as server:
        os.environ.update({k: v for k, v in server.env.items() if k.startswith("PORTAL_")})
        from portal.settings import reset_settings

        reset_settings()
        import portal.portal  # noqa: F401  (registers the states whose event names we send)

        emails = [f"registrant{n}@example.com" for n in (1, 2, 3, 5, 8)]
        cookies = [
            session_cookie(emails[i % len(emails)], DEMO_PASSWORD) for i in range(args.clients)
        ]
        print(f"server: {server.base_url}, python {sys.version.split()[0]}, {os.cpu_count()} cores")
        print(asyncio.run(_guarded_load(server.base_url, cookies, args.events)))
        probe, logins = asyncio.run(_probe_during_logins(server.base_url, args.logins))
        print(probe)
        print(logins)
    return 0


if __name__ == "__main__":
    sys.exit(main())
