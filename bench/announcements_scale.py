"""Announcements at scale: 100,000 registrants with accounts.

    .venv/bin/python -m bench.announcements_scale [--records 100000] [--postgres URL]

Measures: the recipient count of several segments (`segments.reach`, p50/p95 of --repeat);
writing the copies of an announcement to everyone (mail + notice) the way the app does it —
one batch per thread hop, with the heap frozen as the app freezes it once started — while a
coroutine ticks every 10 ms on the event loop and records its worst lateness; and the dashboard's notice list for one registrant (p50/p95).
"""

from __future__ import annotations

import asyncio
import gc
import tempfile
from pathlib import Path

from sqlalchemy import func, select, text

from bench.points_scale import _fill, _principal, main_for
from bench.registry_scale import _timed
from bench.renewal_scale import _accounts_for_everyone, _off_the_loop
from portal.domain.communications import announcement_queue, announcements, notices, segments
from portal.domain.core.db import transaction, use_engine
from portal.domain.outbox.tables import OutboxMessage
from portal.domain.registry.tables import RegistrantCategory
from tests.dbs import engine_with_tables

SEGMENTS = {
    "everyone, news": ({}, "news"),
    "students, news": ({"categories": ["student"]}, "news"),
    "students, active, ending in 2027": (
        {
            "categories": ["student"],
            "statuses": ["active"],
            "valid_until_from": "2027-01-01",
            "valid_until_to": "2027-12-31",
        },
        "newsletter",
    ),
    "without an account": ({"account": "without"}, "newsletter"),
    "renewal requirement not met": ({"requirement_not_met": True}, "news"),
}


def _shape(engine) -> None:
    """A fifth are students; two thirds chose the association's news."""
    with transaction() as db:
        db.add(RegistrantCategory(code="student", name_en="Student", name_ja="学生"))
        db.execute(text("UPDATE registry_record SET category = 'student' WHERE id % 5 = 0"))
        db.execute(text("UPDATE registry_record SET other_notices = (id % 3 <> 0)"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


async def _write_all() -> int:
    # As the app does once started (portal.web.mail_pump.freeze_heap): what exists now is
    # never scanned again by the cyclic collector, so a full collection cannot stop the loop.
    gc.freeze()
    batches = 0
    while await asyncio.to_thread(announcement_queue.run_batch):
        batches += 1
    return batches


def run(kind: str, records: int, claims_each: int, repeat: int) -> None:
    with engine_with_tables(kind, Path(tempfile.mkdtemp(prefix="portal-announce-"))) as engine:
        use_engine(engine)
        try:
            print(f"{kind}: {records} registrants")
            _, registrant_id, _ = _fill(engine, records, min(claims_each, 1))
            _accounts_for_everyone(engine, registrant_id)
            _shape(engine)
            for label, (criteria, topic) in SEGMENTS.items():
                with transaction() as db:
                    segment = segments.parse(db, criteria)
                reached, p50, p95 = _timed(lambda s=segment, t=topic: _reach(s, t), repeat)
                print(
                    f"  count {label:<34} {reached.mail:>7} mail {reached.notice:>7} notices"
                    f"  p50={p50:6.1f} ms  p95={p95:6.1f} ms"
                )
            admin = _principal(1, "staff", "admin")
            announcements.send(
                admin,
                {
                    "topic": "newsletter",
                    "subject_en": "Annual meeting",
                    "body_en": "Dear members, the annual meeting is in June.",
                    "by_mail": True,
                    "as_notice": True,
                },
            )
            batches, seconds, worst = asyncio.run(_off_the_loop(_write_all))
            with transaction() as db:
                copies = db.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()
            print(
                f"  writing copies: {copies} mails + notices in {batches} batches, "
                f"{seconds:.1f} s; event loop worst lateness {worst:.1f} ms"
            )
            me = _principal(registrant_id, "registrant", None)
            _, p50, p95 = _timed(lambda: notices.for_registrant(me), repeat)
            print(
                f"  notice list (notices.for_registrant)     p50={p50:6.2f} ms  p95={p95:6.2f} ms"
            )
        finally:
            use_engine(None)


def _reach(segment: segments.Segment, topic: str) -> segments.Reach:
    with transaction() as db:
        return segments.reach(db, segment, topic)


def main() -> None:
    main_for(run)


if __name__ == "__main__":
    main()
