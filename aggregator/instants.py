"""When an event starts and until when it matters, as UTC instants (data helpers, stdlib only).

The store indexes events by these instants, and the publication lifecycle decides with them
when a vanished event may leave the outputs; both must agree, so the rule lives here once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from .models import When

FAR_FUTURE = datetime(9999, 12, 31, tzinfo=timezone.utc)
_UNTIL = re.compile(r"UNTIL=(\d{8})", re.IGNORECASE)


def utc_minute(value: datetime) -> str:
    """A time as the operator's tools say it, to the minute, in UTC and saying so
    ("2026-12-08 04:05 UTC"): the refresh's reasons, the health emails and the CLI's
    tables, whatever zone the value or the machine is in."""
    return f"{value.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"


def utc_instant(value: When) -> datetime:
    """The UTC instant a start or end stands for (dates at 00:00 UTC; naive taken as UTC)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.astimezone(timezone.utc)
    return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)


def two_readings(value: datetime) -> bool:
    """Whether ``value``'s wall-clock time names no single instant in its zone: it happens
    twice (02:30 the night clocks go back; ``fold`` says which) or not at all (02:30 the
    night they go forward; read at the offset before, RFC 5545 3.3.5). Calendar readers
    differ on such a TZID time (ical.js takes the other one); naive: False."""
    zone = value.tzinfo
    if zone is None or not _offset_changes(zone, value.date()):
        return False  # most days: one cached look (130 ns), where the test below takes 950
    return value.utcoffset() != value.replace(fold=1 - value.fold).utcoffset()


@functools.lru_cache(maxsize=8192)
def _offset_changes(zone: tzinfo, day: date) -> bool:
    """Whether ``zone``'s offset is not the same all through ``day`` and the midnight that
    ends it (a change at 24:00 makes the hour before it twice): each of a build's 100,000
    starts and ends was tested alone, 8 % of a first build's time (issue 8)."""
    offsets: set[timedelta | None] = set()
    for midnight in (datetime.combine(day, time(0), zone),
                     datetime.combine(day + timedelta(days=1), time(0), zone)):
        offsets.update((midnight.utcoffset(), midnight.replace(fold=1).utcoffset()))
    return len(offsets) > 1


def last_instant(start: When, end: When | None, rrule: str | None, rdates: Iterable[When] = ()) -> datetime:
    """The last instant an event (or its whole series) can matter.

    A series without UNTIL (endless, or bounded by COUNT) is kept: expanding it to find its
    last occurrence would cost more than keeping a few rows.
    """
    if rrule:
        match = _UNTIL.search(rrule)
        if not match:
            return FAR_FUTURE
        day = match.group(1)
        return datetime(int(day[:4]), int(day[4:6]), int(day[6:]), 23, 59, tzinfo=timezone.utc)
    return max(utc_instant(c) for c in (end or start, *rdates))
