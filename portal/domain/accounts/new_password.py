"""Checking a new password and its confirmation the same way in every flow that sets one."""

from __future__ import annotations

from portal.domain.accounts import passwords
from portal.domain.core.errors import FieldErrors


def check(
    password: str,
    confirmation: str,
    *,
    email: str,
    names: tuple[str, ...] = (),
    current_hash: str | None = None,
    field: str = "new_password",
) -> None:
    """Raise FieldErrors unless `password` meets the policy and equals `confirmation`."""
    errors: dict[str, tuple[str, dict]] = {}
    if not password:
        errors[field] = ("password.required", {})
    else:
        problems = passwords.policy_problems(
            password, email=email, names=names, current_hash=current_hash
        )
        if problems:
            errors[field] = (problems[0].key, problems[0].params)
    if password and confirmation != password:
        errors[f"{field}_confirm"] = ("password.confirm_differs", {})
    if errors:
        raise FieldErrors(errors)
