import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from portal.domain import migrations
from portal.domain.db import make_engine
from tests.dbs import backends, fresh_database


@pytest.mark.parametrize("kind", backends())
def test_migrations_build_exactly_the_models_schema(kind, tmp_path):
    with fresh_database(kind, tmp_path) as url:
        migrations.upgrade(url)
        migrations.upgrade(url)  # a second run changes nothing
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        finally:
            engine.dispose()
    assert diff == []
