"""The page shell: skip link, header with navigation and language switch, one main column."""

from __future__ import annotations

import reflex as rx

from portal import __version__
from portal.domain.core import paths
from portal.i18n import LANGUAGE_NAMES
from portal.settings import get_settings
from portal.web.components.text import t
from portal.web.session import ShellState


class HtmlLang(rx.Component):
    """Renders nothing; keeps `<html lang>` equal to `lang` as it changes."""

    library = rx.asset("html_lang.js", shared=True).importable_path
    tag = "HtmlLang"
    lang: rx.Var[str]


ADMIN_ONLY = frozenset(
    {
        paths.ADMIN_IMPORT,
        paths.ADMIN_ORGANISATIONS,
        paths.ADMIN_STAFF,
        paths.ADMIN_AUDIT,
        paths.ADMIN_OUTBOX,
    }
)
REGISTRANT_ONLY = frozenset({paths.MY_PAGE, paths.MY_RECORD, paths.MY_POINTS, paths.MY_RENEWAL})
# On wide screens these sit under one "More" menu; phones list every link in the menu anyway.
GROUPED = frozenset(
    {
        paths.ADMIN_ACTIVITIES,
        paths.ADMIN_RULES,
        paths.ADMIN_AUDITS,
        paths.ADMIN_ANNOUNCEMENTS,
        paths.ADMIN_CATEGORIES_TOPICS,
        paths.ADMIN_SURVEYS,
        *ADMIN_ONLY,
    }
)


def _nav_links() -> list[tuple[str, str]]:
    return [
        (paths.MY_PAGE, "app.my_page"),
        (paths.MY_RECORD, "app.record"),
        (paths.MY_POINTS, "points.title"),
        (paths.MY_RENEWAL, "renewal.title"),
        (paths.ORG, "organisation.area_title"),
        (paths.ADMIN, "app.admin"),
        (paths.ADMIN_REGISTRANTS, "admin.registrants_title"),
        (paths.ADMIN_CLAIMS, "review.nav"),
        (paths.ADMIN_RENEWALS, "renewals.nav"),
        (paths.ADMIN_ACTIVITIES, "activities.nav"),
        (paths.ADMIN_RULES, "rules.nav"),
        (paths.ADMIN_AUDITS, "audits.nav"),
        (paths.ADMIN_IMPORT, "admin.import"),
        (paths.ADMIN_ORGANISATIONS, "organisation.nav"),
        (paths.ADMIN_ANNOUNCEMENTS, "announce.nav"),
        (paths.ADMIN_SURVEYS, "survey.nav"),
        (paths.ADMIN_CATEGORIES_TOPICS, "categories_topics.nav"),
        (paths.ADMIN_STAFF, "admin.staff"),
        (paths.ADMIN_AUDIT, "audit.title"),
        (paths.ADMIN_OUTBOX, "outbox.title"),
        (paths.MY_ACCOUNT, "app.my_account"),
    ]


def _link(href: str, key: str) -> rx.Component:
    return rx.link(t(key), href=href, size="3", weight="medium", color="var(--gray-12)")


def _visible(href: str) -> rx.Var:
    if href in REGISTRANT_ONLY:
        return ShellState.signed_in & ~ShellState.is_staff & ~ShellState.is_organisation
    if href == paths.ORG:
        return ShellState.is_organisation
    if href in ADMIN_ONLY:
        return ShellState.is_admin
    if href.startswith(paths.ADMIN):
        return ShellState.is_staff
    return ShellState.signed_in


def _language_switch() -> rx.Component:
    return rx.hstack(
        *[
            rx.button(
                name,
                variant=rx.cond(ShellState.lang == code, "solid", "soft"),
                size="1",
                lang=code,
                aria_pressed=rx.cond(ShellState.lang == code, "true", "false"),
                on_click=ShellState.set_language(code),
            )
            for code, name in LANGUAGE_NAMES.items()
        ],
        spacing="1",
        role="group",
        aria_label=t("app.language"),
    )


def _more_menu() -> rx.Component:
    """The secretariat's less frequent pages, grouped so the header stays on one line."""
    return rx.cond(
        ShellState.is_staff,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    t("app.more"), rx.icon("chevron-down", size=16), variant="ghost", size="2"
                ),
                id="nav-more",
            ),
            rx.menu.content(
                *[
                    rx.cond(_visible(href), rx.menu.item(t(key), on_click=rx.redirect(href)))
                    for href, key in _nav_links()
                    if href in GROUPED
                ]
            ),
        ),
    )


def _desktop_nav() -> rx.Component:
    return rx.hstack(
        *[
            rx.cond(_visible(href), _link(href, key))
            for href, key in _nav_links()
            if href not in GROUPED
        ],
        _more_menu(),
        rx.cond(
            ShellState.signed_in,
            rx.button(t("app.sign_out"), variant="outline", size="2", on_click=ShellState.sign_out),
        ),
        spacing="5",
        align="center",
    )


def _mobile_nav() -> rx.Component:
    return rx.cond(
        ShellState.signed_in,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(rx.icon("menu", size=18), t("app.menu"), variant="soft", size="2")
            ),
            rx.menu.content(
                *[
                    rx.cond(
                        _visible(href),
                        rx.menu.item(t(key), on_click=rx.redirect(href)),
                    )
                    for href, key in _nav_links()
                ],
                rx.menu.separator(),
                rx.menu.item(t("app.sign_out"), on_click=ShellState.sign_out),
            ),
        ),
    )


def _header() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.link(
                rx.text(get_settings().association_name, size="4", weight="bold"),
                href="/",
                underline="none",
                color="var(--gray-12)",
            ),
            rx.spacer(),
            rx.desktop_only(_desktop_nav()),
            rx.mobile_and_tablet(_mobile_nav()),
            _language_switch(),
            align="center",
            spacing="4",
            width="100%",
            max_width="72rem",
            margin="0 auto",
            padding="0.75em 1em",
            wrap="wrap",
        ),
        border_bottom="1px solid var(--gray-5)",
        background="var(--color-panel-solid)",
    )


def shell(*children: rx.Component, wide: bool = False) -> rx.Component:
    """A whole page: skip link, header, and the main column holding `children`."""
    return rx.box(
        rx.link(
            t("app.skip"),
            href="#main",
            class_name="skip-link",
        ),
        _header(),
        rx.el.main(
            rx.vstack(*children, spacing="5", width="100%", align="start"),
            id="main",
            tab_index=-1,
            width="100%",
            max_width="72rem" if wide else "40rem",
            margin="0 auto",
            padding="1.5em 1em 4em",
        ),
        rx.cond(
            ShellState.is_staff,
            rx.el.footer(
                rx.text("Registrant Portal · ", t("app.version"), f" {__version__}", size="1"),
                id="portal-version",
                text_align="center",
                color="var(--gray-11)",
                padding_bottom="1.5em",
            ),
        ),
        rx.el.div(
            id="page-ready", data_ready=rx.cond(rx.State.is_hydrated, "yes", "no"), hidden=True
        ),
        HtmlLang.create(lang=ShellState.lang),
        min_height="100vh",
        background="var(--gray-2)",
    )


def card(*children: rx.Component, **props) -> rx.Component:
    """A white panel grouping one task."""
    return rx.card(
        rx.vstack(*children, spacing="4", width="100%", align="start"),
        width="100%",
        size="3",
        **props,
    )


def page_title(key: str) -> rx.Component:
    """The page's one h1."""
    return rx.heading(t(key), as_="h1", size="7")


def scroll_region(child: rx.Component, label_key: str, **style) -> rx.Component:
    """A labelled region that scrolls (wide tables, long texts) and keyboard users can focus;
    a Radix table inside lets the region scroll for it (assets/portal.css)."""
    return rx.box(
        child,
        role="region",
        aria_label=t(label_key),
        tab_index=0,
        width="100%",
        class_name="portal-scroll",
        **style,
    )
