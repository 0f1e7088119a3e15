"""calendar.ics and calendars/<slug>.ics: merged events as one RFC 5545 calendar.

Calendar clients are strict where feeds are sloppy, so this module writes what they expect:
one VTIMEZONE for every TZID used (the zone's yearly rule from tzdata, see vtimezone.py), UTC values as ``Z``,
all-day events as ``VALUE=DATE``, RDATE/EXDATE/RECURRENCE-ID/UNTIL of the same kind as DTSTART,
a series of dates without a rule as one VEVENT per date (Outlook skips it otherwise),
override VEVENTs carrying the merged UID, and bytes that depend only on the input (events sorted
by start then uid; ``now`` is a parameter), so a rebuild of the same data changes nothing.
Text escaping and line folding are icalendar's; control characters are dropped first.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, vDuration, vRecur
from icalendar import Event as VEvent

from ..memo import BytesInMemory, BytesMemo, shared
from ..models import Event, MergedEvent, Source, When
from ..recurrence import occurrences
from .dated_series import dated_occurrences, is_dated_series
from .vtimezone import vtimezone
from .vevent import escape_text, unambiguous, uri, utc_stamp, when_property, write_vevent
from .text import clean_text, one_line, source_names, status_of, written_in
from .times import (
    as_date,
    event_order,
    event_span,
    event_zone,
    in_zone,
    like,
    override_span,
    render_zone,
    require_aware,
    sortable,
    zone_name,
)

PRODID = "-//aggregator//Agenda numerique Grand Est - Luxembourg//FR"
REFRESH = timedelta(hours=1)
"""How often clients should poll (REFRESH-INTERVAL, X-PUBLISHED-TTL); feeds refresh hourly."""


_TZID = re.compile(rb';TZID="?([^:;"]+)')
_FOLD = re.compile(rb"\r\n[ \t]")
_END = b"END:VCALENDAR\r\n"


@dataclass(frozen=True, slots=True)
class EventBlock:
    """One merged event serialised (VEVENT + overrides), as its memo keeps it: the bytes
    without their DTSTAMP value, the build's ``now`` and the only part that differs from one
    build to the next (read from the memo each time a calendar is written), and the TZIDs
    the block uses, at hand."""

    memo: BlockMemo
    entry: Any

    @property
    def tzids(self) -> frozenset[str]:
        return self.memo.extra(self.entry)

    def chunks(self, stamp: bytes) -> tuple[bytes]:
        """The block with ``stamp`` (see :func:`stamp_line`) for its DTSTAMP lines."""
        return (self.memo.read(self.entry).replace(_NO_STAMP, stamp),)


BlockMemo = BytesMemo[MergedEvent, frozenset[str]]
"""Blocks without their DTSTAMP values, with their TZIDs."""
_NO_STAMP = b"\r\nDTSTAMP:\r\n"
"""Where a kept block's DTSTAMP value goes: we never write an empty DTSTAMP."""


def stamp_line(now: datetime) -> bytes:
    """The DTSTAMP line of a build at ``now``, with the line breaks around it: a CRLF then
    DTSTAMP only ever starts the property's own line, and its value is never folded."""
    return b"\r\nDTSTAMP:" + utc_stamp(require_aware(now)).encode() + b"\r\n"


def render_event_blocks(
    events: Sequence[MergedEvent], *, now: datetime, sources: Mapping[str, Source],
    memo: BlockMemo | None = None,
) -> dict[str, EventBlock]:
    """Serialise each event once, keyed by UID.

    The merged calendar and every filtered calendar hold the same VEVENT bytes; serialising
    them once instead of once per calendar cut a 12,000-event build from 33 s to a third
    (bench/pipeline.py, N=300: 12 calendars, 36,000 VEVENT serialisations before).
    ``memo`` (its context must be the source names) keeps the blocks for the next build and
    gives an unchanged event's back (issue 8); without one they are kept for this call only.
    """
    now = require_aware(now)
    stamp, written = stamp_line(now), utc_stamp(now)
    kept: BlockMemo = BytesInMemory() if memo is None else memo
    return {event.uid: EventBlock(kept, kept.get(event, lambda: _event_block(
        event, now, sources, stamp, written))) for event in events}


def _event_block(event: MergedEvent, now: datetime, sources: Mapping[str, Source],
                 stamp: bytes, written: str) -> tuple[bytes, frozenset[str]]:
    """The event's block without its DTSTAMP values (rendered with ``stamp``), and its TZIDs
    (``written``: ``now`` as a UTC stamp)."""
    if event.rrule is None and not event.rdates and not event.exdates:
        data, tzids = _one_off_block(event, now, written, sources)
    elif is_dated_series(event):
        data, tzids = b"", set()
        for occurrence in dated_occurrences(event):
            block, zones = _one_off_block(occurrence, now, written, sources)
            data, tzids = data + block, tzids | zones
    else:
        data = b"".join(c.to_ical() for c in event_components(event, now=now, sources=sources))
        tzids = {match.decode() for match in _TZID.findall(_FOLD.sub(b"", data))}
        data = data.replace(stamp, _NO_STAMP)
    return data, shared(frozenset(tzids - {"UTC"}))


def _one_off_block(event: MergedEvent, now: datetime, written: str,
                   sources: Mapping[str, Source]) -> tuple[bytes, set[str]]:
    """The same bytes as :func:`_master` through icalendar, written directly (see vevent.py),
    with an empty DTSTAMP (:data:`_NO_STAMP`), and its TZIDs. ``written``: ``now`` as
    :func:`~.vevent.utc_stamp` writes it."""
    # icalendar's canonical order: SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE, then the
    # other properties alphabetically.
    start, end = unambiguous(*event_span(event))  # the second 02:30 of a night: Etc/GMT
    title = summary(event.title, event.status, written_in(event.members, sources),
                    event.merged_into)
    lines = [f"SUMMARY:{escape_text(title)}", when_property("DTSTART", start)]
    if end is not None:
        lines.append(when_property("DTEND", end))
    lines += ["DTSTAMP:", f"UID:{escape_text(one_line(event.uid))}",
              f"SEQUENCE:{max(event.sequence, 0)}"]
    categories = [escape_text(one_line(c)) for c in event.categories if one_line(c)]
    if categories:
        lines.append("CATEGORIES:" + ",".join(categories))
    lines.append(f"DESCRIPTION:{escape_text(_description(event, sources))}")
    if event.last_modified is not None:  # a first build's is ``now`` itself, for every
        # event (lifecycle.publish): written once, not once per event (issue 8)
        modified = written if event.last_modified is now else utc_stamp(event.last_modified)
        lines.append(f"LAST-MODIFIED:{modified}")
    location, url = one_line(event.location or event.city), one_line(event.url)
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines.append(f"STATUS:{status_of(event.status)}")
    if url:
        lines.append(f"URL:{uri(url)}")
    tzids = {zone.key for zone in (_zone_of(start), _zone_of(end)) if zone is not None}
    return write_vevent(lines), tzids


def _zone_of(value: When | None) -> ZoneInfo | None:
    if isinstance(value, datetime) and isinstance(value.tzinfo, ZoneInfo):
        return value.tzinfo
    return None


def render_calendar(
    events: Sequence[MergedEvent],
    *,
    name: str,
    now: datetime,
    base_url: str,
    timezone: str,
    sources: Mapping[str, Source] | None = None,
    blocks: Mapping[str, EventBlock] | None = None,
    subscription: bool = True,
) -> bytes:
    """One VCALENDAR holding ``events``, as CRLF-separated, folded iCalendar bytes.

    ``sources`` (optional) names the organisations in each DESCRIPTION; without it their
    ids are used. ``blocks`` are pre-serialised events (see :func:`render_event_blocks`).
    ``subscription=False``: a file to add its events once ("add to my calendar"), without
    the calendar's name and refresh interval, which made Outlook open it as a new calendar
    instead of adding the event to the reader's own.
    Raises ValueError when ``now`` is naive or ``timezone`` unknown.
    """
    return b"".join(calendar_chunks(events, name=name, now=now, base_url=base_url,
                                    timezone=timezone, sources=sources, blocks=blocks,
                                    subscription=subscription))


def calendar_chunks(
    events: Sequence[MergedEvent],
    *,
    name: str,
    now: datetime,
    base_url: str,
    timezone: str,
    sources: Mapping[str, Source] | None = None,
    blocks: Mapping[str, EventBlock] | None = None,
    presorted: bool = False,
    subscription: bool = True,
) -> Iterator[bytes]:
    """:func:`render_calendar`'s bytes as pieces: the shared event blocks are not copied.

    The build writes the pieces one after the other: the merged calendar and each filtered
    calendar then cost a list of references, not a copy of every VEVENT they hold (issue 8).
    ``presorted``: ``events`` already follow ``event_order`` (the build sorts once for all)."""
    now = require_aware(now)
    zone = render_zone(timezone)
    ordered = events if presorted else sorted(events, key=event_order(zone))
    if blocks is None:
        blocks = render_event_blocks(ordered, now=now, sources=sources or {})
    header: bytes = _new_calendar(name, base_url, timezone, subscription).to_ical()
    tzids: set[str] = set()
    for event in ordered:
        tzids |= blocks[event.uid].tzids
    if not ordered:  # RFC 5545 wants a component: a filter matching nothing yet stays valid
        tzids.add(zone_name(zone))
    yield header.removesuffix(_END)
    yield from (_vtimezone_bytes(tzid, now.year - 1) for tzid in sorted(tzids))
    stamp = stamp_line(now)
    for event in ordered:
        yield from blocks[event.uid].chunks(stamp)
    yield _END


def renamed(body: bytes, name: str, *, base_url: str, timezone: str) -> bytes:
    """A calendar :func:`render_calendar` wrote (``body``) under another ``name``: its
    header written again, its time zones and events as they were."""
    first = min((at for at in (body.find(b"\r\nBEGIN:VTIMEZONE\r\n"),
                               body.find(b"\r\nBEGIN:VEVENT\r\n")) if at >= 0),
                default=len(body) - len(_END) - 2)
    header: bytes = _new_calendar(name, base_url, timezone, True).to_ical()
    return header.removesuffix(_END) + body[first + 2:]


def _new_calendar(name: str, base_url: str, timezone: str, subscription: bool) -> Calendar:
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if not subscription:
        return calendar
    calendar.add("name", one_line(name))
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("x-wr-caldesc", f"{one_line(name)} – {base_url.rstrip('/')}/")
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


@functools.lru_cache(maxsize=64)
def _vtimezone_bytes(tzid: str, from_year: int) -> bytes:
    data: bytes = vtimezone(tzid, from_year).to_ical()
    return data


def event_components(
    event: MergedEvent, *, now: datetime, sources: Mapping[str, Source]
) -> list[VEvent]:
    """The VEVENT of a merged event, then one override VEVENT per RECURRENCE-ID record.

    Overrides are written only for a recurring event (RRULE or RDATE); without a series
    they would point at an occurrence that does not exist.
    """
    master = _master(event, now, sources)
    if event.rrule is None and not event.rdates:
        return [master]
    start = event_span(event)[0]
    zone = event_zone(event.timezone, event.start)
    return [master] + [_override(event, record, start, zone, now, sources)
                       for record in event.overrides]


def _master(event: MergedEvent, now: datetime, sources: Mapping[str, Source]) -> VEvent:
    start, end = event_span(event)
    recurring = event.rrule is not None or bool(event.rdates)
    component = _timed_component(event.uid, start, end, now, pin_utc=recurring)
    component.add("summary", summary(event.title, event.status,
                                     written_in(event.members, sources), event.merged_into))
    component.add("description", _description(event, sources))
    _add_common(component, event.location or event.city, event.url, event.status)
    component.add("sequence", max(event.sequence, 0))
    if event.last_modified is not None:
        component.add("last-modified", _utc(event.last_modified))
    categories = [one_line(value) for value in event.categories if one_line(value)]
    if categories:
        component.add("categories", categories)
    zone = event_zone(event.timezone, event.start)
    _add_recurrence(component, event, start, zone)
    return component


def _timed_component(uid: str, start: When, end: When | None, now: datetime, *,
                     pin_utc: bool = False) -> VEvent:
    """UID, DTSTAMP, DTSTART and DTEND. ``pin_utc`` (a series' master) writes UTC times with
    ``TZID=Etc/GMT`` instead of ``Z``: readers that follow Google's reading of the
    calendar's X-WR-TIMEZONE (x-wr-timezone, our own parser) move ``Z`` times into that zone
    before expanding the rule, so a weekly 17:00Z came an hour early every summer week. They
    leave a zone alone unless it is named "UTC" (so not ``Etc/UTC``); strict readers read
    the same instants either way."""
    component = VEvent()
    component.add("uid", one_line(uid))
    component.add("dtstamp", _utc(now))
    if not pin_utc:  # (a series' DTSTART keeps its zone, whose rule it follows)
        start, end = unambiguous(start, end)
    for name, value in (("dtstart", start), ("dtend", end)):
        if value is None:
            continue
        if pin_utc and isinstance(value, datetime) and value.tzinfo is UTC:
            component.add(name, value.replace(tzinfo=None), parameters={"TZID": "Etc/GMT"})
        else:
            component.add(name, value)
    return component


def _add_common(component: VEvent, location: str, url: str, status: str) -> None:
    if one_line(location):
        component.add("location", one_line(location))
    if one_line(url):
        component.add("url", uri(one_line(url)))
    component.add("status", status_of(status))


CREDITS = {
    "fr": ("Publié par : ", "Aussi publié par : "),
    "en": ("Posted by: ", "Also posted by: "),
    "de": ("Veröffentlicht von: ", "Auch veröffentlicht von: "),
}
"""Who posted an event, in the language of its description: its representative source's."""


CALLED_OFF = {"fr": "Annulé : ", "en": "Cancelled: ", "de": "Abgesagt: "}
_SAYS_SO = re.compile(r"\W*(annul|cancel|abgesagt|entf[äa]llt|storniert)", re.IGNORECASE)


def summary(title: str, status: str, language: str, merged_into: str = "") -> str:
    """The title, saying "called off" (in ``language``) when the event is and it does not
    already: Outlook and Apple Calendar show a CANCELLED event of a subscribed calendar as
    any other, and its subscribers went to a talk that was not held. Not a copy merged into
    another event (``merged_into``): CANCELLED for calendar clients only, it still takes
    place, under the other UID."""
    shown = one_line(title)
    if status_of(status) != "CANCELLED" or merged_into or _SAYS_SO.match(shown):
        return shown
    return CALLED_OFF.get(language, CALLED_OFF["fr"]) + shown


def _description(event: MergedEvent, sources: Mapping[str, Source], text: str = "",
                 url: str = "") -> str:
    """Plain text, then who posted it (the representative first), then the link: the
    event's, or (a moved date) ``text`` and ``url`` when given."""
    names = source_names(event.members, sources)
    posted, also = CREDITS.get(written_in(event.members, sources), CREDITS["fr"])
    credits = []
    if names:
        credits.append(f"{posted}{names[0]}")
    if len(names) > 1:
        credits.append(f"{also}{', '.join(names[1:])}")
    parts = [clean_text(text) or clean_text(event.description), "\n".join(credits),
             uri(one_line(url or event.url))]
    return "\n\n".join(part for part in parts if part)


def _add_recurrence(component: VEvent, event: MergedEvent, start: When, zone: tzinfo) -> None:
    if event.rrule:
        rule = _rule(event.rrule, start, zone)
        if rule is not None:
            component.add("rrule", rule)
    for name, values in (("rdate", (*event.rdates, *_off_series(event, start, zone))),
                         ("exdate", event.exdates)):
        aligned = {like(value, start, zone) for value in values}
        for value in sorted(aligned, key=sortable):
            component.add(name, value)


def _off_series(event: MergedEvent, start: When, zone: tzinfo) -> list[When]:
    """The RECURRENCE-IDs of moved dates that name no date of their series (a tool that kept
    the series' old weekday, say), to add as RDATEs: RFC 5545 lets clients drop such an
    override, and Thunderbird and Outlook showed nothing that week where the feed's own
    readers (and our agenda) show the moved date."""
    if event.rrule is None:
        return []
    named = [like(record.recurrence_id, start, zone) for record in event.overrides
             if record.recurrence_id is not None]
    rdates = [like(value, start, zone) for value in event.rdates]
    found = occurrences(event.rrule, start, rdates, named)
    return [value for value, known in zip(named, found, strict=True) if not known]


def _rule(text: str, start: When, zone: tzinfo) -> vRecur | None:
    """The RRULE with UNTIL aligned on DTSTART (a date, or UTC); None when unreadable."""
    try:
        rule: vRecur = vRecur.from_ical(text.removeprefix("RRULE:"))
    except ValueError:
        return None
    until = rule.get("UNTIL")
    if until:
        try:
            rule["UNTIL"] = [_until(until[0], start, zone)]
        except OverflowError:  # 9999-12-31T23:59:59Z is in the year 10000 east of UTC: an
            del rule["UNTIL"]  # UNTIL at the calendar's very end ends nothing (one feed's
    return rule                # such rule stopped every build)


def _until(until: When, start: When, zone: tzinfo) -> When:
    if not isinstance(start, datetime):
        return as_date(until, zone)
    if not isinstance(until, datetime):
        until = datetime.combine(until, time(23, 59, 59), zone)
    moved = in_zone(until, zone)
    assert isinstance(moved, datetime)
    return _utc(moved)


def _override(
    event: MergedEvent, record: Event, master_start: When, zone: tzinfo, now: datetime,
    sources: Mapping[str, Source],
) -> VEvent:
    """A RECURRENCE-ID VEVENT with the merged UID; empty fields fall back to the series."""
    start, end = override_span(record, master_start, event.timezone)
    component = _timed_component(event.uid, start, end, now)
    recurrence_id = record.recurrence_id if record.recurrence_id is not None else record.start
    component.add("recurrence-id", like(recurrence_id, master_start, zone))
    status = record.status or event.status
    component.add("summary", summary(one_line(record.title) or event.title, status,
                                     written_in(event.members, sources), event.merged_into))
    component.add("description", _description(event, sources, record.description, record.url))
    _add_common(component, record.location or event.location or event.city,
                record.url or event.url, status)
    component.add("sequence", max(record.sequence, event.sequence, 0))
    return component


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
