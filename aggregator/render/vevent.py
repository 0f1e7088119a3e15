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
from zoneinfo import ZoneInfo

from ..models import When

FOLD_LIMIT = 75
_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping (backslash, semicolon, comma, newline), as icalendar does it."""
    return value.replace("\r\n", "\n").translate(_ESCAPES)


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character or a backslash escape."""
    if len(line) < FOLD_LIMIT and line.isascii():
        return line
    return _fold_slow(line)


def _fold_slow(line: str) -> str:
    # Same rule as icalendar.parser.string._foldline (the reference the tests compare with).
    parts: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = 1 if char < "\x80" else len(char.encode("utf-8"))
        if current and count + size >= FOLD_LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, count = [carried], 1
            else:
                parts.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        parts.append("".join(current))
    return "\r\n ".join(parts)


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
