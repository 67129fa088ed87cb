import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from portal.domain.core import migrations
from portal.domain.core.db import make_engine
from portal.domain.registry.tables import declared_in_models
from tests.dbs import backends, fresh_database


@pytest.mark.parametrize("kind", backends())
def test_migrations_build_exactly_the_models_schema(kind, tmp_path):
    with fresh_database(kind, tmp_path) as url:
        migrations.upgrade(url)
        migrations.upgrade(url)  # a second run changes nothing
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"include_name": declared_in_models}
                )
                diff = compare_metadata(context, SQLModel.metadata)
        finally:
            engine.dispose()
    assert diff == []


@pytest.mark.parametrize("kind", backends())
def test_upgrading_a_database_that_holds_records(kind, tmp_path):
    from sqlalchemy import text

    from alembic import command

    with fresh_database(kind, tmp_path) as url:
        command.upgrade(migrations.alembic_config(url), "0003")
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO registry_record (registration_number, family_name, given_name,"
                        " family_name_kana, given_name_kana, birth_date, status, newsletter,"
                        " created_at, updated_at) VALUES ('X1', 'A', 'B', '', '', '1980-01-01',"
                        " 'active', true, '2026-01-01', '2026-01-01')"
                    )
                )
            migrations.upgrade(url)
            with engine.connect() as conn:
                row = conn.execute(
                    text("SELECT postal_code, other_notices FROM registry_record")
                ).one()
        finally:
            engine.dispose()
    assert tuple(row) == ("", False)


@pytest.mark.parametrize("kind", backends())
def test_the_migrated_audit_log_refuses_update_and_delete(kind, tmp_path):
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    with fresh_database(kind, tmp_path) as url:
        migrations.upgrade(url)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO audit_event (at, action, target, detail, ip)"
                        " VALUES ('2026-01-01', 'signin.success', '', '{}', '')"
                    )
                )
            for statement in ("UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"):
                with pytest.raises(DatabaseError), engine.begin() as conn:
                    conn.execute(text(statement))
            with engine.connect() as conn:
                assert conn.execute(text("SELECT action FROM audit_event")).scalar() == (
                    "signin.success"
                )
        finally:
            engine.dispose()
