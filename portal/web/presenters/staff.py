"""The secretariat's members on /admin/staff, as an administrator reads them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portal.domain.staff.staff_accounts import StaffMember
from portal.i18n import format_datetime, translate
from portal.web.components.values import provider_text


@dataclass(frozen=True)
class MemberRow:
    """One staff account, with what the reader may do to it."""

    id: str
    name: str
    email: str
    role: str
    role_text: str
    status: str
    status_text: str
    totp: str
    last: str
    provider: str
    me: bool  # the reader's own account: no buttons
    resettable: bool  # there is an authenticator app or a provider link to reset


def members(found: Iterable[StaffMember], reader_id: int, lang: str) -> list[MemberRow]:
    """The members in the order the domain lists them, in the reader's language."""
    return [
        MemberRow(
            id=str(m.id),
            name=m.name,
            email=m.email,
            role=m.role,
            role_text=translate(f"role.{m.role}", lang),
            status=m.status,
            status_text=translate(f"account_status.{m.status}", lang),
            totp=translate("record.yes" if m.totp else "record.no", lang),
            last=format_datetime(m.last_sign_in, lang) or "—",
            provider=provider_text(m.provider_linked, lang),
            me=m.id == reader_id,
            resettable=bool(m.totp or m.provider_linked),
        )
        for m in found
    ]
