"""Start the real portal (production build, single port) in a subprocess, for the
end-to-end tests and the benchmarks. It listens on 127.0.0.1 only and is stopped,
with everything it started, when the context ends."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STARTUP_SECONDS = 600
# How `make` runs Reflex here: bun from the npm registry, no telemetry, no version check.
REFLEX_ENV = {
    "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{BIN}:{os.environ['PATH']}",
    "REFLEX_USE_SYSTEM_BUN": "1",
    "REFLEX_TELEMETRY_ENABLED": "false",
    "REFLEX_CHECK_LATEST_VERSION": "0",
}


@dataclass
class RunningPortal:
    base_url: str  # the public address (PORTAL_BASE_URL)
    env: dict[str, str]
    data_dir: Path
    pgid: int = 0  # the server's process group (it leads it)
    port: int = 0  # where it listens on 127.0.0.1

    def shared_settings(self) -> dict[str, str]:
        """This server's PORTAL_* settings but its own address, port, data folder and
        database: what a second server beside it (or after it) starts with."""
        own = ("PORTAL_DATA_DIR", "PORTAL_DB_URL", "PORTAL_PORT", "PORTAL_BASE_URL")
        return {k: v for k, v in self.env.items() if k.startswith("PORTAL_") and k not in own}

    def cli(self, *args: str) -> str:
        """Run the `portal` command against this server's database."""
        return self._run(str(BIN / "portal"), *args)

    def python(self, *args: str) -> str:
        """Run Python (e.g. `-m module`) in this server's environment."""
        return self._run(sys.executable, *args)

    def _run(self, *command: str) -> str:
        done = subprocess.run(command, env=self.env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{command[-1]} exited {done.returncode}: {done.stderr[-2000:]}")
        return done.stdout


# Servers under test on loopback may present a certificate of their own authority.
LOOPBACK_TLS = ssl.create_default_context()
LOOPBACK_TLS.check_hostname = False
LOOPBACK_TLS.verify_mode = ssl.CERT_NONE


def _wait_until_healthy(
    url: str, process: subprocess.Popen, log: Path, path: str = "/healthz"
) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"portal exited early:\n{log.read_text()[-4000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{url}{path}", timeout=2, context=LOOPBACK_TLS) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"portal did not become healthy:\n{log.read_text()[-4000:]}")


PORTAL_FILES = ("rxconfig.py", "portal", "assets", "alembic", "alembic.ini", "pyproject.toml")


def own_app_root(folder: Path, source: Path = ROOT, names: tuple[str, ...] = PORTAL_FILES) -> Path:
    """An app root of its own under `folder`, for a server started beside another one
    (of the app at `source`, whose files are `names`: the portal's by default).

    Reflex bakes the server's address into the frontend it builds in `.web` and serves
    that folder from disk, so two servers building in one app root would each serve the
    other's address. The code is linked, `.web` copied without its build and with the
    installed packages shared (when the main root has built already)."""
    root = folder / "app"
    root.mkdir(parents=True)
    for name in names:
        (root / name).symlink_to(source / name)
    web = source / ".web"
    if (web / "node_modules").is_dir():
        ignore = shutil.ignore_patterns("node_modules", "build", ".react-router")
        shutil.copytree(web, root / ".web", ignore=ignore, symlinks=True)
        (root / ".web" / "node_modules").symlink_to(web / "node_modules")
    return root


@contextlib.contextmanager
def running_portal(
    data_dir: Path, demo_password: str | None, app_root: Path = ROOT, **settings: str
) -> Iterator[RunningPortal]:
    """Migrate, seed demo data (unless `demo_password` is None) and serve from `app_root`
    (see own_app_root) on a free port with `settings` (PORTAL_* values); the public
    address is that port unless PORTAL_BASE_URL names another (a reverse proxy's)."""
    port = free_port()
    local = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORTAL_DATA_DIR": str(data_dir),
        "PORTAL_DB_URL": f"sqlite:///{data_dir}/portal.db",
        "PORTAL_PORT": str(port),
        "PORTAL_BASE_URL": local,
        "PORTAL_LANGUAGE": "en",
        **REFLEX_ENV,
        **settings,
    }
    for name in ("PORTAL_REDIS_URL", "PORTAL_SMTP_HOST"):
        if name not in settings:
            env.pop(name, None)
    server = RunningPortal(base_url=env["PORTAL_BASE_URL"], env=env, data_dir=data_dir, port=port)
    server.cli("migrate")
    if demo_password is not None:
        server.cli("seed-demo", "--password", demo_password)
    command = [str(BIN / "reflex"), "run", "--env", "prod", "--single-port", "--loglevel", "info"]
    with serving(command, app_root, env, data_dir / "server.log", local) as process:
        server.pgid = process.pid
        yield server


@contextlib.contextmanager
def serving(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    log: Path,
    url: str,
    health: str = "/healthz",
) -> Iterator[subprocess.Popen]:
    """Run a server `command` in its own process group until it answers `url + health`;
    stop the group (TERM, then KILL after 20 s) when the context ends."""
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_healthy(url, process, log, health)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
