"""Who a page's handler is for: read by the guard (web.guard) and the session check."""

from __future__ import annotations

from enum import Enum

from portal.domain.accounts.tables import AccountKind, StaffRole


class Need(Enum):
    """(account kind or None for any, staff role or None for any)."""

    SIGNED_IN = (None, None)  # anyone signed in, staff still enrolling included
    REGISTRANT = (AccountKind.REGISTRANT, None)
    ORGANISATION = (AccountKind.ORGANISATION, None)
    STAFF = (AccountKind.STAFF, None)
    ADMIN = (AccountKind.STAFF, StaffRole.ADMIN)
