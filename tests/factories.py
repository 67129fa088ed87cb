"""Small builders for test data, through the same code the demo data uses."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from portal.domain.accounts import passwords, sessions
from portal.domain.accounts.actor import Actor
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.core.origin import Origin
from portal.domain.demo import add_registrant
from portal.domain.outbox import sealed_params
from portal.domain.outbox.tables import OutboxMessage
from portal.domain.registrants import exports

PASSWORD = "Correct-Horse-42"
# The browser the tests' people use: an address from TEST-NET-1 and a user agent.
BROWSER = Origin("192.0.2.10", "pytest")

_counter = [0]


def registrant(email: str = "", password: str = PASSWORD, language: str = "en", **kwargs) -> int:
    """Create an active registrant with a record; returns the account id."""
    _counter[0] += 1
    n = _counter[0]
    with transaction() as db:
        account = add_registrant(
            db,
            email=email or f"person{n}@example.com",
            password_hash=passwords.hash_password(password) if password else None,
            registration_number=f"T{n:06d}",
            family_name="Test",
            given_name=f"Person{n}",
            birth_date=dt.date(1985, 1, 1),
            valid_until=today() + dt.timedelta(days=400),
            language=language,
            **kwargs,
        )
        db.flush()
        return account.id


def outbox(recipient: str | None = None, template: str | None = None) -> list[OutboxMessage]:
    """Outbox rows, oldest first, optionally for one recipient and template, with their
    parameters opened as the deliverer opens them (the table keeps secret ones sealed)."""
    with transaction() as db:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if recipient:
            query = query.where(OutboxMessage.recipient == recipient)
        if template:
            query = query.where(OutboxMessage.template == template)
        rows = list(db.exec(query).all())
    return [opened(row) for row in rows]


def opened(row: OutboxMessage) -> OutboxMessage:
    """A detached copy of an outbox row with its parameters opened."""
    return row.model_copy(update={"params": sealed_params.opened(row.params)})


def last_code(recipient: str) -> str:
    """The code in the newest sign-in mail to `recipient`."""
    return outbox(recipient, "signin_code")[-1].params["code"]


HEADER = ",".join(exports.COLUMNS)


def ledger_csv(*rows: str, header: str = HEADER) -> str:
    """A ledger CSV text with the standard header and these rows."""
    return "\r\n".join([header, *rows]) + "\r\n"


def ledger_row(number="R0001", family="山田", given="花子", email="", **extra) -> str:
    """One ledger CSV line for a plausible registrant; keyword arguments override columns."""
    values = {
        "registration_number": number,
        "family_name": family,
        "given_name": given,
        "family_name_kana": "やまだ",
        "given_name_kana": "ハナコ",
        "birth_date": "1980-04-01",
        "email": email,
        "postal_code": "１２３－４５６７",
        "address": "東京都千代田区1-1",
        "phone": "03-1234-5678",
        "employer": "Example Care",
        "certified_on": "2020-04-01",
        "valid_from": "2020-04-01",
        "valid_until": "2030-03-31",
        "newsletter": "yes",
        "category": "",
    }
    values.update(extra)
    return ",".join(values[c] for c in exports.COLUMNS)


def fresh_session(account_id: int, with_: str = "email") -> Actor:
    """The Actor of a session just started for the account (as after signing in with
    `with_`: "email" or "totp"), so factor changes are allowed for the next few minutes."""
    with transaction() as db:
        secret = sessions.start(db, account_id, BROWSER, signed_in_with=with_)
    return Actor(sessions.resolve(secret), BROWSER.ip, BROWSER.user_agent)
