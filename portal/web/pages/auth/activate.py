"""/activate: open a portal account from an invitation — identity, consent, password."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts import activation, legal
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.web.components.forms import error_summary, field, form, notice, primary_button
from portal.web.components.layout import card, page_title, shell
from portal.web.components.legal_document import legal_document, ticked
from portal.web.components.password_fields import NewPasswordCheck, new_password_fields
from portal.web.components.text import t
from portal.web.errors import field_messages, text_field
from portal.web.link_tokens import forget_token_in_url
from portal.web.session import origin, page_language, translator

IDENTITY, CONSENT, PASSWORD, DONE = 1, 2, 3, 4


class ActivateState(NewPasswordCheck, rx.State):
    """The three steps. What proves identity stays on the server (`_code`, `_number`, `_birth`)."""

    step: int = IDENTITY
    has_link_code: bool = False
    greeting: str = ""
    terms: str = ""
    privacy: str = ""
    form_error: str = ""
    _code: str = ""
    _number: str = ""
    _birth: str = ""
    _versions: dict[str, str] = {}  # noqa: RUF012

    def _show(self, exc: DomainError, tr) -> rx.event.EventSpec | None:
        self.errors, self.form_error = field_messages(exc, tr)
        return rx.set_focus("error-summary") if self.errors else None

    @rx.event
    def load(self):
        """Start at step 1, taking the code from the link when there is one."""
        code = self.router.url.query_parameters.get("code", "")
        self._code = code[:40] if isinstance(code, str) else ""
        self.has_link_code = bool(self._code)
        self.step = IDENTITY
        self.errors, self.form_error, self.greeting = {}, "", ""
        return forget_token_in_url()

    @rx.event
    async def submit_identity(self, form: dict):
        """Step 1: registration number, date of birth and the code."""
        tr = await translator(self)
        code = self._code if self.has_link_code else text_field(form, "code", 40)
        number = text_field(form, "registration_number", 32)
        birth = text_field(form, "birth_date", 32)
        try:
            identity = await asyncio.to_thread(
                activation.prove_identity, code, number, birth, origin(self)
            )
        except DomainError as exc:
            return self._show(exc, tr)
        lang = await page_language(self)
        self._code, self._number, self._birth = code, number, birth
        texts = await asyncio.to_thread(legal.texts, lang)
        self._versions = {document: text.version for document, text in texts.items()}
        self.terms, self.privacy = texts["terms"].markdown, texts["privacy"].markdown
        self.greeting = tr("activate.greeting", name=identity.name, email=identity.email)
        self.errors, self.form_error = {}, ""
        self.step = CONSENT
        return rx.scroll_to("main")

    @rx.event
    async def submit_consent(self, form: dict):
        """Step 2: both documents ticked separately."""
        if self.step != CONSENT:
            return None
        tr = await translator(self)
        errors = {
            document: tr("activation.must_accept")
            for document in legal.DOCUMENTS
            if not ticked(form, document)
        }
        self.errors = errors
        if errors:
            return rx.set_focus("error-summary")
        self.step = PASSWORD
        return rx.scroll_to("main")

    @rx.event
    async def submit_password(self, form: dict):
        """Step 3: the first password; everything is checked again on the server."""
        tr = await translator(self)
        accepted = self._versions if self.step == PASSWORD else {}
        try:
            await asyncio.to_thread(
                activation.complete,
                self._code,
                self._number,
                self._birth,
                accepted,
                text_field(form, "new_password", 1024),
                text_field(form, "new_password_confirm", 1024),
                origin(self),
            )
        except DomainError as exc:
            return self._show(exc, tr)
        self._code = self._number = self._birth = ""
        self.errors, self.form_error = {}, ""
        self.step = DONE
        return None


def _step_label() -> rx.Component:
    return rx.text(
        t("activate.step").replace("{step}", ActivateState.step.to_string()),  # type: ignore[attr-defined]
        color="var(--gray-11)",
        weight="medium",
    )


def _identity_step() -> rx.Component:
    return card(
        rx.text(t("activate.identity_intro")),
        form(
            field(
                "registration_number",
                "activate.registration_number",
                ActivateState.errors,
                max_length=32,
            ),
            field(
                "birth_date",
                "activate.birth_date",
                ActivateState.errors,
                hint_key="activate.birth_date_hint",
                autocomplete="bday",
                max_length=32,
            ),
            rx.cond(
                ActivateState.has_link_code,
                rx.callout(
                    t("activate.code_from_link"), icon="check", color_scheme="green", width="100%"
                ),
                field(
                    "code",
                    "activate.code",
                    ActivateState.errors,
                    hint_key="activate.code_hint",
                    autocomplete="off",
                    max_length=40,
                ),
            ),
            primary_button("activate.identity_submit", id="identity-submit"),
            on_submit=ActivateState.submit_identity,
        ),
        rx.text(t("activate.no_invitation"), size="2"),
        rx.link(t("activate.request_link"), href=paths.ACTIVATE_REQUEST, id="request-link"),
    )


def _consent_step() -> rx.Component:
    return card(
        rx.text(ActivateState.greeting, weight="medium"),
        form(
            legal_document("terms", ActivateState.terms, ActivateState.errors),
            legal_document("privacy", ActivateState.privacy, ActivateState.errors),
            primary_button("activate.consent_submit", id="consent-submit"),
            on_submit=ActivateState.submit_consent,
        ),
    )


def _password_step() -> rx.Component:
    return card(
        rx.text(t("activate.password_intro")),
        form(
            new_password_fields(ActivateState),
            primary_button("activate.password_submit", id="password-submit"),
            on_submit=ActivateState.submit_password,
        ),
    )


def activate_page() -> rx.Component:
    return shell(
        page_title("activate.title"),
        rx.cond(ActivateState.step < DONE, _step_label()),
        error_summary(ActivateState.errors),
        notice(ActivateState.form_error, tone="red"),
        rx.match(
            ActivateState.step,
            (IDENTITY, _identity_step()),
            (CONSENT, _consent_step()),
            (PASSWORD, _password_step()),
            card(
                rx.callout(t("activate.done"), color_scheme="green", role="status", width="100%"),
                rx.link(
                    t("login.to_sign_in"), href=paths.LOGIN, size="4", weight="bold", id="to-login"
                ),
            ),
        ),
    )
