"""What was published per merged UID (SEQUENCE, LAST-MODIFIED, vanishing) and dedup overrides.

Revision ID: 0002_publication
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aggregator.store.tables import UTCDateTime

revision = "0002_publication"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("uid", sa.String(700), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("last_modified", UTCDateTime, nullable=False),
        sa.Column("until_utc", UTCDateTime, nullable=False),
        sa.Column("vanished", sa.Boolean, nullable=False),
        sa.Column("snapshot", sa.Text, nullable=False),
    )
    op.create_table(
        "dedup_overrides",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("record_keys", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("dedup_overrides")
    op.drop_table("publications")
