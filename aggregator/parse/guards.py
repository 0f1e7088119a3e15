"""Cheap scans that refuse or cut hostile bodies before the real parsers see them (issue 7).

Why: icalendar and feedparser are linear but slow per component (about 20 µs per element or
BEGIN line, measured), so a 10 MB body of nested ``BEGIN:X`` lines or ``<a><a><a>`` costs a
minute of CPU, and 200 000 VEVENTs cost two minutes and 450 MB before our own per-feed cap
applies. A regex or expat pass over the same bytes takes milliseconds, so these checks run
first: nesting past any real exporter's depth is refused, and a calendar is cut after its
first ``MAX_EVENTS`` VEVENTs before icalendar builds a single component.
"""

from __future__ import annotations

import re
import xml.parsers.expat

from ..errors import ParseError

MAX_ICAL_DEPTH = 12
"""VCALENDAR > VEVENT > VALARM is 3 deep and VTIMEZONE > STANDARD 3; no corpus file passes 4."""
MAX_XML_DEPTH = 200
"""Atom XHTML content nests a few dozen deep at worst; 100 000 deep costs feedparser 2 s."""
ICAL_LINE = re.compile(r"^(BEGIN|END)[ \t]*:", re.MULTILINE | re.IGNORECASE)
END_VEVENT = re.compile(r"^END[ \t]*:[ \t]*VEVENT[ \t]*\r?$", re.MULTILINE | re.IGNORECASE)


class _TooDeep(Exception):
    """Raised from the expat handler to stop the scan at once."""


def check_ical_depth(text: str, url: str) -> None:
    """Refuse components nested deeper than any calendar exporter writes.

    Raises:
        ParseError: nesting deeper than MAX_ICAL_DEPTH.
    """
    depth = 0
    for match in ICAL_LINE.finditer(text):
        depth += 1 if match.group(1).upper() == "BEGIN" else -1
        if depth > MAX_ICAL_DEPTH:
            raise ParseError(url, f"iCalendar components nested more than {MAX_ICAL_DEPTH} deep: refused")


def cut_vevents(text: str, limit: int) -> tuple[str, int]:
    """Keep the text up to the ``limit``-th END:VEVENT; return it and how many VEVENTs there were.

    The cut calendar is closed with END:VCALENDAR so icalendar reads the kept events.
    """
    count = 0
    cut_at = -1
    for match in END_VEVENT.finditer(text):
        count += 1
        if count == limit:
            cut_at = match.end()
    if count <= limit or cut_at < 0:
        return text, count
    return text[:cut_at] + "\r\nEND:VCALENDAR\r\n", count


def check_xml_depth(body: bytes, url: str) -> None:
    """Refuse XML nested deeper than any feed; malformed XML is left to feedparser's lenient reader.

    Raises:
        ParseError: elements nested deeper than MAX_XML_DEPTH.
    """
    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    def start(name: str, attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _TooDeep

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(body, True)
    except _TooDeep:
        raise ParseError(url, f"XML elements nested more than {MAX_XML_DEPTH} deep: refused") from None
    except (xml.parsers.expat.ExpatError, ValueError, LookupError):
        return
