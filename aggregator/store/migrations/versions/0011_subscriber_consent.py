"""The words a subscriber agreed to (subscribers.consent_notice).

GDPR article 7(1): the operator must be able to prove a consent, when and to what. The time of
confirmation was kept, not what the sign-up form had said: the form's privacy notice, as the
visitor read it (its language, the operator's address and policy), is now kept with the row.
Rows before this revision have none: they were not kept.

Revision ID: 0011_subscriber_consent
Revises: 0009_subscriber_changed
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_subscriber_consent"
down_revision = "0009_subscriber_changed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.add_column(sa.Column("consent_notice", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("subscribers") as batch:
        batch.drop_column("consent_notice")
