"""The published view: what the last build wrote, read back for the web app, and its filters.

Why read the build outputs instead of merging again per request: the web app must show
exactly what calendar clients get from calendar.ics (same UIDs, SEQUENCE, cancellations of
vanished events), a merge of 12,000 events costs seconds, and events.json already holds every
field of a merged event (its contract fields plus sequence, last_modified, rdates, exdates,
overrides). So ``published()`` decodes events.json and news.json back into models once per
build (keyed on the files' modification times) and the web app filters those in memory.

``updated_since``: each event of events.json carries ``last_modified``, which the build's
lifecycle step moves forward whenever anything a subscriber sees changes, including an event
vanishing from every feed (then published CANCELLED until its date passes). So "changed since
T" is ``last_modified > T``, and "removed" is the changed events that are CANCELLED.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config import Settings
from .districts import district
from .models import Event, MergedEvent, MergedItem, NewsItem, Source, When, provenance_member
from .render import DEFAULT_TITLE, filtered_calendars, render_calendar
from .render.agenda import SinglesIndex, occurring_between
from .render.exports import event_record
from .render.times import render_zone, utc_iso
from .selection import P, Selection, event_text, item_text, searched_texts, select

log = logging.getLogger(__name__)

EVENTS_FILE = "events.json"
NEWS_FILE = "news.json"


@dataclass(frozen=True, slots=True)
class Published:
    """The last build's events and news as models.

    events.json's records are not kept: a selection's are rendered again from its events
    (``render.exports.event_record`` gives back the very record ``decode_event`` read, as
    tests hold on the conformance corpus), which saves 50 MB at 40,000 events.
    """

    events: tuple[MergedEvent, ...] = ()
    """Every event of events.json, in its order: what calendars and the open data hold."""
    items: tuple[MergedItem, ...] = ()
    generated_at: datetime | None = None
    modified: datetime | None = None
    """When events.json was written: the Last-Modified of every answer derived from it."""
    version: str = "none"
    calendars: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    """(slug, labels, facet: what the labels are first, city, kind or tag) of every
    calendars/<slug>.ics."""
    by_uid: Mapping[str, MergedEvent] = field(default_factory=dict)
    """``events`` by UID: an event's page and its one-event calendar are asked for one at a
    time (a crawler following the sitemap asks for all 40,000), each a lookup, not a scan."""

    by_source: Mapping[str, tuple[MergedEvent, ...]] = field(default_factory=dict)
    """``events`` each organisation posted, in build order: its page and its calendar read
    them without scanning every event."""

    news_by_source: Mapping[str, tuple[MergedItem, ...]] = field(default_factory=dict)
    """``items`` each organisation posted, in build order (its page lists its news)."""

    singles: SinglesIndex | None = None
    """``shown``'s one-off events in agenda order, for the agenda rendered every minute."""

    shown: tuple[MergedEvent, ...] = ()
    """``events`` less those merged into another (``MergedEvent.merged_into``): calendar
    clients are told they are CANCELLED, to drop their copy, but they were not called off,
    so the pages, the digest and the feeds for people leave them out."""

    def event(self, uid: str) -> MergedEvent | None:
        """The published event of that UID, or None."""
        return self.by_uid.get(uid)

    def posted_by(self, source_id: str, *, calendar: bool = False) -> tuple[MergedEvent, ...]:
        """The published events that organisation posted, in build order (``calendar``:
        with the merged-away ones, as its calendar holds them)."""
        posted = self.by_source.get(source_id, ())
        return posted if calendar or self.shown is self.events else _for_people(posted)


@dataclass(frozen=True, slots=True)
class DistrictEvents:
    """What the published events of a district tell (:meth:`PublishedMixin.district_events`)."""

    count: int
    holders: frozenset[str]
    """The organisations that posted them."""
    cities: tuple[str, ...]
    """Their cities, the most frequent first."""


class PublishedMixin:
    """Methods of Aggregator behind the public pages and the filtered calendars."""

    settings: Settings
    clock: Callable[[], datetime]
    _published: Published | None = None
    _published_lock: threading.Lock
    """Held by the thread that loads a new build's view (others answer from the last one)."""
    _search_index: Mapping[str, tuple[str, Sequence[str]]] = {}
    _search_lock: threading.Lock
    _districts: dict[tuple[str, str], DistrictEvents]
    """(build, district) -> :meth:`district_events`."""

    def _init_published(self) -> None:
        """Each aggregator its own locks: one loading its view must not make another (a test's,
        a second site's in one process) answer from an old one."""
        self._published_lock = threading.Lock()
        self._search_lock = threading.Lock()
        self._districts = {}

    def current_sources(self) -> tuple[Source, ...]:
        raise NotImplementedError  # provided by Aggregator

    def published(self, *, wait: bool = False) -> Published:
        """The last build's outputs as models; decoded again only after a new build.

        Decoding a build of 40,000 events takes two seconds: while one thread does it, the
        others are answered from the previous build's view rather than made to wait (the
        web server loads each new build as soon as it lands, :meth:`keep_published_fresh`).
        ``wait`` waits for the view of the build on disk instead: after the operator's own
        rebuild (hiding an article), the pages answered the hidden article for a second.
        """
        version = _version(self.settings.output_dir)
        current = self._published
        if current is not None and current.version == version:
            return current
        if current is not None and not wait \
                and not self._published_lock.acquire(blocking=False):
            return current  # a newer build is being loaded by another thread
        if current is None or wait:
            self._published_lock.acquire()
        try:
            if self._published is None or self._published.version != version:
                self._published = _load(self.settings.output_dir, version, self.current_sources(),
                                        render_zone(self.settings.timezone))
            return self._published
        finally:
            self._published_lock.release()

    def keep_published_fresh(self, stop: threading.Event, every: float = 1.0) -> None:
        """Load each new build's view as soon as its files land, until ``stop`` is set, so
        that no visitor waits for it: the web server runs this in a thread of its own."""
        while True:
            try:
                self.published()
            except Exception:  # noqa: BLE001  (a request will meet and report the same failure)
                log.exception("could not load the published outputs")
            if stop.wait(every):
                return

    def select_events(self, published: Published, selection: Selection, *,
                      calendar: bool = False) -> tuple[MergedEvent, ...]:
        """The published events that match every filter of ``selection``, in build order:
        those shown to people, or (``calendar``) all those calendar clients are given."""
        if selection.empty:
            return published.events if calendar else published.shown
        pool = published.posted_by(selection.source, calendar=True) \
            if selection.source and not selection.q \
            else published.events  # the search texts are folded for every event, in order
        sources = {source.id: source for source in self.current_sources()}
        chosen = select(pool, selection, sources, city_of=lambda event: event.city,
                        texts=lambda: self._search_texts(published, "events"),
                        place_of=lambda event: event.location)
        return chosen if calendar or published.shown is published.events else _for_people(chosen)

    def select_items(self, published: Published, selection: Selection) -> tuple[MergedItem, ...]:
        """The published news items that match every filter of ``selection``, in build order:
        posted by an organisation of that city, kind or tag, with every word searched for."""
        if selection.empty:
            return published.items
        pool = published.news_by_source.get(selection.source, ()) \
            if selection.source and not selection.q else published.items
        sources = {source.id: source for source in self.current_sources()}
        return select(pool, selection, sources, city_of=lambda item: None,
                      texts=lambda: self._search_texts(published, "news"),
                      holders=found.holders if (found := self.district_events(
                          published, selection.city)) else frozenset())

    def district_events(self, published: Published, city: str) -> DistrictEvents | None:
        """What the published events of the district ``city`` names tell (None for a city:
        :func:`.districts.district`): who posted them, a district's news being theirs (no
        organisation's city is Belval, Technoport's is Esch-sur-Alzette), and their cities,
        where the agenda links. Kept for the build: each page and the digest ask."""
        if district(city) is None:
            return None
        key = (published.version, city)
        with self._search_lock:
            found = self._districts.get(key)
        if found is None:
            events = self.select_events(published, Selection(city=city))
            count: dict[str, int] = {}
            for event in events:
                count[event.city] = count.get(event.city, 0) + 1
            found = DistrictEvents(
                len(events), frozenset(s for event in events for s in event.source_ids),
                tuple(sorted((c for c in count if c), key=lambda c: (-count[c], c))))
            with self._search_lock:
                if len(self._districts) >= 64 or any(v != published.version
                                                     for v, _ in self._districts):
                    self._districts = {}
                self._districts[key] = found
        return found

    def _search_texts(self, published: Published, what: str) -> Sequence[str]:
        """The published events' (or news items') texts folded for a search, kept until the
        next build: folding 40,000 descriptions per search took a second. Organisers' names
        are folded per search instead: a source may be renamed between builds."""
        with self._search_lock:
            version, texts = self._search_index.get(what, ("", ()))
            if version != published.version:
                texts = searched_texts([event_text(e) for e in published.events]
                                       if what == "events"
                                       else [item_text(i) for i in published.items])
                self._search_index = {**self._search_index, what: (published.version, texts)}
            return texts

    def render_selection(self, published: Published, selection: Selection,
                         language: str = "fr") -> bytes:
        """calendar.ics for a selection, dated like the build so equal data gives equal bytes,
        named in ``language``."""
        events = self.select_events(published, selection, calendar=True)
        now = published.generated_at or self.clock()
        sources = {s.id: s for s in self.current_sources()}
        label = selection.label(language, sources=sources)
        name = f"{DEFAULT_TITLE} – {label}" if label else DEFAULT_TITLE
        return render_calendar(events, name=name, now=now, base_url=self.settings.base_url,
                               timezone=self.settings.timezone, sources=sources)

    def events_document(
        self, published: Published, selection: Selection, updated_since: datetime | None = None,
        window: tuple[datetime, datetime] | None = None,
    ) -> dict[str, Any]:
        """events.json for a selection; with ``updated_since`` only what changed after it,
        with ``window`` (start, end) only the events with an occurrence overlapping it.

        ``removed`` (with ``updated_since``): the UIDs to drop, the changed events now
        CANCELLED and those that changed out of the selection or window (moved to another
        city, postponed out of the days): a partner syncing ``?city=Nancy`` kept an event
        moved to Metz at its old place. It may name events the partner never held."""
        events = self.select_events(published, selection, calendar=True)
        if updated_since is not None:
            events = _changed_since(events, updated_since)
        if window is not None:
            zone = ZoneInfo(self.settings.timezone)
            events = tuple(occurring_between(events, *window, zone))
        generated = utc_iso(published.generated_at) if published.generated_at else None
        sources = {source.id: source for source in self.current_sources()}
        document: dict[str, Any] = {
            "generated_at": generated,
            "events": [event_record(e, sources) for e in events],
        }
        if updated_since is not None:
            document["updated_since"] = updated_since.isoformat()
            kept = {e.uid for e in events}
            left = [e.uid for e in _changed_since(published.events, updated_since)
                    if e.uid not in kept] if window is not None or not selection.empty else []
            document["removed"] = list(dict.fromkeys(
                [e.uid for e in events if e.status == "CANCELLED"] + left))
        return document


def _changed_since(events: tuple[MergedEvent, ...], since: datetime) -> tuple[MergedEvent, ...]:
    return tuple(e for e in events if e.last_modified and e.last_modified > since)


def _version(output: Path) -> str:
    stamps = []
    for name in (EVENTS_FILE, NEWS_FILE):
        try:
            stat = (output / name).stat()
            stamps.append(f"{stat.st_mtime_ns}-{stat.st_size}")
        except OSError:
            stamps.append("none")
    return "/".join(stamps)


def _load(output: Path, version: str, sources: Sequence[Source], zone: tzinfo) -> Published:
    documents = [_read(output / name) for name in (EVENTS_FILE, NEWS_FILE)]
    events_doc, news_doc = documents
    records = [r for r in events_doc.get("events", []) if isinstance(r, dict)]
    events = tuple(decode_event(record) for record in records)
    items = tuple(decode_item(r) for r in news_doc.get("items", []) if isinstance(r, dict))
    stamp = events_doc.get("generated_at")
    modified = built_at(output)
    calendars = filtered_calendars(events, {s.id: s for s in sources})
    shown = _for_people(events)
    return Published(
        events=events, items=items,
        generated_at=datetime.fromisoformat(stamp) if isinstance(stamp, str) else None,
        modified=modified, version=version,
        calendars=tuple((c.slug, c.labels, c.facets[0]) for c in calendars),
        by_uid={e.uid: e for e in reversed(events)},  # the first of a repeated UID, as before
        by_source=_by_source(events), news_by_source=_by_source(items),
        singles=SinglesIndex(shown, zone), shown=shown if len(shown) < len(events) else events,
    )


def _for_people(events: tuple[MergedEvent, ...]) -> tuple[MergedEvent, ...]:
    """``events`` but those merged into another (see ``Published.shown``)."""
    return tuple(event for event in events if not event.merged_into)


def _by_source(entries: Sequence[P]) -> dict[str, tuple[P, ...]]:
    posted: dict[str, list[P]] = {}
    for entry in entries:
        for source_id in entry.source_ids:
            posted.setdefault(source_id, []).append(entry)
    return {source_id: tuple(entries) for source_id, entries in posted.items()}


def _read(path: Path) -> dict[str, Any]:
    """A JSON output, or an empty document before the first build (never half-written:
    outputs are replaced atomically)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def _zone(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name) if name else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _when(value: str | None, zone: tzinfo) -> When | None:
    if not value:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value).astimezone(zone)


def decode_event(record: Mapping[str, Any]) -> MergedEvent:
    """One events.json record back into the MergedEvent it was rendered from."""
    zone = _zone(record.get("timezone"))
    start = _when(record["start"], zone)
    assert start is not None
    title = str(record.get("title", ""))
    members = tuple(
        provenance_member(str(s.get("uid", "")), str(s.get("url", "")),
                          str(s.get("source", "")), str(s.get("feed", "")),
                          title=title, start=start)
        for s in record.get("sources", [])
    )
    overrides = tuple(_override(record, o, zone) for o in record.get("overrides", []))
    modified = record.get("last_modified")
    return MergedEvent(
        uid=record["uid"], title=title, start=start, end=_when(record.get("end"), zone),
        all_day=bool(record.get("all_day")), timezone=record.get("timezone"),
        location=str(record.get("location", "")), city=str(record.get("city", "")),
        url=str(record.get("url", "")), description=str(record.get("description", "")),
        status=str(record.get("status", "CONFIRMED")),
        categories=tuple(record.get("categories", [])), rrule=record.get("rrule"),
        rdates=tuple(_when(v, zone) for v in record.get("rdates", [])),  # type: ignore[misc]
        exdates=tuple(_when(v, zone) for v in record.get("exdates", [])),  # type: ignore[misc]
        sequence=int(record.get("sequence") or 0),
        last_modified=datetime.fromisoformat(modified) if modified else None,
        members=members, overrides=overrides, merged_into=str(record.get("merged_into") or ""),
    )


def _override(record: Mapping[str, Any], override: Mapping[str, Any], zone: tzinfo) -> Event:
    """One of an event's changed occurrences, in its own zone when it has one (a moved
    occurrence may be written in another zone than its series). Its link, description and
    SEQUENCE too (events.json has them since 2026-12-06): without them the web app's
    filtered calendars wrote SEQUENCE:0 and the series' text for a changed occurrence the
    build's calendar.ics gave its own."""
    name = override.get("timezone") or record.get("timezone")
    own = _zone(name) if override.get("timezone") else zone
    return Event(uid=record["uid"], title=str(override.get("title", "")),
                 start=_when(override["start"], own),  # type: ignore[arg-type]
                 end=_when(override.get("end"), own), location=str(override.get("location", "")),
                 status=str(override.get("status", "CONFIRMED")), timezone=name,
                 recurrence_id=_when(override.get("recurrence_id"), own),
                 url=str(override.get("url", "")),
                 description=str(override.get("description", "")),
                 sequence=int(override.get("sequence") or 0))


def built_at(output: Path) -> datetime | None:
    """When the last build wrote its outputs in ``output`` (None before any): what the
    published calendars are dated by (Last-Modified)."""
    try:
        return datetime.fromtimestamp((output / EVENTS_FILE).stat().st_mtime, UTC)
    except OSError:
        return None


def decode_item(record: Mapping[str, Any]) -> MergedItem:
    """One news.json record back into a MergedItem."""
    published, first_seen = record.get("published"), record.get("first_seen")
    when = datetime.fromisoformat(published) if published else None
    seen = datetime.fromisoformat(first_seen) if first_seen and not when else None
    title, summary = str(record.get("title", "")), str(record.get("summary", ""))
    members = tuple(
        NewsItem(guid=str(s.get("guid", "")), title=title, link=str(s.get("link", "")),
                 published=when, summary=summary, source_id=str(s.get("source", "")),
                 feed_url=str(s.get("feed", "")), seen=seen,
                 language=str(record.get("language") or ""))
        for s in record.get("sources", [])
    )
    return MergedItem(id=str(record["id"]), title=title, link=str(record.get("link", "")),
                      published=when, summary=summary, members=members, seen=seen)
