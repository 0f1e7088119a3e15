"""The open data: calendars, events.json, news.json and news.atom (documented in OpenAPI).

Without filters each answer is the build's own file from the output directory, byte for byte,
so a subscriber of /calendar.ics and of a static copy of output/ see the same thing. With
filters the answer is rendered from the published view (``Aggregator.published``) and cached
until the next build. Every answer carries an ETag and a Last-Modified and honours 304.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import UTC, date, datetime, time, timedelta
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ..core import Selection
from ..errors import AggregatorError
from ..selection import named_calendar
from .districts import calendar_district
from ..subscribers import SubscriberError
from ..render import DEFAULT_TITLE, render_news_atom, render_news_json
from ..render.exports import render_atom
from ..render.ics import renamed
from ..topics import filter_word
from . import i18n
from .conditional import ATOM, CALENDAR, JSON, conditional, etag_of, gzipped
from .event_feed import upcoming_entries
from .i18n_errors import Reason, not_found
from .public import offered
from .schemas import EventsDocument, NewsDocument
from .views import address, aggregator_of

router = APIRouter(tags=["open data"])
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CACHE_SIZE = 256
"""Filtered answers kept per build; a filter combination is a few KB to a few MB."""
CACHE_BYTES = 256 * 2**20
"""What they may weigh together: ``updated_since`` and ``from``/``to`` have no end of values,
and each old instant or wide window is the whole events.json (tens of MB at N = 1,000)."""

City = Annotated[str, Query(max_length=100, description="City name or slug, e.g. Metz")]
Kind = Annotated[str, Query(max_length=40, description="Kind of organisation: startup, lab, "
                                                       "association, venue, institution, company")]
Tag = Annotated[str, Query(max_length=60, description="Topic tag of the organisations, e.g. ai")]
SourceId = Annotated[str, Query(max_length=100, description="Source id, see /sources")]
Text = Annotated[str, Query(max_length=100, description="Free text in titles, places, organisers")]
Lang = Annotated[str, Query(max_length=5, description="Language of the words: fr, en or de")]


class Problem(BaseModel):
    """Every error of the open data: ``{"detail": "what is wrong and what to do"}``."""

    detail: str


INVALID: dict[int | str, dict[str, Any]] = {422: {
    "model": Problem,
    "description": "A parameter is invalid: `detail` says which and why "
                   "(e.g. `query.tag: String should have at most 60 characters`)"}}
"""Documents the errors as the app writes them, one sentence, not FastAPI's default list."""
MISSING: dict[int | str, dict[str, Any]] = {404: {
    "model": Problem, "description": "Not built yet, or no such calendar"}}
DAY_OR_INSTANT: dict[str, Any] = {"anyOf": [{"format": "date"}, {"format": "date-time"}]}
"""What ``from`` and ``to`` take, for a generated client: any other text is a 422."""
LEAP_SECOND = re.compile(r"(T\d\d:\d\d):60")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST, LATEST = datetime(1970, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC)
"""The widest window ``from``/``to`` open: a series walked from year 1 overflowed."""


@dataclass(frozen=True, slots=True)
class CachedFile:
    """One output file as served: its bytes, their gzip form, ETag and modification time."""

    body: bytes
    compressed: bytes | None
    etag: str
    modified: datetime | None


class FileCache:
    """Output files with their ETag and gzip form, read again only when their mtime or size
    changes (after a build): compressing once per build, not once per request."""

    def __init__(self) -> None:
        self.entries: dict[Path, tuple[tuple[int, int], CachedFile]] = {}
        self.lock = threading.Lock()

    def current(self, path: Path) -> CachedFile | None:
        """The cached file if it is still the one on disk (a stat, nothing read)."""
        try:
            stat = path.stat()
        except OSError:
            return None
        with self.lock:
            entry = self.entries.get(path)
        return entry[1] if entry is not None and entry[0] == (stat.st_mtime_ns, stat.st_size) else None

    def read(self, path: Path) -> CachedFile | None:
        found = self.current(path)
        if found is not None:
            return found
        try:
            stat = path.stat()
            body = path.read_bytes()
        except OSError:
            return None
        found = CachedFile(body, gzipped(body), etag_of(body),
                           datetime.fromtimestamp(stat.st_mtime, UTC))
        if len(body) == stat.st_size:  # else replaced between the stat and the read: read again
            with self.lock:
                self.entries[path] = ((stat.st_mtime_ns, stat.st_size), found)
        return found


class RenderCache:
    """Filtered answers of the current build, rendered, hashed and gzipped once each (cleared
    when full): a city's calendar polled by its subscribers' apps costs what the whole
    calendar's does, not a render, a SHA-256 and an uncompressed body per request. Cleared
    too when they would pass :data:`CACHE_BYTES`: 256 whole documents held gigabytes."""

    def __init__(self) -> None:
        self.entries: dict[Hashable, CachedFile] = {}
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], bytes], modified: datetime | None
            ) -> CachedFile:
        with self.lock:
            found = self.entries.get(key)
        if found is None:
            body = make()
            found = CachedFile(body, gzipped(body), etag_of(body), modified)
            weight = len(body) + len(found.compressed or b"")
            with self.lock:
                if len(self.entries) >= CACHE_SIZE or self.size + weight > CACHE_BYTES:
                    self.entries.clear()
                    self.size = 0
                if key not in self.entries:
                    self.size += weight
                self.entries[key] = found
        return found


def _file(request: Request, relative: str, media_type: str, *, unknown: Reason | None = None
          ) -> Response:
    """A file of the build; when a build is there but not this file, the 404 of ``unknown``
    (a calendar nobody makes is not "not built yet")."""
    aggregator = aggregator_of(request)
    files: FileCache = request.app.state.files
    found = files.read(aggregator.settings.output_dir / relative)
    if found is None:
        if unknown is not None and (aggregator.settings.output_dir / "calendar.ics").exists():
            raise not_found(unknown)
        raise HTTPException(status_code=404, detail=f"{relative} is not built yet")
    return conditional(request, found.body, media_type, found.modified, etag=found.etag,
                       compressed=found.compressed)


def _cached(request: Request, key: Hashable, make: Callable[[], bytes],
            media_type: str, modified: datetime | None, *, private: bool = False) -> Response:
    """The filtered answer ``make`` renders, cached for this build, as a conditional Response."""
    cache: RenderCache = request.app.state.rendered
    found = cache.get(key, make, modified)
    return conditional(request, found.body, media_type, found.modified, etag=found.etag,
                       compressed=found.compressed, private=private)


@router.get("/calendar.ics", response_class=Response,
                  summary="The merged calendar (iCalendar), optionally filtered",
                  responses={200: {"content": {"text/calendar": {}}}, 304: {}, **MISSING,
                             **INVALID})
async def calendar(request: Request, city: City = "", kind: Kind = "", tag: Tag = "",
                   source: SourceId = "", q: Text = "", lang: Lang = "") -> Response:
    """Subscribe with `webcal://…/calendar.ics`; the filters combine (`?city=Metz&tag=ai`), a
    filter naming nothing is empty, no error; `lang` (fr, en, de; French by default) names it."""
    selection = Selection(city=city, kind=kind, tag=tag, source=source, q=q)
    if selection.empty:  # on the event loop when cached (a stat); read and gzip in a thread
        files: FileCache = request.app.state.files
        if files.current(aggregator_of(request).settings.output_dir / "calendar.ics") is None:
            return await run_in_threadpool(_file, request, "calendar.ics", CALENDAR)
        return _file(request, "calendar.ics", CALENDAR)
    return await run_in_threadpool(_selected_calendar, request, selection, _named_in(lang))


def _named_in(lang: str) -> str:
    """The language a calendar is named in: ``lang`` when offered, else French."""
    return lang if lang in i18n.LANGUAGES else "fr"


def _selected_calendar(request: Request, selection: Selection, language: str) -> Response:
    aggregator = aggregator_of(request)
    published = aggregator.published()
    selection = offered(request, published, selection)
    return _cached(request, ("ics", published.version, selection, language),
                   lambda: aggregator.render_selection(published, selection, language),
                   CALENDAR, published.modified)


@router.get("/calendars/{slug}.ics", response_class=Response,
                  summary="A calendar of one city, kind of organisation or topic",
                  responses={200: {"content": {"text/calendar": {}}}, 304: {}, **MISSING,
                             **INVALID})
def filtered_calendar(request: Request, slug: str, lang: Lang = "") -> Response:
    """The slugs are listed on /calendars (`metz`, `lab`, `ai`…); `lang` (fr, en, de;
    French by default) names the calendar: a reader of the English or German /calendars
    page found "Laboratoire", "Données" in its list of calendars."""
    output = aggregator_of(request).settings.output_dir
    if not SLUG.match(slug) or not (output / "calendars" / f"{slug}.ics").exists():
        named = _calendar_named(request, slug)
        if named is not None:  # relative: the app may be served under a path (rootpath)
            query = f"?{request.url.query}" if request.url.query else ""
            return RedirectResponse(f"{named}.ics{query}", status_code=301)
        if not SLUG.match(slug):
            raise not_found("err_no_calendar")
        if calendar_district(request, slug):  # its events keep their city's: no file
            return _selected_calendar(request, Selection(city=slug), _named_in(lang))
    language = _named_in(lang)
    if language == "fr":
        return _file(request, f"calendars/{slug}.ics", CALENDAR, unknown="err_no_calendar")
    return _renamed_calendar(request, slug, language)


def _calendar_named(request: Request, typed: str) -> str | None:
    """The slug of the filtered calendar ``typed`` names otherwise (``luxemburg``): see
    :func:`.selection.named_calendar`; None for none."""
    if len(typed) > 100:
        return None
    try:
        calendars = aggregator_of(request).published().calendars
    except AggregatorError:
        return None  # nothing built yet: the calendar's own 404 says so
    return named_calendar(typed, calendars)


def _renamed_calendar(request: Request, slug: str, language: str) -> Response:
    """calendars/<slug>.ics named in ``language``: its values in words of that language."""
    aggregator = aggregator_of(request)
    named = [(labels, facet) for found, labels, facet in aggregator.published().calendars
             if found == slug]
    files: FileCache = request.app.state.files
    found = files.read(aggregator.settings.output_dir / "calendars" / f"{slug}.ics")
    if found is None or not named:
        return _file(request, f"calendars/{slug}.ics", CALENDAR, unknown="err_no_calendar")
    labels, facet = named[0]
    words = dict.fromkeys(filter_word(facet, label, language) for label in labels)
    name = f"{DEFAULT_TITLE} – {' / '.join(words)}"
    return _cached(request, ("slug", slug, found.etag, language), lambda: renamed(
        found.body, name, base_url=aggregator.settings.base_url,
        timezone=aggregator.settings.timezone), CALENDAR, found.modified)


@router.get("/calendars/mine/{key}.ics", response_class=Response, include_in_schema=False)
def personal_calendar(request: Request, key: str) -> Response:
    """A subscriber's own calendar: what its digest follows (linked from its preferences
    page). Its address is derived from the subscriber's secret, one way."""
    aggregator = aggregator_of(request)
    try:
        subscriber = aggregator.subscriber_by_calendar_key(key)
    except SubscriberError:
        raise not_found("err_no_calendar") from None
    published = aggregator.published()
    follows = (subscriber.cities, subscriber.kinds, subscriber.tags, subscriber.sources,
               subscriber.language)
    # It changes with a build and with the subscriber's choices (or its coming back): dated by
    # the build alone, a client revalidating by date was told 304 and kept the former ones.
    modified = max((when for when in (published.modified, subscriber.changed_at,
                                      subscriber.confirmed_at) if when is not None), default=None)
    return _cached(request, ("mine", published.version, follows, modified),
                   lambda: aggregator.followed_calendar(published, subscriber), CALENDAR,
                   modified, private=True)


@router.get("/events.json", response_class=Response, summary="Merged events as JSON",
            responses={200: {"model": EventsDocument, "content": {"application/json": {}}},
                       304: {}, **MISSING,
                       **INVALID})
def events_json(
    request: Request, city: City = "", kind: Kind = "", tag: Tag = "", source: SourceId = "",
    q: Text = "",
    from_: Annotated[str, Query(
        alias="from", max_length=40, json_schema_extra=DAY_OR_INSTANT,
        description="A day (2026-12-07) or an ISO 8601 instant: only events with an occurrence "
        "from then on (a day from its start, a time without offset, in the agenda's time "
        "zone)")] = "",
    to: Annotated[str, Query(
        max_length=40, json_schema_extra=DAY_OR_INSTANT,
        description="A day (2026-12-13, included) or an ISO 8601 instant (excluded; without "
        "offset, in the agenda's time zone): only events with an occurrence before then")] = "",
    updated_since: Annotated[str, Query(
        max_length=40, json_schema_extra={"format": "date-time"},
        description="ISO 8601 instant: only events changed after it, plus "
        "`removed`: the UIDs to drop (now CANCELLED, including events gone from every feed, "
        "or changed out of the filters or the from/to window; it may name events never "
        "held). Pass the last answer's `generated_at`")] = "",
) -> Response:
    """`{"generated_at", "events": [...]}` as output/events.json; a filter naming nothing: []."""
    selection = Selection(city=city, kind=kind, tag=tag, source=source, q=q)
    since = _instant(updated_since, "updated_since") if updated_since else None
    aggregator = aggregator_of(request)
    window = _window(from_, to, ZoneInfo(aggregator.settings.timezone))
    if selection.empty and since is None and window is None:
        return _file(request, "events.json", JSON)
    published = aggregator.published()
    selection = offered(request, published, selection)  # ?tag=KI, ?city=Luxemburg
    key = ("json", published.version, selection, since, window)
    return _cached(request, key, lambda: (json.dumps(
        aggregator.events_document(published, selection, since, window), ensure_ascii=False,
    ) + "\n").encode(), JSON, published.modified)


def _window(start: str, end: str, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """``from`` and ``to`` as instants: a day is its start in ``zone`` (``to``: the start of
    the day after, so that the day is included), an instant is itself.

    Raises:
        HTTPException: 422, a value that is neither a day nor an instant, or a ``from``
            after ``to`` (two dates swapped).
    """
    if not start and not end:
        return None
    if start and end and _moment(start, "from", zone, 0) > _moment(end, "to", zone, 0):
        raise HTTPException(status_code=422, detail=f"from ({start}) is after to ({end}): "
                                                    "swap them")  # an empty list said "none"
    first = min(max(_moment(start, "from", zone, 0), EARLIEST), LATEST) if start else EARLIEST
    return first, min(_moment(end, "to", zone, 1), LATEST) if end else LATEST


def _moment(text: str, name: str, zone: ZoneInfo, days_after: int) -> datetime:
    if DAY.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise HTTPException(status_code=422, detail=f"{name} must be a day such as "
                                                        "2026-12-07 or an ISO 8601 date-time") from None
        return datetime.combine(min(day, LATEST.date()) + timedelta(days=days_after), time(), zone)
    return _instant(text, name, zone)


def _instant(text: str, name: str, zone: ZoneInfo | None = None) -> datetime:
    """An ISO 8601 instant, RFC 3339's included: lower-case t and z, a leap second (read as
    :59), year 0000 (before any event). A '+' the query string turned into a space is put back.
    Without an offset, a time of ``zone`` (``from``/``to``: the agenda's, as their days are;
    ``from=…T18:00`` was read in UTC, an hour off in winter), else of UTC."""
    text = LEAP_SECOND.sub(r"\1:59", text.upper().replace("Z", "+00:00").replace(" ", "+"))
    if text.startswith("0000-"):
        return datetime.min.replace(tzinfo=UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise HTTPException(status_code=422, detail=f"{name} must be an ISO 8601 "
                                                    "date-time such as 2026-01-31T12:00:00Z") from None
    return value if value.tzinfo else value.replace(tzinfo=zone or UTC)


@router.get("/news.json", response_class=Response, summary="Merged news as JSON",
            responses={200: {"model": NewsDocument, "content": {"application/json": {}}},
                       304: {}, **MISSING,
                       **INVALID})
def news_json(request: Request, city: City = "", kind: Kind = "", tag: Tag = "",
              source: SourceId = "", q: Text = "") -> Response:
    """`{"generated_at", "items": [...]}`, newest first (CONTRACT.md); the filters keep the
    news posted by organisations of that city, kind or tag, or with every word of `q`."""
    selection = Selection(city=city, kind=kind, tag=tag, source=source, q=q)
    if selection.empty:
        return _file(request, "news.json", JSON)
    return _selected_news(request, selection, JSON)


@router.get("/news.atom", response_class=Response, summary="Merged news as an Atom feed",
            responses={200: {"content": {"application/atom+xml": {}}}, 304: {}, **MISSING,
                       **INVALID})
def news_atom(request: Request, city: City = "", kind: Kind = "", tag: Tag = "",
              source: SourceId = "", q: Text = "", lang: Lang = "") -> Response:
    """The newest merged articles for feed readers; filtered as `/news.json`
    (`/news.atom?city=Metz`: the news of Metz's organisations); `lang` (fr, en, de; French
    by default) names a selection's feed."""
    selection = Selection(city=city, kind=kind, tag=tag, source=source, q=q)
    if selection.empty:
        return _file(request, "news.atom", ATOM)
    return _selected_news(request, selection, ATOM, lang)


@router.get("/events.atom", response_class=Response, summary="Coming events as an Atom feed",
            responses={200: {"content": {"application/atom+xml": {}}}, 304: {}, **MISSING,
                       **INVALID})
def events_atom(request: Request, city: City = "", kind: Kind = "", tag: Tag = "",
                source: SourceId = "", q: Text = "", lang: Lang = "") -> Response:
    """The next 100 events for feed readers, each once (a series at its next date), soonest
    first; filtered as `/calendar.ics`. An entry's id is the event's page, so a new event is
    a new entry; `lang` (fr, en, de; French by default) words its dates."""
    aggregator = aggregator_of(request)
    published = aggregator.published()
    selection = offered(request, published,
                        Selection(city=city, kind=kind, tag=tag, source=source, q=q))
    language = i18n.negotiate(lang, None, None)
    now = published.generated_at or aggregator.clock()

    def make() -> bytes:
        base = aggregator.settings.base_url
        query = selection.filters() | ({"lang": lang} if lang == language else {})
        entries = upcoming_entries(
            aggregator.select_events(published, selection), aggregator.source_map(),
            base_url=base, now=now, zone=ZoneInfo(aggregator.settings.timezone),
            lang=language, updated=now, query=f"?lang={lang}" if lang == language else "")
        named = selection.label(language, aggregator.source_map())
        label = f" – {named}" if named else ""
        return render_atom(entries, feed_url=address(f"{base}/events.atom", query),
                           page_url=address(f"{base}/", query),
                           title=f"{DEFAULT_TITLE}{label}", language=language,
                           updated=max((e.updated for e in entries), default=now))

    key = ("events", published.version, language, lang == language, selection)
    return _cached(request, key, make, ATOM, published.modified)


def _selected_news(request: Request, selection: Selection, media_type: str,
                   lang: str = "") -> Response:
    """A selection's news.json or news.atom, the feed named in ``lang`` (as events.atom's:
    a German reader's news feed was "… – IA", its events feed "… – KI")."""
    aggregator = aggregator_of(request)
    published = aggregator.published()
    selection = offered(request, published, selection)
    now = published.generated_at or aggregator.clock()
    language = i18n.negotiate(lang, None, None)
    query = selection.filters() | ({"lang": lang} if lang == language else {})

    def make() -> bytes:
        items = aggregator.select_items(published, selection)
        if media_type == JSON:
            return render_news_json(items, aggregator.source_map(), now=now)
        return render_news_atom(items, aggregator.source_map(), now=now,
                                base_url=aggregator.settings.base_url,
                                title=f"{DEFAULT_TITLE} – "
                                      f"{selection.label(language, aggregator.source_map())}",
                                query=urlencode(query), language=language)

    key = ("news", media_type, published.version, selection, language, lang == language)
    return _cached(request, key, make, media_type, published.modified)
