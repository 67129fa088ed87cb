"""The one guard of the web layer: who may call a handler, decided once per event.

    @rx.event
    @guarded(Need.ADMIN)
    async def deactivate(self, actor: Actor, account_id: str): ...

`guarded` resolves the session once, turns away whoever does not meet the need (to their
own start page, or the sign-in page) and calls the handler with the `Actor`. A browser
cannot supply `actor`: Reflex sees the handler without it, and a payload naming it is
dropped. `act` runs one domain call off the event loop and turns a refusal into the
page's messages, with their parameters.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core.errors import DomainError
from portal.web.errors import field_messages
from portal.web.need import Need
from portal.web.session import origin, require, translator, turn_away

T = TypeVar("T")


async def actor_for(state: rx.State, need: Need) -> Actor | None:
    """The Actor of this event's session when it meets `need`, else None (resolved once).
    For the handlers `guarded` cannot wrap: background tasks call it inside `async with`."""
    principal = await require(state, need)
    if principal is None:
        return None
    where = origin(state)
    return Actor(principal, where.ip, where.user_agent)


def guarded(need: Need) -> Callable:
    """Decorate a state's async handler (under `@rx.event`) to run only for `need`."""

    def decorate(handler: Callable) -> Callable:
        signature = inspect.signature(handler)
        shown = [p for name, p in signature.parameters.items() if name != "actor"]

        @functools.wraps(handler)
        async def checked(self, *args: Any, **kwargs: Any):
            kwargs.pop("actor", None)  # never the browser's
            actor = await actor_for(self, need)
            if actor is None:
                return await turn_away(self)
            return await handler(self, *args, actor=actor, **kwargs)

        checked.__signature__ = signature.replace(parameters=shown)
        checked.__annotations__ = {
            name: hint for name, hint in handler.__annotations__.items() if name != "actor"
        }
        return checked

    return decorate


async def act(
    state: rx.State, call: Callable[..., T], *args: Any, rename: dict[str, str] | None = None
) -> tuple[T | None, dict[str, str], str]:
    """Run the domain `call(*args)` in a worker thread. Returns (its result, the field
    messages, the page-wide message): messages are empty on success; a DomainError's
    become them, in the page's language with their parameters."""
    try:
        return await asyncio.to_thread(call, *args), {}, ""
    except DomainError as exc:
        errors, problem = field_messages(exc, await translator(state), rename)
        return None, errors, problem
