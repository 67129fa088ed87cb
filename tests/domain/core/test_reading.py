"""`reading()` nested in another of the same thread shares its connection (a page's reads
check one connection out of the pool), and a write committed meanwhile is read back."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from portal.domain.core.db import looking, reading, transaction
from portal.domain.renewal.tables import JobRun


def test_reads_nested_in_one_reading_share_its_connection(db):
    with reading() as outer:
        with reading() as inner:
            assert inner is outer
        with looking() as session:
            assert session.connection() is outer
    with reading() as later:
        assert later is not outer


def test_another_thread_reads_on_its_own_connection(db):
    seen = []

    def read_elsewhere() -> None:
        with reading() as connection:
            seen.append(connection)

    with reading() as outer:
        worker = threading.Thread(target=read_elsewhere)
        worker.start()
        worker.join()
        assert seen[0] is not outer


def test_a_write_committed_inside_a_reading_is_read_back_by_it(db):
    count = select(func.count()).select_from(JobRun)
    with reading() as connection:
        assert connection.execute(count).scalar() == 0
        with transaction() as session:  # as the session check touches its last-seen time
            session.add(JobRun(name="reminders", day=dt.date(2026, 11, 29)))
        assert connection.execute(count).scalar() == 1
