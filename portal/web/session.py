"""Who is asking: the one guard every signed-in page and public handler goes through.

The session secret arrives only in the HttpOnly cookie the browser sent with
the websocket handshake (`router.headers.cookie`); it is never a state var, so
it never reaches the browser's JavaScript. Each call re-checks the session on
the server (revocation, idle and absolute expiry, account status).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from typing import TypeVar

import reflex as rx

from portal import client_address
from portal.cookies import LANGUAGE_COOKIE, SESSION_COOKIE
from portal.domain.accounts import operations, permissions, sessions, start_pages
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.sessions import Principal
from portal.domain.accounts.tables import StaffRole
from portal.domain.core import paths
from portal.domain.core.db import reading
from portal.domain.core.origin import Origin
from portal.i18n import language_from_header, translate
from portal.settings import LANGUAGES, get_settings
from portal.web.changes import PageState
from portal.web.need import Need
from portal.web.page_states import forget_all

T = TypeVar("T")
DEFAULT_LANGUAGE = get_settings().language
# The identity provider's name on its buttons; empty when there is none (PORTAL_OIDC_ISSUER).
PROVIDER_NAME = get_settings().oidc.name if get_settings().oidc else ""


def session_secret(state: rx.State) -> str | None:
    """The session cookie's value from the handshake headers, if any."""
    return cookie_value(state.router.headers.cookie, SESSION_COOKIE)


@functools.lru_cache(maxsize=1024)
def cookie_value(raw: str, name: str) -> str | None:
    """The value of cookie `name` in a Cookie header, if any (HttpOnly cookies included:
    the browser sends them with the websocket handshake)."""
    # Parsed once per distinct header: a tab sends the same handshake cookie with every event.
    if not raw:
        return None
    try:
        jar = SimpleCookie(raw)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


async def current_principal(state: rx.State) -> Principal | None:
    """The signed-in principal for this event, resolved on the server, or None."""
    secret = session_secret(state)
    if not secret:
        return None
    return await asyncio.to_thread(sessions.resolve, secret)


def _admitted(principal: Principal | None, need: Need) -> Principal | None:
    """`principal` when they meet `need`, else None. Staff who still must enrol an
    authenticator app meet only Need.SIGNED_IN."""
    kind, role = need.value
    if principal is None or kind is None:
        return principal
    if principal.kind != kind:
        return None
    if not permissions.counts_as_signed_in(principal):
        return None
    if role is not None and principal.role != role:
        return None
    return principal


async def require(state: rx.State, need: Need) -> Principal | None:
    """The principal when they meet `need`, else None. The page's header and language
    follow the principal found (ShellState)."""
    admitted, _ = await require_and_read(state, need)
    return admitted


async def require_and_read(
    state: rx.State, need: Need, read: Callable[[Actor], T] | None = None
) -> tuple[Actor | None, T | None]:
    """`require(state, need)`, and for an admitted principal `read(actor)`: both in one
    worker thread, so a page's first event crosses to a thread once instead of twice.
    Returns (the admitted Actor or None, what `read` returned or None)."""
    secret = session_secret(state)
    where = origin(state)

    def check_then_read() -> tuple[Principal | None, Actor | None, T | None]:
        with reading():  # the check and the page's reads share one pooled connection
            principal = sessions.resolve(secret) if secret else None
            found_principal = _admitted(principal, need)
            admitted = found_principal and Actor(found_principal, where.ip, where.user_agent)
            found = read(admitted) if read is not None and admitted is not None else None
        return principal, admitted, found

    principal, admitted, found = await asyncio.to_thread(check_then_read)
    # The same lookup serves the header and the language: a signed-in page needs no
    # separate ShellState.sync, so a navigation checks the session once.
    await follow(state, principal)
    return admitted, found


async def follow(state: rx.State, principal: Principal | None) -> None:
    """Make the tab show `principal`: when its states hold someone else's data (or the
    session that filled them has ended), every page state is emptied first."""
    shell = await state.get_state(ShellState)
    holder = principal.account_id if principal else 0
    if shell._holder and holder != shell._holder:
        await forget_all(state, keep=(ShellState,))
    shell._holder = holder
    shell._show(principal)


def origin(state: rx.State) -> Origin:
    """Where this socket's events come from: the peer, or behind a trusted proxy the client
    it names (portal.client_address), and the browser's user agent."""
    forwarded = state.router.headers.raw_headers.get("x-forwarded-for")
    agent = state.router.headers.user_agent or ""
    return Origin(client_address.resolve(state.router.session.client_ip, forwarded), agent[:300])


def to_login() -> rx.event.EventSpec:
    """Where a refused visitor goes."""
    return rx.redirect(paths.LOGIN)


async def turn_away(state: rx.State) -> rx.event.EventSpec:
    """Where a visitor refused by a page goes: their own start page, or the sign-in page."""
    principal = await current_principal(state)
    return rx.redirect(home_for(principal)) if principal else to_login()


def home_for(principal: Principal) -> str:
    """The start page of a signed-in principal (accounts.start_pages)."""
    return start_pages.start_page(
        principal.kind, principal.needs_totp_enrolment, bool(principal.consent_missing)
    )


class ShellState(PageState, rx.State):
    """Language and navigation shared by every page. Holds nothing secret."""

    lang: str = DEFAULT_LANGUAGE
    signed_in: bool = False
    is_staff: bool = False
    is_admin: bool = False
    is_organisation: bool = False
    display_name: str = ""
    _holder: int = 0  # the account whose data this tab's states hold (0: nobody's)
    lang_cookie: str = rx.Cookie("", name=LANGUAGE_COOKIE, max_age=365 * 24 * 3600, same_site="lax")

    def _use_language(self, lang: str) -> None:
        # Page text comes from the bundled catalogue (components/text.py) and <html lang>
        # follows `lang` in the browser (components/html_lang.js): only the two letters
        # travel, and only when they change (PageState).
        self.lang = lang
        self.lang_cookie = lang

    def _show(self, principal: Principal | None) -> None:
        """Navigation for `principal`, in their language (else the visitor's choice, else
        their browser's, else the portal's)."""
        self.signed_in = principal is not None
        self.is_staff = bool(principal and principal.is_staff)
        self.is_admin = bool(self.is_staff and principal.role == StaffRole.ADMIN)
        self.is_organisation = bool(principal and principal.is_organisation)
        self.display_name = principal.display_name if principal else ""
        if principal is not None:
            lang = principal.language
        elif self.lang_cookie in LANGUAGES:
            lang = self.lang_cookie
        else:  # a first visit: the browser's own preference, then the portal's default
            lang = language_from_header(self.router.headers.accept_language) or DEFAULT_LANGUAGE
        self._use_language(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)

    @rx.event
    async def sync(self):
        """First event of a public page: who is signed in, and which language to speak.
        (Signed-in pages do this in their own `load`, through `require`.)"""
        await follow(self, await current_principal(self))

    @rx.event
    async def set_language(self, lang: str):
        """Switch language; remembered in a cookie, and on the account when signed in."""
        if not isinstance(lang, str) or lang not in LANGUAGES:
            return None
        principal = await current_principal(self)
        self._use_language(lang)
        if principal is not None:
            await asyncio.to_thread(operations.set_language, principal.account_id, lang)
            return rx.call_script("window.location.reload()")
        return None

    @rx.event
    async def sign_out(self):
        """End the session on the server, then clear the cookie through the sign-out route."""
        secret = session_secret(self)
        if secret:
            await asyncio.to_thread(sessions.end, secret)
        await follow(self, None)
        return rx.call_script("window.location.replace('/auth/signout')")


async def page_language(state: rx.State) -> str:
    """The language the page is shown in, for messages made on the server."""
    return (await state.get_state(ShellState)).lang


async def translator(state: rx.State):
    """A function `t(key, **params)` that translates into the page's language."""
    lang = await page_language(state)
    return lambda key, **params: translate(key, lang, **params)
