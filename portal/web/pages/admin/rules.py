"""/admin/rules: the renewal rule versions — read by every staff member, kept by admins.

A new version is a draft until published; its impact is shown before the Publish button
appears, and publishing (a date today or later) is the domain's decision, audited there.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import StaffRole
from portal.domain.core.db import reading
from portal.domain.renewal import rules_impact
from portal.domain.rules import versions
from portal.web.changes import PageState
from portal.web.components.forms import (
    error_summary,
    field,
    form,
    labelled_checkbox,
    notice,
    options_select,
    primary_button,
    text_area_field,
)
from portal.web.components.layout import card, page_title, shell
from portal.web.components.text import t
from portal.web.guard import Need, act, guarded
from portal.web.ids import int_id
from portal.web.presenters import rules as presenter
from portal.web.session import translator


class AdminRulesState(PageState, rx.State):
    """The versions in plain words, the form being filled and the impact last previewed."""

    cards: list[presenter.RuleCard] = []  # noqa: RUF012
    is_admin: bool = False
    editing: str = ""  # "" | "new" | a draft's id
    form_key: str = "0"  # a new key remounts the form with other values
    values: dict[str, str] = {}  # noqa: RUF012
    mandatory_options: list[dict[str, str]] = []  # noqa: RUF012
    limit_rows: list[dict[str, str]] = []  # noqa: RUF012
    kind_rows: list[dict[str, str]] = []  # noqa: RUF012
    errors: dict[str, str] = {}  # noqa: RUF012
    impact_for: str = ""  # the version whose impact is shown (Publish appears for it)
    impact_lines: list[str] = []  # noqa: RUF012
    lose_sample: list[str] = []  # noqa: RUF012
    gain_sample: list[str] = []  # noqa: RUF012
    info: str = ""
    problem: str = ""
    _categories: dict[str, str] = {}  # noqa: RUF012
    _kinds: dict[str, str] = {}  # noqa: RUF012

    async def _fill(self, actor: Actor) -> None:
        lang = actor.language
        listing, (categories, kinds) = await asyncio.gather(
            asyncio.to_thread(versions.listing, actor),
            asyncio.to_thread(versions.names, lang),
        )
        self._categories, self._kinds = categories, kinds
        self.is_admin = actor.role == StaffRole.ADMIN
        self.cards = presenter.cards(listing, categories, kinds, lang)
        none = (await translator(self))("rules.no_course")
        self.mandatory_options = [{"code": "", "name": none}] + [
            {"code": code, "name": name} for code, name in categories.items()
        ]
        self._rows()

    def _rows(self) -> None:
        """The per-category inputs with their values and messages."""
        values, errors = self.values, self.errors
        self.limit_rows = [
            {
                "code": code,
                "name": name,
                "min": f"min-{code}",
                "max": f"max-{code}",
                "min_value": values.get(f"min-{code}", ""),
                "max_value": values.get(f"max-{code}", ""),
                "error": errors.get(f"min-{code}", "") or errors.get(f"max-{code}", ""),
            }
            for code, name in self._categories.items()
        ]
        self.kind_rows = [
            {
                "code": code,
                "name": name,
                "field": f"kind-{code}",
                "value": values.get(f"kind-{code}", ""),
                "error": errors.get(f"kind-{code}", ""),
            }
            for code, name in self._kinds.items()
        ]

    def _forget_impact(self) -> None:
        self.impact_for, self.impact_lines, self.lose_sample, self.gain_sample = "", [], [], []

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff read the versions; anyone else is sent away."""
        self.editing, self.errors, self.info, self.problem = "", {}, "", ""
        self._forget_impact()
        await self._fill(actor)
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def start(self, actor: Actor, version_id: str):
        """Open the form: "new" starts from the version in force (without a date), a
        draft's id edits that draft."""
        target = None if version_id == "new" else int_id(version_id)
        if target is None and version_id != "new":
            return None

        def read():
            with reading() as db:
                if target is not None:
                    found = versions.stored(db, target)
                    return found if found is not None and not found.published else None
                return versions.book(db).versions[-1]

        version = await asyncio.to_thread(read)
        if version is None:
            return None
        values = presenter.form_values(version)
        if target is None:
            values["effective_from"] = ""
        self.values, self.errors, self.info, self.problem = values, {}, "", ""
        self.editing = version_id
        self.form_key = str(int(self.form_key) + 1)
        self._rows()
        return rx.scroll_to("rules-form")

    @rx.event
    def cancel(self):
        self.editing, self.errors = "", {}

    @rx.event
    @guarded(Need.ADMIN)
    async def save(self, actor: Actor, form_data: dict):
        """Save the form as a draft; every value is checked by the domain, per field."""
        target = None if self.editing == "new" else int_id(self.editing)
        if target is None and self.editing != "new":
            return None
        document, typed, note = presenter.document(
            form_data, list(self._categories), list(self._kinds)
        )
        self.values = typed | {"note": note}
        saved, errors, problem = await act(self, versions.save_draft, actor, document, note, target)
        self.errors = {presenter.input_name(k): v for k, v in errors.items()}
        self.problem = problem
        self._rows()
        if saved is None:
            self.info = ""
            return None
        self.editing = ""
        self.info = (await translator(self))("rules.saved")
        self._forget_impact()
        await self._fill(actor)
        return await self._show_impact(actor, str(saved))

    async def _show_impact(self, actor: Actor, version_id: str):
        target = int_id(version_id)
        if target is None:
            return None
        found, _, problem = await act(self, rules_impact.preview, actor, target)
        self.problem = problem
        if found is None:
            self._forget_impact()
            return None
        lang = actor.language
        self.impact_for = version_id
        self.impact_lines = presenter.impact_lines(found, lang)
        self.lose_sample = presenter.people(found.lose_sample)
        self.gain_sample = presenter.people(found.gain_sample)
        return rx.scroll_to("rules-impact")

    @rx.event
    @guarded(Need.STAFF)
    async def preview(self, actor: Actor, version_id: str):
        """Show what publishing the version would change (the batch evaluation)."""
        return await self._show_impact(actor, version_id)

    async def _change(self, actor: Actor, call, version_id: str, done_key: str) -> None:
        target = int_id(version_id)
        if target is None:
            return
        _, errors, problem = await act(self, call, actor, target)
        self.problem = problem or next(iter(errors.values()), "")
        if self.problem:
            self.info = ""
            return
        self.info = (await translator(self))(done_key)
        self._forget_impact()
        await self._fill(actor)

    @rx.event
    @guarded(Need.ADMIN)
    async def publish(self, actor: Actor, version_id: str):
        """Publish a draft whose impact this page has shown."""
        if version_id != self.impact_for:
            self.problem = (await translator(self))("rules.preview_first")
            return None
        await self._change(actor, versions.publish, version_id, "rules.published")
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def withdraw(self, actor: Actor, version_id: str):
        """Turn a published version not yet in force back into a draft."""
        await self._change(actor, versions.withdraw, version_id, "rules.withdrawn")
        return None

    @rx.event
    @guarded(Need.ADMIN)
    async def discard(self, actor: Actor, version_id: str):
        """Delete a draft."""
        await self._change(actor, versions.discard, version_id, "rules.discarded")
        return None


def _number(name: str, label_key: str, hint_key: str | None = None) -> rx.Component:
    return rx.box(
        field(
            name,
            label_key,
            AdminRulesState.errors,
            input_mode="numeric",
            max_length=4,
            hint_key=hint_key,
            default_value=AdminRulesState.values[name],
        ),
        flex="1 1 12rem",
    )


def _row(*children: rx.Component) -> rx.Component:
    return rx.flex(*children, spacing="3", wrap="wrap", width="100%")


def _small_input(name: rx.Var, value: rx.Var, label: rx.Var) -> rx.Component:
    return rx.input(
        name=name,
        id=name,
        default_value=value,
        input_mode="numeric",
        max_length=4,
        aria_label=label,
        width="5rem",
        size="3",
    )


def _rows_fieldset(legend_key: str, hint_key: str, rows: rx.Var, inputs) -> rx.Component:
    """A fieldset of one line per category: `inputs(row)`, then the row's message."""
    return rx.el.fieldset(
        rx.el.legend(t(legend_key), font_weight="600"),
        rx.text(t(hint_key), size="2", color="var(--gray-11)"),
        rx.foreach(
            rows,
            lambda row: rx.vstack(
                inputs(row),
                rx.cond(
                    row["error"] != "",
                    rx.text(row["error"], color="var(--red-11)", size="2", weight="medium"),
                ),
                spacing="1",
                padding_top="0.5em",
            ),
        ),
        border="none",
        padding="0",
    )


def _bound(row: rx.Var, side: str, label_key: str) -> rx.Component:
    return rx.hstack(
        rx.text(t(label_key), size="2", aria_hidden="true"),
        _small_input(row[side], row[f"{side}_value"], row["name"].to(str) + " — " + t(label_key)),
        align="center",
    )


def _limits() -> rx.Component:
    return _rows_fieldset(
        "rules.per_category",
        "rules.per_category_hint",
        AdminRulesState.limit_rows,
        lambda row: rx.fragment(
            rx.text(row["name"], weight="medium"),
            rx.flex(
                _bound(row, "min", "rules.at_least"),
                _bound(row, "max", "rules.at_most"),
                spacing="4",
                wrap="wrap",
            ),
        ),
    )


def _kinds() -> rx.Component:
    return _rows_fieldset(
        "rules.per_kind",
        "rules.per_kind_hint",
        AdminRulesState.kind_rows,
        lambda row: rx.hstack(
            rx.el.label(row["name"], html_for=row["field"], min_width="8rem"),
            _small_input(row["field"], row["value"], row["name"]),
            align="center",
        ),
    )


def _form() -> rx.Component:
    return card(
        rx.heading(t("rules.new_version"), as_="h2", size="5"),
        error_summary(AdminRulesState.errors),
        form(
            field(
                "effective_from",
                "rules.effective_from",
                AdminRulesState.errors,
                type="date",
                hint_key="rules.effective_from_hint",
                default_value=AdminRulesState.values["effective_from"],
            ),
            _row(
                _number("points_required", "rules.points_required"),
                _number("validity_years", "rules.validity_years"),
            ),
            _row(
                rx.box(
                    options_select(
                        "mandatory_category",
                        "rules.mandatory_category",
                        AdminRulesState.mandatory_options,
                        AdminRulesState.values["mandatory_category"],
                    ),
                    flex="1 1 12rem",
                ),
                _number("mandatory_count", "rules.mandatory_count"),
            ),
            _limits(),
            labelled_checkbox(
                "newsletter",
                t("rules.newsletter"),
                AdminRulesState.values["newsletter"] == "on",
            ),
            _row(
                _number("window_months", "rules.window_months"),
                _number("grace_days", "rules.grace_days"),
            ),
            _row(
                _number("carry_max", "rules.carry_max", "rules.carry_hint"),
                _number("carry_months", "rules.carry_months"),
            ),
            _kinds(),
            text_area_field(
                "note",
                "rules.note",
                AdminRulesState.errors,
                max_length=500,
                default_value=AdminRulesState.values["note"],
            ),
            rx.hstack(
                primary_button("rules.save_draft", id="save-rules"),
                rx.button(t("record.cancel"), variant="ghost", on_click=AdminRulesState.cancel),
                spacing="3",
            ),
            on_submit=AdminRulesState.save,
            key=AdminRulesState.form_key,
        ),
        id="rules-form",
    )


def _impact() -> rx.Component:
    def sample(key: str, names: rx.Var) -> rx.Component:
        return rx.cond(
            names.length() > 0,
            rx.vstack(
                rx.text(t(key), weight="medium"),
                rx.el.ul(rx.foreach(names, lambda n: rx.el.li(n)), padding_left="1.2em"),
                spacing="1",
            ),
        )

    return card(
        rx.heading(t("rules.impact_title"), as_="h2", size="5"),
        rx.el.ul(
            rx.foreach(AdminRulesState.impact_lines, lambda line: rx.el.li(line)),
            padding_left="1.2em",
        ),
        sample("rules.lose_sample", AdminRulesState.lose_sample),
        sample("rules.gain_sample", AdminRulesState.gain_sample),
        rx.cond(
            AdminRulesState.is_admin,
            rx.button(
                t("rules.publish"),
                on_click=AdminRulesState.publish(AdminRulesState.impact_for),
                id="publish-rules",
            ),
        ),
        id="rules-impact",
    )


def _card(item: rx.Var) -> rx.Component:
    tone = rx.match(
        item.status, ("in_force", "green"), ("planned", "blue"), ("draft", "orange"), "gray"
    )
    return card(
        rx.hstack(
            rx.heading(item.title, as_="h2", size="4"),
            rx.badge(item.status_text, color_scheme=tone),
            wrap="wrap",
            align="center",
        ),
        rx.el.ul(
            rx.foreach(item.sentences, lambda s: rx.el.li(s)),
            padding_left="1.2em",
        ),
        rx.cond(item.note != "", rx.text(item.note, size="2", color="var(--gray-11)")),
        rx.cond(
            AdminRulesState.is_admin & (item.editable | item.withdrawable),
            rx.flex(
                rx.cond(
                    item.editable,
                    rx.fragment(
                        rx.button(t("rules.preview"), on_click=AdminRulesState.preview(item.id)),
                        rx.button(
                            t("rules.edit"),
                            variant="outline",
                            on_click=AdminRulesState.start(item.id),
                        ),
                        rx.button(
                            t("rules.discard"),
                            variant="ghost",
                            color_scheme="red",
                            on_click=AdminRulesState.discard(item.id),
                        ),
                    ),
                ),
                rx.cond(
                    item.withdrawable,
                    rx.button(
                        t("rules.withdraw"),
                        variant="outline",
                        on_click=AdminRulesState.withdraw(item.id),
                    ),
                ),
                spacing="3",
                wrap="wrap",
            ),
        ),
        id="rules-" + item.id,
        data_status=item.status,
    )


def rules_page() -> rx.Component:
    return shell(
        page_title("rules.title"),
        rx.text(t("rules.intro")),
        notice(AdminRulesState.info),
        notice(AdminRulesState.problem, tone="red"),
        rx.cond(
            AdminRulesState.is_admin & (AdminRulesState.editing == ""),
            rx.button(
                t("rules.new_version"), on_click=AdminRulesState.start("new"), id="new-rules"
            ),
        ),
        rx.cond(AdminRulesState.editing != "", _form()),
        rx.cond(AdminRulesState.impact_for != "", _impact()),
        rx.foreach(AdminRulesState.cards, _card),
    )
