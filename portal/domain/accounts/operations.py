"""Creating staff accounts, unlocking, and the small account settings a person changes."""

from __future__ import annotations

from sqlmodel import col, select, update

from portal.domain.accounts import passwords
from portal.domain.accounts.tables import Account, AccountKind, AccountStatus, StaffRole
from portal.domain.audit import trail
from portal.domain.audit.trail import Acting
from portal.domain.core import email_address
from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.core.errors import DomainError
from portal.domain.core.origin import SYSTEM
from portal.settings import LANGUAGES


def create_staff(
    email: str, password: str, role: str, display_name: str, language: str = "en"
) -> int:
    """Create an active staff account; returns its id.

    Raises DomainError for a bad address, an unknown role, a password the policy
    refuses, or an address already in use.
    """
    if (problem := email_address.problem(email)) is not None:
        raise DomainError(problem, field="email")
    if role not in tuple(StaffRole):
        raise DomainError("staff.role_unknown", field="role")
    address = email_address.normalize(email)
    problems = passwords.policy_problems(password, email=address, names=(display_name,))
    if problems:
        raise DomainError(problems[0].key, field="password", **problems[0].params)
    password_hash = passwords.hash_password(password)
    with transaction() as db:
        if db.exec(select(Account).where(Account.email == address)).first() is not None:
            raise DomainError("email.taken", field="email")
        account = Account(
            email=address,
            password_hash=password_hash,
            kind=AccountKind.STAFF,
            role=role,
            display_name=display_name.strip()[:200],
            language=language if language in LANGUAGES else "en",
            status=AccountStatus.ACTIVE,
            password_changed_at=utcnow(),
        )
        db.add(account)
        db.flush()
        trail.record(db, "staff.created", SYSTEM, target=f"account:{account.id}", role=role)
        return account.id


def unlock(email: str, by: Acting) -> bool:
    """Clear the lockout of the account with this address — the password's and the second
    factor's; False when there is none."""
    with transaction() as db:
        result = db.execute(
            update(Account)
            .where(Account.email == email_address.normalize(email))
            .values(locked_until=None, failed_attempts=0, factor_locked_at=None, factor_failures=0)
            .returning(Account.id)
        ).first()
        if result is None:
            return False
        trail.record(db, "account.unlocked", by, target=f"account:{result[0]}")
        return True


def set_language(account_id: int, language: str) -> None:
    """Remember the account's language for pages and mail. Unknown languages are ignored."""
    if language not in LANGUAGES:
        return
    with transaction() as db:
        db.execute(update(Account).where(col(Account.id) == account_id).values(language=language))
