"""Admin sessions ended by "Log out" (admin_sessions_ended).

The admin cookie is signed, not stored: logging out only asked the browser to drop it, and a
copy (a shared machine's cookie store, a proxy log) opened /admin for the rest of its 8 hours.
Each node now refuses a cookie whose session id is listed here; rows go once expired.

Revision ID: 0010_admin_sessions
Revises: 0005_leases
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aggregator.store.tables import UTCDateTime

revision = "0010_admin_sessions"
down_revision = "0005_leases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_sessions_ended",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("expires_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("admin_sessions_ended")
