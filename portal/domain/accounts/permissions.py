"""Who may do staff work: the two checks every staff service starts with.

The pages also require an enrolled authenticator app (web.session.require); these checks
hold for any caller of the domain (CLI, routes, pages).
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
