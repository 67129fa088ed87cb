"""The PostgreSQL engine: a pooled connection the server has closed is replaced at checkout
(no ping round trip), and reads run in autocommit."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from portal.domain.core.db import make_engine, reading, use_engine
from tests.dbs import backends, fresh_database

pytestmark = pytest.mark.skipif("postgresql" not in backends(), reason="PostgreSQL only")


def test_a_connection_the_server_closed_is_replaced_without_an_error(tmp_path):
    with fresh_database("postgresql", tmp_path) as url:
        engine = make_engine(url)
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                before = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            with admin.connect() as conn:  # as a server restart would
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": before})
                deadline = time.monotonic() + 10
                while conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": before}
                ).scalar():
                    assert time.monotonic() < deadline
            with engine.connect() as conn:
                after = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            assert after != before
        finally:
            admin.dispose()
            engine.dispose()


def test_reads_run_in_autocommit(tmp_path):
    with fresh_database("postgresql", tmp_path) as url:
        engine = make_engine(url)
        use_engine(engine)
        try:
            with reading() as conn:
                assert conn.connection.driver_connection.autocommit is True
            with engine.connect() as conn:  # the pooled connection is given back as it was
                assert conn.connection.driver_connection.autocommit is False
        finally:
            use_engine(None)
            engine.dispose()
