"""Rule versions for tests: the one a fresh install starts with, and a way to add more."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from portal.domain.core.clock import utcnow
from portal.domain.core.db import transaction
from portal.domain.rules.rule_set import CategoryLimit, RuleSet, to_document
from portal.domain.rules.tables import RuleSetRow, RuleSetStatus

# What migration 0020 makes of the default settings and categories: 5 points with the
# mandatory course, the newsletter, at most 2 from other activities.
FIRST = RuleSet(
    effective_from=dt.date(2000, 1, 1),
    points_required=5,
    mandatory_category="mandatory_course",
    limits=(CategoryLimit("other", maximum=2),),
)


def put(version: RuleSet, connection: Connection | None = None) -> int:
    """Store `version` as published whatever its date (tests may need a past one); its id."""
    row = {
        "effective_from": version.effective_from,
        "status": RuleSetStatus.PUBLISHED,
        "document": to_document(version),
        "note": "",
        "created_at": utcnow(),
        "published_at": utcnow(),
    }
    if connection is not None:
        return connection.execute(insert(RuleSetRow).values(row)).inserted_primary_key[0]
    with transaction() as db:
        return db.execute(insert(RuleSetRow).values(row)).inserted_primary_key[0]
