"""The "Sign in with <provider>" card of /mypage/account: link (a trip to the provider
through /auth/oidc/link), see since when, unlink with the password.

Shown only when PORTAL_OIDC_ISSUER is set; the link button only to kinds of account
PORTAL_OIDC_FOR lets in.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts import provider_links
from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.i18n import format_date
from portal.web.changes import PageState
from portal.web.components.forms import form, notice, password_field
from portal.web.components.layout import card
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.session import (
    PROVIDER_NAME,
    page_language,
    require,
    translator,
)

# What /auth/oidc/callback reports back (?provider=...), each a message of this card.
_OUTCOMES = (
    "linked",
    "taken",
    "already_linked",
    "not_for_you",
    "session_gone",
    "failed",
    "cancelled",
    "unavailable",
    "throttled",
    "reauth",
)


class ProviderLinkState(PageState, rx.State):
    """The signed-in person's own link to the provider; nothing of anyone else."""

    provider_name: str = PROVIDER_NAME
    may_link: bool = False
    linked_on: str = ""
    errors: dict[str, str] = {}  # noqa: RUF012
    form_error: str = ""
    info: str = ""

    @rx.event
    async def load(self):
        """The link as it stands, and the outcome of a trip to the provider just made."""
        if not PROVIDER_NAME:
            return None
        principal = await require(self, Need.SIGNED_IN)
        if principal is None:
            return None
        tr = await translator(self)
        since = await asyncio.to_thread(provider_links.linked_since, [principal.account_id])
        linked = since.get(principal.account_id)
        self.may_link = provider_links.may_use(principal.kind)
        self.linked_on = format_date(linked, await page_language(self)) if linked else ""
        outcome = self.router.url.query_parameters.get("provider", "")
        message = (
            tr(f"account.provider_{outcome}", provider=PROVIDER_NAME)
            if outcome in _OUTCOMES
            else ""
        )
        self.info = message if outcome == "linked" else ""
        self.form_error = "" if outcome == "linked" else message
        self.errors = {}
        return None

    @rx.event
    @guarded(Need.SIGNED_IN)
    async def unlink(self, actor: Actor, form: dict):
        """Remove the link after the password; the owner is mailed."""
        tr = await translator(self)
        password = text_field(form, "unlink_password", 1024)
        self.info, self.form_error = "", ""
        try:
            await asyncio.to_thread(provider_links.unlink, actor, password)
        except DomainError as exc:
            self.errors, self.form_error = field_messages(exc, tr)
            return rx.set_focus("unlink_password") if self.errors else None
        self.errors = {}
        self.linked_on = ""
        self.info = tr("account.provider_unlinked", provider=PROVIDER_NAME)
        return None


def _name(key: str) -> rx.Var:
    return t(key).replace("{provider}", ProviderLinkState.provider_name)  # type: ignore[attr-defined]


def _linked() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("link", color="var(--green-11)"),
            rx.text(
                _name("account.provider_linked_on").replace(  # type: ignore[attr-defined]
                    "{date}", ProviderLinkState.linked_on
                ),
                id="provider-linked-on",
            ),
            align="center",
        ),
        rx.text(t("account.provider_unlink_intro"), size="2"),
        form(
            password_field("unlink_password", "account.current_password", ProviderLinkState.errors),
            rx.button(
                t("account.provider_unlink"),
                type="submit",
                variant="outline",
                color_scheme="red",
                size="3",
                id="provider-unlink",
            ),
            on_submit=ProviderLinkState.unlink,
            reset_on_submit=True,
        ),
        width="100%",
    )


def _not_linked() -> rx.Component:
    return rx.vstack(
        rx.text(_name("account.provider_intro")),
        rx.el.a(
            _name("account.provider_link"),
            href=paths.OIDC_LINK,
            reload_document=True,
            id="provider-link",
            class_name="button-link",
        ),
        width="100%",
    )


def provider_card() -> rx.Component:
    """The card, or nothing when no provider is configured or this account may not use it."""
    if not PROVIDER_NAME:
        return rx.fragment()
    return rx.cond(
        ProviderLinkState.may_link | (ProviderLinkState.linked_on != ""),
        card(
            rx.heading(_name("account.provider_title"), as_="h2", size="5", id="provider-title"),
            notice(ProviderLinkState.info),
            notice(ProviderLinkState.form_error, tone="red"),
            rx.cond(ProviderLinkState.linked_on != "", _linked(), _not_linked()),
        ),
    )
