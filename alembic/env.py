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
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            render_as_batch=url.startswith("sqlite"),
            include_name=declared_in_models,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
