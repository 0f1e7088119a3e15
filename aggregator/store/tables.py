"""The database tables (SQLAlchemy Core); Alembic migrations create and evolve them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table, Text, TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, whatever the backend keeps (SQLite keeps naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)  # type: ignore[no-any-return]
        return value.astimezone(timezone.utc)  # type: ignore[no-any-return]


metadata = MetaData()

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", String(100), nullable=False),
    Column("declared_url", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("type", String(20), nullable=False, server_default="auto"),
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("body_hash", String(64)),
    Column("record_count", Integer, nullable=False, server_default="0"),
    Column("last_attempt", UTCDateTime),
    Column("last_success", UTCDateTime),
    Column("last_error", Text),
    Column("http_status", Integer),
    Column("consecutive_failures", Integer, nullable=False, server_default="0"),
    Column("flagged", Text),
    Column("warnings", Text, nullable=False, server_default="[]"),
    Column("next_due", UTCDateTime),
    UniqueConstraint("source_id", "declared_url", name="uq_feeds_source_url"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("uid", Text, nullable=False),
    Column("start_utc", UTCDateTime, nullable=False),
    Column("until_utc", UTCDateTime, nullable=False),
    Column("payload", Text, nullable=False),
    Index("ix_events_feed", "feed_id"),
    Index("ix_events_until", "until_utc"),
)

news_items = Table(
    "news_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("guid", Text, nullable=False),
    Column("published", UTCDateTime),
    Column("seen", UTCDateTime),  # first stored, for an item with no date (NewsItem.seen)
    Column("payload", Text, nullable=False),
    Index("ix_news_feed", "feed_id"),
)

assignments = Table(
    "assignments",
    metadata,
    Column("kind", String(10), primary_key=True),
    Column("record_key", String(700), primary_key=True),
    Column("merged_uid", Text, nullable=False),
)
