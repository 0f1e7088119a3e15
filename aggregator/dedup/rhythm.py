"""Whether a series that starts at one of another series' dates is that series again, and
whether they can be one event without a date lost.

Some exporters start a series at its next date: the venue's weekly rule runs from March,
the organiser's export of the same meetup from the fourth week. dedup.series joins the
later one to the earlier one when :func:`in_step` says so; this module only reads rules.
PURE: records in, a verdict out.
"""

from __future__ import annotations

from collections.abc import Sequence
import functools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..models import Event, When
from ..recurrence import (WALK_BUDGET, dates_between, has_end, rule_dates_read, rule_parts,
                          rule_problem, several_a_day)
from .keys import instant

SAME_DAYS = 4
"""The later series' first dates that must be the other's next ones, and no fewer."""
HORIZON_DAYS = 120
"""Days from the later series' start over which both must give the same days."""


def in_step(series: Event, later: Event, later_gives_dates: bool, tz: ZoneInfo) -> bool:
    """Whether ``later`` (a series whose first date is a date of ``series``) is that series
    and their merged event loses no date of either. Only the plain case joins, where
    nothing can be lost or moved (two reviews found dates lost in every other):

    - both rules run on without end, or both end on the same day (a COUNT or UNTIL of one
      alone may end the merged event before the other's last date), and walk whole days
      (hourly slots never join);
    - both start at one wall-clock time in one zone, or in zones whose clocks agree
      (Europe/Luxembourg and Europe/Paris; a floating time is read in the build's zone), so
      either's moved or cancelled dates (RECURRENCE-IDs) stay dates of the merged rule, in
      summer and in winter;
    - over :data:`HORIZON_DAYS` from ``later``'s start (at least :data:`SAME_DAYS` dates)
      both give the same days, day by day in the build's zone: a monthly special on the
      first Tuesday, each of whose dates is a weekly series' day, is another series;
    - a later record that gives the dates starts back at the series' first date
      (rhythm.joined_start): the series' first weeks stay in subscribers' calendars.
    """
    if not (_whole_days(series) and _whole_days(later)) or not _same_clock(series, later, tz):
        return False
    first, own = _day(later.start, later.timezone, tz), _day(series.start, series.timezone, tz)
    if first is None or own is None or first <= own:
        return False  # (one on the same day was compared with the series by clustering)
    last = first + HORIZON_DAYS
    if has_end(series.rrule or "") or has_end(later.rrule or ""):
        ends = {_last_day(series, tz), _last_day(later, tz)}
        if len(ends) != 1 or None in ends:
            return False
        [end] = ends
        last = max(end or first, first)  # both over by then: all their days compared
    span = (date.fromordinal(first), date.fromordinal(last))
    ours = _days(later, span, tz)
    if len(ours) < SAME_DAYS or ours != _days(series, span, tz):
        return False
    return not later_gives_dates or joined_start(later, series) is not None


def _whole_days(record: Event) -> bool:
    """A rule of days or longer periods."""
    return record.rrule is not None and not several_a_day(record.rrule)


ENDED_DATES = 1_000
"""Dates of a rule that ends (COUNT or UNTIL) read to find its last day; one with more is
taken as endless (the benchmark's are 8, real series' a few dozen)."""


def _last_day(record: Event, tz: ZoneInfo) -> int | None:
    """The day (ordinal in ``tz``) of the last date of ``record``'s rule or RDATEs, None when
    its rule runs on (or past :data:`ENDED_DATES`)."""
    if record.rrule is None or not has_end(record.rrule):
        return None
    dates, goes_on = rule_dates_read(record.rrule, record.start, limit=ENDED_DATES)
    days = [_day(when, record.timezone, tz) for when in (*dates, *record.rdates)]
    if goes_on or not dates or None in days:
        return None
    return max(d for d in days if d is not None)


def _same_clock(a: Event, b: Event, tz: ZoneInfo) -> bool:
    """Both timed at one wall-clock time, in one zone or in zones whose clocks agree (or
    both all-day)."""
    if not isinstance(a.start, datetime) or not isinstance(b.start, datetime):
        return not isinstance(a.start, datetime) and not isinstance(b.start, datetime)
    if a.start.timetz().replace(tzinfo=None) != b.start.timetz().replace(tzinfo=None):
        return False
    zones = [start.tzinfo or tz for start in (a.start, b.start)]
    return str(zones[0]) == str(zones[1]) or same_clocks(
        str(zones[0]), str(zones[1]), min(a.start.year, b.start.year))


CLOCK_YEARS = 3
"""Years, from the earlier series' start, over which two zones must agree to count as one."""


@functools.lru_cache(maxsize=256)
def same_clocks(first: str, second: str, year: int) -> bool:
    """Whether the zones named ``first`` and ``second`` (IANA names, "UTC") show the same
    time every day of :data:`CLOCK_YEARS` years from ``year``: Europe/Paris, Europe/Berlin
    and Europe/Luxembourg do, summer and winter; UTC and Europe/Paris do not, and a moved
    date at 18:30 of either would then be no date of the other's rule."""
    try:
        zones = ZoneInfo(first), ZoneInfo(second)
    except (ValueError, ZoneInfoNotFoundError):
        return False
    day = datetime(year, 1, 1, 12, tzinfo=UTC)
    for _ in range(366 * CLOCK_YEARS):
        if day.astimezone(zones[0]).utcoffset() != day.astimezone(zones[1]).utcoffset():
            return False
        day += timedelta(days=1)
    return True


def _days(record: Event, span: tuple[date, date], tz: ZoneInfo) -> list[int]:
    """The record's days (ordinals in ``tz``) within ``span``, walked a day wider either
    side (its own zone's days may be the day before or after)."""
    low, high = span[0].toordinal(), span[1].toordinal()
    walked = dates_between(record.rrule, record.start, record.rdates, record.exdates,
                           date.fromordinal(max(low - 1, 1)), date.fromordinal(high + 1),
                           budget=WALK_BUDGET)
    days = (_day(when, record.timezone, tz) for when in walked)
    return sorted({d for d in days if d is not None and low <= d <= high})


def _day(when: When, zone_name: str | None, tz: ZoneInfo) -> int | None:
    moment = moment_of(when, zone_name, tz)
    return None if moment is None else moment[1]


def moment_of(when: When, zone_name: str | None, tz: ZoneInfo) -> tuple[int | None, int] | None:
    """(UTC minute or None, local day) of a date of a series, as keys.Profile has them;
    None for an instant past the calendar's ends in the build's zone (year 9999)."""
    if not isinstance(when, datetime):
        return None, when.toordinal()
    try:
        moment = instant(when, zone_name, tz)
        return int(moment.timestamp()) // 60, moment.astimezone(tz).date().toordinal()
    except (OverflowError, ValueError):
        return None


def start_back(rule: str, start: datetime, exdates: Sequence[When], earlier: Sequence[date]
               ) -> datetime | None:
    """``start`` moved back to the first of the days ``earlier`` (another series' days
    before ``start``, read in its zone), at its own time of day, when ``rule`` walked from
    there gives those very days: the same series exported from a later date
    (dedup.rhythm.in_step) keeps the weeks it held before. None when it would not: a
    COUNT would then count other dates, another rhythm gives other days."""
    if not earlier or "COUNT" in rule_parts(rule) or rule_problem(rule, start) is not None:
        return None
    back = datetime.combine(earlier[0], start.timetz())
    walked = dates_between(rule, back, (), exdates, earlier[0], start.date() - timedelta(days=1))
    found = [d.date() for d in walked if isinstance(d, datetime)]
    return back if found == list(earlier) else None


def joined_start(series: Event, earlier: Event) -> datetime | None:
    """``series``' start moved back to the first date of ``earlier`` (a series that started
    before it) when its rule gives ``earlier``'s days from there (:func:`start_back`), else
    None. Aware starts only: a floating one has no day in another's zone."""
    start, theirs = series.start, earlier.start
    if series.rrule is None or not isinstance(start, datetime) or start.tzinfo is None \
            or not isinstance(theirs, datetime) or theirs.tzinfo is None:
        return None
    zone = start.tzinfo
    walked = dates_between(earlier.rrule, theirs, earlier.rdates, earlier.exdates,
                           theirs.date(), start.date())
    days = sorted({d.astimezone(zone).date() for d in walked if isinstance(d, datetime)
                   and d.tzinfo is not None and d.astimezone(zone).date() < start.date()})
    return start_back(series.rrule, start, series.exdates, days)
