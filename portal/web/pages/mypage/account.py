"""/mypage/account: language, the authenticator app (enrol, recovery codes, turn off), sign out.

Used by registrants and staff alike; staff who must use an authenticator app
land here first and go on to /admin once it is on.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain import totp
from portal.domain.errors import DomainError
from portal.i18n import LANGUAGE_NAMES
from portal.web.components.forms import error_summary, field, form, notice, primary_button
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.session import ShellState, client_ip, require, to_login, translator


class AccountState(rx.State):
    """The signed-in person's own account settings; nothing of anyone else."""

    email: str = ""
    is_staff: bool = False
    needs_enrolment: bool = False
    totp_enabled: bool = False
    enrolling: bool = False
    qr_data_uri: str = ""
    key_text: str = ""
    recovery_codes: list[str] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    info: str = ""

    def _clear(self) -> None:
        self.errors = {}
        self.info = ""

    def _end_enrolment(self) -> None:
        self.enrolling = False
        self.qr_data_uri = ""
        self.key_text = ""

    @rx.event
    async def load(self):
        """Show the signed-in person's settings."""
        principal = await require(self, "any")
        if principal is None:
            return to_login()
        self.email = principal.email
        self.is_staff = principal.is_staff
        self.needs_enrolment = principal.needs_totp_enrolment
        self.totp_enabled = principal.totp_enabled
        self.recovery_codes = []
        self._end_enrolment()
        self._clear()
        return None

    @rx.event
    async def start_enrolment(self):
        """Make a new pending secret and show it as a QR code and as text."""
        principal = await require(self, "any")
        if principal is None:
            return to_login()
        self._clear()
        enrolment = await asyncio.to_thread(totp.begin_enrolment, principal.account_id)
        self.enrolling = True
        self.qr_data_uri = enrolment.qr_data_uri
        self.key_text = enrolment.key_text
        return rx.set_focus("code")

    @rx.event
    async def confirm_enrolment(self, form: dict):
        """Turn the authenticator on when the app's code matches; show recovery codes once."""
        principal = await require(self, "any")
        if principal is None:
            return to_login()
        tr = await translator(self)
        code = form.get("code", "") if isinstance(form, dict) else ""
        code = code[:20] if isinstance(code, str) else ""
        self._clear()
        if not code.strip():
            self.errors = {"code": tr("code.required")}
            return None
        try:
            codes = await asyncio.to_thread(
                totp.confirm_enrolment, principal.account_id, code, client_ip(self)
            )
        except DomainError as exc:
            self.errors = {exc.field or "code": tr(exc.key, tries=0)}
            if exc.key == "totp.no_enrolment":
                self._end_enrolment()
            return None
        self._end_enrolment()
        self.totp_enabled = True
        self.needs_enrolment = False
        self.recovery_codes = codes
        self.info = tr("account.totp_enabled")
        return None

    @rx.event
    def recovery_codes_saved(self):
        """Hide the recovery codes for good."""
        self.recovery_codes = []

    @rx.event
    async def disable(self, form: dict):
        """Turn the authenticator off after the password and a current code."""
        principal = await require(self, "any")
        if principal is None:
            return to_login()
        tr = await translator(self)
        form = form if isinstance(form, dict) else {}
        password = form.get("password", "")
        code = form.get("disable_code", "")
        password = password[:1024] if isinstance(password, str) else ""
        code = code[:20] if isinstance(code, str) else ""
        self._clear()
        errors = {}
        if not password:
            errors["password"] = tr("password.required")
        if not code.strip():
            errors["disable_code"] = tr("code.required")
        if errors:
            self.errors = errors
            return None
        try:
            await asyncio.to_thread(
                totp.disable, principal.account_id, password, code, client_ip(self)
            )
        except DomainError as exc:
            target = {"code": "disable_code"}.get(exc.field or "", exc.field or "disable_code")
            self.errors = {target: tr(exc.key, tries=0)}
            return None
        self.totp_enabled = False
        self.info = tr("account.totp_disabled")
        return None


def _enrolment() -> rx.Component:
    return rx.vstack(
        rx.text(t("account.totp_scan")),
        rx.image(src=AccountState.qr_data_uri, alt="QR code", width="220px", height="220px"),
        rx.text(t("account.totp_key")),
        rx.code(AccountState.key_text, size="4", id="totp-key", style={"word_break": "break-all"}),
        form(
            field(
                "code",
                "account.totp_confirm_label",
                AccountState.errors,
                autocomplete="one-time-code",
                input_mode="numeric",
                max_length=20,
            ),
            primary_button("account.totp_confirm", id="totp-confirm"),
            on_submit=AccountState.confirm_enrolment,
            reset_on_submit=True,
        ),
        spacing="3",
        width="100%",
    )


def _recovery_codes() -> rx.Component:
    return card(
        rx.heading(t("account.recovery_title"), as_="h2", size="5"),
        rx.text(t("account.recovery_intro")),
        rx.el.ul(
            rx.foreach(AccountState.recovery_codes, lambda code: rx.el.li(code)),
            class_name="recovery-codes",
            id="recovery-codes",
        ),
        rx.button(t("account.recovery_done"), on_click=AccountState.recovery_codes_saved, size="3"),
    )


def _disable_form() -> rx.Component:
    return rx.vstack(
        rx.text(t("account.totp_disable_intro"), size="2"),
        form(
            field(
                "password",
                "account.password",
                AccountState.errors,
                type="password",
                autocomplete="current-password",
                max_length=1024,
            ),
            field("disable_code", "account.code", AccountState.errors, max_length=20),
            rx.button(
                t("account.totp_disable"), type="submit", variant="outline", color_scheme="red"
            ),
            on_submit=AccountState.disable,
            reset_on_submit=True,
        ),
        width="100%",
    )


def _totp_card() -> rx.Component:
    return card(
        rx.heading(t("account.totp_title"), as_="h2", size="5"),
        rx.cond(
            AccountState.totp_enabled,
            rx.vstack(
                rx.hstack(
                    rx.icon("shield-check", color="var(--green-11)"), rx.text(t("account.totp_on"))
                ),
                rx.cond(~AccountState.is_staff, _disable_form()),
                width="100%",
            ),
            rx.vstack(
                rx.text(t("account.totp_off")),
                rx.cond(
                    AccountState.enrolling,
                    _enrolment(),
                    rx.button(
                        t("account.totp_start"),
                        on_click=AccountState.start_enrolment,
                        size="3",
                        id="totp-start",
                    ),
                ),
                width="100%",
            ),
        ),
    )


def _language_card() -> rx.Component:
    return card(
        rx.heading(t("account.language_title"), as_="h2", size="5"),
        rx.text(t("account.language_hint"), size="2"),
        rx.radio_group.root(
            rx.hstack(
                *[
                    rx.el.label(
                        rx.hstack(
                            rx.radio_group.item(value=code), rx.text(name, lang=code), spacing="2"
                        ),
                        cursor="pointer",
                    )
                    for code, name in LANGUAGE_NAMES.items()
                ],
                spacing="5",
            ),
            value=ShellState.lang,
            on_change=ShellState.set_language,
            direction="row",
            spacing="2",
            aria_label=t("account.language_title"),
        ),
    )


def account_page() -> rx.Component:
    return shell(
        page_title("account.title"),
        rx.text(t("account.email"), " ", rx.text.strong(AccountState.email, id="account-email")),
        rx.cond(
            AccountState.needs_enrolment,
            rx.callout(
                t("account.totp_required"), color_scheme="indigo", icon="info", width="100%"
            ),
        ),
        notice(AccountState.info),
        error_summary(AccountState.errors),
        rx.cond(AccountState.recovery_codes.length() > 0, _recovery_codes()),
        rx.cond(
            AccountState.is_staff & AccountState.totp_enabled,
            rx.link(
                t("account.continue_admin"), href="/admin", size="4", weight="bold", id="to-admin"
            ),
        ),
        _totp_card(),
        _language_card(),
        card(
            rx.heading(t("account.sign_out_title"), as_="h2", size="5"),
            rx.text(t("account.sign_out_intro"), size="2"),
            rx.button(
                t("app.sign_out"),
                on_click=ShellState.sign_out,
                variant="outline",
                size="3",
                id="sign-out",
            ),
        ),
    )
