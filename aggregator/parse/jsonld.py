"""schema.org Event JSON-LD embedded in an HTML page -> :class:`Event` records.

Why: many organisations have no calendar feed but an events page that already tells search
engines about its events (WordPress plugins, Eventbrite and Meetup pages, most CMS themes write
``<script type="application/ld+json">`` blocks). Reading those blocks lets an organisation
register its events page as a feed (``type: jsonld`` in sources.yaml). PURE: bytes in, records
out; the stdlib HTML parser finds the blocks, json reads them.

What we read (https://schema.org/Event): every node whose ``@type`` is ``Event`` or a subtype
(``BusinessEvent``, ``Hackathon``...), found at the top level, in ``@graph``, in lists, or as
``itemListElement`` of an ``ItemList``. ``startDate`` without an offset is local time in the
default zone; a date alone is an all-day event. A date not in ISO 8601 ("07/12/2026 18:00",
"7 décembre 2026") is read as people write it (parse/news_dates.py), with a warning: search
engines skip such events, so the organiser has a reason to mend it. ``eventStatus``
EventCancelled gives CANCELLED, EventPostponed TENTATIVE.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import ParseError
from ..models import Event, ParsedFeed, When
from .ical_dates import at_the_ends
from .news_dates import day_first, day_or_month, moved, written_when
from .text import absolute_link, clean_identifier, clean_line, html_to_text, load_json_text, plain_text

MAX_EVENTS = 5000
"""A page listing more is a generator gone wrong; the rest is dropped with a warning."""
MAX_DEPTH = 6
"""How deep nested lists/graphs are searched; real pages nest two or three levels."""
STATUSES = {"eventcancelled": "CANCELLED", "eventpostponed": "TENTATIVE"}
OTHER_EVENT_TYPES = frozenset({"Festival", "Hackathon", "CourseInstance"})
"""schema.org subtypes of Event whose names do not end in "Event" (EventSeries is left out:
a series is not an occurrence with a date)."""


class _Blocks(HTMLParser):
    """Collect the text of every ``<script type="application/ld+json">`` and the <title>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        if tag == "script" and kind == "application/ld+json":
            self._in = "script"
            self.blocks.append("")
        elif tag == "title" and not self.title:
            self._in = "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.blocks[-1] += data
        elif self._in == "title":
            self.title += data


def has_jsonld_events(body: bytes) -> bool:
    """Cheap test for ``auto`` feeds that turn out to be HTML: is there anything to read?"""
    head = body[:2_000_000].lower()
    return b"application/ld+json" in head and b"event" in head


def parse_jsonld(body: bytes, url: str, default_tz: str = "Europe/Paris") -> ParsedFeed:
    """Read the schema.org Events of an HTML page.

    Raises:
        ParseError: no JSON-LD block, or no Event in any block; the reason says which.
    """
    page = _Blocks()
    page.feed(body.decode("utf-8", errors="replace"))
    page.close()
    if not page.blocks:
        raise ParseError(url, "no schema.org JSON-LD block (<script type=\"application/ld+json\">) in the page")
    notes: list[str] = []
    nodes: list[dict[str, Any]] = []
    for number, text in enumerate(page.blocks, 1):
        try:
            nodes.extend(_event_nodes(load_json_text(text), 0))
        except (json.JSONDecodeError, RecursionError) as error:
            notes.append(f"JSON-LD block {number} is not valid JSON: {clean_line(str(error))[:120]}")
    if not nodes:
        raise ParseError(url, "the page's JSON-LD holds no schema.org Event")
    if len(nodes) > MAX_EVENTS:
        notes.append(f"{len(nodes)} events in the page: only the first {MAX_EVENTS} are read")
    nodes = nodes[:MAX_EVENTS]
    dates = [_text(node.get(key)) for node in nodes for key in ("startDate", "endDate")]
    in_figures = [text for text in dates if not text[:4].isdigit() and day_or_month(text)]
    month_first = day_first(in_figures) is False  # ISO 8601 dates (year first) asked nothing
    reading = TypedDates(ZoneInfo(default_tz), dayfirst=not month_first)
    events = []
    for node in nodes:
        event = _event(node, url, reading, notes)
        if event is not None:
            events.append(event)
    if reading.typed:
        notes.append(typed_dates_note(reading.typed))
    return ParsedFeed(format="jsonld", title=clean_line(page.title), events=tuple(events),
                      warnings=tuple(notes))


def _is_event(node: dict[str, Any]) -> bool:
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(isinstance(name, str) and (name.endswith("Event") or name in OTHER_EVENT_TYPES)
               for name in names)


def _event_nodes(value: Any, depth: int) -> Iterator[dict[str, Any]]:
    """Every Event node in a JSON-LD document, in document order."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for element in value:
            yield from _event_nodes(element, depth + 1)
    elif isinstance(value, dict):
        if _is_event(value):
            yield value
            return
        for key in ("@graph", "itemListElement", "item", "mainEntity", "event", "events"):
            if key in value:
                yield from _event_nodes(value[key], depth + 1)


@dataclass
class TypedDates:
    """How the page's dates not in ISO 8601 are read, and which were."""

    zone: ZoneInfo
    dayfirst: bool
    typed: list[str] = field(default_factory=list)


def typed_dates_note(typed: list[str]) -> str:
    """The warning for dates read as people write them rather than in schema.org's ISO 8601."""
    first = repr(typed[0][:40])
    if len(typed) == 1:
        return (f"a date not written as schema.org asks (ISO 8601: 2026-12-07T18:00+01:00): "
                f"{first}: read as people write it")
    return (f"{len(typed)} dates not written as schema.org asks (ISO 8601: "
            f"2026-12-07T18:00+01:00), the first: {first}: read as people write them")


def _event(node: dict[str, Any], url: str, reading: TypedDates, notes: list[str]) -> Event | None:
    zone = reading.zone
    name = clean_line(html_to_text(_text(node.get("name"))))
    start = _when(node.get("startDate"), reading)
    if start is not None and at_the_ends(start):
        start = None  # 9999-12-31 has no next day to end on: the page was refused whole
    if not name or start is None:
        notes.append(f"JSON-LD Event {name or '(no name)'!r} skipped: no name or no valid startDate")
        return None
    end = _when(node.get("endDate"), reading)
    if end is not None and (type(end) is not type(start) or at_the_ends(end)):
        end = None
    if isinstance(start, date) and not isinstance(start, datetime) and end is not None:
        end = end + timedelta(days=1)  # schema.org endDate is inclusive; DTEND is not
    link = absolute_link(_text(node.get("url")), url)
    identity = clean_identifier(_text(node.get("@id"))).strip() or link or hashlib.sha256(
        f"{name}|{start.isoformat()}".encode()).hexdigest()[:32]
    return Event(
        uid=identity, title=name, start=start, end=end,
        all_day=not isinstance(start, datetime),
        timezone=zone.key if isinstance(start, datetime) else None,
        location=_location(node.get("location")),
        description=plain_text(_text(node.get("description"))), url=link,
        status=_status(node.get("eventStatus")), categories=_keywords(node.get("keywords")),
        organizer=_organizer(node.get("organizer")),
    )


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("@value") or value.get("@id") or value.get("name") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def _when(value: Any, reading: TypedDates) -> When | None:
    text, zone = _text(value), reading.zone
    if not text:
        return None
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        typed = written_when(text, zone, reading.dayfirst)
        if typed is not None:
            reading.typed.append(text)
        return typed
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moved(moment, zone)


def _location(value: Any) -> str:
    """"Place name, street, postcode city" from a Place, a PostalAddress or a plain string."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        return clean_line(value)
    if not isinstance(value, dict):
        return ""
    address = value.get("address")
    if isinstance(address, dict):
        street = _text(address.get("streetAddress"))
        town = " ".join(filter(None, (_text(address.get("postalCode")),
                                      _text(address.get("addressLocality")))))
        address = ", ".join(filter(None, (street, town)))
    parts = [_text(value.get("name")), address if isinstance(address, str) else ""]
    if not any(parts) and value.get("@type") == "VirtualLocation":
        parts = [_text(value.get("url"))]
    return clean_line(", ".join(dict.fromkeys(p for p in parts if p)))


def _status(value: Any) -> str:
    key = _text(value).rstrip("/").rsplit("/", 1)[-1].lower()
    return STATUSES.get(key, "CONFIRMED")


def _keywords(value: Any) -> tuple[str, ...]:
    words = value if isinstance(value, list) else str(value or "").split(",")
    return tuple(dict.fromkeys(clean_line(str(w)) for w in words if clean_line(str(w))))


def _organizer(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    return clean_line(_text(value))
