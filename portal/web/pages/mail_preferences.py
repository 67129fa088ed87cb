"""/mail/preferences?token=…: the mail topics of one address, chosen without signing in
(the link at the foot of every topic mail). The token stays on the server."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.communications import preference_links
from portal.domain.core import paths
from portal.web.changes import PageState
from portal.web.components.forms import form, labelled_checkbox, notice, primary_button
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.link_tokens import forget_token_in_url, token_from_link
from portal.web.session import origin, page_language, translator


class MailPreferencesState(PageState, rx.State):
    """The topics of the link's address as display strings; nothing else about anyone."""

    link_ok: bool = False
    address: str = ""
    topics: list[dict[str, str]] = []  # noqa: RUF012
    info: str = ""
    warning: str = ""
    _token: str = ""

    async def _fill(self) -> None:
        found = await asyncio.to_thread(preference_links.read, self._token)
        self.link_ok = found is not None
        if found is None:
            self.address, self.topics = "", []
            return
        lang = await page_language(self)
        self.address = found.address
        self.topics = [
            {
                "field": topic.field,
                "name": topic.name(lang),
                "description": topic.description(lang),
                "on": "yes" if on else "",
            }
            for topic, on in found.topics
        ]

    @rx.event
    async def load(self):
        """Read the link once, then take the token out of the address bar."""
        self._token = token_from_link(self) or self._token
        self.info, self.warning = "", ""
        await self._fill()
        return forget_token_in_url()

    @rx.event
    async def save(self, form: dict):
        """Store the ticked topics; warn when the newsletter, a renewal requirement, is off."""
        if not self.link_ok or not isinstance(form, dict):
            return None
        tr = await translator(self)
        values = {t["field"]: form.get(t["field"]) in ("on", True, "true") for t in self.topics}
        saved = await asyncio.to_thread(preference_links.save, self._token, values, origin(self))
        await self._fill()
        if not saved:
            return None
        self.info = tr("mailprefs.saved")
        self.warning = "" if values.get("newsletter", True) else tr("record.newsletter_warning")
        return None


def _topic(topic: rx.Var) -> rx.Component:
    return labelled_checkbox(
        topic["field"], topic["name"], topic["on"] == "yes", topic["description"]
    )


def mail_preferences_page() -> rx.Component:
    return shell(
        page_title("mailprefs.title"),
        notice(MailPreferencesState.info),
        rx.cond(
            MailPreferencesState.warning != "",
            rx.callout(
                MailPreferencesState.warning,
                color_scheme="amber",
                icon="triangle_alert",
                role="status",
                width="100%",
            ),
        ),
        rx.cond(
            MailPreferencesState.link_ok,
            card(
                rx.text(
                    t("mailprefs.intro"),
                    " ",
                    rx.text.strong(MailPreferencesState.address, id="prefs-address"),
                ),
                rx.text(t("mailprefs.always"), size="2"),
                form(
                    rx.foreach(MailPreferencesState.topics, _topic),
                    primary_button("mailprefs.save", id="prefs-save"),
                    on_submit=MailPreferencesState.save,
                ),
            ),
            card(
                rx.text(t("mailprefs.link_invalid"), id="prefs-invalid"),
                rx.link(t("mailprefs.sign_in"), href=paths.LOGIN),
            ),
        ),
    )
