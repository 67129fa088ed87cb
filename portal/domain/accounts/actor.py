"""Who acts: the signed-in principal and where they act from, as the audit log needs it."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.accounts.sessions import Principal


@dataclass(frozen=True)
class Actor:
    """The principal of the session, the client address (portal.client_address) and the
    browser's user agent. Built once per event by the web layer's guard (web.guard) or
    per request by the HTTP routes; domain services read who and where from it."""

    principal: Principal
    ip: str = ""
    user_agent: str = ""

    @property
    def account_id(self) -> int:
        return self.principal.account_id
