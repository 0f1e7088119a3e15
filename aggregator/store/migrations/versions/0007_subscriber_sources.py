"""Subscribers follow organisations in the weekly digest (a list of source ids).

Revision ID: 0007_subscriber_sources
Revises: 0003_subscribers
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_subscriber_sources"
down_revision = "0003_subscribers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("sources", sa.Text, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("sources")
