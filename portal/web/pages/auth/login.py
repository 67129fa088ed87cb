"""/login: e-mail and password, the first sign-in step."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts import signin
from portal.domain.core import paths
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    notice,
    password_field,
    primary_button,
)
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.pages.auth.code import CodeState
from portal.web.session import PROVIDER_NAME, current_principal, home_for, origin, translator

# Why /auth/oidc/callback sent a visitor back here (?reason=provider_...).
_PROVIDER_REASONS = (
    "unlinked",
    "not_for_you",
    "refused",
    "failed",
    "cancelled",
    "unavailable",
    "throttled",
)


class LoginState(PageState, rx.State):
    """The sign-in form's messages. What the visitor typed stays in the browser's inputs."""

    provider_name: str = PROVIDER_NAME
    errors: dict[str, str] = {}  # noqa: RUF012
    form_error: str = ""
    info: str = ""

    @rx.event
    async def load(self):
        """Send a signed-in visitor home; explain why a visitor was sent here."""
        principal = await current_principal(self)
        if principal is not None:
            return rx.redirect(home_for(principal))
        tr = await translator(self)
        reason = self.router.url.query_parameters.get("reason", "")
        self.info = {
            "signed_out": tr("login.signed_out"),
            "ended": tr("login.session_ended"),
            "closed": tr("login.closed"),
        }.get(reason, "")
        self.errors = {}
        self.form_error = ""
        outcome = reason.removeprefix("provider_")
        if PROVIDER_NAME and reason.startswith("provider_") and outcome in _PROVIDER_REASONS:
            self.form_error = tr(f"login.provider_{outcome}", provider=PROVIDER_NAME)
        return None

    @rx.event
    async def submit(self, form: dict):
        """Check the password; on success go to the code page bound to this tab."""
        if not isinstance(form, dict):
            return None
        tr = await translator(self)
        email = text_field(form, "email", 254).strip()
        password = text_field(form, "password", 1024)
        self.info = ""
        errors = {}
        if not email:
            errors["email"] = tr("email.required")
        if not password:
            errors["password"] = tr("password.required")
        self.errors = errors
        self.form_error = ""
        if errors:
            return rx.set_focus("error-summary")
        result = await asyncio.to_thread(signin.check_password, email, password, origin(self))
        if not result.ok:
            if result.must_reset:
                self.form_error = tr("login.must_reset")
            elif result.throttled:
                self.form_error = tr("login.throttled")
            else:
                self.form_error = tr("login.failed")
            return None
        code_state = await self.get_state(CodeState)
        code_state._begin(result.attempt, result.method)
        return rx.redirect(paths.LOGIN_CODE)


def login_page() -> rx.Component:
    return shell(
        page_title("login.title"),
        notice(LoginState.info, tone="blue"),
        error_summary(LoginState.errors),
        notice(LoginState.form_error, tone="red"),
        card(
            rx.text(t("login.both_doors"), weight="bold", id="login-doors"),
            rx.text(t("login.intro")),
            form(
                field(
                    "email",
                    "login.email",
                    LoginState.errors,
                    type="email",
                    hint_key="login.email_hint",
                    autocomplete="username",
                    auto_focus=True,
                ),
                password_field("password", "login.password", LoginState.errors),
                primary_button("login.submit", id="login-submit"),
                on_submit=LoginState.submit,
            ),
            rx.link(t("login.forgot"), href=paths.PASSWORD_FORGOT),
        ),
        _provider_door(),
    )


def _provider_door() -> rx.Component:
    """The other way in, when the association has an identity provider."""
    if not PROVIDER_NAME:
        return rx.fragment()
    return card(
        rx.text(t("login.provider_intro")),
        rx.el.a(
            t("login.provider_button").replace("{provider}", LoginState.provider_name),  # type: ignore[attr-defined]
            href=paths.OIDC_START,
            reload_document=True,
            id="provider-signin",
            class_name="button-link",
        ),
    )
