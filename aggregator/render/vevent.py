"""Write a one-off VEVENT straight to iCalendar text, byte for byte what icalendar writes.

Why not icalendar here: building and serialising its components costs about 0.25 ms per event
(parameter objects, then folding character by character), which made the merged calendar of
a 12,000-event build take 3 s and put a 50,000-event build far past its 5 s budget (issue 8,
bench/pipeline.py). One-off events are 95 % of a calendar and have a fixed, small shape, so we
write them with string formatting; recurring events and their overrides still go through
icalendar (ics.py). tests/test_render_vevent.py proves the two paths give identical bytes on
generated events (hypothesis), so icalendar stays the reference for escaping and folding.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from ..instants import two_readings
from ..models import When

FOLD_LIMIT = 75


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping (backslash, semicolon, comma, newline), as icalendar does it.

    Chained ``replace`` (backslash first), not ``str.translate``: a table with two-character
    replacements leaves translate's fast path, and it was 6 to 16 times slower (issue 8)."""
    return (value.replace("\r\n", "\n").replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\n", "\\n"))


def uri(value: str) -> str:
    """A link as a URL property holds it: a URI (RFC 3986), spaces and other characters
    percent-encoded, what is already encoded kept. Written as a feed gave it, a link with a
    space was cut there by calendar clients (a page not found) or dropped."""
    return quote(value, safe="!#$%&'()*+,/:;=?@[]~")


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character or a backslash escape.

    Same rule as icalendar.parser.string._foldline (the reference the tests compare with):
    each physical line holds at most 74 octets of content, and a segment that would end in
    ``\\`` or ``^`` (with something before it) hands that character to the next line.
    """
    if len(line) < FOLD_LIMIT and line.isascii():
        return line
    data = line.encode("utf-8")
    if len(data) < FOLD_LIMIT:
        return line
    parts: list[bytes] = []
    pos, size = 0, len(data)
    while size - pos > FOLD_LIMIT - 1:
        end = pos + FOLD_LIMIT - 1
        while data[end] & 0xC0 == 0x80:  # never cut inside a UTF-8 character
            end -= 1
        if data[end - 1] in b"\\^" and end - 1 > pos:
            end -= 1
        parts.append(data[pos:end])
        pos = end
    parts.append(data[pos:])
    return b"\r\n ".join(parts).decode("utf-8")


def when_property(name: str, value: When) -> str:
    """DTSTART/DTEND/...: a date, a UTC date-time (Z) or a zoned date-time with its TZID."""
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{_date(value)}"
    tz = value.tzinfo
    if tz is None:
        return f"{name}:{_datetime(value)}"
    key = tz.key if isinstance(tz, ZoneInfo) else None
    if tz is UTC or key == "UTC" or (key is None and value.utcoffset() == timedelta(0)):
        return f"{name}:{_datetime(value)}Z"
    if key:
        return f"{name};TZID={key}:{_datetime(value)}"
    raise ValueError(f"no TZID for {tz!r}")


def unambiguous(start: When, end: When | None) -> tuple[When, When | None]:
    """An event's (start, end), both at ``TZID=Etc/GMT`` when either's wall-clock time
    names no single instant (:func:`~aggregator.instants.two_readings`: the second 02:30
    the night clocks go back, which a TZID value cannot name; the first, which ical.js
    reads as the second; a time they skip). Not ``Z``, which readers following the
    calendar's X-WR-TIMEZONE (Google's reading; recurring-ical-events in Python) move into
    that zone, its wall clock again; and both, as readers add the length to the start's
    wall clock."""
    if not any(isinstance(value, datetime) and two_readings(value) for value in (start, end)):
        return start, end
    moved = [value.astimezone(GMT) if isinstance(value, datetime) else value
             for value in (start, end)]
    return moved[0] if moved[0] is not None else start, moved[1]


GMT = ZoneInfo("Etc/GMT")


def _date(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _datetime(value: datetime) -> str:
    return f"{_date(value)}T{value.hour:02d}{value.minute:02d}{value.second:02d}"


def utc_stamp(value: datetime) -> str:
    moved = value.astimezone(UTC) if value.tzinfo is not None else value
    return _datetime(moved) + "Z"


def write_vevent(properties: list[str]) -> bytes:
    """Wrap already-formatted content lines into a folded VEVENT block."""
    lines = ["BEGIN:VEVENT", *(fold(p) for p in properties), "END:VEVENT", ""]
    return "\r\n".join(lines).encode("utf-8")
