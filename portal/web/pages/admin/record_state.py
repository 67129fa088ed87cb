"""The state of /admin/registrants/[record_id]: one record's display strings for staff who
passed the guard, and the actions on it. The page (`record.py`) and the edit panel
(`record_edit.py`) both use it."""

from __future__ import annotations

import asyncio

import reflex as rx

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import StaffRole
from portal.domain.registrants import registry_admin
from portal.domain.registry import registrant_categories
from portal.domain.renewal import reminders, requirement_text, staff_view
from portal.i18n import format_date, translate
from portal.web.changes import PageState
from portal.web.components.requirements import as_rows
from portal.web.guard import Need, act, guarded
from portal.web.ids import int_id, path_id
from portal.web.presenters import record_admin
from portal.web.presenters.labelled import Labelled
from portal.web.session import PROVIDER_NAME, translator


class AdminRecordState(PageState, rx.State):
    """Display strings of one record for staff who passed the guard."""

    found: bool = False
    title: str = ""
    rows: list[Labelled] = []  # noqa: RUF012
    account_rows: list[Labelled] = []  # noqa: RUF012
    history: list[record_admin.Change] = []  # noqa: RUF012
    reminders: list[record_admin.SentReminder] = []  # noqa: RUF012
    rules_title: str = ""  # the rule set the record's period is held to
    requirements: list[dict[str, str]] = []  # noqa: RUF012
    audits: list[str] = []  # noqa: RUF012  # every audit of the record's claims, in words
    can_act: bool = False
    expired: bool = False
    has_account: bool = False
    second_factor: bool = False  # an authenticator app or a provider link to reset
    requests: list[record_admin.AddressRequest] = []  # noqa: RUF012
    info: str = ""
    problem: str = ""

    async def _fill(self, actor: Actor) -> None:
        record_id = path_id(self)
        found = (
            await asyncio.to_thread(registry_admin.detail, actor, record_id) if record_id else None
        )
        lang = actor.language
        self.found = found is not None
        self.can_act = actor.role == StaffRole.ADMIN
        if found is None:
            self.rows, self.account_rows, self.history, self.title = [], [], [], ""
            self.requests, self.reminders, self.requirements = [], [], []
            self.audits = []
            return
        sent, pending, categories, standing = await asyncio.gather(
            asyncio.to_thread(reminders.for_record, actor, record_id),
            asyncio.to_thread(registry_admin.requests_for, actor, record_id),
            asyncio.to_thread(registrant_categories.listing),
            asyncio.to_thread(staff_view.of_record, actor, record_id=record_id),
        )
        facts = found.account
        self.rules_title = requirement_text.rules_title(standing.eligibility, lang, True)
        self.requirements = as_rows(
            requirement_text.for_eligibility(standing.eligibility, lang), for_staff=True
        )
        self.audits = [
            translate(
                f"record.audit_{a.status}",
                lang,
                title=a.title,
                date=format_date(a.due_on, lang),
                reason=a.reason,
            )
            for a in standing.audits
        ]
        self.reminders = record_admin.reminders(sent, lang)
        self.requests = record_admin.requests(pending, lang)
        self.expired = found.values["status"] == "expired"
        self.title = record_admin.title(found.values)
        self.rows = record_admin.fields(
            found.values, {c.code: c.name(lang) for c in categories}, lang
        )
        self.has_account = facts is not None
        self.second_factor = bool(facts and (facts.totp or facts.provider_linked))
        self.account_rows = record_admin.account(facts, lang, with_provider=bool(PROVIDER_NAME))
        self.history = record_admin.history(found.history, lang)

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
