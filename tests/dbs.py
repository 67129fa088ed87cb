"""Fresh databases for tests: a SQLite file, and a PostgreSQL database created and dropped
per use when PORTAL_TEST_DATABASE_URL names a server."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

import portal.domain.schema  # noqa: F401  (registers the tables)
from portal.domain.core.db import make_engine
from tests.support import rules


def backends() -> list[str]:
    """The database kinds this run covers."""
    return ["sqlite", "postgresql"] if os.environ.get("PORTAL_TEST_DATABASE_URL") else ["sqlite"]


@contextlib.contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database of `kind`; drop it afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = make_url(os.environ["PORTAL_TEST_DATABASE_URL"])
    name = f"portal_test_{secrets.token_hex(6)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def engine_with_tables(kind: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a fresh database holding every table and the first rule version."""
    with fresh_database(kind, tmp_path) as url:
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        with engine.begin() as connection:
            rules.put(rules.FIRST, connection)
        try:
            yield engine
        finally:
            engine.dispose()


@contextlib.contextmanager
def fresh_redis() -> Iterator[str]:
    """Yield the URL of an empty Redis database of the server PORTAL_TEST_REDIS_URL names,
    claimed with a marker key so parallel runs take different ones; emptied afterwards."""
    import redis

    server = os.environ["PORTAL_TEST_REDIS_URL"]
    base = server.rsplit("/", 1)[0] if server.count("/") > 2 else server
    marker = f"portal-test-claim-{secrets.token_hex(6)}"
    for index in range(1, 16):
        url = f"{base}/{index}"
        client = redis.Redis.from_url(url)
        try:
            if client.dbsize() == 0 and client.set(marker, "1", nx=True):
                if client.dbsize() == 1:  # nobody else claimed it at the same moment
                    break
                client.delete(marker)
        finally:
            client.close()
    else:
        raise RuntimeError(f"no empty Redis database left on {base}")
    try:
        yield url
    finally:
        client = redis.Redis.from_url(url)
        try:
            client.flushdb()
        finally:
            client.close()
