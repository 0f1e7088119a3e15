"""Time mistakes an organiser can fix, found in the calendar's own text.

Why the raw text: icalendar drops the trailing ``Z`` of a UTC value written under a TZID
(``DTSTART;TZID=Europe/Paris:20261207T183000Z``), so the mistake does not survive parsing,
yet clients disagree on the hour it means (we read it as local time in that zone, as
icalendar does). A missing VTIMEZONE is not reported here: for IANA names every client
resolves it right, and Windows or unknown names get the zone resolver's own warning.
PURE: text in, warnings out.
"""

from __future__ import annotations

import re

FOLD = re.compile(r"\r?\n[ \t]")
UTC_UNDER_TZID = re.compile(r';TZID="?([^";:\r\n]+)"?(?:;[^:\r\n]*)?:\d{8}T\d{6}Z\b')


def zone_warnings(text: str) -> list[str]:
    """One line when some times carry both a TZID and a trailing Z."""
    mixed = UTC_UNDER_TZID.findall(FOLD.sub("", text))
    if not mixed:
        return []
    return [f"{len(mixed)} time(s) carry both TZID={mixed[0]} and a trailing Z (UTC): read as "
            "local time in that zone; write either a local time with TZID or a UTC time without"]
