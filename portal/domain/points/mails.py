"""The mail the points package sends: a registrant told of a decision on their claim."""

from __future__ import annotations

from sqlmodel import col, select

from portal.domain.accounts.tables import Account
from portal.domain.core import paths
from portal.domain.outbox import post
from portal.domain.points.tables import Activity, Claim
from portal.domain.registry.tables import RegistryRecord
from portal.settings import get_settings


def claim_decided(db, claim: Claim, status: str, reason: str, granted: int | None) -> None:
    """Tell the claim's registrant what was decided (`claim_<status>`), with the reason and
    the points; nothing for a record without an account."""
    record = db.get(RegistryRecord, claim.record_id)
    account = db.get(Account, record.account_id) if record and record.account_id else None
    if account is None:
        return
    title = claim.description
    if claim.activity_id:
        title = db.exec(select(Activity.title).where(col(Activity.id) == claim.activity_id)).one()
    post.enqueue(
        db,
        account.email,
        f"claim_{status}",
        account.language,
        title=title,
        reason=reason,
        points=granted if granted is not None else claim.points_requested,
        link=f"{get_settings().base_url}{paths.MY_POINTS}",
    )
