"""Series review, day filters: a feed of many series each with day filters of its own must
not cost a refresh or a build more than a few seconds. The feeds are served on loopback,
refreshed into a real SQLite store and built (test_review_series's helpers), timing the
processor time; and the days reckoned per kind of year are checked against dateutil's walk."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from hypothesis import assume, given, settings, strategies as st

from aggregator import day_cycle, listing_budget, recurrence
from aggregator.parse import parse_body
from aggregator.reasons import reason_in
from test_review_series import cpu, name, refreshed
from test_review_time import calendar

WEEKDAYS = day_cycle.WEEKDAYS


def timed(feed_server: Any, tmp_path: Path, rules: list[str]) -> tuple[Any, float, float]:
    """A feed of one series per rule (each from a day and hour of its own in December 2026)
    refreshed, then built as a fresh ``aggregator build`` process would (nothing reckoned
    by the refresh kept): the feed's health, and the processor time of each."""
    series = [f"UID:s{n}@lab\nSUMMARY:{name(n)}\nLOCATION:TCRM-Blida, Metz\n"
              f"DTSTART:202612{1 + n % 28:02d}T{n // 28 % 24:02d}{n // 672:02d}00Z\n"
              f"DURATION:PT1H\nRRULE:{rule}" for n, rule in enumerate(rules)]
    aggregator = refreshed(feed_server, tmp_path, {"lab": calendar(*series)})
    try:
        started = cpu()
        aggregator.refresh(force=True)
        refresh = cpu() - started
        (health,) = aggregator.feed_health()
    finally:
        aggregator.close()
    listing_budget._cycle_gap.cache_clear()
    recurrence._rule_problem.cache_clear()
    aggregator = refreshed(feed_server, tmp_path, {"lab": calendar(*series)})
    try:
        started = cpu()
        aggregator.build()
        build = cpu() - started
    finally:
        aggregator.close()
    return health, refresh, build


def test_a_feed_of_series_each_with_months_of_its_own_costs_seconds_not_a_minute(
        feed_server: Any, tmp_path: Path) -> None:
    """A feed of 2,000 monthly series, each in months and on a day of its own
    (``FREQ=MONTHLY;BYMONTH=1,3,4;BYMONTHDAY=7``, valid, each meeting every year). The
    listings measure each set of day filters' longest gap by walking dateutil over a
    400-year cycle, 15 to 30 ms, once per set: here once per series, a minute of the
    refresh and of each build. The gap is now reckoned per kind of year: every series
    listed, in seconds."""
    listed_in_seconds(feed_server, tmp_path, [
        f"FREQ=MONTHLY;BYMONTH={own_months(n)};BYMONTHDAY={1 + n % 28}" for n in range(2_000)])


def own_months(n: int) -> str:
    """The months of the ``n``th series: those of its number's bits (1,3,4 for 13)."""
    return ",".join(str(m + 1) for m in range(12) if (n + 1) >> m & 1)


def listed_in_seconds(feed_server: Any, tmp_path: Path, rules: list[str]) -> None:
    """A feed of one series per rule is refreshed and built in seconds of processor time,
    each series listed."""
    health, refresh, build = timed(feed_server, tmp_path, rules)
    assert health.status == "ok" and not any("recurring series" in w for w in health.warnings)
    events = json.loads((tmp_path / "output" / "events.json").read_text())["events"]
    assert len(events) == len(rules)
    assert refresh < 10, f"the refresh took {refresh:.0f} s of processor time"
    assert build < 15, f"the build took {build:.0f} s of processor time"


def test_a_feed_of_series_that_never_meet_each_its_own_way_costs_seconds_not_a_minute(
        feed_server: Any, tmp_path: Path) -> None:
    """A feed of 2,000 series that never meet (a 30 February, on weekdays of their own),
    each from a time of its own: whether a rule ever meets was asked by walking dateutil
    over a 400-year cycle for each, 15 to 30 ms, in the refresh and again in each build.
    Each is still read as a single event (RFC 5545: DTSTART is its first instance), in
    seconds."""
    rules = ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;BYDAY="
             + ",".join(WEEKDAYS[k] for k in range(7) if (n % 127 + 1) >> k & 1)
             for n in range(2_000)]
    health, refresh, build = timed(feed_server, tmp_path, rules)
    assert health.status == "ok", health.last_error
    events = json.loads((tmp_path / "output" / "events.json").read_text())["events"]
    assert len(events) == len(rules) and not any(e.get("rrule") for e in events)
    assert refresh < 10, f"the refresh took {refresh:.0f} s of processor time"
    assert build < 15, f"the build took {build:.0f} s of processor time"


def test_a_feed_of_series_with_values_outside_the_calendar_costs_seconds_not_a_minute(
        feed_server: Any, tmp_path: Path) -> None:
    """A generator that writes a 13th month or a 32nd day beside valid ones
    (``BYMONTH=1,3,13;BYMONTHDAY=7,32``; RFC 5545 allows neither): dateutil reads such a
    value as one no date has, and each series still meets in its valid months. Such filters
    were left to dateutil's 400-year walk, 15 to 30 ms for each set: 2,000 series held the
    refresh 39 s and each build as long. They are now reckoned per kind of year, and such
    values are dropped when the feed is read (they change no date): calendar.ics, which
    republished them, no longer does."""
    rules = [f"FREQ=MONTHLY;BYMONTH={own_months(n)},{(13, 0, -1, 14)[n % 4]}"
             f";BYMONTHDAY={1 + n % 28},{(32, -32, 0)[n % 3]}" for n in range(2_000)]
    listed_in_seconds(feed_server, tmp_path, rules)
    published = (tmp_path / "output" / "calendar.ics").read_text(encoding="utf-8")
    assert published.count("RRULE:") == len(rules)
    assert not re.search(r"BYMONTH=[^;\r\n]*\b(13|14|0)\b|BYMONTH=-|BYMONTHDAY=[^;\r\n]*"
                         r"(\b32\b|\b0\b)", published)


@pytest.mark.parametrize(("written", "published"), [
    ("FREQ=MONTHLY;BYMONTH=1,3,13;BYMONTHDAY=10,32", "FREQ=MONTHLY;BYMONTHDAY=10;BYMONTH=1,3"),
    ("FREQ=MONTHLY;BYMONTHDAY=0,-1,-32", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("FREQ=YEARLY;BYYEARDAY=0,100,367;BYMONTH=0,4", "FREQ=YEARLY;BYYEARDAY=100;BYMONTH=4"),
    ("FREQ=YEARLY;BYWEEKNO=54,20;BYDAY=MO", "FREQ=YEARLY;BYDAY=MO;BYWEEKNO=20"),
    ("FREQ=DAILY;BYHOUR=18,24;BYMINUTE=60,30", "FREQ=DAILY;BYMINUTE=30;BYHOUR=18"),
    ("FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=0,1", "FREQ=MONTHLY;BYDAY=MO,TU;BYSETPOS=1"),
])
def test_values_outside_the_calendar_leave_the_rule_clients_read_and_the_same_dates(
        written: str, published: str) -> None:
    """A value RFC 5545 does not allow beside valid ones (a 13th month, a 32nd day, an
    hour 24, a BYSETPOS 0) was republished in calendar.ics as the feed wrote it, which a
    client that checks the ranges refuses. It is dropped when the feed is read, with a
    warning the organiser reads in their language, and the series keeps the dates dateutil
    gave it (a minute 60 or a BYSETPOS 0, which dateutil refuses, had made it a single
    event)."""
    feed = parse_body(calendar(f"UID:s@lab\nSUMMARY:Meetup\nDTSTART:20261210T180000Z\n"
                               f"DURATION:PT1H\nRRULE:{written}"), "ical", "https://lab.example/")
    (event,) = feed.events
    assert event.rrule == published
    assert feed.warnings and all("outside the calendar: ignored" in w for w in feed.warnings)
    assert "hors du calendrier : ignoré" in reason_in(feed.warnings[0], "fr")
    first = datetime(2026, 12, 10, 18, tzinfo=UTC)
    ours = rrulestr(published, dtstart=first).between(first, first.replace(year=2030), inc=True)
    assert ours
    try:
        theirs = rrulestr(written, dtstart=first).between(first, first.replace(year=2030),
                                                          inc=True)
    except ValueError:  # dateutil refuses a minute 60 or a BYSETPOS 0: it was a single event
        return
    assert ours == theirs


@pytest.mark.parametrize("written", ["FREQ=YEARLY;BYMONTH=13", "FREQ=YEARLY;BYMONTHDAY=0",
                                     "FREQ=DAILY;BYHOUR=24,25"])
def test_a_rule_naming_nothing_in_the_calendar_is_a_single_event(written: str) -> None:
    """A part left with no value (``BYMONTHDAY=0`` alone, which dateutil read as no filter:
    every day of the year) names no date: the event is its DTSTART alone, and the organiser
    is told why."""
    feed = parse_body(calendar(f"UID:s@lab\nSUMMARY:Meetup\nDTSTART:20261210T180000Z\n"
                               f"DURATION:PT1H\nRRULE:{written}"), "ical", "https://lab.example/")
    (event,) = feed.events
    assert event.rrule is None
    (warning,) = feed.warnings
    assert "is outside the calendar: read as a single event" in warning
    assert "außerhalb des Kalenders: als einzelner Termin gelesen" in reason_in(warning, "de")


PROBES = [
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=YEARLY;BYMONTH=1,3,4;BYMONTHDAY=7", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=13;BYDAY=FR",
    "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=31",
    "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=-1,15",
    "FREQ=YEARLY;BYMONTH=2,8;BYDAY=2TU,-1FR", "FREQ=YEARLY;BYDAY=53MO", "FREQ=YEARLY;BYDAY=-53SU",
    "FREQ=YEARLY;BYDAY=20WE;BYMONTHDAY=13", "FREQ=YEARLY;BYMONTH=11;BYDAY=5SA",
    "FREQ=YEARLY;BYMONTH=3;BYDAY=MO,2TU", "FREQ=YEARLY;BYYEARDAY=366",
    "FREQ=YEARLY;BYYEARDAY=-366,100;BYDAY=SU", "FREQ=YEARLY;BYWEEKNO=53",
    "FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH;WKST=SU", "FREQ=YEARLY;BYWEEKNO=1,-1;BYDAY=SA,SU",
    "FREQ=YEARLY;BYWEEKNO=-53;WKST=WE", "FREQ=YEARLY;BYWEEKNO=52;BYMONTH=1;WKST=TH",
    "FREQ=YEARLY;BYWEEKNO=1;BYMONTH=12;BYMONTHDAY=31", "FREQ=YEARLY;BYMONTH=2",
    "FREQ=YEARLY;BYMONTH=5,9;BYMONTHDAY=-31,-30", "FREQ=YEARLY;BYDAY=-1MO,1FR;BYMONTHDAY=1,31",
    "FREQ=YEARLY;BYMONTH=1,3;BYDAY=6MO", "FREQ=YEARLY;BYMONTH=2;BYDAY=-7TU,1WE",
    "FREQ=YEARLY;BYMONTH=11;BYDAY=7SU,-1SA", "FREQ=YEARLY;BYMONTH=13",
    "FREQ=YEARLY;BYMONTH=2,13,0,-1;BYMONTHDAY=29,32", "FREQ=YEARLY;BYMONTHDAY=0",
    "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=0,-32", "FREQ=YEARLY;BYYEARDAY=0,367,-367,60",
    "FREQ=YEARLY;BYWEEKNO=0,54,-54", "FREQ=YEARLY;BYWEEKNO=54,1;BYDAY=SU;WKST=SU",
]


@pytest.mark.parametrize("probe", PROBES)
@pytest.mark.parametrize(("month", "day"), [(2, 29), (7, 14)])
def test_the_days_reckoned_per_kind_of_year_are_those_dateutil_walks(
        probe: str, month: int, day: int) -> None:
    """The longest gap and whether a rule ever meets, reckoned per kind of year, as dateutil
    walks them over two whole cycles (leap years, weeks 53 and 1 of each WKST, ordinals
    within a month and within the year, dateutil's default day when none is named)."""
    filters = day_cycle.filters(probe, month, day)
    assert filters is not None
    first = datetime(2000, month, day)
    dates = [d.toordinal() for d in rrulestr(probe, dtstart=first).between(
        first, first.replace(year=2800), inc=True)]
    gaps = [b - a for a, b in zip(dates, dates[1:])]
    assert day_cycle.longest_gap(filters) == max(gaps, default=0 if not dates else 146_097)
    assert day_cycle.never_passes(filters) == (not dates)
    cycle = [o + d for o, days in day_cycle.cycle_dates(filters) for d in days]
    start = datetime(2000, 1, 1).toordinal()  # the dates walked, read within one cycle
    assert cycle == sorted({(d - start) % 146_097 + start for d in dates})


@st.composite
def day_filters(draw: st.DrawFn) -> str:
    """A YEARLY probe with day filters as feeds write them, and some as only a hostile feed
    or a broken generator would (ordinals past a month's weeks, week 53, negative days,
    values outside the calendar: a 13th month, a day 0 or 32, a week 54)."""
    parts = ["FREQ=YEARLY"]
    if draw(st.booleans()):
        parts.append("BYMONTH=" + ",".join(map(str, draw(st.lists(
            st.integers(-13, 14), min_size=1, max_size=4, unique=True)))))
    if draw(st.booleans()):
        parts.append("BYMONTHDAY=" + ",".join(map(str, draw(st.lists(
            st.integers(-33, 33), min_size=1, max_size=3, unique=True)))))
    if draw(st.booleans()):
        days = draw(st.lists(st.tuples(st.sampled_from([0, 0, 1, 2, -1, 4, 5, -5, 6, 20, -53]),
                                       st.sampled_from(WEEKDAYS)), min_size=1, max_size=3))
        parts.append("BYDAY=" + ",".join(f"{n or ''}{d}" for n, d in days))
    if draw(st.integers(0, 4)) == 0:
        parts.append("BYYEARDAY=" + ",".join(map(str, draw(st.lists(
            st.integers(-368, 368), min_size=1, max_size=2, unique=True)))))
    if draw(st.integers(0, 3)) == 0:
        parts.append("BYWEEKNO=" + ",".join(map(str, draw(st.lists(
            st.sampled_from([1, 2, 26, 52, 53, -1, -53, 0, 54, -54]), min_size=1, max_size=2,
            unique=True)))))
        parts.append("WKST=" + draw(st.sampled_from(WEEKDAYS)))
    return ";".join(parts)


@settings(max_examples=60, deadline=None)
@given(day_filters(), st.sampled_from([(2, 29), (1, 31), (7, 14)]))
def test_any_day_filters_reckoned_per_kind_of_year_give_dateutils_days(
        probe: str, start: tuple[int, int]) -> None:
    """Wherever the reckoning answers (not for values only dateutil reads), it answers as
    dateutil's walk over two whole cycles: a rule it wrongly found never meeting would
    become a single event, and a wrong gap would drop a series from the listings."""
    month, day = start
    filters = day_cycle.filters(probe, month, day)
    assume(filters is not None)
    assert filters is not None
    first = datetime(2000, month, day)
    try:
        dates = [d.toordinal() for d in rrulestr(probe, dtstart=first).between(
            first, first.replace(year=2800), inc=True)]
        gap = day_cycle.longest_gap(filters)
    except IndexError:  # the production code walks dateutil there (listing_budget, recurrence)
        assume(False)
        return
    gaps = [b - a for a, b in zip(dates, dates[1:])]
    assert gap == max(gaps, default=0 if not dates else 146_097)
    assert day_cycle.never_passes(filters) == (not dates)
