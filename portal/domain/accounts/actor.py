"""Who acts: the signed-in principal and where they act from, as the audit log needs it."""

from __future__ import annotations

from dataclasses import dataclass

from portal.domain.accounts.sessions import Principal


@dataclass(frozen=True)
class Actor:
    """The principal of the session, the client address (portal.client_address) and the
    browser's user agent. Built once per event by the web layer's guard (web.guard) or
    per request by the HTTP routes; every domain service that reads another person's
    data or writes anything takes one, checks it and hands it to the audit trail."""

    principal: Principal
    ip: str
    user_agent: str = ""

    @property
    def account_id(self) -> int:
        return self.principal.account_id

    @property
    def session_id(self) -> int:
        return self.principal.session_id

    @property
    def kind(self) -> str:
        return self.principal.kind

    @property
    def role(self) -> str | None:
        return self.principal.role

    @property
    def email(self) -> str:
        return self.principal.email

    @property
    def language(self) -> str:
        return self.principal.language

    @property
    def display_name(self) -> str:
        return self.principal.display_name

    @property
    def totp_enabled(self) -> bool:
        return self.principal.totp_enabled

    @property
    def needs_totp_enrolment(self) -> bool:
        return self.principal.needs_totp_enrolment

    @property
    def consent_missing(self) -> tuple[str, ...]:
        return self.principal.consent_missing

    @property
    def is_staff(self) -> bool:
        return self.principal.is_staff

    @property
    def is_registrant(self) -> bool:
        return self.principal.is_registrant

    @property
    def is_organisation(self) -> bool:
        return self.principal.is_organisation
