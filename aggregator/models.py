"""Plain, frozen records that flow between the layers.

Parsers produce :class:`Event` and :class:`NewsItem`; deduplication turns them into
:class:`MergedEvent` and :class:`MergedItem`; renderers turn those into bytes. Nothing here does
I/O or holds behaviour beyond small derived properties, so every layer can be tested with
plain values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

When = datetime | date
"""A start or end: an aware datetime (timed event) or a date (all-day event)."""

FeedType = Literal["ical", "rss", "atom", "jsonfeed", "jsonld", "auto"]
FEED_TYPES: tuple[FeedType, ...] = ("auto", "ical", "rss", "atom", "jsonfeed", "jsonld")
FeedStatus = Literal["ok", "error", "pending", "disabled"]
SOURCE_KINDS = ("startup", "lab", "association", "venue", "institution", "company")
LANGUAGES = ("fr", "en", "de")
_ADDRESS_CHAR = r"[^@\s<>\"(),;:\[\]\\\x00-\x1f\x7f]"
EMAIL = re.compile(rf"^{_ADDRESS_CHAR}{{1,64}}@{_ADDRESS_CHAR}+\.{_ADDRESS_CHAR}{{2,}}$")
"""One address: none of the characters that make a list ("x,ana@…"), a comment
("ana@…(hi)"), a group or a quoted part, which the email package would read as other
recipients (a stranger re-mailing a confirmed subscriber under a second spelling), nor a
control character (a NUL: 200 on SQLite, 503 on PostgreSQL)."""
WEB_URL = re.compile(r"^https?://[^\s/?#\x00-\x1f\x7f]+[^\s\x00-\x1f\x7f]*$", re.IGNORECASE)


WEBCAL = re.compile(r"^\s*webcals?://", re.IGNORECASE)


def feed_address(url: str) -> str:
    """A feed's URL as it is fetched: trimmed, and ``webcal://`` as ``https://``.

    Calendar apps and WordPress "Subscribe" buttons hand out ``webcal://`` (``webcals://``)
    links so that a click opens a calendar app; the address behind is the same one over
    HTTP, which hosts serve over HTTPS now (iCloud's public calendars only so). Organisers
    paste what they were given: refusing it sent them away, as no calendar app does."""
    return WEBCAL.sub("https://", url).strip()


@dataclass(frozen=True, slots=True)
class FeedRef:
    """One feed URL of a source, as declared in sources.yaml."""

    url: str
    type: FeedType = "auto"
    refresh: timedelta | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """An organisation that publishes feeds (sources.yaml entry)."""

    id: str
    name: str
    kind: str
    city: str
    country: str
    language: str = "fr"
    website: str = ""
    contact: str = ""
    tags: tuple[str, ...] = ()
    feeds: tuple[FeedRef, ...] = ()
    priority: int = 0
    """Higher wins when merged records disagree (the organiser over venues and umbrellas)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One VEVENT as one feed published it (or one JSON-LD Event)."""

    uid: str
    title: str
    start: When
    end: When | None = None
    all_day: bool = False
    timezone: str | None = None
    """IANA name of the zone the start was written in ("UTC" for UTC, None for all-day)."""
    location: str = ""
    description: str = ""
    """Plain text."""
    url: str = ""
    status: str = "CONFIRMED"
    categories: tuple[str, ...] = ()
    rrule: str | None = None
    """The RRULE value as iCalendar text, e.g. ``FREQ=WEEKLY;BYDAY=TU``."""
    rdates: tuple[When, ...] = ()
    exdates: tuple[When, ...] = ()
    recurrence_id: When | None = None
    """Set on a record that overrides one occurrence of a recurring event."""
    sequence: int = 0
    last_modified: datetime | None = None
    organizer: str = ""
    source_id: str = ""
    feed_url: str = ""

    @property
    def recurs(self) -> bool:
        """A series: it has a rule or names other dates (RDATE)."""
        return self.rrule is not None or bool(self.rdates)

    def __hash__(self) -> int:
        # Records are memo and dict keys on every build (aggregator/memo.py); hashing all 21
        # fields each time cost more than the lookups saved. Equal records have equal
        # identities, so a hash of the identity alone is consistent with ==.
        return hash((self.uid, self.recurrence_id, self.start, self.feed_url))


@dataclass(frozen=True, slots=True)
class NewsItem:
    """One RSS item / Atom entry / JSON Feed item as one feed published it."""

    guid: str
    title: str
    link: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    summary: str = ""
    """Sanitised HTML (nh3), safe to embed."""
    author: str = ""
    source_id: str = ""
    feed_url: str = ""
    seen: datetime | None = None
    """When the aggregator first stored it, kept only for an item that carries no date
    (RSS makes pubDate optional): it stands in for the date when ordering news and choosing
    a week's digest, as feed readers do (lemon24/reader's "added"), and is never shown as
    a publication date."""
    language: str = ""
    """The language it declares itself ("en"), else "": its source's (parse/languages.py)."""

    @property
    def when(self) -> datetime | None:
        """Its date, else when it was first seen."""
        return self.published or self.updated or self.seen


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What a parser read out of one body."""

    format: Literal["ical", "rss", "atom", "jsonfeed", "jsonld"]
    title: str = ""
    events: tuple[Event, ...] = ()
    items: tuple[NewsItem, ...] = ()
    warnings: tuple[str, ...] = ()
    """Problems an organiser can fix (skipped VEVENTs, unknown TZIDs, ...); never fatal."""

    @property
    def record_count(self) -> int:
        return len(self.events) + len(self.items)


def provenance_member(uid: str, url: str, source_id: str, feed_url: str, *, title: str,
                      start: When) -> Event:
    """A member of a merged event known only by where it came from: its UID, link, source and
    feed, all any output shows of a member (events.json's "sources", the calendar's "posted
    by"), with the merged event's title and start. What events.json and publication snapshots
    keep of it."""
    return Event(uid=uid, title=title, start=start, url=url, source_id=source_id,
                 feed_url=feed_url)


@dataclass(frozen=True, slots=True)
class MergedEvent:
    """One real-world event, possibly posted by several sources."""

    uid: str
    title: str
    start: When
    end: When | None
    all_day: bool
    timezone: str | None
    location: str
    city: str
    url: str
    description: str
    status: str
    categories: tuple[str, ...]
    rrule: str | None
    rdates: tuple[When, ...]
    exdates: tuple[When, ...]
    sequence: int
    last_modified: datetime | None
    members: tuple[Event, ...]
    """Every source record merged into this event, the representative first."""
    overrides: tuple[Event, ...] = ()
    """RECURRENCE-ID records of the series, one per overridden occurrence."""
    merged_into: str = ""
    """Of an event published CANCELLED because its records now belong to another event
    (cross-posts merged, a date joined to its series): that event's UID. Calendar clients
    are told CANCELLED, to drop the copy they hold; people are shown the event it joined."""
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.source_id for m in self.members))

    def __hash__(self) -> int:
        # As Event.__hash__: only what identifies it (equal events share these, which keeps
        # the hash consistent with ==). A memo and dict key 15 times a rebuild (600,000
        # hashes at N = 1,000, each of two zoned datetimes): computed once, then kept.
        if self._hash:
            return self._hash
        value = hash((self.uid, self.start, self.sequence, self.last_modified,
                      len(self.members))) or 1
        object.__setattr__(self, "_hash", value)
        return value


@dataclass(frozen=True, slots=True)
class MergedItem:
    """One real-world article, possibly relayed by several feeds."""

    id: str
    title: str
    link: str
    published: datetime | None
    summary: str
    members: tuple[NewsItem, ...]
    seen: datetime | None = None
    """When the first of its members was first seen, for an article no member dates."""

    @property
    def when(self) -> datetime | None:
        """Its date, else when it was first seen: what orders the news and picks a week's."""
        return self.published or self.seen

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.source_id for m in self.members))

    def __hash__(self) -> int:
        # As MergedEvent.__hash__: news.json's memo key, hashed by what identifies it.
        return hash((self.id, self.published, len(self.members)))


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one HTTP fetch returned; ``body`` is None on 304 Not Modified."""

    url: str
    status_code: int
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    permanent_redirect: str | None = None
    """The new URL when the chain started with a 301/308."""
    elapsed: float = 0.0
    cache_control: str | None = None
    """The Cache-Control header: its max-age may lengthen the feed's interval (issue 4)."""

    @property
    def not_modified(self) -> bool:
        return self.status_code == 304


@dataclass(frozen=True, slots=True)
class FeedState:
    """What we remember about one feed between refreshes."""

    url: str
    source_id: str
    type: FeedType = "auto"
    status: FeedStatus = "pending"
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    record_count: int = 0
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    http_status: int | None = None
    consecutive_failures: int = 0
    flagged: str | None = None
    """An anomaly kept for the operator, e.g. a feed that suddenly came back empty."""
    warnings: tuple[str, ...] = ()
    next_due: datetime | None = None
    feed_id: int = 0
    """The store's key for this feed; ``url`` may move on a permanent redirect."""
    declared_url: str = ""
    """The URL as written in sources.yaml (``url`` is where it lives now)."""


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """The result of refreshing one feed, shown in the summary table and the logs."""

    source_id: str
    url: str
    result: Literal["updated", "unchanged", "not_modified", "flagged", "error", "skipped"]
    records: int = 0
    error: str | None = None
    warnings: int = 0
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class Records:
    """Every stored record, as the build step reads them."""

    events: tuple[Event, ...] = ()
    items: tuple[NewsItem, ...] = ()
    sources: tuple[Source, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    """The refresh decision for one feed: its new state, the records to store (None = keep)."""

    state: FeedState
    replace: ParsedFeed | None
    outcome: FeedOutcome


@dataclass(frozen=True, slots=True)
class StoredUpdate:
    """A FeedUpdate once written: what a refresh reports, without the records it stored (a
    cold refresh of 6,000 feeds kept all 195,000 parsed records to its end, issue 8)."""

    state: FeedState
    outcome: FeedOutcome
    replaced: bool
    """New records replaced the feed's stored ones."""


@dataclass(frozen=True, slots=True)
class Publication:
    """What we last published for one merged UID."""

    uid: str
    fingerprint: str
    sequence: int
    last_modified: datetime
    until: datetime
    snapshot: MergedEvent | None
    """The event as published, kept to re-publish it CANCELLED if every feed drops it.
    The store loads it only for events that are gone from this build (None otherwise)."""
    vanished: bool = False

    def same_as(self, other: Publication | None) -> bool:
        """Nothing to write: the same published state (snapshots follow the fingerprint)."""
        return other is not None and (
            self.fingerprint, self.sequence, self.last_modified, self.until, self.vanished
        ) == (other.fingerprint, other.sequence, other.last_modified, other.until, other.vanished)


@dataclass(frozen=True, slots=True)
class Overrides:
    """Operator decisions (``aggregator events merge`` / ``split``), persisted by the store.

    ``merges`` holds groups of merged UIDs (resolved through the previous build's assignment),
    record keys ``source_id:uid`` or plain source UIDs; each group ends in one merged event.
    ``splits`` holds record keys forced out of whatever cluster the scorer put them in.
    An explicit merge wins over a split of the same key (the later, more specific intent).
    ``hidden`` holds record keys left out of every build (``aggregator events hide``): an
    internal meeting or a spam event a feed publishes, without switching the feed off;
    ``hidden_news`` the same for articles (``aggregator news hide``: a sponsored post...).
    """

    merges: tuple[tuple[str, ...], ...] = ()
    splits: tuple[str, ...] = ()
    hidden: frozenset[str] = frozenset()
    hidden_news: frozenset[str] = frozenset()
