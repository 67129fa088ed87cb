"""Who may do staff work: the two checks every staff service starts with.

These checks hold for any caller of the domain (CLI, routes, pages); the pages and routes
also apply `counts_as_signed_in` (staff must set up their authenticator app first).
"""

from __future__ import annotations

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import StaffRole
from portal.domain.core.errors import NotAllowed


def require_staff(actor: Actor) -> None:
    """Raise NotAllowed unless the principal is staff (any role)."""
    if not actor.is_staff:
        raise NotAllowed()


def require_admin(actor: Actor) -> None:
    """Raise NotAllowed unless the principal is an administrator."""
    if not actor.is_staff or actor.role != StaffRole.ADMIN:
        raise NotAllowed()


def counts_as_signed_in(actor: Actor) -> bool:
    """Whether a session counts for anything but setting up the second factor: staff who
    must still enrol an authenticator app (PORTAL_STAFF_REQUIRE_TOTP) reach only their
    account page until they have."""
    return not (actor.is_staff and actor.needs_totp_enrolment)
