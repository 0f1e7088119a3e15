"""Feeds, their stored records, and the deduplication assignment.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aggregator.store.tables import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.String(100), nullable=False),
        sa.Column("declared_url", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("type", sa.String(20), nullable=False, server_default="auto"),
        sa.Column("status", sa.String(20), nullable=False, server_default="pending"),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("body_hash", sa.String(64)),
        sa.Column("record_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_attempt", UTCDateTime),
        sa.Column("last_success", UTCDateTime),
        sa.Column("last_error", sa.Text),
        sa.Column("http_status", sa.Integer),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("flagged", sa.Text),
        sa.Column("warnings", sa.Text, nullable=False, server_default="[]"),
        sa.Column("next_due", UTCDateTime),
        sa.UniqueConstraint("source_id", "declared_url", name="uq_feeds_source_url"),
    )
    for name, key_column, time_columns in (
        ("events", "uid", [("start_utc", False), ("until_utc", False)]),
        ("news_items", "guid", [("published", True)]),
    ):
        op.create_table(
            name,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column(
                "feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False
            ),
            sa.Column(key_column, sa.Text, nullable=False),
            *[sa.Column(col, UTCDateTime, nullable=nullable) for col, nullable in time_columns],
            sa.Column("payload", sa.Text, nullable=False),
        )
    op.create_index("ix_events_feed", "events", ["feed_id"])
    op.create_index("ix_events_until", "events", ["until_utc"])
    op.create_index("ix_news_feed", "news_items", ["feed_id"])
    op.create_table(
        "assignments",
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("record_key", sa.String(700), primary_key=True),
        sa.Column("merged_uid", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for name in ("assignments", "news_items", "events", "feeds"):
        op.drop_table(name)
