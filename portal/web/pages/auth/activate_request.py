"""/activate/request: ask for an activation e-mail without an invitation. One answer always."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts import activation
from portal.domain.core import email_address, typed_dates
from portal.web.changes import PageState
from portal.web.components.forms import error_summary, field, form, notice, primary_button
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.session import origin, translator


class ActivationRequestState(PageState, rx.State):
    """Messages of the request form."""

    errors: dict[str, str] = {}  # noqa: RUF012
    sent: str = ""

    @rx.event
    def load(self):
        self.errors, self.sent = {}, ""

    @rx.event
    async def submit(self, form: dict):
        """Check the fields' form, then file the request; the reply never says what matched."""
        tr = await translator(self)
        number = text_field(form, "registration_number", 32)
        birth = text_field(form, "birth_date", 32)
        email = text_field(form, "email", 254)
        errors = {}
        if not number.strip():
            errors["registration_number"] = tr("activation.number_required")
        if typed_dates.parse(birth) is None:
            errors["birth_date"] = tr("activation.birth_date_format")
        if (problem := email_address.problem(email)) is not None:
            errors["email"] = tr(problem)
        self.errors, self.sent = errors, ""
        if errors:
            return rx.set_focus("error-summary")
        await asyncio.to_thread(activation.request, number, birth, email, origin(self))
        self.sent = tr("activate.request_sent")
        return None


def activation_request_page() -> rx.Component:
    return shell(
        page_title("activate.request_title"),
        error_summary(ActivationRequestState.errors),
        notice(ActivationRequestState.sent),
        card(
            rx.text(t("activate.request_intro")),
            form(
                field(
                    "registration_number",
                    "activate.registration_number",
                    ActivationRequestState.errors,
                ),
                field(
                    "birth_date",
                    "activate.birth_date",
                    ActivationRequestState.errors,
                    hint_key="activate.birth_date_hint",
                    autocomplete="bday",
                ),
                field(
                    "email",
                    "login.email",
                    ActivationRequestState.errors,
                    type="email",
                    autocomplete="email",
                ),
                primary_button("activate.request_submit", id="request-submit"),
                on_submit=ActivationRequestState.submit,
            ),
        ),
    )
