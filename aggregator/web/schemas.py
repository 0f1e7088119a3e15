"""The shapes of events.json and news.json, for the OpenAPI description at /openapi.json.

A partner generating a client from /openapi.json got ``{}`` for the open data's bodies and had
to read CONTRACT.md and guess the types. These models say them; they only describe what
``render.exports`` writes (the tests validate real files against them, extra fields
forbidden), they are not used to write it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Instant = str
"""ISO 8601 with an offset (``2026-12-07T18:30:00+01:00``), or a day (``2026-12-07``) for an
all-day event: kept as text, as written, so that a day stays a day."""


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EventSource(Shape):
    """One source record merged into the event."""

    source: str = Field(description="Source id (see /sources)")
    feed: str = Field(description="The feed's URL")
    uid: str = Field(description="The event's UID in that feed")
    url: str = Field(description="Its link in that feed (may be empty)")


class Override(Shape):
    """One date of a series the feed moved, changed or called off (RECURRENCE-ID)."""

    recurrence_id: Instant = Field(description="The date of the series it replaces")
    title: str
    start: Instant
    end: Instant | None
    location: str
    status: str = Field(description="CONFIRMED, TENTATIVE or CANCELLED")
    timezone: str
    url: str
    description: str
    sequence: int


class EventRecord(Shape):
    """One real-world event, however many organisations posted it."""

    uid: str = Field(description="Stable across builds; the UID in calendar.ics")
    title: str
    start: Instant
    end: Instant | None
    all_day: bool
    timezone: str | None = Field(description="IANA zone of its times; null when all-day")
    location: str
    city: str
    url: str
    description: str = Field(description="Plain text")
    status: str = Field(description="CONFIRMED, TENTATIVE or CANCELLED")
    categories: list[str]
    rrule: str | None = Field(description="RFC 5545 RRULE of a series, or null")
    sources: list[EventSource]
    organizers: list[str] = Field(description="Names of the organisations that posted it")
    sequence: int = Field(description="Raised each time its content changes")
    last_modified: Instant | None = Field(description="When it last changed as published here")
    rdates: list[Instant]
    exdates: list[Instant]
    overrides: list[Override]
    merged_into: str | None = Field(description="The UID it goes on under, for a copy found to "
                                                "be the same event as another (CANCELLED here)")


class EventsDocument(Shape):
    """events.json, or a selection of it."""

    generated_at: Instant | None = Field(description="When the build was made (UTC); pass it "
                                                     "as `updated_since` at the next sync")
    events: list[EventRecord] = Field(description="Sorted by start, then uid")
    updated_since: Instant | None = Field(None, description="With `updated_since` only: echoed")
    removed: list[str] | None = Field(None, description="With `updated_since` only: the UIDs to "
                                                        "drop (cancelled, or out of the filters)")


class NewsSource(Shape):
    source: str = Field(description="Source id (see /sources)")
    feed: str = Field(description="The feed's URL")
    guid: str = Field(description="The entry's id in that feed")
    link: str


class NewsRecord(Shape):
    """One article, however many feeds relayed it."""

    id: str
    title: str
    link: str
    published: Instant | None
    summary: str = Field(description="Sanitised HTML")
    sources: list[NewsSource]
    publishers: list[str] = Field(description="Names of the organisations that posted it")
    first_seen: Instant | None = Field(None, description="Only for an article no feed dates: "
                                                         "when the aggregator first saw it")
    language: str | None = Field(None, description="Only for an article that declares its "
                                 "own language, other than its organisation's (\"en\")")


class NewsDocument(Shape):
    """news.json, or a selection of it."""

    generated_at: Instant | None
    items: list[NewsRecord] = Field(description="Newest first; undated ones by first_seen")
