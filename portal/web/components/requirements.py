"""The renewal requirements as a checklist: a mark, the requirement, its facts, what to do."""

from __future__ import annotations

import reflex as rx

from portal.domain.renewal.requirement_text import RequirementText
from portal.web.components.text import t


def as_rows(texts: list[RequirementText], for_staff: bool = False) -> list[dict[str, str]]:
    """Plain strings for state, each with a key unique on the page (a second category
    minimum is `minimum-2`); staff get no links to the registrant's own pages."""
    rows, seen = [], {}
    for r in texts:
        seen[r.code] = seen.get(r.code, 0) + 1
        rows.append(
            {
                "code": r.code if seen[r.code] == 1 else f"{r.code}-{seen[r.code]}",
                "met": "yes" if r.met else "",
                "title": r.title,
                "fact": r.fact,
                "fix_label": "" if for_staff else r.fix_label,
                "fix_href": "" if for_staff else r.fix_href,
            }
        )
    return rows


def _item(row: rx.Var, prefix: str) -> rx.Component:
    met = row["met"] == "yes"
    return rx.el.li(
        rx.hstack(
            rx.cond(
                met,
                rx.icon("circle-check", color="var(--green-11)", size=22, aria_hidden="true"),
                rx.icon("circle-x", color="var(--red-11)", size=22, aria_hidden="true"),
            ),
            rx.vstack(
                rx.text(
                    rx.el.span(rx.cond(met, t("req.met"), t("req.not_met")), class_name="sr-only"),
                    row["title"],
                    weight="medium",
                ),
                rx.text(row["fact"], size="2", color="var(--gray-11)"),
                rx.cond(
                    row["fix_href"] != "",
                    rx.link(row["fix_label"] + " →", href=row["fix_href"], size="2"),
                ),
                spacing="1",
                align="start",
            ),
            spacing="3",
            align="start",
        ),
        id=prefix + row["code"],
        data_met=rx.cond(met, "yes", "no"),
        style={"listStyle": "none"},
    )


def checklist(rows: rx.Var, prefix: str = "req-") -> rx.Component:
    """The requirements, each with a visible mark and a screen-reader word for met/not met."""
    return rx.el.ul(
        rx.foreach(rows, lambda row: _item(row, prefix)),
        style={"display": "flex", "flexDirection": "column", "gap": "0.9em", "padding": 0},
        width="100%",
        margin="0",
    )


def headline(text: rx.Var, ok: rx.Var, **props) -> rx.Component:
    """The one-line answer above the checklist: green when the registrant can apply."""
    return rx.callout(
        text,
        icon=rx.cond(ok, "circle-check", "info"),
        color_scheme=rx.cond(ok, "green", "amber"),
        width="100%",
        **props,
    )
