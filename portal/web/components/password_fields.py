"""The new-password pair with the policy shown before typing."""

from __future__ import annotations

import reflex as rx

from portal.settings import get_settings
from portal.web.components.forms import field


class NewPasswordCheck(rx.State, mixin=True):
    """Mixed into states with a new-password field: checks the policy as the person leaves it.

    The server checks again on submit, with the person's name and e-mail too.
    """

    errors: dict[str, str] = {}  # noqa: RUF012

    @rx.event
    async def check_new_password(self, value: str):
        """Show (or clear) the policy problem of what was typed in the new-password field."""
        from portal.domain.accounts import passwords
        from portal.web.session import translator

        if not isinstance(value, str) or not value:
            return
        problems = passwords.policy_problems(value[:1024])
        errors = {k: v for k, v in self.errors.items() if k != "new_password"}
        if problems:
            tr = await translator(self)
            errors["new_password"] = tr(problems[0].key, **problems[0].params)
        self.errors = errors


def new_password_fields(
    state: type[NewPasswordCheck], label_key: str = "reset.new"
) -> rx.Component:
    """New password (policy as its hint, checked on leaving the field) and its confirmation."""
    errors = state.errors
    return rx.fragment(
        field(
            "new_password",
            label_key,
            errors,
            type="password",
            hint_key=f"password.policy_{get_settings().sign_in.password_policy}",
            autocomplete="new-password",
            max_length=1024,
            on_blur=state.check_new_password,
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
