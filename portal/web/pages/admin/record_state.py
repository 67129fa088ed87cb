"""The state of /admin/registrants/[record_id]: one record's display strings for staff who
passed the guard, and the actions on it. The page (`record.py`) and the edit panel
(`record_edit.py`) both use it."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import StaffRole
from portal.domain.registrants import registry_admin
from portal.domain.registry import categories
from portal.domain.renewal import reminders
from portal.i18n import format_date, format_datetime, translate
from portal.web.changes import PageState
from portal.web.components.values import change_text, display_value, provider_text
from portal.web.guard import Need, act, guarded
from portal.web.ids import int_id, path_id
from portal.web.session import PROVIDER_NAME, translator


class AdminRecordState(PageState, rx.State):
    """Display strings of one record for staff who passed the guard."""

    found: bool = False
    title: str = ""
    rows: list[dict[str, str]] = []  # noqa: RUF012
    account_rows: list[dict[str, str]] = []  # noqa: RUF012
    history: list[dict[str, str]] = []  # noqa: RUF012
    reminders: list[dict[str, str]] = []  # noqa: RUF012
    can_act: bool = False
    expired: bool = False
    has_account: bool = False
    second_factor: bool = False  # an authenticator app or a provider link to reset
    requests: list[dict[str, str]] = []  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor) -> None:
        record_id = path_id(self)
        found = (
            await asyncio.to_thread(registry_admin.detail, actor, record_id) if record_id else None
        )
        lang = actor.language
        self.found = found is not None
        self.can_act = actor.role == StaffRole.ADMIN
        if found is None:
            self.rows, self.account_rows, self.history, self.title = [], [], [], ""
            self.requests, self.reminders = [], []
            return
        sent = await asyncio.to_thread(reminders.for_record, record_id)
        self.reminders = [
            {
                "stage": translate(f"reminder_stage.{r.stage}", lang),
                "cycle_end": format_date(r.cycle_end, lang),
                "sent": format_datetime(r.sent_at, lang),
                "delivery": translate(f"outbox.state_{r.delivery}", lang) if r.delivery else "—",
                "failed": "yes" if r.delivery == "failed" else "",
                "error": r.error,
            }
            for r in sent
        ]
        pending = await asyncio.to_thread(registry_admin.requests_for, actor, record_id)
        self.requests = [
            {
                "id": str(r.id),
                "email": r.requested_email,
                "when": format_datetime(r.created_at, lang),
            }
            for r in pending
        ]
        values = found.values
        self.expired = values["status"] == "expired"
        self.title = (
            f"{values['registration_number']}  {values['family_name']} {values['given_name']}"
        )
        names = {c.code: c.name(lang) for c in await asyncio.to_thread(categories.listing)}
        self.rows = [
            {
                "key": f"field.{k}",
                "value": names.get(v, v) if k == "category" else display_value(k, v, lang),
            }
            for k, v in values.items()
        ]
        self.has_account = found.account is not None
        self.second_factor = bool(
            found.account and (found.account.totp or found.account.provider_linked)
        )
        facts = found.account
        self.account_rows = (
            [
                {"key": "login.email", "value": facts.email},
                {
                    "key": "admin.account_status",
                    "value": translate(f"account_status.{facts.status}", lang),
                },
                {
                    "key": "admin.locked",
                    "value": translate("record.yes" if facts.locked else "record.no", lang),
                },
                {
                    "key": "account.totp_title",
                    "value": translate("record.yes" if facts.totp else "record.no", lang),
                },
                {
                    "key": "admin.last_sign_in",
                    "value": format_datetime(facts.last_sign_in, lang) or "—",
                },
                *(
                    [
                        {
                            "key": "admin.provider_link",
                            "value": provider_text(facts.provider_linked, lang),
                        }
                    ]
                    if PROVIDER_NAME
                    else []
                ),
            ]
            if facts
            else []
        )
        self.history = [
            {
                "when": format_datetime(h.changed_at, lang),
                "field": f"field.{h.field}",
                "old": change_text(h.field, h.old, lang),
                "new": change_text(h.field, h.new, lang),
                "by": h.by
                + (" (" + translate("admin.staff_member", lang) + ")" if h.by_staff else ""),
                "reason": h.reason,
            }
            for h in found.history
        ]

    @rx.event
    @guarded(Need.STAFF)
    async def load(self, actor: Actor):
        """Staff read the record; anyone else is sent away."""
        self.info = self.problem = ""
        await self._fill(actor)

    async def _change(self, actor: Actor, work, done_key: str) -> None:
        """One change to this record's account by `work(actor, record_id)`, then the
        record again (admins: the domain refuses anyone else)."""
        record_id = path_id(self)
        if record_id is None:
            self.problem, self.info = (await translator(self))("activation.unknown_record"), ""
            return
        _, _, self.problem = await act(self, work, actor, record_id)
        self.info = "" if self.problem else (await translator(self))(done_key)
        if not self.problem:
            await self._fill(actor)

    @rx.event
    @guarded(Need.STAFF)
    async def unlock(self, actor: Actor):
        """Clear the account's lockout (admins)."""
        await self._change(actor, registry_admin.unlock, "admin.unlocked")

    @rx.event
    @guarded(Need.STAFF)
    async def reset_second_factor(self, actor: Actor):
        """Remove the authenticator app and provider link of the account (admins)."""
        await self._change(
            actor,
            lambda _who, record_id: registry_admin.reset_second_factor(actor, record_id),
            "admin.second_factor_reset",
        )

    @rx.event
    @guarded(Need.STAFF)
    async def saved(self, actor: Actor):
        """After an admin's edit: the record and its history as they are now."""
        await self._fill(actor)
        self.info, self.problem = (await translator(self))("admin.edit_saved"), ""

    @rx.event
    @guarded(Need.STAFF)
    async def approve_request(self, actor: Actor, request_id: str):
        """Take the requested address into the record and send the invitation (admins)."""
        target = int_id(request_id)
        if target is None:
            return
        await self._change(
            actor,
            lambda who, record_id: registry_admin.approve_request(who, record_id, target),
            "admin.request_approved",
        )

    @rx.event
    @guarded(Need.STAFF)
    async def resend_invitation(self, actor: Actor):
        """Send a new activation invitation (admins)."""
        await self._change(actor, registry_admin.resend_invitation, "admin.invitation_sent")
