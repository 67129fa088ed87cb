"""The mail the accounts package sends an account's owner, in one place.

Each is queued in the caller's transaction (outbox.post), in the owner's language:

- security notices — `password_changed`, `account_locked`, `factor_locked`,
  `authenticator_added`, `authenticator_removed`, `authenticator_reset`,
  `provider_linked`, `provider_unlinked`, `email_change_requested`, `email_changed`
  (to the old address), `account_closed`, `email_in_use` (to an address someone tried
  to move an account to);
- links and codes — `signin_code`, `password_reset`, `email_change_confirm`, and the
  invitations (`accounts.invitations`).
"""

from __future__ import annotations

from sqlmodel import Session

from portal.domain.accounts.tables import Account
from portal.domain.outbox import post


def to_owner(db: Session, account: Account, template: str, **params: object) -> None:
    """Queue `template` to the account's address, in its language."""
    post.enqueue(db, account.email, template, account.language, **params)


def to_address(db: Session, address: str, language: str, template: str, **params) -> None:
    """Queue `template` to an address that is not (yet, or any more) the account's own."""
    post.enqueue(db, address, template, language, **params)
