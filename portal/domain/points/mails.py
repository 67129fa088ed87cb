"""The mail the points package sends: a registrant told of a decision on their claim, or
that a claim was drawn for audit."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from portal.domain.accounts.tables import Account
from portal.domain.core import paths
from portal.domain.outbox import post
from portal.domain.points.tables import Activity, Claim
from portal.domain.registry.tables import RegistryRecord
from portal.i18n import format_date
from portal.settings import get_settings


def _owner(db, claim: Claim) -> Account | None:
    record = db.get(RegistryRecord, claim.record_id)
    return db.get(Account, record.account_id) if record and record.account_id else None


def _title(db, claim: Claim) -> str:
    if claim.activity_id:
        return db.exec(select(Activity.title).where(col(Activity.id) == claim.activity_id)).one()
    return claim.description


def _tell(db, claim: Claim, template: str, page: str, **params) -> None:
    """Mail the claim's registrant `template` in their language, with the claim's title and
    a link to `page`; nothing for a record without an account."""
    account = _owner(db, claim)
    if account is None:
        return
    if isinstance(params.get("due"), dt.date):
        params["due"] = format_date(params["due"], account.language)
    post.enqueue(
        db,
        account.email,
        template,
        account.language,
        title=_title(db, claim),
        link=f"{get_settings().base_url}{page}",
        **params,
    )


def claim_audited(db, claim: Claim, due_on: dt.date) -> None:
    """Tell the claim's registrant it was drawn for audit: what to send, by when."""
    _tell(db, claim, "claim_audit", paths.MY_POINTS, points=claim.points_granted or 0, due=due_on)


def claim_decided(db, claim: Claim, status: str, reason: str, granted: int | None) -> None:
    """Tell the claim's registrant what was decided (`claim_<status>`), with the reason and
    the points."""
    points = granted if granted is not None else claim.points_requested
    _tell(db, claim, f"claim_{status}", paths.MY_POINTS, reason=reason, points=points)


def claim_audit_ended(db, claim: Claim, kind: str, reason: str, outlook: str = "") -> None:
    """Tell the claim's registrant how its audit ended (`claim_<kind>`: audit_passed,
    audit_failed, audit_overdue), with the reason, what is left to do (`outlook`, in their
    language, when the caller knows it) and where to see it."""
    points = claim.points_granted or 0
    _tell(db, claim, f"claim_{kind}", paths.MY_PAGE, reason=reason, points=points, outlook=outlook)
