"""Who may do staff work: the two checks every staff service starts with.

These checks hold for any caller of the domain (CLI, routes, pages); the pages and routes
also apply `counts_as_signed_in` (staff must set up their authenticator app first).
"""

from __future__ import annotations

from portal.domain.accounts.sessions import Principal
from portal.domain.accounts.tables import StaffRole
from portal.domain.core.errors import NotAllowed


def require_staff(principal: Principal) -> None:
    """Raise NotAllowed unless the principal is staff (any role)."""
    if not principal.is_staff:
        raise NotAllowed()


def require_admin(principal: Principal) -> None:
    """Raise NotAllowed unless the principal is an administrator."""
    if not principal.is_staff or principal.role != StaffRole.ADMIN:
        raise NotAllowed()


def counts_as_signed_in(principal: Principal) -> bool:
    """Whether a session counts for anything but setting up the second factor: staff who
    must still enrol an authenticator app (PORTAL_STAFF_REQUIRE_TOTP) reach only their
    account page until they have."""
    return not (principal.is_staff and principal.needs_totp_enrolment)
