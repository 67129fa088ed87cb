"""/verify/<number>: anyone may check a certificate — name, numbers, period, live status, no more."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.core.clock import today
from portal.domain.renewal import certificates
from portal.i18n import format_date, translate
from portal.settings import LANGUAGES
from portal.web.changes import PageState
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.session import ShellState


class VerifyState(PageState, rx.State):
    """The public facts of one certificate, or that there is none.

    The period is written out in every language, so a visitor's language
    switch (no reload for visitors) changes the whole page at once.
    """

    checked: bool = False
    found: bool = False
    status: str = ""
    facts: dict[str, str] = {}  # noqa: RUF012
    period: dict[str, str] = {}  # noqa: RUF012  (by language)

    @rx.event
    async def load(self):
        """Look the number in the URL up; no sign-in needed."""
        number = self.router.url.path.rstrip("/").rsplit("/", 1)[-1][:40]
        found = await asyncio.to_thread(certificates.verify, number, today())
        self.checked, self.found = True, found is not None
        if found is None:
            self.status, self.facts, self.period = "", {}, {}
            return
        self.status = found.status
        self.facts = {
            "holder": found.holder_name,
            "registration_number": found.registration_number,
            "number": found.number,
        }
        self.period = {
            lang: translate(
                "renewal.period",
                lang,
                start=format_date(found.valid_from, lang),
                end=format_date(found.valid_until, lang),
            )
            for lang in LANGUAGES
        }


def _item(label_key: str, value: rx.Var, element_id: str) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(t(label_key)), rx.data_list.value(value, id=element_id)
    )


def verify_page() -> rx.Component:
    facts = VerifyState.facts
    return shell(
        page_title("verify.title"),
        rx.text(t("verify.intro"), color="var(--gray-11)"),
        rx.cond(
            VerifyState.found,
            card(
                rx.badge(
                    t("verify_status." + VerifyState.status),
                    color_scheme=rx.cond(VerifyState.status == "valid", "green", "red"),
                    size="3",
                    id="verify-status",
                    data_status=VerifyState.status,
                ),
                rx.data_list.root(
                    _item("verify.holder", facts["holder"], "verify-holder"),
                    _item(
                        "certificate.registration_number",
                        facts["registration_number"],
                        "verify-reg",
                    ),
                    _item("certificate.number", facts["number"], "verify-number"),
                    _item(
                        "certificate.period", VerifyState.period[ShellState.lang], "verify-period"
                    ),
                    orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
                ),
            ),
            rx.cond(
                VerifyState.checked,
                card(rx.text(t("verify.not_found"), id="verify-not-found")),
            ),
        ),
    )
