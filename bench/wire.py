"""A minimal Socket.IO (Engine.IO v4, websocket only) client speaking Reflex's event protocol."""

from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path
from typing import Any

import websockets

_HYDRATED = '"is_hydrated_rx_state_":true'
_ON_LOAD_INTERNAL = (
    "reflex___state____state.reflex___state____on_load_internal_state.on_load_internal"
)


_SET_HYDRATED = "reflex___state____state.reflex___state____on_load_internal_state.set_is_hydrated"


def initial_state_hashes(app_dir: Path) -> list[str]:
    """The per-state hashes the app's compiled frontend sends on its first connect."""
    context = (app_dir / ".web" / "utils" / "context.jsx").read_text()
    return json.loads(re.search(r"initialStateHashes = (\[.*?\])", context).group(1))


class Tab:
    """One browser tab: connects with an optional cookie, sends events, waits for replies."""

    def __init__(
        self, base_url: str, cookie: str = "", path: str = "/", hashes: list[str] | None = None
    ) -> None:
        self.base_url = base_url
        self.cookie = cookie
        self.path = path
        self.hashes = hashes  # the compiled frontend's state hashes (see initial_state_hashes)
        self.token = str(uuid.uuid4())
        self.ws = None
        self.received = 0  # bytes of every message the server sent this tab

    def _router(self) -> dict[str, Any]:
        return {"pathname": self.path, "asPath": self.path, "query": {}}

    async def open(self) -> None:
        """Connect and hydrate (the first event rides in the CONNECT packet). With `hashes`,
        as a browser's first connect: the server sends only what differs from the defaults
        compiled into the frontend."""
        url = (
            self.base_url.replace("http", "ws", 1)
            + f"/_event/?EIO=4&transport=websocket&token={self.token}"
        )
        headers = {"Origin": self.base_url}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.ws = await websockets.connect(url, additional_headers=headers, max_size=None)
        await self.ws.recv()  # Engine.IO open packet
        hydrate = {
            "event": {
                "name": "reflex___state____state.hydrate_and_load",
                "payload": {"hashes": self.hashes} if self.hashes else {},
                "router_data": self._router(),
            }
        }
        await self.ws.send("40/_event," + json.dumps(hydrate))
        await self._wait_for(_HYDRATED)

    async def navigate(self, path: str) -> float:
        """Move to `path` as a client-side link does (its on_load events, no new hydrate);
        returns the seconds until the page reports itself loaded again."""
        self.path = path
        event = {"name": _ON_LOAD_INTERNAL, "payload": {}, "router_data": self._router()}
        started = time.perf_counter()
        await self.ws.send("42/_event," + json.dumps(["event", event]))
        await self._wait_for(_HYDRATED)
        return time.perf_counter() - started

    async def _wait_for(self, marker: str) -> str:
        """The next event message containing `marker`; earlier ones (other replies) are skipped."""
        while True:
            message = await self.ws.recv()
            self.received += len(message.encode() if isinstance(message, str) else message)
            if message == "2":
                await self.ws.send("3")
            elif message.startswith("42/_event,") and marker in message:
                return message

    async def call(self, name: str, payload: dict | None = None) -> float:
        """Send one event and wait for the delta of its state; returns the round trip in seconds."""
        state = name.rsplit(".", 1)[0].rsplit(".", 1)[-1]
        event = {"name": name, "payload": payload or {}, "router_data": self._router()}
        started = time.perf_counter()
        await self.ws.send("42/_event," + json.dumps(["event", event]))
        await self._wait_for(f'.{state}":')
        return time.perf_counter() - started

    async def burst(self, name: str, count: int, payload: dict | None = None) -> None:
        """Send `name` `count` times without waiting, then wait until the server has done them
        all: events of one tab are processed in order, so the reply to a final
        `set_is_hydrated` (which always sends a delta) comes after the last of them."""
        event = {"name": name, "payload": payload or {}, "router_data": self._router()}
        message = "42/_event," + json.dumps(["event", event])
        for _ in range(count):
            await self.ws.send(message)
        marker = {"name": _SET_HYDRATED, "payload": {"value": True}, "router_data": self._router()}
        await self.ws.send("42/_event," + json.dumps(["event", marker]))
        await self._wait_for(_HYDRATED)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
