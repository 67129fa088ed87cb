"""/password/reset?token=…: set a new password through an e-mailed link."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts import password_reset
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.web.components.forms import (
    error_summary,
    form,
    labelled_checkbox,
    notice,
    primary_button,
)
from portal.web.components.layout import card, page_title, shell
from portal.web.components.password_fields import NewPasswordCheck, new_password_fields
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field, ticked
from portal.web.link_tokens import forget_token_in_url, token_from_link
from portal.web.session import origin, translator


class ResetState(NewPasswordCheck, rx.State):
    """The reset form. The token from the link stays on the server (`_token`)."""

    link_ok: bool = False
    done: bool = False
    form_error: str = ""
    _token: str = ""

    @rx.event
    async def load(self):
        """Take the token from the link, check it, and remove it from the address bar."""
        self._token = token_from_link(self) or self._token
        self.done = False
        self.errors = {}
        self.form_error = ""
        self.link_ok = await asyncio.to_thread(password_reset.link_is_live, self._token)
        return forget_token_in_url()

    @rx.event
    async def submit(self, form: dict):
        """Set the new password; the link then stops working and nobody is signed in."""
        tr = await translator(self)
        try:
            await asyncio.to_thread(
                password_reset.complete,
                self._token,
                text_field(form, "new_password", 1024),
                text_field(form, "new_password_confirm", 1024),
                origin(self),
                ticked(form, "remove_factors"),
            )
        except DomainError as exc:
            self.errors, self.form_error = field_messages(exc, tr)
            if exc.key == "reset.link_invalid":
                self.link_ok = False
            return rx.set_focus("error-summary") if self.errors else None
        self._token = ""
        self.done = True
        self.errors, self.form_error = {}, ""
        return None


def reset_page() -> rx.Component:
    return shell(
        page_title("reset.title"),
        rx.cond(
            ResetState.done,
            card(
                rx.callout(t("reset.done"), color_scheme="green", role="status", width="100%"),
                rx.link(
                    t("login.to_sign_in"), href=paths.LOGIN, size="4", weight="bold", id="to-login"
                ),
            ),
            rx.cond(
                ResetState.link_ok,
                rx.fragment(
                    error_summary(ResetState.errors),
                    notice(ResetState.form_error, tone="red"),
                    card(
                        rx.text(t("reset.intro")),
                        form(
                            new_password_fields(ResetState),
                            labelled_checkbox(
                                "remove_factors",
                                t("reset.remove_factors"),
                                description=t("reset.remove_factors_hint"),
                            ),
                            primary_button("reset.submit", id="reset-submit"),
                            on_submit=ResetState.submit,
                        ),
                    ),
                ),
                card(
                    rx.callout(
                        t("reset.link_invalid"), color_scheme="red", role="alert", width="100%"
                    ),
                    rx.link(
                        t("reset.request_new"),
                        href=paths.PASSWORD_FORGOT,
                        size="4",
                        id="request-new",
                    ),
                ),
            ),
        ),
    )
