"""Engine and transactions for the domain services.

`transaction()` yields a session whose work is committed when the block ends
without an exception and rolled back otherwise, so a service's changes and the
outbox rows they cause land together or not at all.
"""

from __future__ import annotations

import contextlib
import functools
import select
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session, SQLModel, create_engine

from portal.settings import get_settings


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and enforced foreign keys;
    PostgreSQL prepares the statements a connection repeats. A SQLite file's folder is
    created when missing."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=10
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    # Statements a connection runs again are prepared (psycopg does it from the fifth run),
    # which spares PostgreSQL parsing them, and after five runs PostgreSQL may keep a generic
    # plan when it costs no more than planning each run: together 40 % of a page read
    # (session check + My page: 3.3 → 2.4 ms). Generic plans were once refused everywhere
    # because one turned a 1,000-value IN list into a scan per row on a table whose
    # statistics still said "empty"; a large import now refreshes them (refresh_statistics),
    # and the import, announcement and renewal benchmarks run as fast as with custom plans.
    engine = create_engine(url, pool_size=10, max_overflow=10)
    event.listen(engine, "checkout", _hung_up)
    return engine


def _hung_up(dbapi_connection, _record, _proxy) -> None:
    """Refuse a pooled PostgreSQL connection the server has closed (restarted, or ended an
    idle session): an idle connection has nothing to read, so a readable socket means the
    server hung up. The pool then opens a fresh one. A local check where a ping would cost a
    round trip on every checkout (a third of the waiting of a page event)."""
    if dbapi_connection.closed:
        raise DisconnectionError
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    if readable:
        raise DisconnectionError


@functools.cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    return make_engine(get_settings().db_url)


_engine_override: list[Engine] = []


def use_engine(engine: Engine | None) -> None:
    """Make every later `transaction()` use `engine` (tests); None restores the default."""
    _engine_override.clear()
    if engine is not None:
        _engine_override.append(engine)


def current_engine() -> Engine:
    """The engine `transaction()` uses now."""
    return _engine_override[0] if _engine_override else get_engine()


@contextlib.contextmanager
def transaction() -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    with Session(current_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_held = threading.local()  # this thread's open read connection, while `reading()` holds one


@contextlib.contextmanager
def reading() -> Iterator[Connection]:
    """A connection for reads that need no ORM objects — a plain Core select costs a
    third of the same read through a Session. Never write through it.

    On PostgreSQL it runs in autocommit: each statement its own transaction, which reads
    exactly what it would inside one (READ COMMITTED takes a snapshot per statement), but
    without the BEGIN and ROLLBACK round trips — half the cost of a one-query read.

    Nested in another `reading()` of the same thread (and engine) it yields that one's
    connection: a page's reads, wrapped in one `reading()`, check a connection out of the
    pool once."""
    engine = current_engine()
    held = getattr(_held, "connection", None)
    if held is not None and held.engine is engine:
        yield held
        return
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        _held.connection = connection
        try:
            yield connection
        finally:
            _held.connection = held


@contextlib.contextmanager
def looking() -> Iterator[Session]:
    """`reading()` for reads that need ORM objects: a Session that is never committed."""
    with reading() as connection, Session(bind=connection, expire_on_commit=False) as session:
        yield session


def column_defaults(model: type[SQLModel]) -> dict[str, Any]:
    """Every column's default as the model would fill it (factories called once), id excluded.

    Bulk inserts through SQLAlchemy Core skip the model's constructor; starting
    each row from these values keeps them identical to rows the ORM writes.
    """
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name == "id":
            continue
        if info.default_factory is not None:
            values[name] = info.default_factory()  # type: ignore[call-arg]
        elif info.default is not PydanticUndefined:
            values[name] = info.default
    return values


def refresh_statistics(*tables: str) -> None:
    """After a bulk load: let PostgreSQL's planner know the tables' new size at once,
    rather than when autovacuum gets round to it (SQLite plans by its indexes anyway)."""
    engine = current_engine()
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE " + ", ".join(tables))
