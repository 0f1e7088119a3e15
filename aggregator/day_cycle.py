"""The days a rule's day filters pass over one 400-year cycle, reckoned per kind of year
rather than walked.

dateutil walks a YEARLY rule a year at a time, rebuilding its masks for each (15 to 30 ms a
cycle): measuring a series' longest gap (:mod:`aggregator.listing_budget`) and whether it
ever meets (``recurrence._never_recurs``) walked a cycle for each set of day filters, and a
feed of 2,000 series each with filters of its own (``BYMONTH`` subsets, a day of the month)
held a refresh and each build 40 s and more. The days a year passes depend only on its
kind (leap or not, the weekday of 1 January, and for week numbers whether the year before
was leap): each kind is reckoned once, as dateutil's rrule reckons a year (its masks,
ported), and laid over the cycle's 400 years.

PURE: a probe's text in, days out.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
from datetime import date

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
"""RFC 5545's weekdays, in dateutil's order (Monday 0)."""
FIRST_YEAR = 2000
CYCLE_YEARS = 400
"""The Gregorian calendar repeats every 400 years (146,097 days, exactly 20,871 weeks): a set
of day filters that no date of 400 years passes, no date ever passes."""
CYCLE_DAYS = 146_097
"""The days of one such cycle."""
WDAYMASK = list(range(7)) * 55
"""dateutil's weekday mask, sliced from 1 January's weekday (so as long as its)."""


@dataclasses.dataclass(frozen=True)
class Filters:
    """A YEARLY probe's day filters as dateutil's rrule holds them."""

    months: tuple[int, ...]
    month_days: frozenset[int]
    last_month_days: frozenset[int]
    year_days: frozenset[int]
    weekdays: frozenset[int]
    nth_weekdays: tuple[tuple[int, int], ...]
    weeks: tuple[int, ...]
    week_start: int


def filters(probe: str, month: int, day: int) -> Filters | None:
    """The day filters of ``probe`` (a YEARLY rule of :data:`recurrence.DAY_FILTERS`)
    walked from that ``month`` and ``day`` (dateutil's defaults when it names no day), or
    None where dateutil's reading is its own: those are left to dateutil. A value outside
    the calendar (a 13th month, a 32nd day, a 54th week) is kept, as dateutil keeps it: one
    no date has (a generator that writes one beside valid ones had each of its series
    walked by dateutil, 15 to 30 ms). dateutil drops a day of the month 0, and so do the
    filters. An ordinal past a month's weeks (the 6th Monday) is read as dateutil reads
    it, IndexError and all ("the 53rd Thursday" of a December)."""
    parts = dict(p.split("=", 1) for p in probe.upper().split(";") if "=" in p)
    try:
        def numbers(key: str) -> list[int]:
            return [int(v) for v in parts[key].split(",")] if key in parts else []

        months, month_days = numbers("BYMONTH"), numbers("BYMONTHDAY")
        year_days, weeks = numbers("BYYEARDAY"), numbers("BYWEEKNO")
        weekdays: set[int] = set()
        nth: list[tuple[int, int]] = []
        for value in parts["BYDAY"].split(",") if "BYDAY" in parts else []:
            name, ordinal = value[-2:], value[:-2]
            n = int(ordinal) if ordinal else 0
            if not n:
                weekdays.add(WEEKDAYS.index(name))
            elif not 0 < abs(n) <= 53:
                return None
            else:
                nth.append((WEEKDAYS.index(name), n))
        week_start = WEEKDAYS.index(parts.get("WKST", "MO"))
    except ValueError:
        return None
    if nth and any(not 1 <= m <= 12 for m in months):
        return None  # dateutil looks for the nth weekday within the 13th month: IndexError
    if not (weeks or year_days or month_days or "BYDAY" in parts):
        months, month_days = months or [month], [day]  # dateutil's defaults for YEARLY
    return Filters(tuple(months), frozenset(d for d in month_days if d > 0),
                   frozenset(d for d in month_days if d < 0), frozenset(year_days),
                   frozenset(weekdays), tuple(nth), tuple(weeks), week_start)


Kind = tuple[bool, int, bool]
"""A kind of year: leap or not, the weekday of its 1 January, whether the year before was
leap (which dateutil's week numbers read)."""


@functools.cache
def _cycle() -> tuple[tuple[int, Kind], ...]:
    """Each year of the cycle from :data:`FIRST_YEAR`: its first day's ordinal, its kind."""
    years = []
    ordinal = date(FIRST_YEAR, 1, 1).toordinal()
    for year in range(FIRST_YEAR, FIRST_YEAR + CYCLE_YEARS):
        years.append((ordinal, (calendar.isleap(year), (ordinal + 6) % 7,
                                calendar.isleap(year - 1))))
        ordinal += 366 if calendar.isleap(year) else 365
    return tuple(years)


def kind_days(rules: Filters) -> dict[Kind, tuple[int, ...]]:
    """The days (of the year, from 0) the filters pass in each kind of year of the cycle
    (the year before only counts for week numbers)."""
    reckoned: dict[Kind, tuple[int, ...]] = {}
    found = {}
    for kind in sorted({kind for _, kind in _cycle()}):
        key = kind if rules.weeks else (kind[0], kind[1], False)
        if key not in reckoned:
            reckoned[key] = _year_days(rules, *key)
        found[kind] = reckoned[key]
    return found


def cycle_dates(rules: Filters) -> list[tuple[int, tuple[int, ...]]]:
    """Each year of the cycle that has dates: its first day's ordinal, and its dates'
    days of the year (from 0)."""
    days = kind_days(rules)
    return [(ordinal, days[kind]) for ordinal, kind in _cycle() if days[kind]]


def never_passes(rules: Filters) -> bool:
    """Whether no day of any year passes the filters."""
    return not any(kind_days(rules).values())


def longest_gap(rules: Filters) -> int:
    """The most days between two dates the filters pass, the cycle read as repeating (0
    when none does)."""
    days = kind_days(rules)
    inner = {kind: max((b - a for a, b in zip(found, found[1:])), default=0)
             for kind, found in days.items() if found}
    first, last, gap = None, 0, 0
    for ordinal, kind in _cycle():
        found = days[kind]
        if not found:
            continue
        if first is None:
            first = ordinal + found[0]
        else:
            gap = max(gap, ordinal + found[0] - last)
        gap = max(gap, inner[kind])
        last = ordinal + found[-1]
    return 0 if first is None else max(gap, first + CYCLE_DAYS - last)


def _year_days(rules: Filters, leap: bool, weekday: int, leap_before: bool) -> tuple[int, ...]:
    """The days of a year of that kind (from 0) the filters pass, as dateutil's
    ``_iterinfo`` and ``_iter`` filter a YEARLY rule's year."""
    length = 366 if leap else 365
    month_starts, month_days, last_days = _months(leap)
    wdays = WDAYMASK[weekday:]
    if rules.months:
        days = [i for m in sorted(set(rules.months)) if 1 <= m <= 12
                for i in range(month_starts[m - 1], month_starts[m])]
    else:
        days = list(range(length))
    if rules.weekdays:
        days = [i for i in days if wdays[i] in rules.weekdays]
    if rules.month_days or rules.last_month_days:
        days = [i for i in days if month_days[i] in rules.month_days
                or last_days[i] in rules.last_month_days]
    if rules.year_days:
        days = [i for i in days if i + 1 in rules.year_days or i - length in rules.year_days]
    if rules.nth_weekdays:
        ranges = ([(month_starts[m - 1], month_starts[m]) for m in rules.months]
                  if rules.months else [(0, length)])
        nth = _nth_weekdays(rules.nth_weekdays, ranges, wdays)
        days = [i for i in days if i in nth]
    if rules.weeks:
        weeks = _week_mask(rules, length, weekday, leap_before, wdays)
        days = [i for i in days if weeks[i]]
    return tuple(days)


@functools.cache
def _months(leap: bool) -> tuple[list[int], list[int], list[int]]:
    """Where each month starts in a year (its days from 0, and the year's end), and each
    day's day of the month, counted from the start and from the end (-1 the last)."""
    starts: list[int] = [0]
    days: list[int] = []
    from_end: list[int] = []
    for month in range(1, 13):
        length = calendar.monthrange(2000 if leap else 2001, month)[1]
        starts.append(starts[-1] + length)
        days += range(1, length + 1)
        from_end += range(-length, 0)
    return starts, days, from_end


def _nth_weekdays(wanted: tuple[tuple[int, int], ...], ranges: list[tuple[int, int]],
                  wdays: list[int]) -> set[int]:
    """dateutil's ``nwdaymask``: the nth (from the end when negative) weekday of each
    range (a month named, else the year)."""
    found = set()
    for first, end in ranges:
        last = end - 1
        for wday, n in wanted:
            if n < 0:
                i = last + (n + 1) * 7
                i -= (wdays[i] - wday) % 7
            else:
                i = first + (n - 1) * 7
                i += (7 - wdays[i] + wday) % 7
            if first <= i <= last:
                found.add(i)
    return found


def _week_mask(rules: Filters, length: int, weekday: int, leap_before: bool,
               wdays: list[int]) -> list[int]:
    """dateutil's ``wnomask`` (its reading of RFC 5545's week numbers, quirks and all)."""
    wkst, weeks = rules.week_start, rules.weeks
    mask = [0] * (length + 7)
    no1wkst = firstwkst = (7 - weekday + wkst) % 7
    if no1wkst >= 4:
        no1wkst = 0
        wyearlen = length + (weekday - wkst) % 7
    else:
        wyearlen = length - no1wkst
    div, mod = divmod(wyearlen, 7)
    numweeks = div + mod // 4

    def mark(i: int) -> None:
        for _ in range(7):
            mask[i] = 1
            i += 1
            if wdays[i] == wkst:
                break

    for n in weeks:
        if n < 0:
            n += numweeks + 1
        if not 0 < n <= numweeks:
            continue
        i = no1wkst + (n - 1) * 7 if n > 1 else no1wkst
        if n > 1 and no1wkst != firstwkst:
            i -= 7 - firstwkst
        mark(i)
    if 1 in weeks:
        i = no1wkst + numweeks * 7
        if no1wkst != firstwkst:
            i -= 7 - firstwkst
        if i < length:
            mark(i)
    if no1wkst:
        if -1 not in weeks:
            lyearlen = 366 if leap_before else 365
            lyearweekday = (weekday - lyearlen) % 7
            lno1wkst = (7 - lyearweekday + wkst) % 7
            if lno1wkst >= 4:
                lnumweeks = 52 + (lyearlen + (lyearweekday - wkst) % 7) % 7 // 4
            else:
                lnumweeks = 52 + (length - no1wkst) % 7 // 4
        else:
            lnumweeks = -1
        if lnumweeks in weeks:
            for i in range(no1wkst):
                mask[i] = 1
    return mask
