"""events.json, news.json and news.atom: the merged records for scripts and feed readers.

The JSON field names are the outside contract (docs: CONTRACT.md, "Output directory"); extra
fields are additions only. Every record keeps its provenance: one ``sources`` entry per source
record merged into it. news.atom is written with ElementTree so every text is escaped by the
XML writer, never by hand (its tags are plain names under an ``xmlns`` attribute: ElementTree
cannot mix a default namespace with plain attributes); control characters that XML 1.0 forbids
are dropped first.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ..memo import BytesMemo
from ..models import Event, MergedEvent, MergedItem, Source
from .text import (DEFAULT_TITLE, TITLE_LANGUAGE, clean_text, one_line, source_names, status_of,
                   written_in)
from .times import (
    event_order,
    event_span,
    event_zone,
    in_zone,
    iso,
    like,
    render_zone,
    require_aware,
    utc_iso,
    zone_name,
)

ATOM = "http://www.w3.org/2005/Atom"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def render_events_json(
    events: Sequence[MergedEvent], sources: Mapping[str, Source], *, now: datetime, timezone: str,
    memo: BytesMemo[MergedEvent, None] | None = None,
) -> bytes:
    """``{"generated_at", "events": [...]}``, events sorted by start then uid.

    ``memo`` (its context must be the source names) reuses an unchanged event's record,
    kept as JSON text: ``json.dumps`` of the whole document is the records' texts joined."""
    if memo is None:
        ordered = sorted(events, key=event_order(render_zone(timezone)))
        records = [event_record(event, sources) for event in ordered]
        return _dump({"generated_at": utc_iso(require_aware(now)), "events": records})
    return b"".join(events_json_chunks(events, sources, now=now, timezone=timezone, memo=memo))


def events_json_chunks(
    events: Sequence[MergedEvent], sources: Mapping[str, Source], *, now: datetime, timezone: str,
    memo: BytesMemo[MergedEvent, None], presorted: bool = False,
) -> Iterator[bytes]:
    """events.json as pieces that concatenate to :func:`render_events_json`'s bytes, made as
    they are written: at 100,000 events the whole document would be 100 MB more in memory
    (issue 8). ``presorted``: ``events`` already follow ``event_order`` (the build sorts once
    for all)."""
    zone = render_zone(timezone)
    ordered = events if presorted else sorted(events, key=event_order(zone))

    def record(event: MergedEvent) -> tuple[bytes, None]:
        return event_json(event, sources), None

    return _array_chunks(
        {"generated_at": utc_iso(require_aware(now)), "events": []},
        (memo.read(memo.get(event, lambda: record(event))) for event in ordered),
    )


def _array_chunks(document: dict[str, Any], elements: Iterable[bytes]) -> Iterator[bytes]:
    """``document``, whose last value is an empty list, with ``elements`` (each one JSON
    value) in that list: the bytes :func:`_dump` gives, in pieces."""
    head = _json(document)
    yield head.removesuffix("[]}").encode("utf-8") + b"["
    for position, element in enumerate(elements):
        if position:
            yield b", "
        yield element
    yield b"]}\n"


def event_json(event: MergedEvent, sources: Mapping[str, Source]) -> bytes:
    """The event's record as events.json writes it."""
    return _json(event_record(event, sources)).encode("utf-8")


def event_record(event: MergedEvent, sources: Mapping[str, Source]) -> dict[str, Any]:
    """One event of events.json: the contract's fields, then our additions."""
    start, end = event_span(event)
    zone = event_zone(event.timezone, event.start)
    all_day = not isinstance(start, datetime)
    return {
        "uid": event.uid,
        "title": one_line(event.title),
        "start": iso(start),
        "end": iso(end),
        "all_day": all_day,
        "timezone": None if all_day else zone_name(zone),
        "location": one_line(event.location),
        "city": one_line(event.city),
        "url": event.url,
        "description": clean_text(event.description),
        "status": status_of(event.status),
        "categories": list(event.categories),
        "rrule": event.rrule,
        "sources": [_event_source(member) for member in event.members],
        "organizers": list(source_names(event.members, sources)),
        "sequence": event.sequence,
        "last_modified": iso(event.last_modified),
        "rdates": [iso(like(value, start, zone)) for value in event.rdates],
        "exdates": [iso(like(value, start, zone)) for value in event.exdates],
        "overrides": [_override_record(record, event) for record in event.overrides],
        "merged_into": event.merged_into or None,
    }


def _event_source(member: Event) -> dict[str, str]:
    return {
        "source": member.source_id,
        "feed": member.feed_url,
        "uid": member.uid,
        "url": member.url,
    }


def _override_record(record: Event, event: MergedEvent) -> dict[str, Any]:
    zone = event_zone(record.timezone or event.timezone, record.start)
    recurrence_id = record.recurrence_id if record.recurrence_id is not None else record.start
    if not isinstance(event.start, datetime):  # an all-day series: the day, as calendars
        # write it; Outlook's local midnight moved to UTC was the day before once read back
        recurrence_id = like(recurrence_id, event.start, zone)
    return {
        "recurrence_id": iso(in_zone(recurrence_id, zone)),
        "title": one_line(record.title),
        "start": iso(in_zone(record.start, zone)),
        "end": iso(in_zone(record.end, zone)) if record.end is not None else None,
        "location": one_line(record.location),
        "status": status_of(record.status or event.status),
        "timezone": zone_name(zone),
        "url": record.url,
        "description": clean_text(record.description),
        "sequence": record.sequence,
    }


def render_news_json(
    items: Sequence[MergedItem], sources: Mapping[str, Source], *, now: datetime
) -> bytes:
    """``{"generated_at", "items": [...]}``, newest first (undated items last)."""
    return b"".join(news_json_chunks(items, sources, now=now))


def news_json_chunks(
    items: Sequence[MergedItem], sources: Mapping[str, Source], *, now: datetime,
    memo: BytesMemo[MergedItem, None] | None = None,
) -> Iterator[bytes]:
    """news.json in pieces, as :func:`events_json_chunks`; ``memo`` (context: the source
    names) reuses each unchanged item's record from the previous build."""
    def record(item: MergedItem) -> tuple[bytes, None]:
        return item_json(item, sources), None

    return _array_chunks(
        {"generated_at": utc_iso(require_aware(now)), "items": []},
        (record(item)[0] if memo is None else memo.read(memo.get(item, lambda: record(item)))
         for item in newest_first(items)),
    )


def item_json(item: MergedItem, sources: Mapping[str, Source]) -> bytes:
    """The item's record as news.json writes it."""
    return _json(item_record(item, sources)).encode("utf-8")


def item_record(item: MergedItem, sources: Mapping[str, Source]) -> dict[str, Any]:
    """One item of news.json: the contract's fields, then our additions (``first_seen``
    only for an item no feed dates: when the aggregator first saw it, what orders it;
    ``language`` only for one that says it is written in a language of its own)."""
    record = {
        "id": item.id,
        "title": one_line(item.title),
        "link": item.link,
        "published": iso(item.published),
        "summary": clean_text(item.summary),
        "sources": [
            {"source": m.source_id, "feed": m.feed_url, "guid": m.guid, "link": m.link}
            for m in item.members
        ],
        "publishers": list(source_names(item.members, sources)),
    }
    if item.seen is not None:
        record["first_seen"] = iso(item.seen)
    if item.members and item.members[0].language:
        record["language"] = item.members[0].language
    return record


def newest_first(items: Sequence[MergedItem]) -> list[MergedItem]:
    """Items by publication date, newest first, an undated one by when it was first seen
    (never seen: last); ties by id (deterministic)."""
    epoch = datetime.min.replace(tzinfo=UTC)
    dated = sorted(items, key=lambda item: item.id)
    return sorted(dated, key=lambda item: _aware(item.when) or epoch, reverse=True)


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_ENTRIES = 200
"""Feed readers show the latest entries; 7,500 entries made a 1 s, 5 MB feed every build."""


def render_news_atom(
    items: Sequence[MergedItem],
    sources: Mapping[str, Source],
    *,
    now: datetime,
    base_url: str,
    title: str = DEFAULT_TITLE,
    query: str = "",
    language: str = TITLE_LANGUAGE,
) -> bytes:
    """news.atom: an Atom 1.0 feed of the newest merged items (news.json holds them all);
    ``query``, the filters of a selection's feed (``city=Metz``), is part of its address;
    ``language``, that of ``title`` (each entry says its own where it differs)."""
    base = base_url.rstrip("/")
    query = f"?{query}" if query else ""
    ordered = newest_first(items)[:ATOM_ENTRIES]
    stamps = [stamp for stamp in map(_updated, ordered) if stamp is not None]
    return render_atom([_news_entry(item, sources, now) for item in ordered],
                       feed_url=f"{base}/news.atom{query}", page_url=f"{base}/{query}",
                       title=title, author=title, language=language,
                       updated=max(stamps) if stamps else require_aware(now))


def _news_entry(item: MergedItem, sources: Mapping[str, Source], now: datetime) -> AtomEntry:
    return AtomEntry(id=entry_id(item.id), title=one_line(item.title) or one_line(item.link),
                     link=item.link, updated=_updated(item) or now, published=item.published,
                     authors=source_names(item.members, sources),
                     summary=clean_text(item.summary), summary_is_html=True,
                     language=written_in(item.members, sources))


@dataclass(frozen=True, slots=True)
class AtomEntry:
    """One entry of an Atom feed: an article of news.atom, an event of events.atom."""

    id: str
    title: str
    link: str
    """Its page ("": none)."""
    updated: datetime
    summary: str
    """Plain text, or sanitised HTML with ``summary_is_html`` ("": none)."""
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    published: datetime | None = None
    summary_is_html: bool = False
    language: str = ""
    """The language its title and summary are written in (``xml:lang``; "": the feed's):
    readers pick hyphenation, fonts and translation offers by it."""
    title_language: str = ""
    """The language of its title alone, when it is not the entry's (an event's title is its
    organisation's words, its summary starts with the date in the feed's)."""


def render_atom(entries: Sequence[AtomEntry], *, feed_url: str, page_url: str, title: str,
                author: str = DEFAULT_TITLE, updated: datetime, language: str = "") -> bytes:
    """An Atom 1.0 feed of ``entries`` in their order; its id is its own address;
    ``language``, that of its own words (``xml:lang``, RFC 4287 §2)."""
    feed = ET.Element("feed", xmlns=ATOM)
    if language:
        feed.set(XML_LANG, language)
    _text(feed, "id", feed_url)
    _text(feed, "title", one_line(title))
    _text(feed, "updated", utc_iso(updated))
    _link(feed, "self", feed_url, "application/atom+xml")
    _link(feed, "alternate", page_url, "text/html")
    _text(ET.SubElement(feed, "author"), "name", one_line(author))
    _text(feed, "generator", "aggregator")
    for found in entries:
        entry = ET.SubElement(feed, "entry")
        if found.language and found.language != language:
            entry.set(XML_LANG, found.language)
        _text(entry, "id", found.id)
        entry_title = _text(entry, "title", one_line(found.title))
        if found.title_language and found.title_language != (found.language or language):
            entry_title.set(XML_LANG, found.title_language)
        if found.link:
            _link(entry, "alternate", found.link, "text/html")
        _text(entry, "updated", utc_iso(found.updated))
        if found.published is not None:
            _text(entry, "published", utc_iso(found.published))
        for name in found.authors:
            _text(ET.SubElement(entry, "author"), "name", name)
        for term in found.categories:
            ET.SubElement(entry, "category", term=one_line(term))
        if found.link and found.summary:
            summary = _text(entry, "summary", found.summary)
            if found.summary_is_html:
                summary.set("type", "html")
        elif not found.link:  # RFC 4287 4.1.1: an entry without a link has content
            content = _text(entry, "content", found.summary or one_line(found.title))
            if found.summary and found.summary_is_html:
                content.set("type", "html")
    ET.indent(feed)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


def entry_id(item_id: str) -> str:
    """An Atom id (an IRI): the item id when it already is one, else a stable URN."""
    if _SCHEME.match(item_id):
        return item_id
    return "urn:aggregator:news:" + quote(item_id, safe="")


def _updated(item: MergedItem) -> datetime | None:
    """An entry's Atom <updated>: its latest date, an undated one's first seen (not the
    build's time, which made readers show it as updated at every build)."""
    stamps = [_aware(m.updated) for m in item.members] + [_aware(item.when)]
    known = [stamp for stamp in stamps if stamp is not None]
    return max(known) if known else None


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = clean_text(text)
    return element


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, "link", rel=rel, href=one_line(href), type=media_type)


def _dump(document: dict[str, Any]) -> bytes:
    # No indent: with one, json falls back to its pure-Python encoder (1.5 s instead of 0.15 s
    # for 12,000 events and 7,500 items, bench/pipeline.py); `python -m json.tool` pretty-prints.
    return (_json(document) + "\n").encode("utf-8")


_ENCODER = json.JSONEncoder(ensure_ascii=False)
"""json.dumps with any option builds an encoder per call: one per record, 65,000 a build."""


def _json(value: dict[str, Any]) -> str:
    return _ENCODER.encode(value)
