"""The mail the renewal package sends on a decision: the registrant is told, with the new
period and the certificate number when approved (reminders are `renewal.reminders`)."""

from __future__ import annotations

from sqlmodel import Session

from portal.domain.accounts.tables import Account
from portal.domain.core import paths
from portal.domain.outbox import post
from portal.domain.registry.tables import RegistryRecord
from portal.domain.renewal.tables import RenewalApplication
from portal.i18n import format_date
from portal.settings import get_settings


def renewal_decided(
    db: Session,
    record: RegistryRecord,
    app: RenewalApplication,
    status: str,
    reason: str,
    issued: dict,
) -> None:
    """Tell the record's registrant the decision (`renewal_<status>`); nothing for a record
    without an account."""
    account = db.get(Account, record.account_id) if record.account_id else None
    if account is None:
        return
    lang = account.language
    params: dict = {"link": f"{get_settings().base_url}{paths.MY_RENEWAL}", "reason": reason or "-"}
    if issued:
        params |= {
            "number": issued["certificate"],
            "start": format_date(record.valid_from, lang),
            "end": format_date(record.valid_until, lang),
        }
    post.enqueue(db, account.email, f"renewal_{status}", lang, **params)
