"""iCalendar bytes -> :class:`Event` records, with icalendar and x-wr-timezone.

The one module that reads iCalendar. It copes with what real exporters publish (Google's UTC
times plus X-WR-TIMEZONE, Outlook's Windows zone names, floating times in hand-made files, HTML
in DESCRIPTION, DURATION instead of DTEND) and keeps recurrence data as written (RRULE text,
RDATE, EXDATE, RECURRENCE-ID overrides as their own records): expansion is the renderers' job.
A broken VEVENT is skipped with a warning; only an unreadable body raises :class:`ParseError`.
"""

from __future__ import annotations

import hashlib
import re
import warnings
import zoneinfo
from dataclasses import replace
from datetime import date, datetime

import icalendar
import x_wr_timezone
from icalendar.prop import vBroken

from .ical_lint import zone_warnings
from .ical_periods import period_overrides, read_periods
from .ical_range import for_later_dates, split_series
from .ical_uids import distinct_uids, no_uid_note
from .publishable import free_busy_only, free_busy_warning, is_public, without_private_dates
from ..errors import ParseError, one_line
from ..models import Event, ParsedFeed, When
from .guards import check_closed, check_ical_depth, cut_date_lists, cut_vevents
from .ical_junk import (
    damages_structure,
    icalendar_says,
    skipped_lines_note,
    unreadable_lines_in,
    without_unreadable_lines,
)
from .mojibake import double_encoding_note, rejoin_split_characters, repair_calendar
from .ical_dates import (
    CalendarContext,
    DateBudget,
    SkippedEvent,
    at_the_ends,
    describe,
    dt_of,
    first,
    iso_dates_note,
    iso_when,
    outlook_all_day,
    read_dates,
    read_end,
    read_optional_when,
    read_rules,
    text_of,
    to_when,
)
from .ical_titles import title_or_fallback
from .text import clean_line, first_line, html_to_text, is_web_url, plain_text, text_with_breaks
from .timezones import TimezoneResolver, calendar_zone, well_known_zone

MAX_EVENTS = 20_000
"""Per feed; a 10 MB body (the fetch cap) of minimal VEVENTs holds about 200 000, and icalendar
reads about 7 000 a second here, so the rest is cut before parsing (parse/guards.py, issue 7)."""
UTC = zoneinfo.ZoneInfo("UTC")
STATUSES = {"CONFIRMED": "CONFIRMED", "TENTATIVE": "TENTATIVE", "CANCELLED": "CANCELLED",
            "CANCELED": "CANCELLED"}  # fmt: skip
BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")
CALENDAR_END = re.compile(r"^END:VCALENDAR[ \t]*$", re.MULTILINE | re.IGNORECASE)
SIDE_BLOCKS = re.compile(
    r"^BEGIN:(VTIMEZONE|VALARM)\s*$.*?^END:\1\s*$\n?", re.DOTALL | re.MULTILINE | re.IGNORECASE
)
"""VTIMEZONEs and VALARMs: we can read events without them (TZIDs resolve by name first)."""


def parse_ical(body: bytes, url: str, default_tz: str = "Europe/Paris") -> ParsedFeed:
    """Read every VEVENT of an iCalendar body (one or several VCALENDARs).

    Raises:
        ParseError: the body is not iCalendar, or icalendar cannot read it at all.
    """
    text, notes = decode_body(body)
    text, repaired = repair_calendar(text)
    if repaired:
        notes.append(double_encoding_note(repaired))
    calendars = load_calendars(text, url, notes)
    notes.extend(zone_warnings(text[:2_000_000]))
    default = well_known_zone(default_tz) or UTC
    events: list[Event] = []
    title = ""
    budget = MAX_EVENTS
    dates = DateBudget()
    for calendar in calendars:
        title = title or clean_line(str(calendar.get("X-WR-CALNAME", "")))
        events.extend(read_calendar(calendar, url, default, notes, budget, dates))
        budget -= len(calendar.walk("VEVENT"))
    if budget < 0:
        notes.append(f"{MAX_EVENTS - budget} VEVENTs: read the first {MAX_EVENTS}")
    events = distinct_uids(events, notes)
    return ParsedFeed(format="ical", title=title, events=tuple(events), warnings=tuple(notes))


_BYTE_ORDER_MARKS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                     (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode_body(body: bytes) -> tuple[str, list[str]]:
    """Decode as UTF-8 (RFC 5545); UTF-16 or UTF-32 by its byte-order mark (Windows tools
    save so: read as Windows-1252, "Kraków – Łódź" came out "Kraków Aódz", with two false
    warnings); UTF-8 once the folds that split a character are undone (mojibake.py); else
    Windows-1252 with a warning."""
    for mark, codec in _BYTE_ORDER_MARKS:
        if body.startswith(mark):
            return body.decode(codec, errors="replace"), []
    try:
        return body.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        if (joined := rejoin_split_characters(body)) is not None:
            return joined.decode("utf-8-sig"), []
        note = f"not UTF-8 (byte {error.start}): read as Windows-1252"
        return body.decode("cp1252", errors="replace"), [note]


def load_calendars(text: str, url: str, notes: list[str]) -> list[icalendar.Calendar]:
    """Parse the VCALENDARs in ``text``, ignoring junk before the first one.

    Three leniencies, each with a warning: bare VEVENTs get a VCALENDAR wrapper; when
    icalendar refuses the file for lines that are no iCalendar at all (a PHP notice amid a
    WordPress export) we retry without them (parse/ical_junk.py); and when it refuses it
    because of a VTIMEZONE or VALARM (impossible offsets, empty TZID, bad TRIGGER: corpus
    icalevents__icloud.ics, ical4j__blankTzid.ics, khal__non_dst_error.ics) we retry
    without them, since TZIDs resolve by name first (parse/timezones.py) and alarms are not
    ours to publish.

    Raises:
        ParseError: no VCALENDAR (nor bare VEVENT), or icalendar cannot read it.
    """
    text = text.replace("\x00", "")
    start = text.upper().find("BEGIN:VCALENDAR")
    if start < 0:
        if not text.lstrip().upper().startswith("BEGIN:VEVENT"):
            raise ParseError(url, "not an iCalendar file: no BEGIN:VCALENDAR")
        notes.append("no VCALENDAR around the VEVENTs: read them anyway")
        text, start = f"BEGIN:VCALENDAR\r\n{text.strip()}\r\nEND:VCALENDAR\r\n", 0
    if first_line(text[:start]):
        notes.append(f"text before BEGIN:VCALENDAR ignored, the first line: "
                     f"{first_line(text[:start])!r}")
    text, skipped = text[start:], text.count("\n", 0, start)
    if "END:VCALENDAR" not in text.upper():
        raise ParseError(url, "truncated iCalendar file: no END:VCALENDAR")
    check_ical_depth(text, url)
    text, total = cut_vevents(text, MAX_EVENTS)
    if total > MAX_EVENTS:
        notes.append(f"{total} VEVENTs: read the first {MAX_EVENTS}")
    text, cut = cut_date_lists(text)
    notes.extend(cut)
    try:
        components = from_ical(text)
    except Exception as error:  # noqa: BLE001 - icalendar raises ValueError, KeyError, ...
        components = read_despite(text, error, url, notes)
    if any(BLANK_LINE.search(part.strip()) for part in CALENDAR_END.split(text)):
        notes.append("blank lines inside the calendar (RFC 5545 forbids them): skipped")
    calendars = [c for c in components if isinstance(c, icalendar.Calendar)]
    if not calendars:
        check_closed(text, url, first_line=skipped + 1)
        raise ParseError(url, "not an iCalendar file: no VCALENDAR component")
    return calendars


def read_despite(text: str, error: Exception, url: str, notes: list[str]) -> list[icalendar.Component]:
    """The components of a calendar icalendar refused with ``error``, read again without the
    lines that are no iCalendar (a PHP warning amid the export; not when one of them looks
    like a damaged BEGIN or END, nor when there are more than a thousand), then without its
    VTIMEZONEs and VALARMs too; each leniency that was needed is noted.

    Raises:
        ParseError: icalendar refuses it all the same (``error`` says why: the first, more
            telling, error).
    """
    cleaned, dropped = without_unreadable_lines(text)
    if damages_structure(dropped):
        cleaned, dropped = text, []
    junk = [skipped_lines_note(dropped)] if dropped else []
    note = f"unreadable VTIMEZONE or VALARM ({one_line(icalendar_says(error), 100)}): ignored them"
    attempts = [(cleaned, junk)] if dropped else []
    without = SIDE_BLOCKS.sub("", cleaned)
    if without != cleaned:
        attempts.append((without, [*junk, note]))
    for candidate, leniencies in attempts:
        try:
            components = from_ical(candidate)
        except Exception:  # noqa: BLE001 - as above
            continue
        if components:
            notes.extend(leniencies)
            return components
    raise ParseError(url, f"unreadable iCalendar: {one_line(icalendar_says(error), 160)}") from None


def from_ical(text: str) -> list[icalendar.Component]:
    """icalendar's parser, silenced: its warnings are about the file, reported our way."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        components = icalendar.Calendar.from_ical(text, multiple=True)
    return list(components)


def read_calendar(
    calendar: icalendar.Calendar, url: str, default: zoneinfo.ZoneInfo, notes: list[str], limit: int,
    dates: DateBudget,
) -> list[Event]:
    """Read one VCALENDAR: resolve its floating zone, apply X-WR-TIMEZONE, convert VEVENTs."""
    floating = default
    declared = calendar.get("X-WR-TIMEZONE")
    if declared is not None:
        zone = calendar_zone(str(declared), default, notes)
        if zone is not None:
            floating = zone
            calendar = apply_x_wr_timezone(calendar, zone, notes)
    vtimezones = {str(c.get("TZID", "")): c for c in calendar.walk("VTIMEZONE")}
    resolver = TimezoneResolver(vtimezones, floating, preferred=(default.key, floating.key))
    context = CalendarContext(url, resolver, notes, dates)
    events = read_events(calendar, context, max(limit, 0))
    notes.extend(dict.fromkeys(resolver.warnings))
    return called_off(events, notes) if _method(calendar) == "CANCEL" else events


def _method(calendar: icalendar.Calendar) -> str:
    return str(calendar.get("METHOD", "")).strip().upper()


def called_off(events: list[Event], notes: list[str]) -> list[Event]:
    """A calendar of METHOD:CANCEL (RFC 5546, a meeting's cancellation notice) lists events
    called off, whatever each VEVENT's STATUS says. Read as confirmed, a meetup whose notice
    an organiser published as its feed was announced as taking place."""
    if not events:
        return events
    notes.append("a calendar of cancellations (METHOD:CANCEL): 1 event read as cancelled"
                 if len(events) == 1 else "a calendar of cancellations (METHOD:CANCEL): "
                 f"{len(events):,} events read as cancelled")
    return [replace(event, status="CANCELLED") for event in events]


def apply_x_wr_timezone(
    calendar: icalendar.Calendar, zone: zoneinfo.ZoneInfo, notes: list[str]
) -> icalendar.Calendar:
    """Move Google's UTC and floating times into the calendar's X-WR-TIMEZONE.

    Times written with a TZID are neither, and keep it: x-wr-timezone takes a time whose zone
    has no name for floating, and a VTIMEZONE without TZNAME (Outlook writes none) gives
    exactly that, so "09:00 in the file's +05:00 zone" became 09:00 in X-WR-TIMEZONE.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            converted: icalendar.Calendar = x_wr_timezone.to_standard(calendar, timezone=zone)
    except Exception as error:  # noqa: BLE001 - keep the UTC times rather than lose the feed
        notes.append(f"could not apply X-WR-TIMEZONE {zone.key}: {one_line(str(error), 120)}")
        return calendar
    # x-wr-timezone copies only the events it changed, in place (VEVENTs are top level).
    for before, after in zip(calendar.subcomponents, converted.subcomponents):
        if before is not after:
            for name in ZONED_PROPERTIES:
                value = before.get(name)
                if value is not None and any("TZID" in getattr(v, "params", {})
                                             for v in _as_list(value)):
                    after[name] = value
    return converted


ZONED_PROPERTIES = ("DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID")


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def read_events(
    calendar: icalendar.Calendar, context: CalendarContext, limit: int
) -> list[Event]:
    """An Event per readable public VEVENT among the first ``limit``; warn about the others."""
    events: list[Event] = []
    withheld: list[icalendar.Component] = []
    ranged: set[tuple[str, When]] = set()
    components = calendar.walk("VEVENT")[:limit]
    if free_busy_only(components):
        context.warnings.append(free_busy_warning(len(components)))
        return events
    for component in components:
        if not is_public(component):
            withheld.append(component)
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                event = read_event(component, context)
        except SkippedEvent as skipped:
            context.warnings.append(f"skipped VEVENT {describe(component)}: {skipped}")
            continue
        except Exception as error:  # noqa: BLE001 - one odd VEVENT must not sink the feed
            problem = f"{type(error).__name__}: {one_line(str(error), 120)}"
            context.warnings.append(f"skipped VEVENT {describe(component)}: {problem}")
            continue
        events.append(event)
        if event.rdates:  # those given as periods with their own length
            events.extend(period_overrides(event, read_periods(component, context)))
        if event.recurrence_id is not None and for_later_dates(component):
            ranged.add((event.uid, event.recurrence_id))
        unread = unreadable_lines_in(component.errors)
        if unread:
            context.warnings.append(f"VEVENT {describe(component)}: {skipped_lines_note(unread)}")
    events = split_series(events, ranged) if ranged else events
    if context.iso_dates:
        context.warnings.append(iso_dates_note(context.iso_dates))
    if context.no_uid:
        context.warnings.append(no_uid_note(context.no_uid))
    if withheld:
        context.warnings.append(
            f"left out {len(withheld)} private event{'s' if len(withheld) > 1 else ''} "
            "(CLASS:PRIVATE or CONFIDENTIAL): not published")
        events = without_private_dates(events, withheld, context)
    return events


def read_event(component: icalendar.Component, context: CalendarContext) -> Event:
    """Convert one VEVENT.

    Raises:
        SkippedEvent: no DTSTART, or one we cannot read.
    """
    start_property = first(component.get("DTSTART"))
    if start_property is None:
        raise SkippedEvent("no DTSTART")
    if isinstance(start_property, vBroken):
        start = iso_when(start_property, context)
        if start is None:
            raise SkippedEvent(f"unreadable DTSTART {str(start_property)[:40]!r}")
    else:
        start = to_when(start_property, context)
    if at_the_ends(start):
        raise beyond_reach("DTSTART", start)
    start, end = outlook_all_day(component, start, read_end(component, start, context))
    if isinstance(end, datetime) and at_the_ends(end):  # a day's end is the next day: 9999-12-31
        raise beyond_reach("DTEND", end)
    title = plain_text(text_of(component, "SUMMARY")).replace("\n", " ")
    url = clean_line(text_of(component, "URL"))
    url = f"https://{url}" if url.lower().startswith("www.") else url  # as a browser reads it
    url = url if is_web_url(url) else ""  # javascript:, data:, mailto: never become a link (issue 7)
    rule, further = read_rules(component, start, context)
    description = read_description(component)
    location = clean_line(plain_text(text_of(component, "LOCATION")))
    recurrence_id = read_optional_when(component, "RECURRENCE-ID", context)
    return Event(
        uid=read_uid(component, title, start, context),
        title=title_or_fallback(clean_line(title), description, location, recurrence_id, context),
        start=start,
        end=end,
        all_day=not isinstance(start, datetime),
        timezone=start.tzinfo.key if isinstance(start, datetime) else None,  # type: ignore[union-attr]
        location=location,
        description=description,
        url=url,
        status=STATUSES.get(text_of(component, "STATUS").strip().upper(), "CONFIRMED"),
        categories=read_categories(component),
        rrule=rule,
        rdates=(*read_dates(component, "RDATE", context), *further),
        exdates=read_dates(component, "EXDATE", context),
        recurrence_id=recurrence_id,
        sequence=read_sequence(component),
        last_modified=read_last_modified(component),
        organizer=read_organizer(component),
        feed_url=context.url,
    )


def beyond_reach(name: str, value: When) -> SkippedEvent:
    """Why an event at the calendar's ends (ical_dates.at_the_ends) is skipped."""
    return SkippedEvent(f"{name} {value.isoformat()} is at the very end of the calendar (no "
                        "time zone can show it)")


def read_uid(component: icalendar.Component, title: str, start: When, context: CalendarContext) -> str:
    """The UID, or a stable one made from title, start and feed URL (with a warning)."""
    uid = clean_line(text_of(component, "UID"))
    if uid:
        return uid
    seed = f"{title}|{start.isoformat()}|{context.url}".encode()
    context.no_uid.append(describe(component))
    return hashlib.sha256(seed).hexdigest()[:32] + "@aggregator.invalid"


def read_description(component: icalendar.Component) -> str:
    """DESCRIPTION as plain text; the HTML in X-ALT-DESC when DESCRIPTION is missing.

    X-ALT-DESC is TEXT (MS-OXCICAL) that icalendar, not knowing it, leaves escaped: Outlook's
    ``<HTML>\\n<BODY>`` beside an empty DESCRIPTION became a description of backslashes."""
    description = text_of(component, "DESCRIPTION")
    if description.strip():
        return text_with_breaks(description, links=True)
    return html_to_text(TEXT_ESCAPE.sub(_unescaped, text_of(component, "X-ALT-DESC")), links=True)


TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")
"""RFC 5545 3.3.11's escapes in a TEXT value: ``\\\\``, ``\\;``, ``\\,``, ``\\n`` (or ``\\N``)."""


def _unescaped(escape: re.Match[str]) -> str:
    return "\n" if escape.group(1) in "nN" else escape.group(1)


def read_categories(component: icalendar.Component) -> tuple[str, ...]:
    """CATEGORIES flattened over repeated properties and comma-separated values."""
    props = component.get("CATEGORIES")
    names: list[str] = []
    for prop in props if isinstance(props, list) else [props] if props is not None else []:
        values = getattr(prop, "cats", None) if not isinstance(prop, vBroken) else None
        for value in values if values is not None else str(prop).split(","):
            names.append(clean_line(str(value)))
    return tuple(dict.fromkeys(name for name in names if name))


def read_sequence(component: icalendar.Component) -> int:
    """SEQUENCE as an int, 0 when absent or unreadable."""
    try:
        return max(0, int(str(first(component.get("SEQUENCE")) or 0)))
    except ValueError:
        return 0


def read_last_modified(component: icalendar.Component) -> datetime | None:
    """LAST-MODIFIED as an aware UTC datetime (RFC 5545 writes it in UTC)."""
    value = dt_of(first(component.get("LAST-MODIFIED")))
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def read_organizer(component: icalendar.Component) -> str:
    """The organiser's CN, else the address without ``mailto:``."""
    organizer = first(component.get("ORGANIZER"))
    if organizer is None:
        return ""
    params = getattr(organizer, "params", {})
    name = params.get("CN") if hasattr(params, "get") else None
    if name:
        return clean_line(str(name).strip('"'))
    address = str(organizer)
    return clean_line(address[7:] if address.lower().startswith("mailto:") else address)
