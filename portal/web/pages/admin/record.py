"""/admin/registrants/[record_id]: one record for staff — fields, account state, history, actions."""

from __future__ import annotations

import reflex as rx

from portal.domain.core import paths
from portal.web.components.forms import notice
from portal.web.components.layout import card, page_title, scroll_region, shell
from portal.web.components.requirements import checklist
from portal.web.components.shown_value import shown_value
from portal.web.components.text import t
from portal.web.pages.admin.record_edit import edit_buttons, edit_panel, reinstate_button
from portal.web.pages.admin.record_state import AdminRecordState


def _pairs(rows: rx.Var) -> rx.Component:
    return rx.data_list.root(
        rx.foreach(
            rows,
            lambda row: rx.data_list.item(rx.data_list.label(t(row.key)), shown_value(row.value)),
        ),
        orientation=rx.breakpoints(initial="vertical", sm="horizontal"),
    )


def _reset_second_factor() -> rx.Component:
    """Reset second factor, asked again in a dialog first (admins)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                t("admin.reset_second_factor"),
                variant="outline",
                color_scheme="red",
                id="reset-second-factor",
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("admin.reset_second_factor")),
            rx.alert_dialog.description(t("admin.reset_second_factor_explain")),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("record.cancel"), variant="soft")),
                rx.alert_dialog.action(
                    rx.button(
                        t("admin.reset_second_factor"),
                        color_scheme="red",
                        on_click=AdminRecordState.reset_second_factor,
                        id="reset-second-factor-confirm",
                    )
                ),
                spacing="3",
                justify="end",
            ),
        ),
    )


def _history() -> rx.Component:
    return scroll_region(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        rx.table.column_header_cell(t(key))
                        for key in (
                            "admin.when",
                            "admin.col_field",
                            "record.old",
                            "record.new",
                            "admin.by",
                            "admin.reason",
                        )
                    ]
                )
            ),
            rx.table.body(
                rx.foreach(
                    AdminRecordState.history,
                    lambda h: rx.table.row(
                        rx.table.cell(h.when),
                        rx.table.row_header_cell(t(h.field)),
                        rx.table.cell(h.old),
                        rx.table.cell(h.new),
                        rx.table.cell(h.by),
                        rx.table.cell(h.reason),
                    ),
                )
            ),
            size="1",
            width="100%",
            id="history",
        ),
        "admin.history",
        overflow_x="auto",
    )


def _requests() -> rx.Component:
    return card(
        rx.heading(t("admin.requests_title"), as_="h2", size="5"),
        rx.text(t("admin.requests_intro"), size="2"),
        rx.foreach(
            AdminRecordState.requests,
            lambda r: rx.flex(
                rx.text(r.email, weight="bold"),
                rx.text(r.when, size="2"),
                rx.cond(
                    AdminRecordState.can_act,
                    rx.button(
                        t("admin.approve_request"),
                        variant="outline",
                        on_click=AdminRecordState.approve_request(r.id),
                        id="approve-" + r.id,
                    ),
                ),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
        ),
    )


def _reminders() -> rx.Component:
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(t(k))
                    for k in (
                        "reminder.stage",
                        "renewals.cycle_end",
                        "reminder.sent",
                        "field.status",
                    )
                ]
            )
        ),
        rx.table.body(
            rx.foreach(
                AdminRecordState.reminders,
                lambda r: rx.table.row(
                    rx.table.row_header_cell(r.stage),
                    rx.table.cell(r.cycle_end),
                    rx.table.cell(r.sent),
                    rx.table.cell(
                        rx.badge(r.delivery, color_scheme=rx.cond(r.failed, "red", "gray")),
                        " ",
                        r.error,
                    ),
                ),
            )
        ),
        width="100%",
        id="reminders",
    )


def admin_record_page() -> rx.Component:
    return shell(
        rx.link(t("admin.back_to_list"), href=paths.ADMIN_REGISTRANTS),
        rx.cond(
            AdminRecordState.found,
            rx.fragment(
                rx.heading(AdminRecordState.title, as_="h1", size="7", id="record-title"),
                notice(AdminRecordState.info),
                notice(AdminRecordState.problem, tone="red"),
                edit_panel(),
                card(
                    rx.heading(t("admin.record"), as_="h2", size="5"),
                    _pairs(AdminRecordState.rows),
                    rx.cond(
                        AdminRecordState.can_act,
                        rx.vstack(
                            rx.cond(AdminRecordState.expired, reinstate_button()),
                            edit_buttons(),
                            spacing="3",
                        ),
                    ),
                ),
                rx.cond(AdminRecordState.requests.length() > 0, _requests()),
                card(
                    rx.heading(t("admin.portal_account"), as_="h2", size="5"),
                    rx.cond(
                        AdminRecordState.has_account,
                        _pairs(AdminRecordState.account_rows),
                        rx.text(t("account_status.none")),
                    ),
                    rx.cond(
                        AdminRecordState.can_act,
                        rx.hstack(
                            rx.button(
                                t("admin.unlock"),
                                variant="outline",
                                on_click=AdminRecordState.unlock,
                                id="unlock",
                            ),
                            rx.button(
                                t("admin.resend_invitation"),
                                variant="outline",
                                on_click=AdminRecordState.resend_invitation,
                                id="resend-invitation",
                            ),
                            rx.cond(AdminRecordState.second_factor, _reset_second_factor()),
                            spacing="3",
                            wrap="wrap",
                        ),
                    ),
                ),
                card(
                    rx.heading(t("admin.renewal_requirements"), as_="h2", size="5"),
                    rx.text(AdminRecordState.rules_title, size="2", id="record-rules"),
                    checklist(AdminRecordState.requirements, "staff-req-"),
                    rx.cond(
                        AdminRecordState.audits.length() > 0,
                        rx.vstack(
                            rx.heading(t("record.audits"), as_="h3", size="3"),
                            rx.el.ul(
                                rx.foreach(AdminRecordState.audits, rx.el.li),
                                padding_left="1.2em",
                            ),
                            spacing="1",
                            id="record-audits",
                        ),
                    ),
                ),
                card(
                    rx.heading(t("reminder.title"), as_="h2", size="5"),
                    rx.cond(
                        AdminRecordState.reminders.length() > 0,
                        _reminders(),
                        rx.text(t("reminder.none")),
                    ),
                ),
                card(
                    rx.heading(t("admin.history"), as_="h2", size="5"),
                    rx.cond(
                        AdminRecordState.history.length() > 0,
                        _history(),
                        rx.text(t("admin.no_history")),
                    ),
                ),
            ),
            page_title("admin.record_not_found"),
        ),
        wide=True,
    )
