"""When a subscriber last changed its preferences (subscribers.changed_at).

Its own calendar (/calendars/mine/KEY.ics) changes with them, not only with a build: its
Last-Modified must move too, or a client revalidating by date is told 304 and keeps the
former selection. Rows before this revision have none: the build's time stands.

Revision ID: 0009_subscriber_changed
Revises: 0007_subscriber_sources
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aggregator.store.tables import UTCDateTime

revision = "0009_subscriber_changed"
down_revision = "0007_subscriber_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("changed_at", UTCDateTime))


def downgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("changed_at")
