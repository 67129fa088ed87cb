"""/password/forgot: ask for a link to set a new password. The answer never tells
whether the address has an account."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts import password_reset
from portal.domain.core import email_address, paths
from portal.web.changes import PageState
from portal.web.components.forms import error_summary, field, form, notice, primary_button
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.session import origin, translator


class ForgotState(PageState, rx.State):
    """Messages of the forgotten-password form."""

    errors: dict[str, str] = {}  # noqa: RUF012
    sent: str = ""

    @rx.event
    def load(self):
        self.errors = {}
        self.sent = ""

    @rx.event
    async def submit(self, form: dict):
        """Check the address's syntax, then ask for a link; one answer whatever happens."""
        tr = await translator(self)
        email = text_field(form, "email", 254).strip()
        problem = email_address.problem(email)
        if problem:
            self.errors, self.sent = {"email": tr(problem)}, ""
            return rx.set_focus("error-summary")
        self.errors = {}
        await asyncio.to_thread(password_reset.request, email, origin(self))
        self.sent = tr("forgot.sent")
        return None


def forgot_page() -> rx.Component:
    return shell(
        page_title("forgot.title"),
        error_summary(ForgotState.errors),
        notice(ForgotState.sent),
        card(
            rx.text(t("forgot.intro")),
            form(
                field(
                    "email",
                    "login.email",
                    ForgotState.errors,
                    type="email",
                    hint_key="login.email_hint",
                    autocomplete="email",
                    auto_focus=True,
                ),
                primary_button("forgot.submit", id="forgot-submit"),
                on_submit=ForgotState.submit,
            ),
            rx.link(t("code.back"), href=paths.LOGIN),
        ),
    )
