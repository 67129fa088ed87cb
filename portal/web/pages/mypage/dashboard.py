"""/mypage: the registrant's first screen — who they are and how long their certification runs."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain import claims, consents, registry
from portal.domain.models import AccountKind
from portal.i18n import format_date, translate
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.session import require, turn_away


class DashboardState(rx.State):
    """Plain values about the signed-in registrant's own record only."""

    has_record: bool = False
    welcome: str = ""
    registration_number: str = ""
    valid_until: str = ""
    days_left: str = ""
    status: str = ""
    status_label: str = ""
    points: str = ""

    @rx.event
    async def load(self):
        """Fill the page for the signed-in registrant; anyone else goes elsewhere."""
        principal = await require(self, AccountKind.REGISTRANT)
        if principal is None:
            return await turn_away(self)
        if await asyncio.to_thread(consents.missing, principal.account_id):
            return rx.redirect("/consent")
        summary = await asyncio.to_thread(registry.summary_for_account, principal.account_id)
        lang = principal.language
        self.welcome = translate("mypage.welcome", lang, name=principal.display_name)
        self.has_record = summary is not None
        if summary is None:
            return None
        self.registration_number = summary.registration_number
        self.valid_until = format_date(summary.valid_until, lang)
        if summary.days_left is None:
            self.days_left = ""
        elif summary.days_left >= 0:
            self.days_left = translate("mypage.days_left", lang, days=summary.days_left)
        else:
            self.days_left = translate("mypage.expired_days", lang, days=-summary.days_left)
        self.status = summary.status
        self.status_label = translate(f"status.{summary.status}", lang)
        standing = await asyncio.to_thread(claims.standing, principal)
        self.points = translate(
            "mypage.points",
            lang,
            counted=standing.count.counted,
            required=standing.required,
            pending=standing.count.pending_claims,
        )
        return None


def _row(label_key: str, value: rx.Var, test_id: str) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(t(label_key)),
        rx.data_list.value(value, id=test_id),
    )


def dashboard_page() -> rx.Component:
    return shell(
        page_title("mypage.title"),
        rx.text(DashboardState.welcome, size="4", id="welcome"),
        rx.cond(
            DashboardState.has_record,
            card(
                rx.data_list.root(
                    _row(
                        "mypage.registration_number",
                        DashboardState.registration_number,
                        "reg-number",
                    ),
                    _row("mypage.valid_until", DashboardState.valid_until, "valid-until"),
                    rx.data_list.item(
                        rx.data_list.label(t("mypage.status")),
                        rx.data_list.value(
                            rx.hstack(
                                rx.badge(
                                    DashboardState.status_label,
                                    color_scheme=rx.cond(
                                        DashboardState.status == "active", "green", "red"
                                    ),
                                    size="2",
                                ),
                                rx.text(DashboardState.days_left),
                                spacing="2",
                                align="center",
                            )
                        ),
                    ),
                    rx.data_list.item(
                        rx.data_list.label(t("points.title")),
                        rx.data_list.value(
                            rx.link(DashboardState.points, href="/mypage/points", id="points-link")
                        ),
                    ),
                    orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
                ),
            ),
            card(rx.text(t("mypage.no_record"))),
        ),
    )
