"""/consent: a signed-in registrant accepts a newly published terms of use or privacy policy."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts import consents, legal
from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.web.changes import PageState
from portal.web.components.forms import error_summary, form, primary_button
from portal.web.components.layout import card, page_title, shell
from portal.web.components.legal_document import legal_document, ticked
from portal.web.components.text import t
from portal.web.errors import field_messages
from portal.web.guard import Need, guarded
from portal.web.session import page_language, translator


class ConsentState(PageState, rx.State):
    """The documents whose new version the signed-in registrant has not accepted yet."""

    documents: list[str] = []  # noqa: RUF012
    texts: dict[str, str] = {}  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    _versions: dict[str, str] = {}  # noqa: RUF012

    @rx.event
    @guarded(Need.REGISTRANT)
    async def load(self, actor: Actor):
        """Show what needs accepting; with nothing to accept, go on to my page."""
        missing = await asyncio.to_thread(consents.missing, actor.account_id)
        if not missing:
            return rx.redirect(paths.MY_PAGE)
        lang = await page_language(self)
        texts = await asyncio.to_thread(legal.texts, lang)
        self.documents = missing
        self.texts = {document: texts[document].markdown for document in legal.DOCUMENTS}
        self._versions = {document: text.version for document, text in texts.items()}
        self.errors = {}
        return None

    @rx.event
    @guarded(Need.REGISTRANT)
    async def accept(self, actor: Actor, form: dict):
        """Record acceptance of the documents shown, then continue."""
        tr = await translator(self)
        unticked = {
            doc: tr("activation.must_accept") for doc in self.documents if not ticked(form, doc)
        }
        if unticked:
            self.errors = unticked
            return rx.set_focus("error-summary")
        try:
            await asyncio.to_thread(consents.accept, actor, self._versions)
        except DomainError as exc:
            self.errors, _ = field_messages(exc, tr)
            return None
        return rx.redirect(paths.MY_PAGE)


def consent_page() -> rx.Component:
    return shell(
        page_title("consent.title"),
        rx.text(t("consent.intro")),
        error_summary(ConsentState.errors),
        card(
            form(
                rx.cond(
                    ConsentState.documents.contains("terms"),  # type: ignore[attr-defined]
                    legal_document("terms", ConsentState.texts["terms"], ConsentState.errors),
                ),
                rx.cond(
                    ConsentState.documents.contains("privacy"),  # type: ignore[attr-defined]
                    legal_document("privacy", ConsentState.texts["privacy"], ConsentState.errors),
                ),
                primary_button("consent.submit", id="consent-submit"),
                on_submit=ConsentState.accept,
            ),
        ),
    )
