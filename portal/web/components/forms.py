"""Form pieces that follow UI.md: label above, hint, the error beneath, and an error summary."""

from __future__ import annotations

import reflex as rx

from portal.web.components.text import t


def error_summary(errors: rx.Var) -> rx.Component:
    """A box at the top listing every field error, each linking to its field."""
    return rx.cond(
        errors.length() > 0,  # type: ignore[attr-defined]
        rx.box(
            rx.heading(t("form.error_summary"), size="4", as_="h2", color="var(--red-11)"),
            rx.el.ul(
                rx.foreach(
                    errors,
                    lambda item: rx.el.li(
                        rx.link(
                            item[1], href="#" + item[0], color="var(--red-11)", underline="always"
                        )
                    ),
                ),
                padding_left="1.2em",
                margin_top="0.5em",
            ),
            role="alert",
            tab_index=-1,
            id="error-summary",
            border="3px solid var(--red-9)",
            padding="1em",
            border_radius="8px",
            width="100%",
        ),
    )


def field(
    name: str,
    label_key: str,
    errors: rx.Var,
    *,
    type: str = "text",
    hint_key: str | None = None,
    autocomplete: str | None = None,
    input_mode: str | None = None,
    max_length: int = 254,
    auto_focus: bool = False,
    on_blur: rx.EventHandler | None = None,
    default_value: rx.Var | None = None,
) -> rx.Component:
    """One labelled input with its hint and its error beneath it."""
    described = f"{name}-hint {name}-error" if hint_key else f"{name}-error"
    props = {
        "name": name,
        "id": name,
        "type": type,
        "size": "3",
        "max_length": max_length,
        "aria_describedby": described,
        "aria_invalid": rx.cond(errors.contains(name), "true", "false"),  # type: ignore[attr-defined]
        "width": "100%",
        "auto_focus": auto_focus,
    }
    if autocomplete:
        props["auto_complete"] = autocomplete
    if input_mode is not None:
        props["input_mode"] = input_mode
    if on_blur is not None:
        props["on_blur"] = on_blur
    if default_value is not None:
        props["default_value"] = default_value
    return rx.box(
        rx.el.label(t(label_key), html_for=name, font_weight="600", display="block"),
        rx.cond(
            hint_key is not None,
            rx.text(
                t(hint_key) if hint_key else "", id=f"{name}-hint", size="2", color="var(--gray-11)"
            ),
        ),
        rx.input(**props),
        show_password_toggle(name) if type == "password" else rx.fragment(),
        rx.cond(
            errors.contains(name),  # type: ignore[attr-defined]
            rx.text(
                errors[name], id=f"{name}-error", color="var(--red-11)", size="2", weight="medium"
            ),
            rx.fragment(),
        ),
        display="flex",
        flex_direction="column",
        gap="0.35em",
        width="100%",
    )


def show_password_toggle(name: str) -> rx.Component:
    """A "Show password" button for the password input `name`: a toggle (aria-pressed) that
    switches the input between hidden and plain text in the browser alone — the password
    never leaves the page for it. Reachable by keyboard like any button."""
    script = (
        "(() => {"
        f"const input = document.getElementById({name!r});"
        f"const button = document.getElementById({name + '-show'!r});"
        "const show = input.type === 'password';"
        "input.type = show ? 'text' : 'password';"
        "button.setAttribute('aria-pressed', String(show));"
        "})()"
    )
    return rx.button(
        rx.icon("eye", size=16, aria_hidden="true"),
        t("password.show"),
        type="button",
        id=f"{name}-show",
        aria_pressed="false",
        aria_controls=name,
        variant="ghost",
        size="2",
        on_click=rx.call_script(script),
        align_self="flex-start",
        margin_left="0",
    )


def password_field(name: str, label_key: str, errors: rx.Var) -> rx.Component:
    """A field for an existing password (the browser may fill it in)."""
    return field(
        name, label_key, errors, type="password", autocomplete="current-password", max_length=1024
    )


def notice(text: rx.Var, tone: str = "green") -> rx.Component:
    """A status message that screen readers announce."""
    return rx.cond(
        text != "",
        rx.callout(text, color_scheme=tone, role="status", width="100%"),
    )


def primary_button(label_key: str, **props) -> rx.Component:
    """The one main action of a form."""
    return rx.button(t(label_key), type="submit", size="3", width="100%", **props)


def form(
    *children: rx.Component, on_submit, reset_on_submit: bool = False, **props
) -> rx.Component:
    """A full-width form stacking its fields and button; what was typed stays unless reset."""
    return rx.form(
        rx.vstack(*children, spacing="4", width="100%"),
        on_submit=on_submit,
        reset_on_submit=reset_on_submit,
        width="100%",
        **props,
    )


def file_drop(upload_id: str, label: rx.Var, *children: rx.Component, **props) -> rx.Component:
    """A drop zone with a file picker whose hidden input is named for screen readers.

    Reflex's upload creates its <input type=file> without any attribute we can
    pass, so the label is set on that child after creation.
    """
    zone = rx.upload.root(*children, id=upload_id, **props)
    picker = zone.children[0].children[0]
    picker.custom_attrs["aria-label"] = label
    return zone


def filter_control(
    name: str, label_key: str, control: rx.Component, flex: str = "1 1 10rem"
) -> rx.Component:
    """One labelled control of a list's filter bar; the bar wraps on narrow screens."""
    return rx.box(
        rx.el.label(t(label_key), html_for=name, font_weight="600", display="block"),
        control,
        flex=flex,
    )


def filter_bar(*controls: rx.Component, on_submit, submit_id: str) -> rx.Component:
    """A list's filter form: the controls and a search button, wrapping on narrow screens."""
    return rx.form(
        rx.flex(
            *controls,
            rx.button(t("admin.search_submit"), type="submit", id=submit_id),
            spacing="3",
            align="end",
            wrap="wrap",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        width="100%",
        role="search",
    )


def date_filter(name: str, label_key: str, params: rx.Var) -> rx.Component:
    """A date control of a filter bar showing the URL's value (`params[name]`) after each load."""
    control = rx.input(
        name=name, id=name, type="date", default_value=params[name], key=params[name]
    )
    return filter_control(name, label_key, control)


def text_area_field(
    name: str,
    label_key: str,
    errors: rx.Var,
    *,
    max_length: int,
    hint_key: str | None = None,
    default_value: rx.Var | str = "",
) -> rx.Component:
    """A labelled multi-line field with its hint and its error beneath it."""
    described = f"{name}-hint {name}-error" if hint_key else f"{name}-error"
    return rx.box(
        rx.el.label(t(label_key), html_for=name, font_weight="600", display="block"),
        rx.cond(
            hint_key is not None,
            rx.text(
                t(hint_key) if hint_key else "", id=f"{name}-hint", size="2", color="var(--gray-11)"
            ),
        ),
        rx.text_area(
            name=name,
            id=name,
            default_value=default_value,
            max_length=max_length,
            aria_describedby=described,
            width="100%",
        ),
        rx.cond(
            errors.contains(name),  # type: ignore[attr-defined]
            rx.text(errors[name], id=f"{name}-error", color="var(--red-11)", size="2"),
        ),
        width="100%",
    )


def select_field(
    name: str, label_key: str, options: list[tuple[str, rx.Var | str]]
) -> rx.Component:
    """A labelled native select of (value, label) options; the first is chosen."""
    return rx.box(
        rx.el.label(t(label_key), html_for=name, font_weight="600", display="block"),
        rx.el.select(
            *[rx.el.option(label, value=value) for value, label in options],
            name=name,
            id=name,
            class_name="portal-select",
        ),
        width="100%",
    )


def options_select(
    name: str, label_key: str, options: rx.Var, default_value: rx.Var | str = ""
) -> rx.Component:
    """A labelled native select of options known only at run time: a state list of
    {"code", "name"} dicts (e.g. the activity categories)."""
    return rx.box(
        rx.el.label(t(label_key), html_for=name, font_weight="600", display="block"),
        rx.el.select(
            rx.foreach(options, lambda o: rx.el.option(o["name"], value=o["code"])),
            name=name,
            id=name,
            default_value=default_value,
            class_name="portal-select",
        ),
        width="100%",
    )


def labelled_checkbox(
    name: str,
    label: rx.Var | str,
    checked: rx.Var | bool = False,
    description: rx.Var | str | None = None,
) -> rx.Component:
    """A checkbox whose whole label (and optional description) toggles it; the form sends
    "on" under `name` when it is ticked. It always shows `checked` as the server last sent
    it: an uncontrolled checkbox reads its default only when it mounts, so a value that
    arrives later (a reload of an open page) remounts it under a new key."""
    text = (
        rx.vstack(
            rx.text(label, weight="medium"),
            rx.text(description, size="2", color="var(--gray-11)"),
            spacing="0",
        )
        if description is not None
        else rx.text(label)
    )
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                name=name,
                id=name,
                size="3",
                default_checked=checked,
                key=rx.cond(checked, "on", "off") if isinstance(checked, rx.Var) else None,
            ),
            text,
            align="center",
        ),
        html_for=name,
    )


def radio_choices(
    name: str,
    legend_key: str,
    choices: tuple[str, ...],
    key_prefix: str,
    default: str,
    with_ids: bool = True,
) -> rx.Component:
    """A fieldset of radio buttons sending one of `choices` under `name`, each labelled by
    the message `key_prefix + choice` (and with the id `name-choice` when `with_ids`: not
    for a fieldset repeated on the page); `default` is ticked."""
    return rx.el.fieldset(
        rx.el.legend(t(legend_key), font_weight="600"),
        *[
            rx.el.label(
                rx.el.input(
                    type="radio",
                    name=name,
                    value=choice,
                    id=f"{name}-{choice}" if with_ids else None,
                    default_checked=choice == default,
                ),
                " ",
                t(f"{key_prefix}{choice}"),
                display="block",
                padding_y="0.25em",
            )
            for choice in choices
        ],
        border="none",
        padding="0",
    )
