"""How an audit ends, told with what it means for the registrant's renewal.

Guarantee: the mail of a failed or overdue audit says, in the registrant's language,
whether they still meet the points requirement of their period's rules — read with the
same evaluation as the dashboard, after the points were withdrawn — and if not, how many
points are missing and until when they can claim them.
"""

from __future__ import annotations

import datetime as dt

from portal.domain.accounts.actor import Actor
from portal.domain.accounts.tables import Account
from portal.domain.core.clock import today
from portal.domain.points import audits, mails
from portal.domain.points.tables import Claim
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal import renewals
from portal.i18n import format_date, translate


def outlook(db, record: RegistryRecord, lang: str, on: dt.date) -> str:
    """Where the record's points requirement stands on `on`, in one sentence."""
    points = renewals.record_eligibility(db, record, on).requirement("points")
    facts = points.facts
    if points.met:
        return translate(
            "audits.outlook_met", lang, counted=facts["counted"], required=facts["required"]
        )
    if record.valid_until is not None and on <= record.valid_until:
        return translate(
            "audits.outlook_missing",
            lang,
            counted=facts["counted"],
            required=facts["required"],
            count=facts["missing"],
            date=format_date(record.valid_until, lang),
        )
    return translate(
        "audits.outlook_ended", lang, counted=facts["counted"], required=facts["required"]
    )


def tell(db, claim: Claim, kind: str, reason: str) -> None:
    """Mail the audit's outcome; a failed or overdue one with the renewal outlook."""
    said = ""
    if kind != "audit_passed":
        record = db.get(RegistryRecord, claim.record_id)
        account = db.get(Account, record.account_id) if record.account_id else None
        if account is not None:
            said = outlook(db, record, account.language, today())
    mails.claim_audit_ended(db, claim, kind, reason, said)


def decide(actor: Actor, audit_id: int, passed: bool, reason: str = "") -> None:
    """`points.audits.decide`, its mail saying what is left to do."""
    audits.decide(actor, audit_id, passed, reason, tell)


def close_overdue(on: dt.date) -> int:
    """`points.audits.close_overdue`, its mails saying what is left to do."""
    return audits.close_overdue(on, tell)
