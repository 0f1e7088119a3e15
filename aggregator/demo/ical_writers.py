"""One small writer per calendar exporter: the demo's .ics files in their real-world shapes.

Why: organisers publish with Google Calendar, Exchange, Meetup, WordPress (The Events
Calendar), iCloud, Nextcloud or a hand-written file, and each writes times, places and UIDs
differently. The parser and the deduplicator must meet those shapes in the demo, so each writer
reproduces the header, property order, time style, line endings and folding of its model file
in /work/shared/corpus/ics (named in each docstring). Input: :class:`CalendarDoc`; output: bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ..models import When
from .catalog import CalendarShape, Venue
from .ical_text import (
    duration_text,
    escape,
    local_stamp,
    to_bytes,
    utc_stamp,
    vtimezone_rules,
    vtimezone_transitions,
    vtimezone_windows,
    when_line,
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One VEVENT to write, as the publishing organisation knows it."""

    uid: str
    title: str
    start: When
    end: When
    venue: Venue
    location: str
    """Free-text override; empty means the writer spells the venue its own way."""
    description: str
    url: str
    status: str
    categories: tuple[str, ...]
    created: datetime
    modified: datetime
    rrule: str = ""
    exdates: tuple[When, ...] = ()
    recurrence_id: When | None = None
    sequence: int = 0


@dataclass(frozen=True, slots=True)
class CalendarDoc:
    """One organisation's calendar file."""

    name: str
    domain: str
    tz: str
    language: str
    stamp: datetime
    """Export time (UTC): DTSTAMP of every VEVENT."""
    entries: tuple[Entry, ...]


def _join(*parts: str, sep: str = ", ") -> str:
    return sep.join(part for part in parts if part)


def _place(entry: Entry, spell: Callable[[Venue], str]) -> str:
    """The posting's own text, else the venue as this exporter spells it (online: name only)."""
    if entry.location:
        return entry.location
    return spell(entry.venue) if entry.venue.street else entry.venue.name


def google_place(v: Venue) -> str:
    return _join(v.name, v.street, _join(v.postcode, v.city, sep=" "), v.country)


def outlook_place(v: Venue) -> str:
    return f"{v.name}, {v.room}" if v.room else f"{v.name} ({v.city})"


def meetup_place(v: Venue) -> str:
    return f"{v.name} ({v.street}, {v.city})"


def wordpress_place(v: Venue) -> str:
    return _join(v.name, v.street, v.city, v.postcode, v.country)


def nextcloud_place(v: Venue) -> str:
    return _join(v.name, v.street, _join(v.postcode, v.city, sep=" "))


def handmade_place(v: Venue) -> str:
    return f"{v.name} - {v.street}, {v.city}"


def _categories(entry: Entry) -> list[str]:
    if not entry.categories:
        return []
    return [f"CATEGORIES:{','.join(escape(c) for c in entry.categories)}"]


def _when_lines(entry: Entry, tz: str, style: str) -> list[str]:
    lines = [when_line("DTSTART", entry.start, tz, style), when_line("DTEND", entry.end, tz, style)]
    if entry.rrule:
        lines.append(f"RRULE:{entry.rrule}")
    lines += [when_line("EXDATE", day, tz, style) for day in entry.exdates]
    return lines


def _recurrence_id(entry: Entry, tz: str, style: str) -> list[str]:
    if entry.recurrence_id is None:
        return []
    return [when_line("RECURRENCE-ID", entry.recurrence_id, tz, style)]


def write_google(doc: CalendarDoc) -> bytes:
    """Google Calendar public feed (model: icalevents__google_tz.ics): UTC for single events,
    TZID + VTIMEZONE for series, HTML links in DESCRIPTION, no URL property."""
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
             "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape(doc.name)}", f"X-WR-TIMEZONE:{doc.tz}",
             f"X-WR-CALDESC:{escape('Agenda public – ' + doc.name)}"]
    if any(e.rrule or e.recurrence_id for e in doc.entries):
        lines += vtimezone_rules(doc.tz)
    label = {"fr": "Infos et inscription", "de": "Infos und Anmeldung"}.get(doc.language, "Info")
    for e in doc.entries:
        style = "tzid" if e.rrule or e.recurrence_id else "utc"
        link = f'<br><br>{label} : <a href="{e.url}">{e.url}</a>' if e.url else ""
        text = e.description + link
        lines += ["BEGIN:VEVENT", *_when_lines(e, doc.tz, style), f"DTSTAMP:{utc_stamp(doc.stamp)}",
                  f"UID:{e.uid}", *_recurrence_id(e, doc.tz, style),
                  f"CREATED:{utc_stamp(e.created)}", f"DESCRIPTION:{escape(text)}",
                  f"LAST-MODIFIED:{utc_stamp(e.modified)}",
                  f"LOCATION:{escape(_place(e, google_place))}",
                  f"SEQUENCE:{e.sequence}", f"STATUS:{e.status}", f"SUMMARY:{escape(e.title)}",
                  "TRANSP:OPAQUE", "END:VEVENT"]
    return to_bytes(lines + ["END:VCALENDAR"])


def write_outlook(doc: CalendarDoc) -> bytes:
    """Exchange 2010 / Outlook on the web publishing (model: icalevents__recurrenceid_ms.ics):
    Windows TZID ``Romance Standard Time``, long hex UIDs, X-MICROSOFT-CDO-* properties."""
    tz = "Romance Standard Time"
    lines = ["BEGIN:VCALENDAR", "METHOD:PUBLISH", "PRODID:Microsoft Exchange Server 2010",
             "VERSION:2.0", f"X-WR-CALNAME:{escape(doc.name)}", *vtimezone_windows()]
    for e in doc.entries:
        kind = "3" if e.recurrence_id else "1" if e.rrule else "0"
        lines += ["BEGIN:VEVENT", f"DESCRIPTION;LANGUAGE=fr-FR:{escape(e.description)}"]
        lines += [f"RRULE:{e.rrule}"] if e.rrule else []
        lines += [f"UID:{e.uid}", *_recurrence_id(e, tz, "tzid"),
                  f"SUMMARY;LANGUAGE=fr-FR:{escape(e.title)}",
                  when_line("DTSTART", e.start, tz, "tzid"),
                  when_line("DTEND", e.end, tz, "tzid"),
                  "CLASS:PUBLIC", "PRIORITY:5", f"DTSTAMP:{utc_stamp(doc.stamp)}",
                  "TRANSP:OPAQUE", f"STATUS:{e.status}", f"SEQUENCE:{e.sequence}",
                  f"LOCATION;LANGUAGE=fr-FR:{escape(_place(e, outlook_place))}",
                  f"X-MICROSOFT-CDO-APPT-SEQUENCE:{e.sequence}",
                  "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
                  "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY", "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
                  "X-MICROSOFT-CDO-IMPORTANCE:1", f"X-MICROSOFT-CDO-INSTTYPE:{kind}",
                  "X-MICROSOFT-DONOTFORWARDMEETING:FALSE", "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
                  "END:VEVENT"]
    return to_bytes(lines + ["END:VCALENDAR"])


DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def _meetup_when(moment: When, tz: str) -> str:
    """Meetup's English header line, whatever the locale: ``Thursday, June 19 at 6:30 PM``."""
    local = moment.astimezone(ZoneInfo(tz)) if isinstance(moment, datetime) else moment
    day = f"{DAYS[local.weekday()]}, {MONTHS[local.month - 1]} {local.day}"
    if not isinstance(local, datetime):
        return day
    hour = local.hour % 12 or 12
    return f"{day} at {hour}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def write_meetup(doc: CalendarDoc) -> bytes:
    """Meetup group feed (model: icalendar__case_meetup.ics): tzurl VTIMEZONE, English date
    header in DESCRIPTION, ``Venue (address)`` LOCATION, GEO, event_…@meetup.com UIDs."""
    group = doc.domain.split(".")[0]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Meetup//RemoteApi//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-ORIGINAL-URL:https://meetup.example/{group}/events/ical/{group}/",
             f"X-WR-CALNAME:Events - {escape(doc.name)}", *vtimezone_rules(doc.tz, tzurl=True)]
    for e in doc.entries:
        header = f"{doc.name}\n{_meetup_when(e.start, doc.tz)}"
        text = f"{header}\n\n{e.description}\n\nDetails: {e.url}"
        lines += ["BEGIN:VEVENT", f"DTSTAMP:{utc_stamp(doc.stamp)}",
                  *_when_lines(e, doc.tz, "tzid"), f"STATUS:{e.status}",
                  f"SUMMARY:{escape(e.title)}", f"DESCRIPTION:{escape(text)}", "CLASS:PUBLIC",
                  f"CREATED:{utc_stamp(e.created)}", f"GEO:{e.venue.lat:.2f};{e.venue.lon:.2f}",
                  f"LOCATION:{escape(_place(e, meetup_place))}",
                  f"URL:{e.url}", f"LAST-MODIFIED:{utc_stamp(e.modified)}", f"UID:{e.uid}",
                  "END:VEVENT"]
    return to_bytes(lines + ["END:VCALENDAR"])


def write_wordpress(doc: CalendarDoc) -> bytes:
    """WordPress + The Events Calendar 6 (model: nodeical__test_with_multiple_tzids_in_vtimezone
    .ics): per-year VTIMEZONE, naive DTSTAMP, ``post-start-end@host`` UIDs, long lines unfolded."""
    years = range(min(e.start.year for e in doc.entries), max(e.end.year for e in doc.entries) + 1)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             f"PRODID:-//{doc.name} - ECPv6.5.1.4//NONSGML v1.0//EN", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(doc.name)}",
             f"X-ORIGINAL-URL:https://{doc.domain}",
             f"X-WR-CALDESC:{escape('Évènements pour ' + doc.name)}",
             "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-Robots-Tag:noindex",
             "X-PUBLISHED-TTL:PT1H", *vtimezone_transitions(doc.tz, years)]
    for e in doc.entries:
        lines += ["BEGIN:VEVENT", *_when_lines(e, doc.tz, "tzid"),
                  f"DTSTAMP:{local_stamp(doc.stamp, doc.tz)}", f"CREATED:{utc_stamp(e.created)}",
                  f"LAST-MODIFIED:{utc_stamp(e.modified)}", f"UID:{e.uid}",
                  f"SUMMARY:{escape(e.title)}", f"DESCRIPTION:{escape(e.description)}",
                  f"URL:{e.url}",
                  f"LOCATION:{escape(_place(e, wordpress_place))}", *_categories(e),
                  *(["STATUS:CANCELLED"] if e.status == "CANCELLED" else []),
                  f'ORGANIZER;CN="{doc.name}":MAILTO:agenda@{doc.domain}', "END:VEVENT"]
    return to_bytes(lines + ["END:VCALENDAR"], folded=False)


def write_icloud(doc: CalendarDoc) -> bytes:
    """iCloud public calendar (model: pyical__apple_ical.ics): no VTIMEZONE, IANA TZIDs, UUID
    UIDs, two-line LOCATION plus X-APPLE-STRUCTURED-LOCATION."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
             "PRODID:-//caldav.icloud.com//CALDAVJ 2514B607//EN",
             f"X-WR-CALNAME:{escape(doc.name)}", "X-APPLE-CALENDAR-COLOR:#ff2d55"]
    for e in doc.entries:
        v = e.venue
        address = _join(v.street, _join(v.postcode, v.city, sep=" "), v.country)
        lines += ["BEGIN:VEVENT", f"CREATED:{utc_stamp(e.created)}", f"UID:{e.uid}",
                  when_line("DTEND", e.end, doc.tz, "tzid"), "TRANSP:OPAQUE",
                  "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC", f"SUMMARY:{escape(e.title)}",
                  f"LAST-MODIFIED:{utc_stamp(e.modified)}", f"DTSTAMP:{utc_stamp(doc.stamp)}",
                  when_line("DTSTART", e.start, doc.tz, "tzid"),
                  f"LOCATION:{escape(e.location or _join(v.name, address, sep=chr(10)))}",
                  (f'X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS="{address}";'
                   f'X-APPLE-RADIUS=70;X-TITLE="{v.name}":geo:{v.lat},{v.lon}'),
                  f"SEQUENCE:{e.sequence + 1}", f"STATUS:{e.status}",
                  *([f"URL;VALUE=URI:{e.url}"] if e.url else []),
                  f"DESCRIPTION:{escape(e.description)}", "END:VEVENT"]
    return to_bytes(lines + ["END:VCALENDAR"])


def write_nextcloud(doc: CalendarDoc) -> bytes:
    """Nextcloud public link, served by SabreDAV (model: nodeical__sabredav-school-holidays.ics)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//SabreDAV//SabreDAV//EN",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{escape(doc.name)}",
             "X-APPLE-CALENDAR-COLOR:#0082C9", "REFRESH-INTERVAL;VALUE=DURATION:PT4H",
             "X-PUBLISHED-TTL:PT4H", *vtimezone_rules(doc.tz)]
    for e in doc.entries:
        lines += ["BEGIN:VEVENT", f"CREATED:{utc_stamp(e.created)}",
                  f"DTSTAMP:{utc_stamp(doc.stamp)}", f"LAST-MODIFIED:{utc_stamp(e.modified)}",
                  f"SEQUENCE:{e.sequence + 2}", f"UID:{e.uid}", *_when_lines(e, doc.tz, "tzid"),
                  f"STATUS:{e.status}", f"SUMMARY:{escape(e.title)}",
                  f"LOCATION:{escape(_place(e, nextcloud_place))}",
                  f"DESCRIPTION:{escape(e.description)}", *([f"URL:{e.url}"] if e.url else []),
                  *_categories(e), "END:VEVENT"]
    return to_bytes(lines + ["END:VCALENDAR"])


def write_handmade(doc: CalendarDoc) -> bytes:
    """A file typed by a volunteer: LF endings, no folding, floating times, DURATION, no zone."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//{doc.name}//agenda fait main 1.0//FR"]
    for e in doc.entries:
        length = duration_text(e.end - e.start)  # type: ignore[operator]
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}", f"DTSTAMP:{utc_stamp(doc.stamp)}",
                  when_line("DTSTART", e.start, None, "floating"), f"DURATION:{length}",
                  *([f"RRULE:{e.rrule}"] if e.rrule else []),
                  *[when_line("EXDATE", day, None, "floating") for day in e.exdates],
                  f"SUMMARY:{escape(e.title)}",
                  f"LOCATION:{escape(_place(e, handmade_place))}",
                  f"DESCRIPTION:{escape(e.description)}", "END:VEVENT"]
    return to_bytes(lines + ["END:VCALENDAR"], newline="\n", folded=False)


WRITERS: dict[CalendarShape, Callable[[CalendarDoc], bytes]] = {
    "google": write_google, "outlook": write_outlook, "meetup": write_meetup,
    "wordpress": write_wordpress, "icloud": write_icloud, "nextcloud": write_nextcloud,
    "handmade": write_handmade,
}


def write_calendar(shape: CalendarShape, doc: CalendarDoc) -> bytes:
    """The bytes ``shape``'s exporter would serve for ``doc``."""
    return WRITERS[shape](doc)
