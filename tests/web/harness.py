"""Drive the app's event handlers exactly as a (possibly hostile) browser would.

Events go through Reflex's own BaseStateEventProcessor by dotted handler name,
with whatever payload and cookie header the test chooses; every delta sent
back to the "browser" is recorded for inspection.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from reflex.istate.manager.memory import StateManagerMemory
from reflex_base.event import Event
from reflex_base.event.context import EventContext
from reflex_base.event.processor.base_state_processor import BaseStateEventProcessor
from reflex_base.registry import RegistrationContext


class Browser:
    """One browser tab: a token, an optional session cookie, and what the server sent it."""

    def __init__(
        self, processor: BaseStateEventProcessor, cookie: str = "", accept_language: str = ""
    ) -> None:
        self.processor = processor
        self.token = str(uuid.uuid4())
        self.cookie = cookie
        self.accept_language = accept_language
        self.deltas: list[Mapping[str, Mapping[str, Any]]] = []
        self.events: list[Event] = []

    def router_data(self, path: str) -> dict[str, Any]:
        pathname, _, query = path.partition("?")
        return {
            "pathname": pathname,
            "asPath": path,
            "query": dict(parse_qsl(query)),
            "token": self.token,
            "sid": f"sid-{self.token[:8]}",
            "ip": "203.0.113.7",
            "headers": {
                "cookie": self.cookie,
                "origin": "http://localhost:3000",
                "accept-language": self.accept_language,
            },
        }

    async def send(self, state: type, handler: str, payload: Any = None, path: str = "/") -> None:
        """Call `state.handler` by name with `payload`, and wait until it has finished."""
        event = Event(
            name=f"{state.get_full_name()}.{handler}",
            payload=payload if payload is not None else {},
            router_data=self.router_data(path),
        )
        future = await self.processor.enqueue(self.token, event)
        await self.processor.join(timeout=30)  # unknown handler names are dropped here
        if self.is_handler(event.name):
            await asyncio.wait_for(future, timeout=30)
            await self.settle()

    async def settle(self) -> None:
        """Wait until the events the handler chained on the server have finished too."""
        for _ in range(100):
            await self.processor.join(timeout=30)
            running = [t for t in self.processor._tasks.values() if not t.done()]
            if not running:
                return
            await asyncio.wait(running, timeout=30)

    @staticmethod
    def is_handler(name: str) -> bool:
        """True when a browser may call `name` at all."""
        return name in RegistrationContext.get().event_handlers

    def sent_text(self) -> str:
        """Everything the server sent this tab, as one JSON string (to search for secrets)."""
        return json.dumps([self.deltas, [repr(e) for e in self.events]], default=str)

    def redirects_to(self, path: str) -> bool:
        """True when the server told this tab to go to `path`."""
        return any(path in repr(e) for e in self.events)

    async def state(self, state_cls: type):
        """The server-side state of this tab (for checking what changed)."""
        root = await self.processor._root_context.state_manager.get_state(_root_token(self.token))
        return await root.get_state(state_cls)


def _root_token(token: str):
    from reflex.istate.manager.token import BaseStateToken
    from reflex.state import State

    return BaseStateToken(ident=token, cls=State)


def make_processor(
    deltas_by_token: dict[str, Browser], state_manager=None
) -> BaseStateEventProcessor:
    """A started-on-demand processor whose output is routed to the Browser objects; tabs'
    states are kept in memory unless `state_manager` says otherwise (e.g. Redis)."""

    def reraise(exc: Exception) -> None:
        raise exc

    from portal.portal import app  # its middleware runs before every event, as in production

    processor = BaseStateEventProcessor(
        backend_exception_handler=reraise, graceful_shutdown_timeout=1, middleware=app
    )

    async def emit_delta(token: str, delta: Mapping[str, Mapping[str, Any]]) -> None:
        deltas_by_token[token].deltas.append(delta)

    async def emit_event(token: str, *events: Event) -> None:
        deltas_by_token[token].events.extend(events)

    processor._root_context = EventContext(
        token="",
        state_manager=state_manager or StateManagerMemory(),
        enqueue_impl=processor.enqueue_many,
        emit_delta_impl=emit_delta,
        emit_event_impl=emit_event,
    )
    return processor


async def hydrate(tab: Browser, path: str) -> None:
    """What a browser sends when it (re)connects to a page: the hydrate, which answers
    with every state of the tab."""
    from reflex.state import State

    await tab.send(State, "hydrate_and_load", path=path)


async def open_page(tab: Browser, path: str) -> None:
    """Load a page as the browser does: hydrate, then the page's on_load events."""
    from portal.web.session import ShellState

    await tab.send(ShellState, "sync", path=path)
    tab.deltas.clear()
    tab.events.clear()


async def open_record(tab: Browser, record_id: int) -> None:
    """Open a registrant's record page as staff do."""
    from portal.web.pages.admin.record_state import AdminRecordState

    path = f"/admin/registrants/{record_id}"
    await open_page(tab, path)
    await tab.send(AdminRecordState, "load", path=path)
