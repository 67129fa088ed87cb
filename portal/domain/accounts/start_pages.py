"""Where a signed-in person starts: the one rule, for sign-in and for pages turning a
visitor away to their own start page."""

from __future__ import annotations

from portal.domain.accounts.tables import AccountKind
from portal.domain.core import paths


def start_page(kind: str, needs_enrolment: bool, consent_missing: bool) -> str:
    """Staff who must still set up an authenticator app start on their account page, other
    staff on /admin; organisation users on /org; registrants on /consent while new terms
    wait for them, else on /mypage."""
    if kind == AccountKind.STAFF:
        return paths.MY_ACCOUNT if needs_enrolment else paths.ADMIN
    if kind == AccountKind.ORGANISATION:
        return paths.ORG
    return paths.CONSENT if consent_missing else paths.MY_PAGE
