"""Page weight and event cost of the portal beside a blank Reflex app, in one run.

Serves the blank counter app (bench/blank_app) and the portal's production build side by
side (one backend worker each, SQLite for the portal), signs demo registrants in, and
measures in interleaved rounds, so both meet the same machine load:

- bytes the server sends to open a page (connect -> hydrated, on_load events included):
  the blank index, and the portal's /mypage signed in, on a first connect (the browser
  sends the hashes of the state defaults compiled into its bundle and gets only what
  differs) and on a reconnect (the whole state);
- bytes of a client-side navigation between two registrant pages (/mypage -> /mypage/points);
- time to open (p50, p95);
- repeated events from 10 tabs: the blank counter's increment against (a) the portal's
  dashboard refresh event (`DashboardState.load`: the session re-checked, the consent
  check, the renewal standing, the page's strings; a refresh that changes nothing sends
  nothing back) and (b) a whole navigation to /mypage (the on_load chain a tap on
  "My page" runs: three events), as events per second and their ratio to the counter;
- server memory per idle connected tab (resident set of the whole process group, before
  and after opening idle tabs).

    .venv/bin/python -m bench.page_weight [--rounds 3] [--tabs 10] [--events 100] [--idle 50]

Results and the command: docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.session_cookies import session_cookie
from bench.wire import Tab, initial_state_hashes

ROOT = Path(__file__).resolve().parents[1]
BLANK = ROOT / "bench" / "blank_app"
DEMO_PASSWORD = "Bench-demo-pass-42!"
# CounterState of bench/blank_app/blank/blank.py (not importable here: one Reflex app per process)
BLANK_INCREMENT = "reflex___state____state.blank___blank____counter_state.increment"
REGISTRANTS = [f"registrant{n}@example.com" for n in (1, 2, 5, 8)]
# Per served base URL: the state hashes its compiled frontend sends on a first connect.
HASHES: dict[str, list[str]] = {}


def _tab(base: str, cookie: str, path: str, first: bool = True) -> Tab:
    """A tab as a browser opens it: a first connect sends the compiled state hashes (and
    gets only what differs from the defaults); a reconnect (`first=False`) gets everything."""
    return Tab(base, cookie, path, HASHES.get(base) if first else None)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _group_rss_kib(pgid: int) -> int:
    """Resident memory of every process in the process group, in KiB."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


@contextlib.contextmanager
def blank_app(redis_url: str | None = None, workers: int = 1) -> Iterator[tuple[str, int, Path]]:
    """Serve the blank counter app (production build) on a free loopback port: one worker
    with its state in memory, or with `redis_url` `workers` workers sharing Redis (the
    opportunistic lock on, as the portal runs them; built in an app root of its own).
    Yields the URL, the process group and the app root it serves from."""
    from tests.portal_server import BIN, REFLEX_ENV, own_app_root, serving
    from tests.smtp_sink import free_port

    port = free_port()
    env = {
        **os.environ,
        "BLANK_PORT": str(port),
        **REFLEX_ENV,
    }
    env.pop("PORTAL_REDIS_URL", None)
    folder = Path(tempfile.mkdtemp(prefix="blank-"))
    root = BLANK
    if redis_url:
        env.update(
            REFLEX_REDIS_URL=redis_url, GRANIAN_WORKERS=str(workers), REFLEX_OPLOCK_ENABLED="true"
        )
        root = own_app_root(folder, BLANK, ("rxconfig.py", "blank"))
    command = [str(BIN / "reflex"), "run", "--env", "prod", "--single-port"]
    url = f"http://127.0.0.1:{port}"
    with serving(command, root, env, folder / "server.log", url, health="/ping") as process:
        yield url, process.pid, root


async def _open(base: str, cookie: str, path: str, first: bool = True) -> tuple[Tab, float]:
    tab = _tab(base, cookie, path, first)
    started = time.perf_counter()
    await tab.open()
    return tab, time.perf_counter() - started


async def _opens(
    base: str, cookies: list[str], path: str, n: int, first: bool = True
) -> tuple[list[int], list[float]]:
    sizes, times = [], []
    for i in range(n):
        tab, seconds = await _open(base, cookies[i % len(cookies)], path, first)
        sizes.append(tab.received)
        times.append(seconds)
        await tab.close()
    return sizes, times


async def _navigation_bytes(base: str, cookie: str) -> int:
    tab, _ = await _open(base, cookie, "/mypage")
    before = tab.received
    await tab.navigate("/mypage/points")
    size = tab.received - before
    await tab.close()
    return size


async def _rate(tabs: list[Tab], send, events: int) -> float:
    async def run(tab: Tab) -> None:
        for _ in range(events):
            await send(tab)

    started = time.perf_counter()
    await asyncio.gather(*(run(tab) for tab in tabs))
    return len(tabs) * events / (time.perf_counter() - started)


async def refresh_rate(tabs: list[Tab], events: int) -> float:
    """Dashboard refresh events (`DashboardState.load`) per second, `events` sent by each of
    the open /mypage `tabs` at once."""
    from portal.web.pages.mypage.dashboard import DashboardState

    refresh = f"{DashboardState.get_full_name()}.load"
    started = time.perf_counter()
    await asyncio.gather(*(t.burst(refresh, events) for t in tabs))
    return len(tabs) * events / (time.perf_counter() - started)


async def _round(blank: str, portal: str, cookies: list[str], args) -> dict[str, float]:
    result: dict[str, float] = {}
    sizes, times = await _opens(blank, [""], "/", 20)
    result["blank_open_bytes"], result["blank_open_ms"] = (
        statistics.median(sizes),
        1000 * (statistics.median(times)),
    )
    sizes, times = await _opens(portal, cookies, "/mypage", 20)
    result["portal_open_bytes"], result["portal_open_ms"] = (
        statistics.median(sizes),
        1000 * (statistics.median(times)),
    )
    result["portal_open_p95_ms"] = 1000 * _p(times, 0.95)
    sizes, _ = await _opens(portal, cookies, "/mypage", 4, first=False)
    result["portal_reconnect_bytes"] = statistics.median(sizes)
    result["portal_nav_bytes"] = await _navigation_bytes(portal, cookies[0])

    increment = BLANK_INCREMENT
    blank_tabs = [_tab(blank, "", "/") for _ in range(args.tabs)]
    await asyncio.gather(*(t.open() for t in blank_tabs))
    result["blank_events_s"] = await _rate(blank_tabs, lambda t: t.call(increment), args.events)
    await asyncio.gather(*(t.close() for t in blank_tabs))

    portal_tabs = [_tab(portal, cookies[i % len(cookies)], "/mypage") for i in range(args.tabs)]
    await asyncio.gather(*(t.open() for t in portal_tabs))
    result["portal_events_s"] = await _rate(  # navigations
        portal_tabs, lambda t: t.navigate("/mypage"), args.events
    )
    await asyncio.gather(*(t.close() for t in portal_tabs))
    result["nav_ratio_pct"] = 100 * result["portal_events_s"] / result["blank_events_s"]

    portal_tabs = [_tab(portal, cookies[i % len(cookies)], "/mypage") for i in range(args.tabs)]
    await asyncio.gather(*(t.open() for t in portal_tabs))
    result["refresh_events_s"] = await refresh_rate(portal_tabs, args.events)
    await asyncio.gather(*(t.close() for t in portal_tabs))
    result["refresh_ratio_pct"] = 100 * result["refresh_events_s"] / result["blank_events_s"]
    return result


async def _idle_memory(base: str, pgid: int, cookies: list[str], path: str, n: int) -> float:
    """KiB of server memory per idle connected tab."""
    await asyncio.sleep(1)
    before = _group_rss_kib(pgid)
    tabs = []
    for i in range(n):
        tab, _ = await _open(base, cookies[i % len(cookies)], path)
        tabs.append(tab)
    await asyncio.sleep(1)
    after = _group_rss_kib(pgid)
    await asyncio.gather(*(t.close() for t in tabs))
    return (after - before) / n


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tabs", type=int, default=10)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--idle", type=int, default=50)
    args = parser.parse_args()

    from tests.portal_server import running_portal

    data = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    with (
        blank_app() as (blank, blank_pid, _),
        running_portal(data, DEMO_PASSWORD, PORTAL_BCRYPT_ROUNDS="4") as server,
    ):
        os.environ.update({k: v for k, v in server.env.items() if k.startswith("PORTAL_")})
        from portal.settings import reset_settings

        reset_settings()
        import portal.portal  # noqa: F401  (registers the states whose event names we send)

        cookies = [session_cookie(email, DEMO_PASSWORD) for email in REGISTRANTS]
        HASHES[blank] = initial_state_hashes(BLANK)
        HASHES[server.base_url] = initial_state_hashes(ROOT)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; blank {blank}, portal")
        rounds = [
            asyncio.run(_round(blank, server.base_url, cookies, args)) for _ in range(args.rounds)
        ]
        for name in rounds[0]:
            values = [r[name] for r in rounds]
            print(f"{name:22} median {statistics.median(values):10.1f}   rounds {values}")
        blank_mem = asyncio.run(_idle_memory(blank, blank_pid, [""], "/", args.idle))
        portal_mem = asyncio.run(
            _idle_memory(server.base_url, server.pgid, cookies, "/mypage", args.idle)
        )
        print(
            f"memory per idle tab: blank {blank_mem:.0f} KiB, portal {portal_mem:.0f} KiB "
            f"({portal_mem / blank_mem if blank_mem > 0 else float('nan'):.2f}x)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
