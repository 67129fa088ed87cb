"""Many rows at once inside the caller's transaction: COPY on PostgreSQL, executemany on
SQLite, and reads straight from the driver.

Guarantee: the rows land exactly as an INSERT of the same dicts would write
them (every row must carry the same keys, complete — see
`db.column_defaults`), in the caller's transaction, and
`insert_returning_ids` gives each row's new id in the order given. `read_rows` returns
what the driver returns — plain tuples, no type conversion (SQLite gives dates as
ISO text) — at a third of the cost of result rows for 10⁵ rows and more.
"""

from __future__ import annotations

from sqlalchemy import JSON, Table, insert, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select
from sqlmodel import Session


def _postgres(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def insert_rows(db: Session, table: Table, rows: list[dict]) -> None:
    """Insert `rows` into `table`."""
    if not rows:
        return
    if not _postgres(db):
        db.execute(insert(table), rows)
        return
    from psycopg.types.json import Json

    columns = list(rows[0])
    as_json = {name for name in columns if isinstance(table.c[name].type, JSON)}
    driver = db.connection().connection.driver_connection
    names = ", ".join(f'"{name}"' for name in columns)
    with (
        driver.cursor() as cursor,
        cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([Json(row[c]) if c in as_json else row[c] for c in columns])


def insert_returning_ids(db: Session, table: Table, rows: list[dict]) -> list[int]:
    """Insert `rows` into `table`; returns their new ids, in the order of `rows`."""
    if not rows:
        return []
    if not _postgres(db):
        inserted = db.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        ).all()
        return [row_id for (row_id,) in inserted]
    ids = list(
        db.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table.name, "n": len(rows)},
        ).scalars()
    )
    insert_rows(db, table, [{"id": row_id, **row} for row_id, row in zip(ids, rows, strict=True)])
    return ids


def read_rows(connection: Connection, statement: Select) -> list[tuple]:
    """Every row of `statement` as the driver's tuples, in `connection`'s transaction."""
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup or ())
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()
