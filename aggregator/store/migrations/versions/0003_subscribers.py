"""Digest subscribers and the per-week delivery ledger (issue 5).

Revision ID: 0003_subscribers
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aggregator.store.tables import UTCDateTime

revision = "0003_subscribers"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscribers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(320), nullable=False, unique=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("cities", sa.Text, nullable=False, server_default="[]"),
        sa.Column("kinds", sa.Text, nullable=False, server_default="[]"),
        sa.Column("tags", sa.Text, nullable=False, server_default="[]"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("confirmed_at", UTCDateTime),
        sa.Column("hard_bounces", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
    )
    op.create_index("ix_subscribers_status", "subscribers", ["status"])
    op.create_table(
        "digest_deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subscriber_id", sa.Integer,
                  sa.ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("claimed_at", UTCDateTime, nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=False, server_default=""),
        sa.Column("next_attempt", UTCDateTime),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("message_id", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.UniqueConstraint("subscriber_id", "week", name="uq_digest_deliveries_subscriber_week"),
    )
    op.create_index("ix_digest_deliveries_week_state", "digest_deliveries", ["week", "state"])


def downgrade() -> None:
    op.drop_index("ix_digest_deliveries_week_state", "digest_deliveries")
    op.drop_table("digest_deliveries")
    op.drop_index("ix_subscribers_status", "subscribers")
    op.drop_table("subscribers")
