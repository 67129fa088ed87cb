"""One registry record as staff read it on /admin/registrants/[record_id]."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from portal.domain.accounts.activation import PendingRequest
from portal.domain.registrants.registry_admin import AccountFacts, HistoryEntry
from portal.domain.renewal.reminders import ReminderView
from portal.i18n import format_date, format_datetime, translate
from portal.web.components.values import change_text, display_value, provider_text
from portal.web.presenters.labelled import Labelled


@dataclass(frozen=True)
class SentReminder:
    stage: str
    cycle_end: str
    sent: str
    delivery: str
    failed: bool  # the mail could not be delivered: shown in red with the error
    error: str


@dataclass(frozen=True)
class AddressRequest:
    """An activation request asking for the invitation at another address."""

    id: str
    email: str
    when: str


@dataclass(frozen=True)
class Change:
    """One changed field in the record's history."""

    when: str
    field: str  # the field's label key
    old: str
    new: str
    by: str
    reason: str


def title(values: Mapping[str, object]) -> str:
    """The registration number and the name, as the page heading."""
    return f"{values['registration_number']}  {values['family_name']} {values['given_name']}"


def fields(
    values: Mapping[str, object], category_names: Mapping[str, str], lang: str
) -> list[Labelled]:
    """Every field of the record, each shown as a person reads it (the category by name)."""
    return [
        Labelled(
            f"field.{k}",
            category_names.get(v, v) if k == "category" else display_value(k, v, lang),
        )
        for k, v in values.items()
    ]


def account(facts: AccountFacts | None, lang: str, with_provider: bool) -> list[Labelled]:
    """The portal account's facts (none without an account); the provider link's line only
    where an identity provider is configured."""
    if facts is None:
        return []
    yes_no = {True: translate("record.yes", lang), False: translate("record.no", lang)}
    rows = [
        Labelled("login.email", facts.email),
        Labelled("admin.account_status", translate(f"account_status.{facts.status}", lang)),
        Labelled("admin.locked", yes_no[facts.locked]),
        Labelled("account.totp_title", yes_no[facts.totp]),
        Labelled("admin.last_sign_in", format_datetime(facts.last_sign_in, lang) or "—"),
    ]
    if with_provider:
        rows.append(Labelled("admin.provider_link", provider_text(facts.provider_linked, lang)))
    return rows


def history(entries: Iterable[HistoryEntry], lang: str) -> list[Change]:
    """The record's changes, each with who made it (marked when staff did) and why."""
    staff = " (" + translate("admin.staff_member", lang) + ")"
    return [
        Change(
            when=format_datetime(h.changed_at, lang),
            field=f"field.{h.field}",
            old=change_text(h.field, h.old, lang),
            new=change_text(h.field, h.new, lang),
            by=h.by + (staff if h.by_staff else ""),
            reason=h.reason,
        )
        for h in entries
    ]


def reminders(sent: Iterable[ReminderView], lang: str) -> list[SentReminder]:
    """The renewal reminders sent for the record, with their delivery."""
    return [
        SentReminder(
            stage=translate(f"reminder_stage.{r.stage}", lang),
            cycle_end=format_date(r.cycle_end, lang),
            sent=format_datetime(r.sent_at, lang),
            delivery=translate(f"outbox.state_{r.delivery}", lang) if r.delivery else "—",
            failed=r.delivery == "failed",
            error=r.error,
        )
        for r in sent
    ]


def requests(pending: Iterable[PendingRequest], lang: str) -> list[AddressRequest]:
    """The record's activation requests waiting for a decision."""
    return [
        AddressRequest(str(r.id), r.requested_email, format_datetime(r.created_at, lang))
        for r in pending
    ]
