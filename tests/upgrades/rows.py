"""Rows of a database as plain SQL: written once into a fixture, loaded into a database at
the fixture's revision, and read back after the upgrade to compare."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Integer, MetaData, inspect, select, text
from sqlalchemy.engine import Connection

FIXTURES = Path(__file__).resolve().parent
SKIP = {"alembic_version", "throttle_hit"}  # the schema's own bookkeeping; spent throttles
DERIVED = ("registry_fts",)  # SQLite's full-text index of the registry, kept by triggers
# Columns a migration moved elsewhere; the upgrade test checks each where it went.
MOVED = {("activity_category", "cap_points")}  # 0020: rule set 1's category maximums


def literal(value: object) -> str:
    """`value` as an SQL literal both SQLite and PostgreSQL read the same way."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        value = value.replace(tzinfo=None).isoformat(sep=" ")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "'" + str(value).replace("'", "''") + "'"


def tables(conn: Connection) -> MetaData:
    """The tables the database at hand has, with the columns it has (not today's models)."""
    metadata = MetaData()
    metadata.reflect(conn)
    for name in list(metadata.tables):
        if name in SKIP or name.startswith(DERIVED):
            metadata.remove(metadata.tables[name])
    return metadata


def _key(table, row) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


def dump(conn: Connection, schema: MetaData, present: dict[str, set[tuple]]) -> str:
    """INSERT statements for every row `conn` holds in the tables and columns of `schema`,
    parents first, leaving out the rows `present` says the migrations write themselves."""
    lines = []
    for table in schema.sorted_tables:
        columns = [c.name for c in table.columns]
        source = MetaData()
        source.reflect(conn, only=[table.name])
        rows = conn.execute(select(*[source.tables[table.name].c[n] for n in columns]))
        for row in rows.mappings():
            if _key(table, row) in present.get(table.name, set()):
                continue
            values = ", ".join(literal(row[n]) for n in columns)
            names = ", ".join(columns)  # from the reflected schema, as are the values' types
            lines.append(f"INSERT INTO {table.name} ({names}) VALUES ({values});")  # noqa: S608
    return "\n".join(lines) + "\n"


def keys(conn: Connection) -> dict[str, set[tuple]]:
    """The primary keys of every row of every table (what a fresh migration wrote)."""
    schema = tables(conn)
    return {
        t.name: {_key(t, r) for r in conn.execute(select(t)).mappings()}
        for t in schema.sorted_tables
    }


def statements(sql: str) -> list[str]:
    """The fixture's statements (one a line; lines starting with -- are comments)."""
    return [line for line in sql.splitlines() if line.strip() and not line.startswith("--")]


def load(conn: Connection, sql: str) -> None:
    """Run the fixture's INSERTs, then move each id sequence past the ids they used (as a
    database that grew by inserts has it)."""
    for statement in statements(sql):
        conn.exec_driver_sql(statement)
    if conn.dialect.name == "postgresql":
        for table in inspect(conn).get_table_names():
            columns = {c["name"]: c["type"] for c in inspect(conn).get_columns(table)}
            if isinstance(
                columns.get("id"), Integer
            ):  # the table names come from the database itself
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                highest = f"(SELECT MAX(id) FROM {table})"  # noqa: S608
                conn.execute(text(f"SELECT setval({sequence}, COALESCE({highest}, 0) + 1, false)"))


def snapshot(conn: Connection, schema: MetaData) -> dict[str, dict[tuple, dict]]:
    """Every row of `schema`'s tables, by primary key, as plain comparable values (only the
    columns the database still has: a column in MOVED is gone after its migration)."""
    found = {}
    for table in schema.sorted_tables:
        source = MetaData()
        source.reflect(conn, only=[table.name])
        present = source.tables[table.name].c
        columns = [present[c.name] for c in table.columns if c.name in present]
        found[table.name] = {
            _key(table, row): {name: _plain(value) for name, value in row.items()}
            for row in conn.execute(select(*columns)).mappings()
        }
    return found


def _plain(value: object) -> object:
    """A value as both databases return it alike (JSON text parsed, times naive UTC)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
