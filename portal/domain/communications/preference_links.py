"""Mail preferences without signing in: the link in every topic mail, and the one-click
unsubscribe mail clients offer (RFC 8058).

Guarantees:
- A link names one record and the address the mail went to, sealed with an HMAC under the
  server secret for this purpose only ("mail-preferences"): it opens nothing else (no
  sign-in, no record, no other address) and shows only that address's topic choices,
  with the address itself masked.
- Links do not expire: a mail read years later still works. A link stops working when the
  record's address changes (it was sealed for the old one); the page then says so and
  points to signing in.
- The one-click POST turns off exactly the one topic it names. Turning off the newsletter
  (a renewal requirement) this way queues a mail saying so, with the link to turn it back on.
- Every change is recorded in the record's history like the registrant's own edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from sqlmodel import Session

from portal.domain.accounts import tokens
from portal.domain.accounts.tables import Account
from portal.domain.core import paths
from portal.domain.core.db import transaction
from portal.domain.core.origin import Origin
from portal.domain.outbox import post
from portal.domain.registry import mail_topics, records
from portal.domain.registry.tables import RegistryRecord
from portal.settings import get_settings

PURPOSE = "mail-preferences"


@dataclass(frozen=True)
class Preferences:
    """What a preferences link shows: the masked address and each topic's choice."""

    address: str
    language: str
    topics: list[tuple[mail_topics.Topic, bool]]


def mail_address(db: Session, record: RegistryRecord) -> tuple[str | None, str]:
    """Where the association's mail for this record goes, and in which language: the
    portal account's address when there is one, else the registry's."""
    if record.account_id is not None:
        account = db.get(Account, record.account_id)
        if account is not None:
            return account.email, account.language
    return record.email, get_settings().language


def token_for(record_id: int, address: str) -> str:
    """The link's token for mail about `record_id` sent to `address`."""
    return f"{record_id}.{tokens.digest(PURPOSE, f'{record_id}:{address.lower()}')}"


def preferences_url(record_id: int, address: str) -> str:
    """The page where the holder of `address` chooses topics, without signing in."""
    query = urlencode({"token": token_for(record_id, address)})
    return f"{get_settings().base_url}{paths.MAIL_PREFERENCES}?{query}"


def one_click_url(record_id: int, address: str, topic: str) -> str:
    """The List-Unsubscribe target for mail of `topic` (POSTed by mail clients)."""
    query = urlencode({"token": token_for(record_id, address), "topic": topic})
    return f"{get_settings().base_url}{paths.MAIL_UNSUBSCRIBE}?{query}"


def _record(db: Session, token: str | None) -> RegistryRecord | None:
    if not isinstance(token, str) or len(token) > 100 or "." not in token:
        return None
    raw_id, _, _seal = token.partition(".")
    if not raw_id.isdigit() or len(raw_id) > 12:
        return None
    record = db.get(RegistryRecord, int(raw_id))
    if record is None:
        return None
    address, _ = mail_address(db, record)
    if not address or not tokens.matches(PURPOSE, f"{record.id}:{address.lower()}", _seal):
        return None
    return record


def _masked(address: str) -> str:
    name, _, domain = address.partition("@")
    return f"{name[:2]}{'•' * max(len(name) - 2, 1)}@{domain}"


def read(token: str | None) -> Preferences | None:
    """The choices behind a link, or None when the link is not (or no longer) valid."""
    with transaction() as db:
        record = _record(db, token)
        if record is None:
            return None
        address, language = mail_address(db, record)
        chosen = mail_topics.current(db, record)
        topics = mail_topics.all_topics(db)
        return Preferences(_masked(address), language, [(t, chosen[t.field]) for t in topics])


def save(token: str | None, values: dict[str, bool], origin: Origin) -> bool:
    """Store the choices made on the preferences page; False when the link is not valid."""
    with transaction() as db:
        record = _record(db, token)
        if record is None:
            return False
        records.apply_mail_choices(db, record, values, origin.known_as(record.account_id))
        return True


def one_click_off(token: str | None, topic: str, origin: Origin) -> bool:
    """Turn off the one topic a one-click unsubscribe names; False for a bad link or topic."""
    with transaction() as db:
        record = _record(db, token)
        found = next((t for t in mail_topics.all_topics(db) if t.code == topic), None)
        if record is None or found is None:
            return False
        changes = records.apply_mail_choices(
            db, record, {found.field: False}, origin.known_as(record.account_id)
        )
        if found.code == "newsletter" and changes:
            address, language = mail_address(db, record)
            post.enqueue(
                db,
                address,
                "newsletter_off",
                language,
                link=preferences_url(record.id, address),
            )
        return True
