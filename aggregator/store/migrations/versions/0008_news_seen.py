"""News items with no date keep when they were first stored (news_items.seen).

An undated item stood last in every list and never reached a weekly digest. Items stored
before this revision are given the time of the upgrade: seen by then at the latest.

Revision ID: 0008_news_seen
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from aggregator.store.codec import encode_when
from aggregator.store.tables import UTCDateTime

revision = "0008_news_seen"
down_revision = "0001"
branch_labels = None
depends_on = None

_items = sa.table("news_items", sa.column("id", sa.Integer), sa.column("published", UTCDateTime),
                  sa.column("seen", UTCDateTime), sa.column("payload", sa.Text))


def upgrade() -> None:
    with op.batch_alter_table("news_items") as batch:
        batch.add_column(sa.Column("seen", UTCDateTime))
    now = datetime.now(UTC)
    connection = op.get_bind()
    undated = connection.execute(
        sa.select(_items.c.id, _items.c.payload).where(_items.c.published.is_(None))).all()
    for row in undated:
        payload = json.loads(row.payload)
        payload["seen"] = encode_when(now)
        connection.execute(_items.update().where(_items.c.id == row.id).values(
            seen=now, payload=json.dumps(payload, ensure_ascii=False, separators=(",", ":"))))


def downgrade() -> None:
    with op.batch_alter_table("news_items") as batch:
        batch.drop_column("seen")
