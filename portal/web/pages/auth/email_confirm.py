"""/email/confirm?token=…: finish an e-mail change with one deliberate press of a button."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts import account_changes
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.web.changes import PageState
from portal.web.components.forms import notice
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.link_tokens import forget_token_in_url, token_from_link
from portal.web.session import origin, translator


class EmailConfirmState(PageState, rx.State):
    """The token stays on the server; the page shows only the outcome."""

    done: str = ""
    problem: str = ""
    _token: str = ""

    @rx.event
    def load(self):
        self._token = token_from_link(self) or self._token
        self.done = ""
        self.problem = ""
        return forget_token_in_url()

    @rx.event
    async def confirm(self):
        """Apply the change the link stands for."""
        tr = await translator(self)
        try:
            new_email = await asyncio.to_thread(
                account_changes.confirm_email_change, self._token, origin(self)
            )
        except DomainError as exc:
            self.problem = tr(exc.key)
            return None
        self._token = ""
        self.done = tr("emailconfirm.done", email=new_email)
        return None


def email_confirm_page() -> rx.Component:
    return shell(
        page_title("emailconfirm.title"),
        notice(EmailConfirmState.problem, tone="red"),
        rx.cond(
            EmailConfirmState.done != "",
            card(
                rx.callout(
                    EmailConfirmState.done, color_scheme="green", role="status", width="100%"
                ),
                rx.link(
                    t("login.to_sign_in"), href=paths.LOGIN, size="4", weight="bold", id="to-login"
                ),
            ),
            card(
                rx.text(t("emailconfirm.intro")),
                rx.button(
                    t("emailconfirm.submit"),
                    on_click=EmailConfirmState.confirm,
                    size="3",
                    width="100%",
                    id="confirm-email",
                ),
            ),
        ),
    )
