"""Organisations registered through the web form (pending until approved) and source switches.

Revision ID: 0004_registrations
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aggregator.store.tables import UTCDateTime

revision = "0004_registrations"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.String(100), nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("city", sa.Text, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("website", sa.Text, nullable=False),
        sa.Column("contact", sa.Text, nullable=False),
        sa.Column("tags", sa.Text, nullable=False, server_default="[]"),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("decided_at", UTCDateTime),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_registrations_status", "registrations", ["status"])
    op.create_table(
        "registration_feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("registration_id", sa.Integer,
                  sa.ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("type", sa.String(20), nullable=False, server_default="auto"),
    )
    op.create_table(
        "source_switches",
        sa.Column("source_id", sa.String(100), primary_key=True),
        sa.Column("disabled", sa.Integer, nullable=False),
        sa.Column("changed_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("source_switches")
    op.drop_table("registration_feeds")
    op.drop_index("ix_registrations_status", "registrations")
    op.drop_table("registrations")
