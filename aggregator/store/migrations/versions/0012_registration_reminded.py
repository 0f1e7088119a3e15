"""When the operator was reminded of a registration left undecided (registrations.reminded_at).

A registration nobody decides kept its contact's address for ever: housekeeping now reminds
the operator once, then deletes it and tells its contact (``registration_retention``). The
column makes the reminder happen once, whichever node's housekeeping runs. Rows before this
revision have none: they are reminded as any other.

Revision ID: 0012_registration_reminded
Revises: 0006_registration_tokens
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aggregator.store.tables import UTCDateTime

revision = "0012_registration_reminded"
down_revision = "0006_registration_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("reminded_at", UTCDateTime))


def downgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("reminded_at")
