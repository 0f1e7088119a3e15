"""How much of their series' rules the listings walk: the agenda, the digest, an
organisation's page and events.json's window expand each series from its DTSTART (dateutil
cannot start later), within budgets a feed cannot exceed by accident or malice.

PURE: rules in (:func:`listing_steps`), the series left out out.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta

from dateutil.rrule import rrulestr

from . import day_cycle
from .day_cycle import CYCLE_DAYS, CYCLE_YEARS
from .recurrence import day_probe, expansion_steps, rule_parts

HORIZON = timedelta(days=60)
"""How far ahead the agenda, the digest and an organisation's page expand recurring series;
one-off events are listed whatever their date."""
EXPANSION_BUDGET = 200_000
"""Rule steps from DTSTART to the horizon that we let dateutil walk (about 0.3 s here). dateutil
always starts at DTSTART, so ``FREQ=SECONDLY`` since 1900 is four billion steps and gigabytes of
cache (issue 7); a daily rule since 1900 is 46 000. Past the budget a series is not expanded."""
SOURCE_BUDGET = 1_000_000
"""Rule steps the series of one organisation may cost a listing together (about a second).
A series since 1600 that meets only on a Monday 29 February walks 155,000 steps (0.17 s)
to find it has no date in the coming weeks, within :data:`EXPANSION_BUDGET`: a feed of 300
such series held every build and every page (agenda, digest, organisation page, windowed
events.json) for a minute and more. Each organisation's cheapest series are walked first,
so its everyday ones always are; those past its budget are left out as those past
:data:`EXPANSION_BUDGET` are (calendar clients still get their rule, and the feed's health
says so: parse/series_cost.py)."""

PREFETCH = 10
"""Dates dateutil looks for at a time: recurring-ical-events turns on its rule cache, which
fills ten at a time, so asking for the dates up to the horizon walks on to the tenth
past it."""


def listing_steps(rule: str, start: datetime, stop: datetime) -> float:
    """The rule steps a listing walks: from DTSTART to ``stop`` (the horizon), and on to
    the dates past it that dateutil looks for (:data:`PREFETCH`), for as long as it takes:
    at worst that many of the rule's longest gaps. A series that meets on a Monday 29
    February since 2024 walked 3 years of days to the horizon, then 300 to fill its cache
    (2044, 2072 …): 300 such series held a build a minute, within every budget."""
    search = PREFETCH * longest_gap(rule, start)
    return expansion_steps(rule, start, stop + timedelta(days=search))


def longest_gap(rule: str, start: datetime) -> int:
    """The most days between two dates the rule's day filters pass (0 when each of its
    periods has one, or when no day ever does: such a rule is not walked)."""
    try:
        probe = day_probe(rule_parts(rule), start)
    except (KeyError, ValueError):  # a rule the parser refused, read as a single event
        return 0
    if isinstance(probe, bool):
        return 0
    text, day = probe
    return _cycle_gap(text, day.month, day.day)


@functools.lru_cache(maxsize=4_096)
def _cycle_gap(probe: str, month: int, day: int) -> int:
    """The longest gap between two dates of the YEARLY ``probe`` over a 400-year cycle:
    reckoned per kind of year (:mod:`aggregator.day_cycle`, about a millisecond), or, for
    filters whose reading is dateutil's own (an nth weekday of a 13th month), walked from
    that day of 2000 (15 to 30 ms: a feed of 2,000 series each with day filters of their
    own held a refresh and each build 40 s and more)."""
    filters = day_cycle.filters(probe, month, day)
    try:
        if filters is not None:
            return day_cycle.longest_gap(filters)
    except IndexError:  # where dateutil raises in some kinds of year only: walked as before
        pass
    first = datetime(2000, month, day)
    try:
        dates: list[int] = [d.toordinal() for d in rrulestr(probe, dtstart=first).between(
            first, first.replace(year=first.year + CYCLE_YEARS), inc=True)]
    except (ValueError, TypeError, OverflowError, IndexError):
        return 0
    if not dates:
        return 0
    return max([b - a for a, b in zip(dates, dates[1:])] + [dates[0] + CYCLE_DAYS - dates[-1]])


def left_out(series: Iterable[tuple[str, str, float]]) -> list[str]:
    """The UIDs of the series (UID, owner, :func:`listing_steps`, each within
    :data:`EXPANSION_BUDGET`) that a listing leaves out: each owner's, walked cheapest first
    (then by UID), past the :data:`SOURCE_BUDGET` they share."""
    costs: dict[str, list[tuple[float, str]]] = {}
    for uid, owner, steps in series:
        costs.setdefault(owner, []).append((steps, uid))
    refused: list[str] = []
    for owned in costs.values():
        if sum(steps for steps, _ in owned) > SOURCE_BUDGET:
            ordered = sorted(owned)
            spent = itertools.accumulate(steps for steps, _ in ordered)
            refused += (uid for (_, uid), total in zip(ordered, spent, strict=True)
                        if total > SOURCE_BUDGET)
    return refused
