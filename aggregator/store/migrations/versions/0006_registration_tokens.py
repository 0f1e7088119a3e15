"""Organisers manage their registration through a secret link (/manage/TOKEN).

Revision ID: 0006_registration_tokens
Revises: 0004_registrations
Create Date: 2026-12-05
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

from aggregator.store.tables import UTCDateTime

revision = "0006_registration_tokens"
down_revision = "0004_registrations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("manage_token", sa.String(64)))
        batch.add_column(sa.Column("changed_at", UTCDateTime))
        batch.create_unique_constraint("uq_registrations_manage_token", ["manage_token"])
    # Registrations made before: a secret each, which the operator can send (see README).
    registrations = sa.table("registrations", sa.column("id", sa.Integer),
                             sa.column("manage_token", sa.String(64)))
    connection = op.get_bind()
    for (key,) in connection.execute(sa.select(registrations.c.id)).all():
        connection.execute(registrations.update().where(registrations.c.id == key)
                           .values(manage_token=secrets.token_urlsafe(24)))


def downgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.drop_constraint("uq_registrations_manage_token", type_="unique")
        batch.drop_column("changed_at")
        batch.drop_column("manage_token")
