"""VTIMEZONEs that every calendar client reads the same way, Outlook included.

icalendar's ``Timezone.from_tzid`` writes each change of a zone as an RDATE between 1970 and
2038. Outlook keeps only a yearly rule per STANDARD and DAYLIGHT component (MS-OXCICAL
2.1.3.1.1.19.2: the component with the latest DTSTART, its RRULE of one BYDAY): given lists
of dates, it shifts summer events by an hour (iCalcreator #86); and an event after 2037 falls
past the list for any client that reads it (ical.js, Thunderbird's parser, shows a July 2040
talk in Paris an hour early). Google, Apple and tzurl's "Outlook-compatible" zones write the
zone's current rule instead: one DAYLIGHT and one STANDARD, each a yearly RRULE with BYMONTH
and a single BYDAY, or a single STANDARD for a zone without daylight saving time.

:func:`vtimezone` derives that rule from tzdata (zoneinfo) and writes it when it gives every
change zoneinfo knows from the calendar's first year up to :data:`LAST_YEAR`; written from
1970, as Google and tzurl do, since a time before a VTIMEZONE's first onset has no offset. A
zone whose rule is younger than the calendar, or has no such form (Jerusalem's "Friday
before the last Sunday", Cairo's "Friday after the last Thursday", Casablanca's Ramadan
breaks), lists each of its changes to LAST_YEAR. Each onset is written, as RFC 5545 says, in
the local time in force before it (02:00 for Paris in March, 03:00 in October).
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta, weekday
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

FIRST_YEAR = 1970
"""No rule is traced further back: calendars hold no older times (and icalendar starts here)."""
LAST_YEAR = 2100
"""The last year a rule is checked against zoneinfo, and the end of the fallback's list."""
_DAY = 86_400
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a zone's UTC offset: its instant (POSIX seconds) and both offsets."""

    at: int
    before: timedelta
    after: timedelta

    @property
    def onset(self) -> datetime:
        """The local time of the change in the offset in force before it (RFC 5545)."""
        return datetime.fromtimestamp(self.at, UTC).replace(tzinfo=None) + self.before


@dataclass(frozen=True, slots=True)
class Onset:
    """A yearly rule: the ``nth`` ``weekday`` of ``month`` (-1 the last) at a local time."""

    month: int
    nth: int
    weekday: int
    at: timedelta

    def in_year(self, year: int) -> datetime:
        """The onset's local time in ``year``."""
        counted = weekday(self.weekday)(self.nth)
        from_edge = relativedelta(day=1 if self.nth > 0 else 31, weekday=counted)
        onset: datetime = datetime(year, self.month, 1) + from_edge
        return onset + self.at

    def rrule(self) -> vRecur:
        return vRecur(freq="YEARLY", bymonth=self.month,
                      byday=f"{self.nth}{_WEEKDAYS[self.weekday]}")


def changes_in(zone: ZoneInfo, year: int) -> list[Change]:
    """Every change of ``zone``'s offset during ``year`` (UTC), found day by day then bisected."""
    found: list[Change] = []
    start, end = _start_of(year), _start_of(year + 1)
    offset = _offset(zone, start)
    for day in range(start, end, _DAY):
        following = _offset(zone, day + _DAY)
        if following == offset:
            continue
        low, high = day, day + _DAY
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if _offset(zone, middle) == offset else (low, middle)
        found.append(Change(high, offset, following))
        offset = following
    return found


def _offset(zone: ZoneInfo, at: int) -> timedelta:
    value = datetime.fromtimestamp(at, zone).utcoffset()
    assert value is not None  # a ZoneInfo always knows its offset
    return value


def _candidates(change: Change) -> Iterator[Onset]:
    """The yearly rules that could give ``change``: its weekday counted from either end."""
    onset = change.onset
    at = onset - onset.replace(hour=0, minute=0, second=0)
    nth = (onset.day - 1) // 7 + 1
    if nth <= 4:
        yield Onset(onset.month, nth, onset.weekday(), at)
    if onset.day + 7 > calendar.monthrange(onset.year, onset.month)[1]:
        yield Onset(onset.month, -1, onset.weekday(), at)


@dataclass(frozen=True, slots=True)
class Rule:
    """A zone's current rule: its yearly onsets (none: a fixed offset) and the first year it
    holds (FIRST_YEAR at the earliest)."""

    onsets: tuple[tuple[Onset, Change], ...]
    since: int


def current_rule(zone: ZoneInfo) -> Rule | None:
    """The rule zoneinfo follows in :data:`LAST_YEAR` traced back to where it began, or None
    when it is not one or two yearly onsets of the form Outlook reads."""
    last = changes_in(zone, LAST_YEAR)
    if len(last) not in (0, 2):
        return None
    options = [()] if not last else [
        tuple(zip(pair, last)) for pair in
        ((first, second) for first in _candidates(last[0]) for second in _candidates(last[1]))
    ]
    best: Rule | None = None
    for onsets in options:
        rule = _traced(zone, onsets)
        if rule is not None and (best is None or rule.since < best.since):
            best = rule
    return best


def _traced(zone: ZoneInfo, onsets: tuple[tuple[Onset, Change], ...]) -> Rule | None:
    """How far back ``onsets`` give exactly zoneinfo's changes; None if not even in LAST_YEAR."""
    year = LAST_YEAR
    while year >= FIRST_YEAR:
        changes = changes_in(zone, year)
        expected = [
            (onset.in_year(year), change.before, change.after) for onset, change in onsets
        ]
        if [(c.onset, c.before, c.after) for c in changes] != expected:
            if year == LAST_YEAR:
                return None
            return Rule(onsets, year + 1)
        year -= 1
    return Rule(onsets, FIRST_YEAR)


@functools.lru_cache(maxsize=64)
def vtimezone(tzid: str, from_year: int) -> Timezone:
    """The VTIMEZONE of IANA zone ``tzid``: its current rule, if it holds from ``from_year``
    (the calendar's first year: the build passes last year's) to LAST_YEAR, else the list of
    its changes.

    The rule is written from FIRST_YEAR, as Google and tzurl do, though it may have begun
    later (Paris in 1996, New York in 2007): Outlook reads one STANDARD and one DAYLIGHT and
    may refuse more, and a time before a VTIMEZONE's first onset has no offset at all (ical.js
    reads it as UTC); an older time is then off only between the old and the new dates of a
    change. Cached: tracing a rule walks decades of days (20-50 ms a zone); the component is
    never mutated after creation, so sharing it is safe. Raises ValueError for an unknown zone.
    """
    try:
        zone = ZoneInfo(tzid)
    except (LookupError, ValueError) as error:
        raise ValueError(f"unknown timezone: {tzid!r}") from error
    rule = current_rule(zone)
    if rule is None or rule.since > from_year:
        return _listed(zone, tzid)
    component = Timezone()
    component.add("TZID", tzid)
    if not rule.onsets:
        component.add_component(_fixed(zone))
    for onset, change in sorted(rule.onsets, key=lambda pair: pair[1].after):
        component.add_component(_observance(zone, onset, change))
    return component


def _listed(zone: ZoneInfo, tzid: str) -> Timezone:
    """Every change from FIRST_YEAR to LAST_YEAR, one STANDARD or DAYLIGHT per kind of change
    with one RDATE per further onset. Not icalendar's ``from_tzid``: it lists the dates in one
    RDATE, of which ical.js reads only the first (Jerusalem's summers an hour off), and writes
    each onset in the local time after it, which puts the change an hour late for any reader
    that follows RFC 5545 (icalendar's own included)."""
    component = Timezone()
    component.add("TZID", tzid)
    start = _start_of(FIRST_YEAR)
    kinds: dict[tuple[timedelta, timedelta, str, bool], list[Change]] = {
        (_offset(zone, start),) * 2 + (_name(zone, start), False): [Change(start, *(_offset(zone, start),) * 2)]
    }
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for change in changes_in(zone, year):
            daylight = bool(datetime.fromtimestamp(change.at, zone).dst())
            kind = (change.before, change.after, _name(zone, change.at), daylight)
            kinds.setdefault(kind, []).append(change)
    for (before, after, name, daylight), changes in kinds.items():
        observance = TimezoneDaylight() if daylight else TimezoneStandard()
        observance.add("DTSTART", changes[0].onset)
        for change in changes[1:]:
            observance.add("RDATE", change.onset)
        observance.add("TZOFFSETFROM", before)
        observance.add("TZOFFSETTO", after)
        observance.add("TZNAME", name)
        component.add_component(observance)
    return component


def _fixed(zone: ZoneInfo) -> TimezoneStandard:
    """The one STANDARD of a zone without daylight saving time (any more)."""
    standard = TimezoneStandard()
    at = _start_of(LAST_YEAR)
    standard.add("DTSTART", datetime(FIRST_YEAR, 1, 1))
    standard.add("TZOFFSETFROM", _offset(zone, at))
    standard.add("TZOFFSETTO", _offset(zone, at))
    standard.add("TZNAME", _name(zone, at))
    return standard


def _observance(
    zone: ZoneInfo, onset: Onset, change: Change
) -> TimezoneStandard | TimezoneDaylight:
    """DAYLIGHT for the onset that moves clocks forward (the larger offset), else STANDARD."""
    observance = TimezoneDaylight() if change.after > change.before else TimezoneStandard()
    observance.add("DTSTART", onset.in_year(FIRST_YEAR))
    observance.add("RRULE", onset.rrule())
    observance.add("TZOFFSETFROM", change.before)
    observance.add("TZOFFSETTO", change.after)
    observance.add("TZNAME", _name(zone, change.at))
    return observance


def _start_of(year: int) -> int:
    return int(datetime(year, 1, 1, tzinfo=UTC).timestamp())


def _name(zone: ZoneInfo, at: int) -> str:
    return datetime.fromtimestamp(at, zone).tzname() or "UTC"
