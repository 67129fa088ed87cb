"""/login/code: the second factor — the e-mailed code, or the authenticator app's."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.cookies import PROVIDER_ATTEMPT_COOKIE
from portal.domain.accounts import signin
from portal.domain.core import paths
from portal.settings import get_settings
from portal.web.changes import PageState
from portal.web.components.forms import error_summary, field, form, notice, primary_button
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.session import cookie_value, origin, translator

_TICKET_POST = """
(() => {{
  const form = document.createElement('form');
  form.method = 'post';
  form.action = '/auth/session';
  const input = document.createElement('input');
  input.type = 'hidden';
  input.name = 'ticket';
  input.value = {ticket!r};
  form.appendChild(input);
  document.body.appendChild(form);
  form.submit();
}})()
"""


class CodeState(PageState, rx.State):
    """The code form. `_attempt` binds this tab to its challenge and never leaves the server."""

    method: str = ""
    minutes: int = get_settings().sign_in.code_minutes
    errors: dict[str, str] = {}  # noqa: RUF012
    form_error: str = ""
    info: str = ""
    _attempt: str = ""

    def _begin(self, attempt: str, method: str) -> None:
        self._attempt = attempt
        self.method = method
        self.errors = {}
        self.form_error = ""
        self.info = ""

    @rx.event
    async def load(self):
        """Without a first step in this tab there is nothing to do here. After the identity
        provider (?via=provider), the first step is the one its HttpOnly cookie names."""
        if self.router.url.query_parameters.get("via") == "provider":
            attempt = cookie_value(self.router.headers.cookie, PROVIDER_ATTEMPT_COOKIE) or ""
            method = await asyncio.to_thread(signin.pending_method, attempt)
            if method is not None:
                self._begin(attempt, method)
        if not self._attempt:
            return rx.redirect(paths.LOGIN)
        return None

    @rx.event
    async def submit(self, form: dict):
        """Check the code; on success hand the one-time ticket to the session route."""
        if not isinstance(form, dict) or not self._attempt:
            return rx.redirect(paths.LOGIN)
        tr = await translator(self)
        code = form.get("code", "")
        code = code.strip()[:40] if isinstance(code, str) else ""
        self.info = ""
        self.form_error = ""
        if not code:
            self.errors = {"code": tr("code.required")}
            return rx.set_focus("error-summary")
        result = await asyncio.to_thread(signin.verify_code, self._attempt, code, origin(self))
        if result.ok:
            self._attempt = ""
            self.errors = {}
            return rx.call_script(_TICKET_POST.format(ticket=result.ticket))
        if result.problem == "code.wrong":
            self.errors = {"code": tr("code.wrong", tries=result.tries_left)}
        else:
            self.errors = {}
            self.form_error = tr(result.problem or "error.generic")
        return None

    @rx.event
    async def resend(self):
        """Send a new code by e-mail, replacing the old one (throttled in the domain)."""
        if not self._attempt:
            return rx.redirect(paths.LOGIN)
        tr = await translator(self)
        problem = await asyncio.to_thread(signin.resend_code, self._attempt)
        self.errors = {}
        if problem:
            self.form_error, self.info = tr(problem), ""
        else:
            self.form_error, self.info = "", tr("code.resent")
        return None


def code_page() -> rx.Component:
    return shell(
        page_title("code.title"),
        notice(CodeState.info),
        error_summary(CodeState.errors),
        notice(CodeState.form_error, tone="red"),
        card(
            rx.cond(
                CodeState.method == "totp",
                rx.text(t("code.intro_totp")),
                rx.text(
                    t("code.intro_email").replace("{minutes}", CodeState.minutes.to_string()),  # type: ignore[attr-defined]
                ),
            ),
            form(
                field(
                    "code",
                    "code.label",
                    CodeState.errors,
                    hint_key="code.hint",
                    autocomplete="one-time-code",
                    input_mode=rx.cond(CodeState.method == "totp", "text", "numeric"),
                    max_length=40,
                    auto_focus=True,
                ),
                primary_button("code.submit", id="code-submit"),
                on_submit=CodeState.submit,
                reset_on_submit=True,
            ),
            rx.hstack(
                rx.cond(
                    CodeState.method == "email",
                    rx.button(
                        t("code.resend"), variant="soft", on_click=CodeState.resend, type="button"
                    ),
                ),
                rx.link(t("code.back"), href=paths.LOGIN),
                spacing="4",
                align="center",
                wrap="wrap",
            ),
        ),
    )
