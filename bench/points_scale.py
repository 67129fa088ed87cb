"""Points at scale: 100,000 registrants, 1,000,000 claims; the pages' server time and attendance.

    .venv/bin/python -m bench.points_scale [--records 100000] [--claims-each 10] [--postgres URL]

Measures (p50/p95 of 30 runs): a registrant's standing (the counted total)
and their claims with timelines — what /mypage/points loads —, the review
queue's first page and a filtered page; then credits an attendance list of
5,000 registration numbers (preview, then apply).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

from sqlmodel import col, select

from bench.registry_scale import _rows, _timed
from portal.domain.accounts.actor import Actor
from portal.domain.accounts.sessions import Principal
from portal.domain.accounts.tables import Account
from portal.domain.core import bulk
from portal.domain.core.db import column_defaults, transaction, use_engine
from portal.domain.points import attendance, catalogue, claim_review, claims
from portal.domain.points.tables import Activity, ActivityCategory, Claim, ClaimEvent
from portal.domain.registry.tables import RegistryRecord
from tests.dbs import engine_with_tables

STATUSES = ["approved"] * 14 + ["rejected", "submitted", "in_review", "info_requested"]


def _principal(account_id: int, kind: str, role: str | None) -> Actor:
    """Someone acting in the benchmark (a session that exists only here)."""
    principal = Principal(
        account_id=account_id,
        session_id=0,
        kind=kind,
        role=role,
        email="bench@example.jp",
        language="en",
        display_name="Bench",
        totp_enabled=True,
        needs_totp_enrolment=False,
    )
    return Actor(principal, "127.0.0.1", "bench")


def _fill(engine, records: int, claims_each: int) -> tuple[int, int, int]:
    rng = random.Random(11)
    today = dt.date(2026, 11, 21)
    with transaction() as db:
        catalogue.ensure_categories(db)
    with transaction() as db:
        category_ids = list(
            db.exec(select(ActivityCategory.id).order_by(col(ActivityCategory.id))).all()
        )
        activity_rows = [
            {
                **column_defaults(Activity),
                "title": f"Activity {n}",
                "category_id": category_ids[n % len(category_ids)],
                "starts_on": today - dt.timedelta(days=n * 5),
                "ends_on": today - dt.timedelta(days=n * 5),
                "points": 1 + n % 3,
            }
            for n in range(200)
        ]
        activity_ids = bulk.insert_returning_ids(db, Activity.__table__, activity_rows)
        rows = list(_rows(records))
        for row in rows:
            row["valid_from"] = row["valid_until"] - dt.timedelta(days=3 * 365)
        record_base = column_defaults(RegistryRecord)
        record_ids = bulk.insert_returning_ids(
            db, RegistryRecord.__table__, [record_base | row for row in rows]
        )
        staff_id, registrant_id = bulk.insert_returning_ids(
            db,
            Account.__table__,
            [
                column_defaults(Account)
                | {"email": "desk@example.jp", "kind": "staff", "role": "admin"},
                column_defaults(Account) | {"email": "me@example.jp", "kind": "registrant"},
            ],
        )
        target = record_ids[records // 2]
        db.get(RegistryRecord, target).account_id = registrant_id
        claim_base = column_defaults(Claim)
        started = time.perf_counter()
        batch: list[dict] = []
        written = 0
        for record_id in record_ids:
            for activity_index in rng.sample(range(200), claims_each):
                status = rng.choice(STATUSES)
                points = 1 + activity_index % 3
                batch.append(
                    claim_base
                    | {
                        "record_id": record_id,
                        "activity_id": activity_ids[activity_index],
                        "category_id": category_ids[activity_index % len(category_ids)],
                        "activity_date": today - dt.timedelta(days=activity_index * 5),
                        "points_requested": points,
                        "points_granted": points if status == "approved" else None,
                        "status": status,
                        "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
                        + dt.timedelta(minutes=written),
                    }
                )
                written += 1
            if len(batch) >= 50_000:
                bulk.insert_rows(db, Claim.__table__, batch)
                batch = []
        bulk.insert_rows(db, Claim.__table__, batch)
        own = db.exec(select(Claim.id).where(Claim.record_id == target)).all()
        bulk.insert_rows(
            db,
            ClaimEvent.__table__,
            [column_defaults(ClaimEvent) | {"claim_id": c, "kind": "submitted"} for c in own],
        )
        print(f"  wrote {written} claims in {time.perf_counter() - started:.1f} s")
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return staff_id, registrant_id, activity_ids[0]


def run(kind: str, records: int, claims_each: int, repeat: int) -> None:
    with engine_with_tables(kind, Path(tempfile.mkdtemp(prefix="portal-points-"))) as engine:
        use_engine(engine)
        try:
            print(f"{kind}: {records} registrants, {records * claims_each} claims")
            staff_id, registrant_id, activity_id = _fill(engine, records, claims_each)
            me = _principal(registrant_id, "registrant", None)
            desk = _principal(staff_id, "staff", "admin")
            measures = {
                "counted total (standing)": lambda: claims.standing(me),
                "my claims with timelines": lambda: claims.my_claims(me),
                "review queue, first page": lambda: claim_review.queue(
                    desk, claim_review.QueueQuery()
                ),
                "review queue, seminars in 2026": lambda: claim_review.queue(
                    desk,
                    claim_review.QueueQuery(category="seminar", date_from=dt.date(2026, 1, 1)),
                ),
            }
            for label, work in measures.items():
                _, p50, p95 = _timed(work, repeat)
                print(f"  {label:40s} p50={p50:6.1f} ms  p95={p95:6.1f} ms")
            numbers = [f"R{n:07d}" for n in range(0, records, max(1, records // 5000))][:5000]
            listing = ("registration_number\r\n" + "\r\n".join(numbers) + "\r\n").encode()
            started = time.perf_counter()
            preview = attendance.plan(desk, activity_id, listing)
            planned = time.perf_counter() - started
            started = time.perf_counter()
            done = attendance.apply(desk, activity_id, listing)
            applied = time.perf_counter() - started
            print(
                f"  attendance of {len(numbers)} rows: preview {planned:.2f} s, "
                f"apply {applied:.2f} s ({len(done.matched)} credited, "
                f"{len(preview.already)} already)"
            )
        finally:
            use_engine(None)


def main_for(run) -> None:
    """The command line shared by the scale benchmarks: SQLite, then PostgreSQL when given."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--claims-each", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--postgres", default=os.environ.get("PORTAL_TEST_DATABASE_URL"))
    args = parser.parse_args()
    run("sqlite", args.records, args.claims_each, args.repeat)
    if args.postgres:
        os.environ["PORTAL_TEST_DATABASE_URL"] = args.postgres
        run("postgresql", args.records, args.claims_each, args.repeat)


def main() -> None:
    main_for(run)


if __name__ == "__main__":
    main()
