"""Caddy (Debian's) in front of a running portal on loopback, serving the shipped
deploy/Caddyfile over HTTPS with a certificate from Caddy's own internal authority."""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from tests.portal_server import LOOPBACK_TLS, ROOT, serving

CADDY = shutil.which("caddy") or "/usr/bin/caddy"
_GLOBAL = """{{
	admin off
	local_certs
	skip_install_trust
	auto_https disable_redirects
	http_port {http_port}
	https_port {https_port}
	storage file_system {storage}
}}

import {site}
"""


@contextlib.contextmanager
def running_caddy(https_port: int, http_port: int, upstream: int, folder: Path) -> Iterator[str]:
    """Serve https://127.0.0.1:`https_port` through deploy/Caddyfile to the portal on
    127.0.0.1:`upstream`; yields that address. Caddy's state stays in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "Caddyfile"
    config.write_text(
        _GLOBAL.format(
            http_port=http_port,
            https_port=https_port,
            storage=folder / "storage",
            site=ROOT / "deploy" / "Caddyfile",
        )
    )
    address = f"https://127.0.0.1:{https_port}"
    env = {
        **os.environ,
        "HOME": str(folder),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CONFIG_HOME": str(folder / "config"),
        "PORTAL_DOMAIN": address,
        "PORTAL_UPSTREAM": f"127.0.0.1:{upstream}",
    }
    command = [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"]
    with serving(command, folder, env, folder / "caddy.log", address):
        yield address


def get(url: str, path: str, source: str = "127.0.0.1", headers: dict | None = None):
    """GET `path` from `url` (http or https, certificate not checked) from the local address
    `source`; returns (status, headers)."""
    scheme, _, host_port = url.partition("://")
    host, port = host_port.rsplit(":", 1)
    if scheme == "https":
        conn = http.client.HTTPSConnection(
            host, int(port), timeout=10, source_address=(source, 0), context=LOOPBACK_TLS
        )
    else:
        conn = http.client.HTTPConnection(host, int(port), timeout=10, source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        conn.close()
