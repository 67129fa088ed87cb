"""/mypage: the registrant's first screen — can I renew, what is missing, and the Apply button."""

from __future__ import annotations

import reflex as rx

from portal.domain.communications import notices
from portal.domain.core import paths
from portal.domain.core.clock import local_date, today
from portal.domain.registrants import figures
from portal.domain.renewal import renewals, requirement_text
from portal.domain.surveys import answering
from portal.i18n import format_date, translate
from portal.web.changes import PageState
from portal.web.components.layout import card, page_title, shell
from portal.web.components.requirements import as_rows, checklist, headline
from portal.web.components.text import t
from portal.web.ids import int_id
from portal.web.need import Need
from portal.web.pages.mypage.survey import SurveysWaitingState, surveys_card
from portal.web.session import require_and_read, turn_away


def _my_page(actor) -> tuple:
    """The page's reads, one after another in the worker thread that checked the session
    (whose read also found any consent missing): four threads at once spent more time
    passing the interpreter lock between them than the reads took."""
    return (
        actor.consent_missing,
        renewals.standing(actor),
        notices.for_registrant(actor),
        answering.waiting_for(actor),
    )


class DashboardState(PageState, rx.State):
    """Plain values about the signed-in registrant's own record only."""

    has_record: bool = False
    welcome: str = ""
    registration_number: str = ""
    valid_until: str = ""
    days_left: str = ""
    status: str = ""
    status_label: str = ""
    points: str = ""
    progress: int = 0
    headline: str = ""
    can_apply: bool = False
    apply_note: str = ""
    applied: str = ""
    requirements: list[dict[str, str]] = []  # noqa: RUF012
    rules_title: str = ""
    audits: list[str] = []  # noqa: RUF012  # claims that count while under audit

    @rx.event
    async def load(self):
        """Fill the page for the signed-in registrant; anyone else goes elsewhere."""
        actor, page = await require_and_read(self, Need.REGISTRANT, _my_page)
        if actor is None:
            return await turn_away(self)
        missing, mine, posted, waiting = page
        if missing:
            return rx.redirect(paths.CONSENT)
        lang = actor.language
        self.welcome = translate("mypage.welcome", lang, name=actor.display_name)
        if mine is None:
            self.has_record = False
            return None
        self.has_record = True
        self._show(mine, lang)
        (await self.get_state(NoticesState))._show(posted, lang)
        (await self.get_state(SurveysWaitingState))._show(waiting)
        return None

    def _show(self, mine: renewals.MyRenewal, lang: str) -> None:
        self.registration_number = mine.registration_number
        self.valid_until = format_date(mine.valid_until, lang)
        days = figures.days_left(mine.valid_until, today())
        if days is None:
            self.days_left = ""
        elif days >= 0:
            self.days_left = translate("mypage.days_left", lang, count=days)
        else:
            self.days_left = translate("mypage.expired_days", lang, count=-days)
        self.status = mine.status
        self.status_label = translate(f"status.{mine.status}", lang)
        result = mine.eligibility
        points = result.requirement("points").facts
        self.points = translate(
            "mypage.points",
            lang,
            counted=points["counted"],
            required=points["required"],
            pending=translate("count.points", lang, count=points["pending"]),
        )
        required = points["required"] or 1
        self.progress = min(100, round(100 * points["counted"] / required))
        texts = requirement_text.for_eligibility(result, lang)
        self.requirements = as_rows(texts)
        self.rules_title = requirement_text.rules_title(result, lang)
        audits = [
            translate(
                f"mypage.under_audit_{a.status}",
                lang,
                title=a.title,
                date=format_date(a.due_on, lang),
            )
            for a in mine.under_audit
        ]
        if audits != self.audits:
            self.audits = audits
        missing = sum(1 for r in texts if not r.met)
        self.headline = (
            translate("renew.can_apply", lang)
            if result.can_apply
            else translate("renew.missing", lang, count=missing)
        )
        app = mine.application
        self.applied = ""
        if app is not None and (mine.applied_this_cycle or app.status in ("submitted", "rejected")):
            self.applied = translate(
                "renew.applied",
                lang,
                date=format_date(local_date(app.submitted_at), lang),
                status=translate(f"renewal_status.{app.status}", lang),
            )
        self.can_apply = mine.may_apply
        window = result.requirement("window")
        if self.can_apply or mine.applied_this_cycle:
            self.apply_note = ""
        elif window.facts.get("state") == "not_yet":
            self.apply_note = translate(
                "renew.why_not_window", lang, opens=format_date(result.window_opens, lang)
            )
        else:
            self.apply_note = translate("renew.why_not_requirements", lang)


def _row(label_key: str, value: rx.Var, test_id: str) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(t(label_key)),
        rx.data_list.value(value, id=test_id),
    )


def _renewal_card() -> rx.Component:
    return card(
        rx.heading(t("renew.title"), as_="h2", size="5"),
        headline(DashboardState.headline, DashboardState.can_apply, id="renew-headline"),
        rx.cond(
            DashboardState.rules_title != "",
            rx.text(DashboardState.rules_title, size="2", color="var(--gray-11)", id="rules-title"),
        ),
        checklist(DashboardState.requirements),
        rx.foreach(
            DashboardState.audits,
            lambda line: rx.callout(
                line, icon="search-check", color_scheme="amber", size="1", class_name="audit"
            ),
        ),
        rx.vstack(
            rx.progress(
                value=DashboardState.progress,
                max=100,
                aria_label=t("points.title"),
                width="100%",
            ),
            rx.link(DashboardState.points, href=paths.MY_POINTS, id="points-link", size="2"),
            width="100%",
            spacing="1",
        ),
        rx.cond(
            DashboardState.applied != "",
            rx.vstack(
                rx.text(DashboardState.applied, id="applied"),
                rx.link(t("renew.see_application"), href=paths.MY_RENEWAL),
                spacing="1",
            ),
        ),
        rx.cond(
            DashboardState.can_apply,
            rx.link(
                rx.button(t("renew.apply"), size="3", width="100%"),
                href=paths.MY_RENEWAL,
                id="apply",
                width="100%",
            ),
            rx.cond(
                DashboardState.apply_note != "",
                rx.vstack(
                    rx.button(
                        t("renew.apply"),
                        size="3",
                        width="100%",
                        disabled=True,
                        aria_describedby="apply-note",
                        id="apply-disabled",
                    ),
                    rx.text(DashboardState.apply_note, size="2", id="apply-note"),
                    width="100%",
                    spacing="1",
                ),
            ),
        ),
    )


def dashboard_page() -> rx.Component:
    return shell(
        page_title("mypage.title"),
        rx.text(DashboardState.welcome, size="4", id="welcome"),
        rx.cond(
            DashboardState.has_record,
            rx.vstack(
                _renewal_card(),
                notices_card(),
                surveys_card(),
                card(
                    rx.heading(t("mypage.certification"), as_="h2", size="5"),
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
                                    rx.text(DashboardState.days_left, id="days-left"),
                                    spacing="2",
                                    align="center",
                                    wrap="wrap",
                                )
                            ),
                        ),
                        orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
                    ),
                ),
                spacing="5",
                width="100%",
            ),
            card(rx.text(t("mypage.no_record"))),
        ),
    )


class NoticesState(PageState, rx.State):
    """The notices posted to the signed-in registrant (お知らせ), newest first; filled by
    DashboardState.load with the same session check."""

    notices: list[dict[str, str]] = []  # noqa: RUF012

    def _show(self, found: list[notices.Notice], lang: str) -> None:
        shown = [
            {
                "id": str(n.id),
                "subject": n.subject,
                "body": n.body,
                "when": format_date(n.posted_at, lang),
                "read": "yes" if n.read else "",
            }
            for n in found
        ]
        if shown != self.notices:
            self.notices = shown

    @rx.event
    async def mark_read(self, announcement_id: str):
        """Mark one of the registrant's own notices read."""
        target = int_id(announcement_id)
        if target is None:
            return

        def mark_then_list(actor) -> list[notices.Notice]:
            notices.mark_read(actor, target)
            return notices.for_registrant(actor)

        actor, found = await require_and_read(self, Need.REGISTRANT, mark_then_list)
        if actor is not None:
            self._show(found, actor.language)


def _notice(item: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(item["subject"], weight="bold"),
            rx.cond(item["read"] == "", rx.badge(t("dashboard.notice_new"), color_scheme="blue")),
            rx.spacer(),
            rx.text(item["when"], size="2", color="var(--gray-11)"),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.text(item["body"], white_space="pre-wrap", size="2"),
        rx.cond(
            item["read"] == "",
            rx.button(
                t("dashboard.notice_read"),
                variant="ghost",
                size="1",
                on_click=NoticesState.mark_read(item["id"]),
            ),
        ),
        border_top="1px solid var(--gray-5)",
        padding_top="0.75em",
        width="100%",
    )


def notices_card() -> rx.Component:
    """The notices, when there are any."""
    return rx.cond(
        NoticesState.notices.length() > 0,  # type: ignore[attr-defined]
        card(
            rx.heading(t("dashboard.notices"), as_="h2", size="5"),
            rx.foreach(NoticesState.notices, _notice),
            id="notices",
        ),
    )
