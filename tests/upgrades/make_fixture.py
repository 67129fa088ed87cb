"""Write the fixture of a migration revision: `python -m tests.upgrades.make_fixture 0016`.

Run it with the release that leaves the database at that revision (the newest revision
of a release: write its fixture when the release is made). It fills a database the way
the portal does — the demo data, then a claim with evidence decided, a renewal approved
with its certificate — and writes `tests/upgrades/r<REVISION>.sql`: an INSERT for every
row of every table and column that revision's schema has (read from a database migrated
to it, not from today's models; the rows the migrations write themselves are left out),
and a header with what the test checks after upgrading: who signs in with which password,
and each registrant's eligibility on the fixture's day, as this release reads that data.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

PASSWORD = "Upgrade-Fixture-2026!"


def _fill() -> None:
    """The demo data, plus what the demo lacks: a record's history, claims with evidence
    decided, a renewal approved with its certificate."""
    from sqlmodel import select

    from portal.domain import demo
    from portal.domain.accounts.actor import Actor
    from portal.domain.accounts.sessions import Principal
    from portal.domain.accounts.tables import Account
    from portal.domain.core.db import transaction
    from portal.domain.core.errors import DomainError
    from portal.domain.points import claim_review, claims, evidence
    from portal.domain.points.tables import Activity
    from portal.domain.registry import records
    from portal.domain.renewal import renewal_review, renewals

    demo.seed(PASSWORD)
    with transaction() as db:
        people = {a.email: a for a in db.exec(select(Account)).all()}

    def actor(email: str) -> Actor:
        a = people[email]
        principal = Principal(
            a.id, 0, a.kind, a.role, a.email, a.language, a.display_name, False, False
        )
        return Actor(principal, "192.0.2.44", "fixture")

    admin, first = actor("admin@example.com"), actor("registrant1@example.com")
    records.apply(
        first,
        "basic",
        {"phone": "03-5550-0101", "postal_code": "100-0013", "address": "Kasumigaseki 1-1"},
    )
    with transaction() as db:
        offered = db.exec(select(Activity.id).order_by(Activity.id)).all()
    decided = []
    for activity_id in offered:
        try:
            claim_id = claims.submit_catalogue(first, activity_id)
        except DomainError:  # claimed in the demo data already
            continue
        if not decided:
            evidence.attach(first, claim_id, "certificate.pdf", b"%PDF-1.4 fixture\n%%EOF")
        claim_review.decide(admin, claim_id, "approve", "Attendance confirmed")
        decided.append(claim_id)
    application = renewals.apply(first, True)
    renewal_review.decide(admin, application, "approve")


def main(revision: str) -> int:
    work = Path(tempfile.mkdtemp(prefix="portal-fixture-"))
    os.environ.update(
        PORTAL_DATA_DIR=str(work / "data"),
        PORTAL_DB_URL=f"sqlite:///{work / 'head.db'}",
        PORTAL_BCRYPT_ROUNDS="4",
        PORTAL_STAFF_REQUIRE_TOTP="false",
    )
    from sqlalchemy import create_engine

    from portal.domain.core import migrations
    from portal.domain.core.clock import today
    from portal.domain.core.db import make_engine, use_engine
    from portal.domain.registry.tables import RegistryRecord
    from portal.domain.renewal import eligibility_batch
    from portal.domain.rules import versions
    from tests.upgrades import rows

    migrations.upgrade(os.environ["PORTAL_DB_URL"])
    engine = make_engine(os.environ["PORTAL_DB_URL"])
    use_engine(engine)
    _fill()
    old_url = f"sqlite:///{work / 'old.db'}"
    migrations.upgrade(old_url, revision)
    with create_engine(old_url).connect() as old:
        schema, seeded = rows.tables(old), rows.keys(old)
    with engine.connect() as conn:
        body = rows.dump(conn, schema, seeded)
    # What this release reads from that data once upgraded: the expectations.
    check_url = f"sqlite:///{work / 'check.db'}"
    migrations.upgrade(check_url, revision)
    check = make_engine(check_url)
    with check.begin() as conn:
        rows.load(conn, body)
    migrations.upgrade(check_url)
    use_engine(check)
    day = today()
    from sqlmodel import Session, select

    with Session(check) as db:
        numbers = dict(db.exec(select(RegistryRecord.id, RegistryRecord.registration_number)).all())
    found = eligibility_batch.for_all(day, versions.book())
    expected = {
        numbers[record_id]: {r.code: r.met for r in result.requirements}
        for record_id, result in sorted(found.items())
    }
    header = [
        f"-- The database as revision {revision} holds it (tests/upgrades/README.md).",
        f"-- revision: {revision}",
        f"-- day: {day.isoformat()}",
        f"-- password: {PASSWORD}",
        "-- signs in: registrant1@example.com",
        f"-- eligibility: {json.dumps(expected, sort_keys=True)}",
    ]
    target = rows.FIXTURES / f"r{revision}.sql"
    target.write_text("\n".join(header) + "\n" + body, encoding="utf-8")
    print(f"wrote {target} ({len(rows.statements(body))} rows, as of {dt.date.today()})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
