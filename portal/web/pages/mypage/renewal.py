"""/mypage/renewal: confirm the mailing address, declare, apply; follow and withdraw; certificates."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.core import paths
from portal.domain.core.errors import DomainError
from portal.domain.registry import records
from portal.domain.renewal import renewals, requirement_text
from portal.i18n import format_date, format_datetime, translate
from portal.web.changes import PageState
from portal.web.components.forms import error_summary, field, form, notice, primary_button
from portal.web.components.layout import card, page_title, shell
from portal.web.components.record_form import changes_table
from portal.web.components.requirements import as_rows, checklist, headline
from portal.web.components.text import t
from portal.web.components.values import change_rows
from portal.web.errors import field_messages, text_field
from portal.web.guard import Need, guarded
from portal.web.ids import int_id
from portal.web.session import translator

ADDRESS_FIELDS = ("postal_code", "address")


class RenewalState(PageState, rx.State):
    """Display strings of the signed-in registrant's own renewal only."""

    has_record: bool = False
    can_apply: bool = False
    applied: bool = False
    headline: str = ""
    requirements: list[dict[str, str]] = []  # noqa: RUF012
    rules_title: str = ""
    mailing: dict[str, str] = {}  # noqa: RUF012
    address_mode: str = ""  # "" | edit | confirm
    changes: list[dict[str, str]] = []  # noqa: RUF012
    application: dict[str, str] = {}  # noqa: RUF012
    timeline: list[dict[str, str]] = []  # noqa: RUF012
    certificates: list[dict[str, str]] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    problem: str = ""
    info: str = ""
    _pending: dict[str, str] = {}  # noqa: RUF012

    async def _fill(self, actor) -> None:
        lang = actor.language
        try:
            mine = await asyncio.to_thread(renewals.mine, actor)
        except DomainError:
            self.has_record = False
            return
        self.has_record = True
        result = mine.eligibility
        self.can_apply = mine.may_apply
        self.applied = mine.applied_this_cycle
        self.requirements = as_rows(requirement_text.for_eligibility(result, lang))
        self.rules_title = requirement_text.rules_title(result, lang)
        self.headline = translate(
            "renew.can_apply" if result.can_apply else "renewal.not_now", lang
        )
        self.mailing = {k: str(v) for k, v in mine.mailing.items()}
        app = mine.application
        self.application = {}
        self.timeline = []
        if app is not None:
            self.application = {
                "id": str(app.id),
                "status": app.status,
                "status_text": translate(f"renewal_status.{app.status}", lang),
                "reason": translate("renewal.reason", lang, reason=app.reason)
                if app.reason
                else "",
                "withdrawable": "yes" if app.status == "submitted" else "",
                "address": f"〒{app.mailing.get('postal_code', '')} {app.mailing.get('address', '')}",
            }
            self.timeline = [
                {
                    "when": format_datetime(step.at, lang),
                    "what": translate(f"renewal_event.{step.kind}", lang),
                    "message": step.message,
                }
                for step in app.timeline
            ]
        self.certificates = [
            {
                "number": c.number,
                "period": translate(
                    "renewal.period",
                    lang,
                    start=format_date(c.valid_from, lang),
                    end=format_date(c.valid_until, lang),
                ),
                "mailing": translate("renewal.mailed", lang, date=format_date(c.mailed_on, lang))
                if c.mailing_status == "mailed"
                else translate("renewal.to_mail", lang),
                "href": f"{paths.CERTIFICATES}/{c.number}",
            }
            for c in mine.certificates
        ]

    @rx.event
    @guarded(Need.REGISTRANT)
    async def load(self, actor: Actor):
        """Show the signed-in registrant's renewal; anyone else goes elsewhere."""
        self.address_mode, self.errors, self.problem, self.info = "", {}, "", ""
        self._pending = {}
        await self._fill(actor)
        return None

    @rx.event
    def edit_address(self):
        self.address_mode, self.errors, self.problem, self.info = "edit", {}, "", ""

    @rx.event
    def cancel_address(self):
        self.address_mode, self.errors, self._pending = "", {}, {}

    @rx.event
    @guarded(Need.REGISTRANT)
    async def check_address(self, actor: Actor, form_data: dict):
        """The record's confirm step for the address: what would change, nothing saved yet."""
        tr = await translator(self)
        values = {name: text_field(form_data, name, 300) for name in ADDRESS_FIELDS}
        try:
            changes = await asyncio.to_thread(records.preview, actor, "basic", values)
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            return None
        self.errors = {}
        if not changes:
            self.problem = tr("record.no_changes")
            return None
        self.problem = ""
        self.changes = change_rows(changes, actor.language)
        self._pending = values
        self.address_mode = "confirm"
        return None

    @rx.event
    @guarded(Need.REGISTRANT)
    async def save_address(self, actor: Actor):
        """Save the reviewed address into the record (with its history), then back to applying."""
        if self.address_mode != "confirm" or not self._pending:
            return None
        tr = await translator(self)
        pending = dict(self._pending)
        try:
            await asyncio.to_thread(records.apply, actor, "basic", pending)
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            self.address_mode = "edit"
            return None
        self.address_mode, self._pending, self.info = "", {}, tr("renewal.address_saved")
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.REGISTRANT)
    async def submit(self, actor: Actor, form_data: dict):
        """Apply; the server checks every requirement again."""
        tr = await translator(self)
        declared = isinstance(form_data, dict) and form_data.get("declare") in ("on", True, "true")
        try:
            await asyncio.to_thread(renewals.apply, actor, declared)
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            self.info = ""
            return None
        self.errors, self.problem, self.info = {}, "", tr("renewal.submitted")
        await self._fill(actor)
        return rx.scroll_to("main")

    @rx.event
    @guarded(Need.REGISTRANT)
    async def withdraw(self, actor: Actor, application_id: str):
        """Withdraw the registrant's own waiting application."""
        tr = await translator(self)
        target = int_id(application_id) or 0
        try:
            await asyncio.to_thread(renewals.withdraw, actor, target)
        except DomainError as exc:
            self.errors, self.problem = field_messages(exc, tr)
            return None
        self.errors, self.problem, self.info = {}, "", tr("renewal.withdrawn")
        await self._fill(actor)
        return None


def _application_card() -> rx.Component:
    app = RenewalState.application
    return card(
        rx.heading(t("renewal.application"), as_="h2", size="5"),
        rx.hstack(
            rx.badge(
                app["status_text"],
                color_scheme=rx.match(
                    app["status"],
                    ("approved", "green"),
                    ("rejected", "red"),
                    ("withdrawn", "gray"),
                    "amber",
                ),
                size="2",
                id="application-status",
            ),
            rx.text(app["address"], size="2", color="var(--gray-11)"),
            spacing="3",
            wrap="wrap",
            align="center",
        ),
        rx.cond(app["reason"] != "", rx.text(app["reason"], id="application-reason")),
        rx.el.ol(
            rx.foreach(
                RenewalState.timeline,
                lambda step: rx.el.li(
                    rx.text(
                        rx.el.strong(step["what"]),
                        " · ",
                        step["when"],
                        size="2",
                    ),
                    rx.cond(step["message"] != "", rx.text(step["message"], size="2")),
                ),
            ),
            style={"paddingLeft": "1.2em", "margin": 0},
            id="application-timeline",
        ),
        rx.cond(
            app["withdrawable"] == "yes",
            rx.button(
                t("renewal.withdraw"),
                variant="outline",
                color_scheme="red",
                on_click=RenewalState.withdraw(app["id"]),
                id="withdraw",
            ),
        ),
    )


def _address_panel() -> rx.Component:
    mailing = RenewalState.mailing
    return rx.vstack(
        rx.heading(t("renewal.mailing"), as_="h3", size="4"),
        rx.match(
            RenewalState.address_mode,
            (
                "edit",
                form(
                    field(
                        "postal_code",
                        "field.postal_code",
                        RenewalState.errors,
                        autocomplete="postal-code",
                        max_length=8,
                        default_value=mailing["postal_code"],
                    ),
                    field(
                        "address",
                        "field.address",
                        RenewalState.errors,
                        autocomplete="street-address",
                        max_length=200,
                        default_value=mailing["address"],
                    ),
                    rx.hstack(
                        rx.button(t("renewal.check_address"), type="submit", size="3"),
                        rx.button(
                            t("record.cancel"),
                            type="button",
                            variant="soft",
                            size="3",
                            on_click=RenewalState.cancel_address,
                        ),
                        spacing="3",
                        wrap="wrap",
                    ),
                    on_submit=RenewalState.check_address,
                ),
            ),
            (
                "confirm",
                rx.vstack(
                    changes_table(RenewalState.changes, "address-changes"),
                    rx.hstack(
                        rx.button(
                            t("renewal.save_address"),
                            size="3",
                            on_click=RenewalState.save_address,
                            id="save-address",
                        ),
                        rx.button(
                            t("record.back_to_edit"),
                            variant="soft",
                            size="3",
                            on_click=RenewalState.edit_address,
                        ),
                        spacing="3",
                        wrap="wrap",
                    ),
                    width="100%",
                ),
            ),
            rx.vstack(
                rx.text(mailing["name"], weight="medium"),
                rx.text("〒", mailing["postal_code"], id="mailing-postal-code"),
                rx.text(mailing["address"], id="mailing-address"),
                rx.button(
                    t("renewal.change_address"),
                    variant="soft",
                    on_click=RenewalState.edit_address,
                    id="change-address",
                ),
                spacing="1",
                align="start",
            ),
        ),
        width="100%",
        align="start",
    )


def _apply_card() -> rx.Component:
    return card(
        rx.heading(t("renewal.apply_heading"), as_="h2", size="5"),
        headline(RenewalState.headline, RenewalState.can_apply),
        rx.cond(
            RenewalState.rules_title != "",
            rx.text(RenewalState.rules_title, size="2", color="var(--gray-11)", id="rules-title"),
        ),
        checklist(RenewalState.requirements),
        rx.cond(
            RenewalState.can_apply,
            rx.vstack(
                _address_panel(),
                rx.cond(
                    RenewalState.address_mode == "",
                    form(
                        rx.el.label(
                            rx.hstack(
                                rx.checkbox(
                                    name="declare",
                                    id="declare",
                                    size="3",
                                    aria_describedby="declare-error",
                                ),
                                rx.text(t("renewal.declare")),
                                align="start",
                                spacing="2",
                            ),
                            html_for="declare",
                        ),
                        rx.cond(
                            RenewalState.errors.contains("declare"),
                            rx.text(
                                RenewalState.errors["declare"],
                                id="declare-error",
                                color="var(--red-11)",
                                size="2",
                                weight="medium",
                            ),
                        ),
                        primary_button("renewal.submit", id="submit-application"),
                        on_submit=RenewalState.submit,
                    ),
                ),
                width="100%",
                spacing="4",
            ),
        ),
    )


def _certificates_card() -> rx.Component:
    return card(
        rx.heading(t("renewal.certificates"), as_="h2", size="5"),
        rx.foreach(
            RenewalState.certificates,
            lambda c: rx.vstack(
                rx.text(c["number"], weight="bold", class_name="certificate-number"),
                rx.text(c["period"], size="2"),
                rx.text(c["mailing"], size="2", color="var(--gray-11)"),
                rx.el.a(
                    t("renewal.download"),
                    href=c["href"],
                    class_name="download-link",
                    reload_document=True,
                ),
                spacing="1",
                align="start",
                width="100%",
            ),
        ),
        id="certificates",
    )


def renewal_page() -> rx.Component:
    return shell(
        page_title("renewal.title"),
        error_summary(RenewalState.errors),
        notice(RenewalState.info),
        notice(RenewalState.problem, "red"),
        rx.cond(
            RenewalState.has_record,
            rx.vstack(
                rx.cond(RenewalState.application.contains("id"), _application_card()),
                rx.cond(~RenewalState.applied, _apply_card()),
                rx.cond(RenewalState.certificates.length() > 0, _certificates_card()),
                spacing="5",
                width="100%",
            ),
            card(rx.text(t("mypage.no_record"))),
        ),
    )
