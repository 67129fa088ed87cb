"""Taking away every second sign-in factor of an account at once: the authenticator app
(with its pending secret and recovery codes) and the identity-provider link. Used when
the owner resets a forgotten password and says someone else may have added one, and by
staff for a person who lost their authenticator (`reset_second_factor`)."""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from portal.domain.accounts import mails, permissions, sessions
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account, ProviderLink, RecoveryCode
from portal.domain.audit import trail
from portal.domain.audit.trail import Acting
from portal.domain.core import email_address
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.core.origin import SYSTEM


def remove_all(db: Session, account: Account, by: Acting) -> bool:
    """Remove the account's authenticator, recovery codes and provider link (audited);
    True when there was any."""
    had_app = bool(account.totp_secret or account.totp_pending_secret)
    account.totp_secret = None
    account.totp_pending_secret = None
    account.totp_last_step = None
    db.execute(delete(RecoveryCode).where(col(RecoveryCode.account_id) == account.id))
    unlinked = db.execute(delete(ProviderLink).where(col(ProviderLink.account_id) == account.id))
    removed = had_app or bool(unlinked.rowcount)
    if removed:
        trail.record(
            db,
            "account.factors_removed",
            by,
            target=f"account:{account.id}",
            authenticator=had_app,
            provider_link=bool(unlinked.rowcount),
        )
    return removed


def reset_second_factor(actor: Actor | None, email: str) -> None:
    """Staff (administrators) or the command line (`actor` None) take away a person's
    second factors — they lost their phone — and end their sessions; the owner is mailed.
    DomainError("account.unknown") for an address without an account."""
    if actor is not None:
        permissions.require_admin(actor)
    with transaction() as db:
        account = db.exec(
            select(Account).where(Account.email == email_address.normalize(email))
        ).first()
        if account is None:
            raise DomainError("account.unknown")
        remove_all(db, account, actor or SYSTEM)
        sessions.end_all(db, account.id)
        mails.to_owner(db, account, "authenticator_reset")
