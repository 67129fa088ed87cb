"""Invitations: a mailed link with which an invited account chooses its first password."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from portal.domain.accounts import action_tokens, mails
from portal.domain.accounts.tables import Account, TokenPurpose
from portal.domain.core import paths
from portal.settings import get_settings


def send(db: Session, account: Account, template: str, **params: object) -> None:
    """Queue `template` to the account with a single-use link to choose a password, valid
    PORTAL_INVITATION_DAYS days (`{link}` and `{days}` in the mail), in the account's language."""
    settings = get_settings()
    token = action_tokens.issue(
        db,
        account.id,
        TokenPurpose.PASSWORD_RESET,
        dt.timedelta(days=settings.links.invitation_days),
    )
    mails.to_owner(
        db,
        account,
        template,
        link=f"{settings.base_url}{paths.PASSWORD_RESET}?token={token}",
        days=settings.links.invitation_days,
        **params,
    )
