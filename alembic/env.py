"""Alembic environment: the portal's tables, on the database the settings (or caller) name."""

from sqlmodel import SQLModel

import portal.domain.schema  # noqa: F401  (registers every table)
from alembic import context
from portal.domain.core.db import make_engine
from portal.domain.registry.tables import declared_in_models
from portal.settings import get_settings

config = context.config
url = config.attributes.get("url") or get_settings().db_url

if context.is_offline_mode():
    context.configure(url=url, target_metadata=SQLModel.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = make_engine(url)
    sqlite = url.startswith("sqlite")
    with engine.connect() as connection:
        if sqlite:
            # Batch mode changes a table by copying it; with foreign keys enforced, dropping
            # the old copy of a table others reference fails. Off while migrating (it cannot
            # change inside a transaction), and every reference is checked afterwards.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=url.startswith("sqlite"),
            include_name=declared_in_models,
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            connection.commit()
            if broken:
                raise RuntimeError(f"the migration left broken references: {broken[:5]}")
    engine.dispose()
