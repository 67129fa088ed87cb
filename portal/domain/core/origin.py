"""Where an action comes from when no one is signed in: the browser of a sign-in,
activation, password-reset or mail-link flow, or the command line and scheduled jobs."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Origin:
    """A client address and user agent, and the account once a flow has found it (a
    password that matched, a link that named one). The audit trail reads `account_id`
    and `ip` from it as it does from an `accounts.actor.Actor`."""

    ip: str = ""
    user_agent: str = ""
    account_id: int | None = None

    def known_as(self, account_id: int | None) -> Origin:
        """The same place, now acting as `account_id`."""
        return replace(self, account_id=account_id)


# The command line and the daily job: no person, no address.
SYSTEM = Origin(user_agent="portal")
