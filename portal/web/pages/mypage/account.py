"""/mypage/account: language, the authenticator app (enrol, recovery codes, turn off), the link
to the identity provider (account_provider), password, e-mail, sign out, closing.

Used by registrants and staff alike; staff who must use an authenticator app
land here first and go on to /admin once it is on.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts import account_changes, reauth, totp
from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.errors import DomainError, FieldErrors
from portal.i18n import LANGUAGE_NAMES
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    notice,
    password_field,
    primary_button,
)
from portal.web.components.layout import card, page_title, shell
from portal.web.components.password_fields import NewPasswordCheck, new_password_fields
from portal.web.components.text import t
from portal.web.errors import text_field
from portal.web.guard import Need, act, guarded
from portal.web.pages.mypage.account_provider import provider_card
from portal.web.session import ShellState, translator


class AccountState(NewPasswordCheck, rx.State):
    """The signed-in person's own account settings; nothing of anyone else."""

    email: str = ""
    is_staff: bool = False
    needs_enrolment: bool = False
    totp_enabled: bool = False
    enrolling: bool = False
    qr_data_uri: str = ""
    key_text: str = ""
    recovery_codes: list[str] = []  # noqa: RUF012
    confirmed: bool = False  # proved it is them in the last few minutes: factors may change
    form_error: str = ""
    info: str = ""

    def _clear(self) -> None:
        self.errors = {}
        self.form_error = ""
        self.info = ""

    async def _attempt(self, work, success_key: str, rename: dict[str, str] | None = None) -> bool:
        """Run `work` off the loop; show its refusal on the fields, or `success_key`."""
        self._clear()
        _, self.errors, self.form_error = await act(self, work, rename=rename)
        if self.errors or self.form_error:
            return False
        self.info = (await translator(self))(success_key)
        return True

    def _end_enrolment(self) -> None:
        self.enrolling = False
        self.qr_data_uri = ""
        self.key_text = ""

    @rx.event
    @guarded(Need.SIGNED_IN)
    async def load(self, actor: Actor):
        """Show the signed-in person's settings."""
        self.email = actor.email
        self.is_staff = actor.is_staff
        self.needs_enrolment = actor.needs_totp_enrolment
        self.totp_enabled = actor.totp_enabled
        self.recovery_codes = []
        self._end_enrolment()
        self._clear()
        self.confirmed = await asyncio.to_thread(reauth.is_recent, actor)
        return None

    @rx.event
    @guarded(Need.SIGNED_IN)
    async def reauthenticate(self, actor: Actor, form: dict):
        """Prove it is the owner again (the password, or a code of the authenticator when
        there is one), so a sign-in factor may change for the next few minutes."""
        password = text_field(form, "reauth_password", 1024)
        code = text_field(form, "reauth_code", 20)
        if await self._attempt(
            lambda: reauth.confirm(actor, password, code), "account.reauth_done"
        ):
            self.confirmed = True
        return None

    def _not_confirmed(self, exc: DomainError, tr) -> bool:
        """Show a refusal for want of a recent confirmation; True when it was one."""
        if not exc.key.startswith("reauth."):
            return False
        self.confirmed = False
        self._end_enrolment()
        self.form_error = tr(exc.key)
        return True

    @rx.event
    @guarded(Need.SIGNED_IN)
    async def start_enrolment(self, actor: Actor):
        """Make a new pending secret and show it as a QR code and as text."""
        self._clear()
        try:
            enrolment = await asyncio.to_thread(totp.begin_enrolment, actor)
        except DomainError as exc:
            self._not_confirmed(exc, await translator(self))
            return None
        self.enrolling = True
        self.qr_data_uri = enrolment.qr_data_uri
        self.key_text = enrolment.key_text
        return rx.set_focus("code")

    @rx.event
    @guarded(Need.SIGNED_IN)
    async def confirm_enrolment(self, actor: Actor, form: dict):
        """Turn the authenticator on when the app's code matches; show recovery codes once."""
        tr = await translator(self)
        code = form.get("code", "") if isinstance(form, dict) else ""
        code = code[:20] if isinstance(code, str) else ""
        self._clear()
        if not code.strip():
            self.errors = {"code": tr("code.required")}
            return None
        try:
            codes = await asyncio.to_thread(totp.confirm_enrolment, actor, code)
        except DomainError as exc:
            if self._not_confirmed(exc, tr):
                return None
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
    @guarded(Need.SIGNED_IN)
    async def disable(self, actor: Actor, form: dict):
        """Turn the authenticator off after the password and a current code."""
        password = text_field(form, "password", 1024)
        code = text_field(form, "disable_code", 20)

        def work():
            if not password or not code.strip():
                raise FieldErrors(
                    {
                        **({"password": ("password.required", {})} if not password else {}),
                        **({"disable_code": ("code.required", {})} if not code.strip() else {}),
                    }
                )
            totp.disable(actor, password, code)

        if await self._attempt(work, "account.totp_disabled", {"code": "disable_code"}):
            self.totp_enabled = False
        return None

    @rx.event
    @guarded(Need.SIGNED_IN)
    async def change_password(self, actor: Actor, form: dict):
        """Replace the password (current + new + confirmation); other devices are signed out."""
        await self._attempt(
            lambda: account_changes.change_password(
                actor,
                text_field(form, "current_password", 1024),
                text_field(form, "new_password", 1024),
                text_field(form, "new_password_confirm", 1024),
            ),
            "account.password_changed",
        )
        return None

    @rx.event
    @guarded(Need.SIGNED_IN)
    async def change_email(self, actor: Actor, form: dict):
        """Send a confirmation link to a new address (typed twice) after the password."""
        await self._attempt(
            lambda: account_changes.request_email_change(
                actor,
                text_field(form, "new_email", 254),
                text_field(form, "new_email_confirm", 254),
                text_field(form, "email_password", 1024),
            ),
            "account.email_sent",
            {"current_password": "email_password"},
        )
        return None

    @rx.event
    @guarded(Need.SIGNED_IN)
    async def close_account(self, actor: Actor, form: dict):
        """Close the portal account ("I understand" + password), then leave through sign-out."""
        understood = isinstance(form, dict) and form.get("understood") in ("on", True, "true")
        closed = await self._attempt(
            lambda: account_changes.close(
                actor,
                understood,
                text_field(form, "close_password", 1024),
            ),
            "login.closed",
            {"current_password": "close_password"},
        )
        if closed:
            return rx.call_script("window.location.replace('/auth/signout?reason=closed')")
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
            password_field("password", "account.password", AccountState.errors),
            field("disable_code", "account.code", AccountState.errors, max_length=20),
            rx.button(
                t("account.totp_disable"), type="submit", variant="outline", color_scheme="red"
            ),
            on_submit=AccountState.disable,
            reset_on_submit=True,
        ),
        width="100%",
    )


def _confirm_card() -> rx.Component:
    """ "Confirm it is you": the password, or a code of the app when there is one."""
    return card(
        rx.heading(t("account.reauth_title"), as_="h2", size="5"),
        rx.text(t("account.reauth_intro"), size="2"),
        form(
            rx.cond(
                AccountState.totp_enabled,
                field(
                    "reauth_code",
                    "account.reauth_code",
                    AccountState.errors,
                    autocomplete="one-time-code",
                    input_mode="numeric",
                    max_length=20,
                ),
                password_field("reauth_password", "account.password", AccountState.errors),
            ),
            rx.button(t("account.reauth_submit"), type="submit", size="3", id="reauth-submit"),
            on_submit=AccountState.reauthenticate,
            reset_on_submit=True,
        ),
        id="reauth",
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
                    rx.cond(
                        AccountState.confirmed,
                        rx.button(
                            t("account.totp_start"),
                            on_click=AccountState.start_enrolment,
                            size="3",
                            id="totp-start",
                        ),
                        rx.text(t("account.reauth_first"), size="2", color="var(--gray-11)"),
                    ),
                ),
                width="100%",
            ),
        ),
    )


def _password_card() -> rx.Component:
    return card(
        rx.heading(t("account.password_title"), as_="h2", size="5"),
        form(
            password_field("current_password", "account.current_password", AccountState.errors),
            new_password_fields(AccountState),
            primary_button("account.password_submit", id="password-submit"),
            on_submit=AccountState.change_password,
            reset_on_submit=True,
        ),
    )


def _email_card() -> rx.Component:
    return card(
        rx.heading(t("account.email_title"), as_="h2", size="5"),
        rx.text(t("account.email_intro"), size="2"),
        form(
            field(
                "new_email",
                "account.new_email",
                AccountState.errors,
                type="email",
                autocomplete="email",
            ),
            field(
                "new_email_confirm", "account.new_email_confirm", AccountState.errors, type="email"
            ),
            password_field("email_password", "account.current_password", AccountState.errors),
            primary_button("account.email_submit", id="email-submit"),
            on_submit=AccountState.change_email,
        ),
    )


def _close_card() -> rx.Component:
    return card(
        rx.heading(t("account.close_title"), as_="h2", size="5"),
        rx.text(t("account.close_intro"), size="2"),
        form(
            rx.box(
                rx.el.label(
                    rx.hstack(
                        rx.checkbox(name="understood", id="understood", size="3"),
                        rx.text(t("account.close_understood")),
                        spacing="2",
                        align="center",
                    ),
                    html_for="understood",
                ),
                rx.cond(
                    AccountState.errors.contains("understood"),
                    rx.text(
                        AccountState.errors["understood"],
                        id="understood-error",
                        color="var(--red-11)",
                        size="2",
                    ),
                ),
            ),
            password_field("close_password", "account.current_password", AccountState.errors),
            rx.button(
                t("account.close_submit"),
                type="submit",
                color_scheme="red",
                size="3",
                id="close-submit",
            ),
            on_submit=AccountState.close_account,
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
        notice(AccountState.form_error, tone="red"),
        error_summary(AccountState.errors),
        rx.cond(AccountState.recovery_codes.length() > 0, _recovery_codes()),
        rx.cond(
            AccountState.is_staff & AccountState.totp_enabled,
            rx.link(
                t("account.continue_admin"),
                href=paths.ADMIN,
                size="4",
                weight="bold",
                id="to-admin",
            ),
        ),
        rx.cond(~AccountState.confirmed, _confirm_card()),
        _totp_card(),
        provider_card(),
        _password_card(),
        _email_card(),
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
        _close_card(),
    )
