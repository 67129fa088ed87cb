"""renewal rules as data: rule set 1 from the settings and the category caps

Rewrites data: it creates rule set 1 — published, effective from the earliest validity
start in the registry (today when there is none) — from the settings the portal read
until now (PORTAL_POINTS_REQUIRED, PORTAL_MANDATORY_CATEGORY,
PORTAL_RENEWAL_WINDOW_MONTHS, PORTAL_RENEWAL_GRACE_DAYS, PORTAL_VALIDITY_YEARS) and
each points category's cap (activity_category.cap_points, which it then drops), so
every registrant is held to exactly what they were held to before. The newsletter
subscription becomes the rule set's one standing condition. It also adds the covering
index the eligibility batch reads (ix_claim_counting). Downgrading puts the caps
of the earliest rule set back and drops the rule sets.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 12:50:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from portal.settings import get_settings

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rule_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["account.id"]),
        sa.ForeignKeyConstraint(["published_by"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rule_set", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rule_set_effective_from"), ["effective_from"], unique=False
        )

    bind = op.get_bind()
    earliest = bind.execute(sa.text("SELECT MIN(valid_from) FROM registry_record")).scalar()
    if isinstance(earliest, str):  # SQLite returns the aggregate as text
        earliest = dt.date.fromisoformat(earliest)
    now = dt.datetime.now(dt.UTC)
    effective = earliest or now.date()
    caps = bind.execute(
        sa.text("SELECT code, cap_points FROM activity_category WHERE cap_points IS NOT NULL")
    ).all()
    renewal = get_settings().renewal
    document = {
        "effective_from": effective.isoformat(),
        "points_required": renewal.points_required,
        "mandatory_category": renewal.mandatory_category,
        "mandatory_count": 1,
        "conditions": ["newsletter"],
        "window_months": renewal.window_months,
        "grace_days": renewal.grace_days,
        "validity_years": renewal.validity_years,
        "carry_over": {"max_points": 0, "last_months": 12},
        "categories": {code: {"maximum": cap} for code, cap in caps},
        "registrant_categories": {},
    }
    rule_sets = sa.table(
        "rule_set",
        sa.column("effective_from", sa.Date()),
        sa.column("status", sa.String()),
        sa.column("document", sa.JSON()),
        sa.column("note", sa.String()),
        sa.column("created_at", sa.DateTime()),
        sa.column("published_at", sa.DateTime()),
    )
    op.bulk_insert(
        rule_sets,
        [
            {
                "effective_from": effective,
                "status": "published",
                "document": document,
                "note": "From the settings before version 0.3.0",
                "created_at": now.replace(tzinfo=None),
                "published_at": now.replace(tzinfo=None),
            }
        ],
    )
    with op.batch_alter_table("activity_category", schema=None) as batch_op:
        batch_op.drop_column("cap_points")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_counting",
            [
                "status",
                "record_id",
                "category_id",
                "activity_date",
                "points_granted",
                "points_requested",
            ],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_counting")
    with op.batch_alter_table("activity_category", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cap_points", sa.Integer(), nullable=True))
    bind = op.get_bind()
    first = bind.execute(
        sa.select(sa.column("document", sa.JSON()))
        .select_from(sa.table("rule_set"))
        .where(sa.column("status") == "published")
        .order_by(sa.column("effective_from"))
        .limit(1)
    ).scalar()
    for code, limits in ((first or {}).get("categories") or {}).items():
        if limits.get("maximum") is not None:
            bind.execute(
                sa.text("UPDATE activity_category SET cap_points = :cap WHERE code = :code"),
                {"cap": limits["maximum"], "code": code},
            )
    with op.batch_alter_table("rule_set", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_set_effective_from"))
    op.drop_table("rule_set")
