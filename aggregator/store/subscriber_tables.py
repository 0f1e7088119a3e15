"""Tables of digest subscribers and of the delivery ledger (one row per subscriber and week)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from .tables import UTCDateTime, metadata

subscribers = Table(
    "subscribers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("language", String(2), nullable=False),
    Column("cities", Text, nullable=False, server_default="[]"),
    Column("kinds", Text, nullable=False, server_default="[]"),
    Column("tags", Text, nullable=False, server_default="[]"),
    Column("sources", Text, nullable=False, server_default="[]"),
    Column("status", String(20), nullable=False),
    Column("token", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("confirmed_at", UTCDateTime),
    Column("changed_at", UTCDateTime),
    Column("hard_bounces", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("consent_notice", Text),
    Index("ix_subscribers_status", "status"),
)

digest_deliveries = Table(
    "digest_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subscriber_id", Integer, ForeignKey("subscribers.id", ondelete="CASCADE"),
           nullable=False),
    Column("week", String(8), nullable=False),
    Column("state", String(10), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("claimed_at", UTCDateTime, nullable=False),
    Column("claimed_by", String(200), nullable=False, server_default=""),
    Column("next_attempt", UTCDateTime),
    Column("sent_at", UTCDateTime),
    Column("message_id", Text),
    Column("last_error", Text),
    UniqueConstraint("subscriber_id", "week", name="uq_digest_deliveries_subscriber_week"),
    Index("ix_digest_deliveries_week_state", "week", "state"),
)
"""The ledger that makes a digest go out at most once per subscriber and ISO week: a row is
inserted (the unique constraint lets exactly one node win) before the message is handed to
SMTP, and its state moves sending -> sent | retry | failed."""
