"""Tables of what was published (per merged UID) and of the operator's dedup overrides."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, String, Table, Text

from .tables import UTCDateTime, metadata

publications = Table(
    "publications",
    metadata,
    Column("uid", String(700), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("last_modified", UTCDateTime, nullable=False),
    Column("until_utc", UTCDateTime, nullable=False),
    Column("vanished", Boolean, nullable=False),
    Column("snapshot", Text, nullable=False),
)

dedup_overrides = Table(
    "dedup_overrides",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("record_keys", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
