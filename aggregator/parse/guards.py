"""Cheap scans that refuse or cut hostile bodies before the real parsers see them (issue 7).

Why: icalendar and feedparser are linear but slow per component (about 20 µs per element or
BEGIN line, measured), so a 10 MB body of nested ``BEGIN:X`` lines or ``<a><a><a>`` costs a
minute of CPU, and 200 000 VEVENTs cost two minutes and 450 MB before our own per-feed cap
applies. A regex or expat pass over the same bytes takes milliseconds, so these checks run
first: nesting past any real exporter's depth is refused, and a calendar is cut after its
first ``MAX_EVENTS`` VEVENTs before icalendar builds a single component. Listed dates too:
icalendar reads an RDATE or EXDATE value in 30 µs, so 10 MB of them (500,000) cost 25 s of a
parse worker before the parser's own caps (``MAX_DATES_PER_EVENT``, ``MAX_DATES_PER_FEED``)
could drop them; a regex pass cuts lists ten times and feeds twice past those caps.
"""

from __future__ import annotations

import re
import xml.parsers.expat

from ..errors import ParseError

MAX_ICAL_DEPTH = 12
"""VCALENDAR > VEVENT > VALARM is 3 deep and VTIMEZONE > STANDARD 3; no corpus file passes 4."""
MAX_XML_DEPTH = 200
"""Atom XHTML content nests a few dozen deep at worst; 100 000 deep costs feedparser 2 s."""
MAX_DATES_PER_EVENT = 1_000
"""RDATE (or EXDATE) values kept per VEVENT: the corpus's most is 27, three years of a daily
series' exceptions about 1,000. Every page, build and digest expands what is kept."""
MAX_DATES_PER_FEED = 20_000
"""RDATE and EXDATE values kept per feed: as many instances as ``MAX_EVENTS`` VEVENTs."""
CUT_LIST_OVER = 10 * MAX_DATES_PER_EVENT
CUT_FEED_OVER = 2 * MAX_DATES_PER_FEED
"""Past these, lists are cut before parsing; below, the parser's caps decide and name the event."""
ICAL_LINE = re.compile(r"^(BEGIN|END)[ \t]*:", re.MULTILINE | re.IGNORECASE)
END_VEVENT = re.compile(r"^END[ \t]*:[ \t]*VEVENT[ \t]*\r?$", re.MULTILINE | re.IGNORECASE)
DATE_LIST_OR_COMPONENT = re.compile(
    r"^(?:(BEGIN|END)[ \t]*:[ \t]*([A-Za-z-]+)|(?:RDATE|EXDATE)[;:][^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)",
    re.MULTILINE | re.IGNORECASE,
)
"""A BEGIN/END line, or a whole (folded) RDATE/EXDATE content line."""
FOLD = re.compile(r"\r?\n[ \t]")
LINE_END = re.compile(r"\r?\n")


COMPONENT_LINE = re.compile(r"^(BEGIN|END)[ \t]*:[ \t]*([A-Za-z0-9-]+)[ \t]*\r?$",
                            re.MULTILINE | re.IGNORECASE)


def check_closed(text: str, url: str, first_line: int = 1) -> None:
    """Name the component left open in a calendar icalendar read nothing from: it gives
    nothing back then, without a word, and a hand-made file lacking one END:VEVENT was
    refused as "no VCALENDAR component". ``first_line``: the line of the file ``text`` starts
    at. A component is open until its END; one of its kind beginning (they do not nest) or
    its parent's END shows it never closed.

    Raises:
        ParseError: a component is never closed.
    """
    opened: list[tuple[str, int]] = []
    line, read_to = first_line, 0
    unclosed: tuple[str, int] | None = None
    for match in COMPONENT_LINE.finditer(text):
        line, read_to = line + text.count("\n", read_to, match.start()), match.start()
        begins, name = match.group(1).upper() == "BEGIN", match.group(2).upper()
        names = [kind for kind, _ in opened]
        if name in names and (begins or names[-1] != name):
            unclosed = opened[names.index(name)] if begins else opened[-1]
            break
        if begins:
            opened.append((name, line))
        elif names and names[-1] == name:
            opened.pop()
    unclosed = unclosed or (opened[-1] if opened else None)
    if unclosed is not None:
        name, line = unclosed
        raise ParseError(url, f"BEGIN:{name} on line {line:,} has no END:{name}")


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


def cut_date_lists(text: str) -> tuple[str, list[str]]:
    """Trim hostile RDATE/EXDATE lists of VEVENTs before icalendar reads them; say what was cut.

    A list of more than ``CUT_LIST_OVER`` values keeps its latest ``MAX_DATES_PER_EVENT``, as
    the parser would (values of one property share their TZID and form, so their text sorts as
    their dates do). Lines past ``CUT_LIST_OVER`` values in one VEVENT, or past ``CUT_FEED_OVER``
    in the feed, are dropped: the parser keeps at most 1,000 of an event's and 20,000 of a
    feed's, and reading past those marks would cost it seconds (1.5 s for the 40,000 read).
    Below those marks the parser's caps decide, and name each event. VTIMEZONEs' RDATEs are
    left alone.
    """
    if text.count(",") + text.count("\n") < CUT_LIST_OVER:
        return text, []  # each value follows a comma or starts a line: none of the marks is near
    pieces: list[str] = []
    stack: list[str] = []
    done = long_lists = dropped = feed = 0
    in_event: dict[str, int] = {}
    for match in DATE_LIST_OR_COMPONENT.finditer(text):
        if match.group(1):
            name = match.group(2).upper()
            if match.group(1).upper() == "BEGIN":
                stack.append(name)
                in_event = {} if name == "VEVENT" else in_event
            elif name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name):]
            continue
        if stack[-1:] != ["VEVENT"]:
            continue
        kind = match.group(0)[:5].upper()  # RDATE or EXDAT(E)
        if feed >= CUT_FEED_OVER or in_event.get(kind, 0) >= CUT_LIST_OVER:
            pieces.append(text[done:match.start()])
            line_end = LINE_END.match(text, match.end())
            done, dropped = line_end.end() if line_end else match.end(), dropped + 1
            continue
        head, values = _split_property(FOLD.sub("", match.group(0)))
        if len(values) > CUT_LIST_OVER:
            values = sorted(values)[-MAX_DATES_PER_EVENT:]
            pieces += [text[done:match.start()], head + ",".join(values)]
            done, long_lists = match.end(), long_lists + 1
        in_event[kind] = in_event.get(kind, 0) + len(values)
        feed += len(values)
    notes = []
    if long_lists:
        notes.append(f"{long_lists} RDATE/EXDATE lists of more than {CUT_LIST_OVER:,} values: "
                     f"kept the latest {MAX_DATES_PER_EVENT:,} of each")
    if dropped:
        notes.append(f"{dropped} RDATE/EXDATE lines past {CUT_LIST_OVER:,} values in a VEVENT "
                     f"or {CUT_FEED_OVER:,} in the feed: dropped")
    return "".join([*pieces, text[done:]]) if pieces else text, notes


def _split_property(line: str) -> tuple[str, list[str]]:
    """``RDATE;TZID="A:B":v1,v2`` -> (``RDATE;TZID="A:B":``, [v1, v2]): the first colon outside quotes."""
    if '"' not in line:
        head, _, values = line.partition(":")
        return head + ":", values.rstrip("\r").split(",")
    quoted = False
    for at, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return line[: at + 1], line[at + 1 :].rstrip("\r").split(",")
    return line, []


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
