"""When an event starts and until when it matters, as UTC instants (data helpers, stdlib only).

The store indexes events by these instants, and the publication lifecycle decides with them
when a vanished event may leave the outputs; both must agree, so the rule lives here once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone

from .models import When

FAR_FUTURE = datetime(9999, 12, 31, tzinfo=timezone.utc)
_UNTIL = re.compile(r"UNTIL=(\d{8})", re.IGNORECASE)


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
    if value.tzinfo is None:
        return False
    return value.utcoffset() != value.replace(fold=1 - value.fold).utcoffset()


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
