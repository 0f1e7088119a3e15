"""Tables that let several nodes share one database: leases, progress marks, feed outages."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, column, table

from .tables import UTCDateTime, metadata

feed_leases = table(
    "feeds",
    column("id", Integer),
    column("status", String),
    column("next_due", UTCDateTime),
    column("lease_owner", String),
    column("lease_until", UTCDateTime),
)
"""The lease columns migration 0005 adds to ``feeds``: which node fetches a feed, until when."""

leases = Table(
    "leases",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("owner", String(200), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)
"""Named leases: one job at a time cluster-wide (the build on SQLite, a week's digest...)."""

marks = Table(
    "cluster_marks",
    metadata,
    Column("name", String(300), primary_key=True),
    Column("value", Integer, nullable=False),
)
"""Counters nodes compare: "data" grows when a refresh stores new records, "built:<dir id>"
holds the data mark an output directory (named by its publish.directory_id) was last built from."""

feed_outages = Table(
    "feed_outages",
    metadata,
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True),
    Column("failing_since", UTCDateTime, nullable=False),
    Column("notified_at", UTCDateTime),
)
"""A failing feed, so its contact gets one email per outage (cadence.check_health)."""

admin_sessions_ended = Table(
    "admin_sessions_ended",
    metadata,
    Column("session_id", String(64), primary_key=True),
    Column("expires_at", UTCDateTime, nullable=False),
)
"""Admin sessions logged out before their cookie expired: the signed cookie itself stays
valid until then, and any node may be asked with a copy of it. Rows go once expired."""
