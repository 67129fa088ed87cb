"""The new-password pair with the policy shown before typing."""

from __future__ import annotations

import reflex as rx

from portal.settings import get_settings
from portal.web.components.forms import field


def new_password_fields(errors: rx.Var, label_key: str = "reset.new") -> rx.Component:
    """New password (with the policy as its hint) and its confirmation."""
    return rx.fragment(
        field(
            "new_password",
            label_key,
            errors,
            type="password",
            hint_key=f"password.policy_{get_settings().password_policy}",
            autocomplete="new-password",
            max_length=1024,
        ),
        field(
            "new_password_confirm",
            "reset.confirm",
            errors,
            type="password",
            autocomplete="new-password",
            max_length=1024,
        ),
    )
