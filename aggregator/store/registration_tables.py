"""Tables of organisations registered through the web form, and of switched-off sources."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text

from .tables import UTCDateTime, metadata

registrations = Table(
    "registrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", String(100), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("city", Text, nullable=False),
    Column("country", String(2), nullable=False),
    Column("language", String(2), nullable=False),
    Column("website", Text, nullable=False),
    Column("contact", Text, nullable=False),
    Column("tags", Text, nullable=False, server_default="[]"),
    Column("status", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime),
    Column("note", Text, nullable=False, server_default=""),
    Column("manage_token", String(64), unique=True),
    Column("changed_at", UTCDateTime),
    Column("reminded_at", UTCDateTime),  # the operator, of it undecided (0012)
    Index("ix_registrations_status", "status"),
)

registration_feeds = Table(
    "registration_feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("registration_id", Integer,
           ForeignKey("registrations.id", ondelete="CASCADE"), nullable=False),
    Column("url", Text, nullable=False),
    Column("type", String(20), nullable=False, server_default="auto"),
)

source_switches = Table(
    "source_switches",
    metadata,
    Column("source_id", String(100), primary_key=True),
    Column("disabled", Integer, nullable=False),
    Column("changed_at", UTCDateTime, nullable=False),
)
