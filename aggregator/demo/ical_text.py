"""iCalendar text pieces shared by the demo's exporter writers: escaping, folding, times, UIDs.

Why: each writer in :mod:`aggregator.demo.ical_writers` must produce the exact bytes of one real
exporter, so we write content lines by hand instead of letting a library normalise them; the
few rules every exporter shares (RFC 5545 TEXT escaping, folding at 75 octets, date-time forms,
VTIMEZONE blocks, UID styles) live here once.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..models import When


def escape(text: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and newline."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def fold(line: str, width: int = 75) -> list[str]:
    """Split one content line into physical lines of at most ``width`` octets (UTF-8 safe)."""
    parts: list[str] = []
    current, size, limit = "", 0, width
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            current, size, limit = " ", 1, width
        current += char
        size += octets
    parts.append(current)
    return parts


def to_bytes(lines: list[str], newline: str = "\r\n", folded: bool = True) -> bytes:
    """Join content lines the way an exporter does (CRLF or LF, folded or not)."""
    physical = [part for line in lines for part in (fold(line) if folded else [line])]
    return (newline.join(physical) + newline).encode("utf-8")


def utc_stamp(moment: datetime) -> str:
    """``20250612T163000Z``."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def local_stamp(moment: datetime, tz: str) -> str:
    """Wall-clock time in ``tz`` without a zone marker: ``20250612T183000``."""
    return moment.astimezone(ZoneInfo(tz)).strftime("%Y%m%dT%H%M%S")


def day_stamp(day: date) -> str:
    return day.strftime("%Y%m%d")


def duration_text(length: timedelta) -> str:
    """``PT2H30M``, ``P3D``: the DURATION value an exporter writes."""
    if length.seconds == 0:
        return f"P{length.days}D"
    hours, minutes = divmod(length.seconds // 60, 60)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return ("P" + f"{length.days}D" + text[1:]) if length.days else text


def when_line(name: str, value: When, tz: str | None, style: str) -> str:
    """DTSTART/DTEND/RECURRENCE-ID/EXDATE in one of the styles exporters use.

    ``style`` is "utc" (``...Z``), "floating" (no zone), or "tzid" (``;TZID=<tz>:`` with the wall
    clock of ``tz``; ``tz`` may be a Windows name, in which case the wall clock is Paris time).
    """
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{day_stamp(value)}"
    if style == "utc":
        return f"{name}:{utc_stamp(value)}"
    zone = tz if tz and "/" in tz else "Europe/Paris"
    if style == "floating":
        return f"{name}:{local_stamp(value, zone)}"
    return f"{name};TZID={tz}:{local_stamp(value, zone)}"


def vtimezone_rules(tzid: str, tzurl: bool = False) -> list[str]:
    """The libical/tzurl style VTIMEZONE (Meetup, Google, SabreDAV) for a CET/CEST zone."""
    head = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    if tzurl:
        head.append(f"TZURL:http://tzurl.org/zoneinfo-outlook/{tzid}")
    return head + [
        f"X-LIC-LOCATION:{tzid}",
        "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST",
        "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
        "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
        "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
        "END:VTIMEZONE",
    ]


def vtimezone_windows() -> list[str]:
    """Exchange's ``Romance Standard Time`` block (Paris/Brussels rules from year 1601)."""
    return [
        "BEGIN:VTIMEZONE", "TZID:Romance Standard Time",
        "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
        "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
        "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT",
        "END:VTIMEZONE",
    ]


def last_sunday(year: int, month: int) -> date:
    end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return end - timedelta(days=(end.weekday() + 1) % 7)


def vtimezone_transitions(tzid: str, years: range) -> list[str]:
    """The Events Calendar's VTIMEZONE: one DAYLIGHT and one STANDARD per year, no RRULE.

    Like ECP we write the UTC instant of each change without a ``Z`` (01:00 both times).
    """
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzid}"]
    for year in years:
        lines += [
            "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST",
            f"DTSTART:{day_stamp(last_sunday(year, 3))}T010000", "END:DAYLIGHT",
            "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
            f"DTSTART:{day_stamp(last_sunday(year, 10))}T010000", "END:STANDARD",
        ]
    return lines + ["END:VTIMEZONE"]


def digest(seed: str) -> str:
    return hashlib.sha1(seed.encode("utf-8")).hexdigest()


def epoch(value: When, tz: str) -> int:
    if isinstance(value, datetime):
        return int(value.timestamp())
    return int(datetime(value.year, value.month, value.day, tzinfo=ZoneInfo(tz)).timestamp())


def make_uid(shape: str, seed: str, domain: str, start: When, end: When, tz: str) -> str:
    """A UID in the style of each exporter, derived from ``seed`` (stable, never random)."""
    hexa = digest(seed)
    if shape == "google":
        number, chars = int(hexa, 16), ""
        for _ in range(26):
            number, rest = divmod(number, 32)
            chars += "0123456789abcdefghijklmnopqrstuv"[rest]
        return chars + "@google.com"
    if shape == "outlook":
        return ("040000008200E00074C5B7101A82E00800000000" + hexa[:16].upper()
                + "000000000000000010000000" + hexa[16:40].upper() + "00000000")
    if shape == "meetup":
        return "event_" + "".join(chr(97 + int(c, 16)) for c in hexa[:12]) + "@meetup.com"
    if shape == "wordpress":
        post_id = 1000 + int(hexa[:6], 16) % 9000
        return f"{post_id}-{epoch(start, tz)}-{epoch(end, tz) - 1}@{domain}"
    as_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"{domain}/{seed}")
    if shape == "icloud":
        return str(as_uuid).upper()
    if shape == "nextcloud":
        return str(as_uuid)
    return f"{seed.split('/')[0]}@{domain}"
