"""Lines of a calendar that are no iCalendar at all, found so that the rest can be read.

Why: a WordPress site with PHP's notices displayed prints "<b>Warning</b>: Undefined variable
$venue in .../ical.php on line 42<br />" in the middle of its export; icalendar refuses the
whole file for that one line, and every event of the feed was lost with it. Calendar apps
skip such a line. Which lines are unreadable is icalendar's own judgement
(:meth:`Contentline.parts`), asked only of lines that are not plainly ``NAME:value``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from icalendar.parser import Contentline

from .guards import FOLD

CONTENT_LINE = re.compile(r'[A-Za-z0-9-]+(?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*:')
"""RFC 5545's content line up to its value: readable whatever the value. Only the other
lines are asked of icalendar (10 µs each, against 1 µs here)."""
MAX_UNREADABLE = 1_000
"""Past this many unreadable lines the body is no calendar with a few notices in it, and
judging them costs seconds (1,250,000 lines of "<br />" in a 10 MB body: 8 s): refused."""
BOUNDARY = re.compile(r"(?i:\s*(?:BEGIN|END))|.*(?:VCALENDAR|VEVENT|VTIMEZONE|STANDARD|DAYLIGHT|VALARM)")
"""A damaged BEGIN or END line ("ENDVENT", "BEGIN\\:VEVENT"): without it, the properties
that follow belong to another component, and events would merge or vanish."""
LINE_ERROR = re.compile(r"Content line could not be parsed into parts: '(.*?)': ", re.DOTALL)
"""icalendar's words for a line it could not read, the line quoted."""
PHYSICAL_LINE = re.compile(r"[^\n]*\n|[^\n]+")
SHOWN = 80
"""Characters of the first skipped line quoted in the warning, enough to recognise it."""


def without_unreadable_lines(text: str) -> tuple[str, list[str]]:
    """``text`` without its logical lines (a line and its folded continuations) that are not
    content lines, and those lines unfolded. Blank lines stay: icalendar skips them. Past
    ``MAX_UNREADABLE`` unreadable lines it stops, and gives ``text`` back with none."""
    kept: list[str] = []
    dropped: list[str] = []
    for line in _logical_lines(text):
        unfolded = FOLD.sub("", line).rstrip("\r\n")
        if not unfolded.strip() or _readable(unfolded):
            kept.append(line)
        else:
            dropped.append(unfolded)
            if len(dropped) > MAX_UNREADABLE:
                return text, []
    return "".join(kept), dropped


def unreadable_lines_in(errors: list[tuple[str | None, str]]) -> list[str]:
    """The lines icalendar skipped inside a component (``component.errors``: it skips them
    in a VEVENT without a word, and a DESCRIPTION written without folding lost its second
    line unseen)."""
    found = (LINE_ERROR.match(message) for name, message in errors if name is None)
    return [match.group(1) for match in found if match]


def damages_structure(dropped: list[str]) -> bool:
    """Whether a dropped line looks like a component's boundary: then the calendar is refused
    as it was, and the feed keeps its last good copy instead of losing events to a guess."""
    return any(BOUNDARY.match(line) for line in dropped)


def skipped_lines_note(dropped: list[str]) -> str:
    """The warning for ``dropped`` lines, quoting the first (the organiser's clue)."""
    first = dropped[0].strip()
    first = first if len(first) <= SHOWN else first[: SHOWN - 1] + "…"
    if len(dropped) == 1:
        return f"skipped a line that is not an iCalendar content line: {first!r}"
    return f"skipped {len(dropped)} lines that are not iCalendar content lines, the first: {first!r}"


def _logical_lines(text: str) -> Iterator[str]:
    """Lines (ends kept), each continuation (leading space or tab) joined to its line, one at
    a time (a refusal stops early). Split at line feeds only: ``str.splitlines`` also splits
    at U+2028 and form feeds, which a DESCRIPTION may hold."""
    pieces: list[str] = []
    for match in PHYSICAL_LINE.finditer(text):
        physical = match.group()
        if pieces and physical[:1] not in (" ", "\t"):
            yield "".join(pieces)  # joined once: a line folded 100,000 times stays linear
            pieces = []
        pieces.append(physical)
    if pieces:
        yield "".join(pieces)


def _readable(line: str) -> bool:
    if CONTENT_LINE.match(line):
        return True
    try:
        Contentline(line).parts()  # type: ignore[no-untyped-call]
    except ValueError:
        return False
    return True


def icalendar_says(error: Exception) -> str:
    """Why icalendar refused a calendar, in words an organiser can act on: its ValueErrors
    name what is wrong ("Offset must be less than 24 hours"); its other exceptions are its
    own bugs tripping on an odd file ("'list' object has no attribute 'strip'" for a
    VTIMEZONE with two TZIDs), which tell an organiser nothing."""
    if isinstance(error, ValueError):
        return str(error)
    return "a property written twice, or in a form iCalendar does not allow"

