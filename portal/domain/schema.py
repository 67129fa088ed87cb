"""Every table of the portal: importing this module registers them all on SQLModel.metadata.

Each subdomain keeps its own tables (`<package>/tables.py`); Alembic and the tests import
this module so that the metadata holds the whole schema, whichever services were loaded.
"""

from portal.domain.accounts import tables as accounts_tables
from portal.domain.audit import tables as audit_tables
from portal.domain.communications import tables as communications_tables
from portal.domain.organisations import tables as organisations_tables
from portal.domain.outbox import tables as outbox_tables
from portal.domain.points import tables as points_tables
from portal.domain.registry import tables as registry_tables
from portal.domain.renewal import tables as renewal_tables
from portal.domain.rules import tables as rules_tables
from portal.domain.surveys import tables as surveys_tables

MODULES = (
    accounts_tables,
    audit_tables,
    communications_tables,
    organisations_tables,
    outbox_tables,
    points_tables,
    registry_tables,
    renewal_tables,
    rules_tables,
    surveys_tables,
)
