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


@pytest.mark.parametrize("kind", backends())
def test_rule_set_one_is_made_of_the_settings_the_portal_read_before(kind, tmp_path, configure):
    """An association that had changed the renewal settings keeps what it had chosen:
    migration 0020 turns them (and a category's cap) into rule set 1, effective from the
    earliest validity start."""
    from sqlalchemy import text

    from alembic import command
    from portal.domain.rules import versions

    configure(
        PORTAL_POINTS_REQUIRED="8",
        PORTAL_MANDATORY_CATEGORY="seminar",
        PORTAL_RENEWAL_WINDOW_MONTHS="3",
        PORTAL_RENEWAL_GRACE_DAYS="14",
        PORTAL_VALIDITY_YEARS="5",
    )
    with fresh_database(kind, tmp_path) as url:
        command.upgrade(migrations.alembic_config(url), "0019")
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO registry_record (registration_number, family_name,"
                        " given_name, family_name_kana, given_name_kana, birth_date, status,"
                        " newsletter, category, postal_code, address, other_notices,"
                        " valid_from, valid_until, created_at, updated_at) VALUES ('X1', 'A',"
                        " 'B', '', '', '1980-01-01', 'active', true, 'general', '', '', false,"
                        " '2023-04-01', '2026-03-31', '2026-01-01', '2026-01-01')"
                    )
                )
                conn.execute(
                    text("UPDATE activity_category SET cap_points = 3 WHERE code = 'lecture'")
                )
            migrations.upgrade(url)
            with engine.connect() as conn:
                [first] = versions.book(conn).versions
        finally:
            engine.dispose()
    assert first.effective_from.isoformat() == "2023-04-01"
    assert (first.points_required, first.mandatory_category, first.window_months) == (
        8,
        "seminar",
        3,
    )
    assert (first.grace_days, first.validity_years, first.conditions) == (14, 5, ("newsletter",))
    assert [(x.category, x.maximum) for x in first.limits] == [("lecture", 3), ("other", 2)]
