"""Extra people for the end-to-end tests, so flows that change an account (reset, e-mail
change, closing, activation) never touch the demo accounts other tests sign in with.

Run inside the server's environment: `python -m tests.e2e.seed_people PASSWORD`.
"""

import datetime as dt
import sys
import time

import pyotp
from sqlmodel import select

from portal.domain.accounts import operations, totp
from portal.domain.core.clock import today
from portal.domain.core.db import transaction
from portal.domain.registry.tables import RegistryRecord
from tests import factories
from tests.factories import registrant

PEOPLE = (
    "reset-me@example.com",
    "move-me@example.com",
    "close-me@example.com",
    "points-me@example.com",
    "attend-me@example.com",  # credited by a provider's attendance list
    "provider-me@example.com",  # links the identity provider
    "backup-me@example.com",  # a claim with a file, backed up and restored
    "restart-me@example.com",  # claims while workers of the cluster are killed
    "confirm-me@example.com",  # steps away from an open tab, then sets up an app
    "audit-me@example.com",  # a self-declared claim drawn for audit, passed
    "audit-late@example.com",  # a self-declared claim drawn for audit, left unanswered
)
UNINVITED = (("E2E00001", "invite-me@example.com", dt.date(1979, 12, 3)),)
ADMINS = tuple(f"e2e-admin{n}@example.com" for n in range(1, 16))
# A rule version published by the test starting tomorrow holds the first period, not the
# second (started a year ago): (address, days from today to the period's start).
RULES_PEOPLE = (("rules-new@example.com", 1), ("rules-old@example.com", -365))
# Students (the demo data's "student" category) who chose the association's news: an
# announcement's audience, one per language.
STUDENTS = (("student-ja@example.com", "ja"), ("student-en@example.com", "en"))


def admin_with_app(email: str, password: str) -> str:
    """An admin whose authenticator app is already set up; returns the app's key.

    Enrolment used the previous 30-second step, so the current code still signs in.
    """
    account_id = operations.create_staff(email, password, "admin", email.split("@")[0].upper())
    owner = factories.fresh_session(account_id)  # enrolment needs a freshly confirmed session
    key = totp.begin_enrolment(owner).key_text.replace(" ", "")
    totp.confirm_enrolment(owner, pyotp.TOTP(key).at(time.time() - 30))
    return key


if __name__ == "__main__":
    for email in PEOPLE:
        registrant(email, password=sys.argv[1])
    for email in ADMINS:
        print(f"TOTP {email} {admin_with_app(email, sys.argv[1])}")
    for email, language in STUDENTS:
        account_id = registrant(email, password=sys.argv[1], language=language)
        with transaction() as db:
            record = db.exec(
                select(RegistryRecord).where(RegistryRecord.account_id == account_id)
            ).one()
            record.category, record.other_notices = "student", True
    for email, start in RULES_PEOPLE:
        account_id = registrant(email, password=sys.argv[1])
        with transaction() as db:
            record = db.exec(
                select(RegistryRecord).where(RegistryRecord.account_id == account_id)
            ).one()
            record.valid_from = today() + dt.timedelta(days=start)
            record.valid_until = record.valid_from + dt.timedelta(days=3 * 365 - 1)
    with transaction() as db:
        for number, email, birth in UNINVITED:
            db.add(
                RegistryRecord(
                    registration_number=number,
                    family_name="Kobayashi",
                    given_name="Ren",
                    birth_date=birth,
                    email=email,
                    valid_until=today() + dt.timedelta(days=700),
                )
            )
