"""Turn Event and NewsItem records into JSON text and back, losslessly.

Records are stored as one JSON document per row (plus a few indexed columns): the schema stays
small, a parser that learns a new field needs no migration, and reading 100k rows is one query.
Times keep their zone: ``2026-12-07T18:30:00@Europe/Paris``, ``…@UTC``, ``…@+01:00``, or a date.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from datetime import date, datetime, timedelta, timezone
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from ..instants import two_readings
from ..memo import Memo
from ..models import Event, MergedEvent, NewsItem, When, provenance_member

Row = tuple[str, str, str]
"""A stored record: its payload, source id and feed URL."""
T = TypeVar("T")
Word = TypeVar("Word", str, None)
_EVENTS: Memo[bytes, Event | None] = Memo()
_ITEMS: Memo[bytes, NewsItem | None] = Memo()


def encode_when(value: When | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        return value.isoformat()
    tz = value.tzinfo
    if tz is None:
        return value.isoformat()
    key = getattr(tz, "key", None)
    if key:
        name = key
    elif value.utcoffset() == timedelta(0):
        name = "UTC"
    else:
        offset = value.utcoffset() or timedelta(0)
        name = datetime(2000, 1, 1, tzinfo=timezone(offset)).strftime("%:z")
    if value.fold and two_readings(value):
        # the second of a wall-clock time that happens twice (02:30 the night clocks go
        # back): written with its offset, which says which one (the naive form does not)
        return f"{value.isoformat()}@{name}"
    return f"{value.replace(tzinfo=None).isoformat()}@{name}"


@functools.lru_cache(maxsize=16_384)
def decode_when(text: str | None) -> When | None:
    """The date or date-time :func:`encode_when` wrote. Each distinct text is read once and
    its value shared (dates and datetimes are immutable): records repeat their times (the
    meetups of one evening, a feed's LAST-MODIFIED), so a first build read the same text
    into a new object for nearly every record (a quarter of decoding, issue 8), and a
    daemon kept one copy per record between builds."""
    if text is None:
        return None
    if "T" not in text:
        return date.fromisoformat(text)
    local, _, name = text.partition("@")
    naive = datetime.fromisoformat(local)
    if naive.tzinfo is not None:  # the second of a time that happens twice, in its zone
        return naive.astimezone(ZoneInfo(name))
    if not name:
        return naive
    if name == "UTC":
        return naive.replace(tzinfo=timezone.utc)
    if name[0] in "+-":
        return naive.replace(tzinfo=datetime.strptime(name.replace(":", ""), "%z").tzinfo)
    return naive.replace(tzinfo=ZoneInfo(name))


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
"""Built once: json.dumps with options builds one per call, that is per stored record."""


def encode_event(event: Event) -> str:
    return _ENCODER.encode(_event_fields(event))


def _event_fields(event: Event | MergedEvent) -> dict[str, Any]:
    """The stored fields of a record, or of a merged event as its snapshot's head (which has
    no RECURRENCE-ID and no organiser of its own)."""
    recurrence_id, organizer = ((event.recurrence_id, event.organizer)
                                if isinstance(event, Event) else (None, ""))
    return {
        "uid": event.uid, "title": event.title, "start": encode_when(event.start),
        "end": encode_when(event.end), "all_day": event.all_day, "tz": event.timezone,
        "location": event.location, "description": event.description, "url": event.url,
        "status": event.status, "categories": list(event.categories), "rrule": event.rrule,
        "rdates": [encode_when(d) for d in event.rdates],
        "exdates": [encode_when(d) for d in event.exdates],
        "recurrence_id": encode_when(recurrence_id), "sequence": event.sequence,
        "last_modified": encode_when(event.last_modified), "organizer": organizer,
    }


def decode_event(text: str, source_id: str, feed_url: str) -> Event:
    return _event_from(json.loads(text), source_id, feed_url)


def _event_from(data: dict[str, Any] | str, source_id: str, feed_url: str) -> Event:
    """An Event from its fields, or from their JSON text (snapshots written before
    2026-11-29 nest each event as a string)."""
    if isinstance(data, str):
        data = json.loads(data)
    if not isinstance(data, dict):
        raise ValueError(f"an event is a JSON object, not {type(data).__name__}")
    return Event(
        uid=data["uid"], title=data["title"], start=decode_when(data["start"]),  # type: ignore[arg-type]
        end=decode_when(data["end"]), all_day=data["all_day"], timezone=_word(data["tz"]),
        location=_word(data["location"]), description=data["description"], url=data["url"],
        status=_word(data["status"]), categories=tuple(map(_word, data["categories"])),
        rrule=data["rrule"],
        rdates=tuple(decode_when(d) for d in data["rdates"]),  # type: ignore[misc]
        exdates=tuple(decode_when(d) for d in data["exdates"]),  # type: ignore[misc]
        recurrence_id=decode_when(data["recurrence_id"]), sequence=data["sequence"],
        last_modified=decode_when(data["last_modified"]),  # type: ignore[arg-type]
        organizer=_word(data["organizer"]), source_id=source_id, feed_url=feed_url,
    )


def _word(value: Word) -> Word:
    """A value many records repeat (zone, status, category, organiser, a venue's address) as
    one shared string object (``sys.intern``), not one copy per record."""
    return sys.intern(value) if value else value


def encode_item(item: NewsItem) -> str:
    data = {
        "guid": item.guid, "title": item.title, "link": item.link,
        "published": encode_when(item.published), "updated": encode_when(item.updated),
        "summary": item.summary, "author": item.author,
    }
    if item.seen is not None:  # only an undated item has one: other payloads stay as they were
        data["seen"] = encode_when(item.seen)
    if item.language:  # likewise: only an item that says its own language
        data["lang"] = item.language
    return _ENCODER.encode(data)


def item_identity(text: str) -> tuple[str, str]:
    """A stored article's link and title without decoding the rest ("" when its payload
    cannot be read: it is then replaced by its GUID alone)."""
    try:
        data = json.loads(text)
        link, title = data.get("link"), data.get("title")
    except (ValueError, AttributeError):
        return "", ""
    return (link if isinstance(link, str) else "", title if isinstance(title, str) else "")


def decode_item(text: str, source_id: str, feed_url: str) -> NewsItem:
    data = json.loads(text)
    guid, link = data["guid"], data["link"]
    return NewsItem(  # most feeds' GUID is the link: one string for both, not two copies
        guid=guid, title=data["title"], link=guid if link == guid else link,
        published=decode_when(data["published"]),  # type: ignore[arg-type]
        updated=decode_when(data["updated"]),  # type: ignore[arg-type]
        summary=data["summary"], author=_word(data["author"]), source_id=source_id,
        feed_url=feed_url, seen=decode_when(data.get("seen")),  # type: ignore[arg-type]
        language=data.get("lang", ""),
    )


def encode_merged(event: MergedEvent) -> str:
    """A merged event as published (the snapshot a vanished event is published CANCELLED
    from): its fields, its overrides whole, and the provenance of each member.

    Of a member, what any output shows is where it came from (source, feed, UID, link): its
    other fields are the merged event's. Kept whole, members were half of each snapshot's
    bytes and a third of its encoding, and a first build writes one snapshot per event (at
    N = 1,000: 47 MB and 1 s to encode for 40,000 events, issue 8). Before 2026-11-29 each
    event was also a JSON string inside the JSON. :func:`decode_merged` reads every form.
    """
    data = {
        "head": _event_fields(event), "city": event.city,
        "members": [{"u": m.uid, "l": m.url, "s": m.source_id, "f": m.feed_url}
                    for m in event.members],
        "overrides": [{"e": _event_fields(o), "s": o.source_id, "f": o.feed_url}
                      for o in event.overrides],
    }
    return _ENCODER.encode(data)


def decode_merged(text: str) -> MergedEvent:
    """A snapshot back into the event it renders as; members stored whole (before
    2026-12-04) come back whole, members stored as their provenance carry the event's title
    and start besides it."""
    data = json.loads(text)
    head = _event_from(data["head"], "", "")

    def member(stored: dict[str, Any]) -> Event:
        if "e" in stored:
            return _event_from(stored["e"], stored["s"], stored["f"])
        return provenance_member(stored["u"], stored["l"], stored["s"], stored["f"],
                                 title=head.title, start=head.start)

    return MergedEvent(
        uid=head.uid, title=head.title, start=head.start, end=head.end, all_day=head.all_day,
        timezone=head.timezone, location=head.location, city=data["city"], url=head.url,
        description=head.description, status=head.status, categories=head.categories,
        rrule=head.rrule, rdates=head.rdates, exdates=head.exdates, sequence=head.sequence,
        last_modified=head.last_modified,
        members=tuple(member(m) for m in data["members"]),
        overrides=tuple(_event_from(o["e"], o["s"], o["f"]) for o in data["overrides"]),
    )


def decode_records(
    events: Iterable[Row], items: Iterable[Row]
) -> tuple[tuple[Event, ...], tuple[NewsItem, ...]]:
    """Every stored record decoded, an unchanged one (same payload) reused from the last call.

    A daemon's build decodes 40,000 events of which a refresh changed a few.
    """
    _EVENTS.new_build()
    _ITEMS.new_build()
    decoded_events = (_EVENTS.get(_key(row), lambda: _or_none(decode_event, row))
                      for row in map(_interned, events))
    decoded_items = (_ITEMS.get(_key(row), lambda: _or_none(decode_item, row))
                     for row in map(_interned, items))
    found = (tuple(event for event in decoded_events if event is not None),
             tuple(item for item in decoded_items if item is not None))
    _EVENTS.settle()
    _ITEMS.settle()
    return found


UNREADABLE = (ValueError, KeyError, TypeError, AttributeError, IndexError)
"""What decoding a corrupted payload (hand-edited, half-migrated) raises."""


def _or_none(decode: Callable[..., T], row: Row) -> T | None:
    """A corrupted row is left out of the build, not fatal to it: its feed's next successful
    refresh rewrites it (issue 7)."""
    try:
        return decode(*row)
    except UNREADABLE:
        return None


def snapshot_or_none(text: str) -> MergedEvent | None:
    """A stored snapshot, or None when it is corrupted: its event, if it vanished, then leaves
    the outputs instead of stopping the build (issue 7)."""
    try:
        return decode_merged(text)
    except UNREADABLE:
        return None


def _interned(row: Row) -> Row:
    """The row with one string object per source id and feed URL, shared by every record of
    the feed (``sys.intern``): each row brought its own copies, kept by its record and its
    memo key, 10 MB of a build at N = 1,000 (issue 8)."""
    payload, source_id, feed_url = row
    return payload, sys.intern(source_id), sys.intern(feed_url)


def _key(row: Row) -> bytes:
    """A row by a 128-bit BLAKE2 digest of its payload, source id and feed URL: as exact as
    the row itself in practice, without keeping 65,000 payloads (80 MB at N=1000) alive
    between builds, nor a tuple of three beside each digest (12 MB at N = 3,000)."""
    payload, source_id, feed_url = row
    digest = hashlib.blake2b(payload.encode(), digest_size=16)
    digest.update(f"\0{source_id}\0{feed_url}".encode())
    return digest.digest()
