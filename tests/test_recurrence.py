"""RRULEs the expanders cannot walk are found before they walk them (aggregator.recurrence).

dateutil walks a rule that no date matches until the year 9999 (3 s per page for a daily
one), never ends with INTERVAL=0, and refuses some combinations at expansion time; each such
rule is named here, and a property test holds the check to dateutil's own walk.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.dedup import merge_events
from aggregator.parse.ical_dates import checked_rule
from aggregator.recurrence import (
    WALK_BUDGET, YEAR_STEPS, dates_between, expansion_steps, is_occurrence, rule_problem)
from aggregator.dedup.rhythm import start_back
from aggregator.render.agenda import upcoming
from render_builders import NOW, PARIS, SOURCES, member, merged

START = datetime(2025, 1, 30, 18, 30, tzinfo=PARIS)  # a Thursday, the 30th


@pytest.mark.parametrize("rule", [
    "FREQ=WEEKLY", "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10", "FREQ=MONTHLY;BYDAY=2TU",
    "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=5MO", "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
    "FREQ=YEARLY;BYYEARDAY=-1", "FREQ=DAILY;BYMONTH=3;UNTIL=20250401T000000Z",
    "FREQ=WEEKLY;BYMONTH=2", "FREQ=HOURLY;INTERVAL=2;BYHOUR=10,12",
    "FREQ=DAILY;INTERVAL=14;BYDAY=TH", "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=31",
])
def test_rules_that_recur_are_left_to_the_expander(rule: str) -> None:
    assert rule_problem(rule, START) is None


@pytest.mark.parametrize(("rule", "why"), [
    ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "no date ever matches it"),
    ("FREQ=SECONDLY;BYMONTH=4,6;BYMONTHDAY=31", "no date ever matches it"),
    ("FREQ=DAILY;BYMONTH=13", "no date ever matches it"),
    ("FREQ=YEARLY;BYYEARDAY=366;BYMONTH=1", "no date ever matches it"),
    ("FREQ=MONTHLY;BYDAY=7MO", "no date ever matches it"),
    ("FREQ=YEARLY;BYMONTH=2", "no date ever matches it"),  # February the 30th, from DTSTART
    ("FREQ=DAILY;BYSETPOS=2", "no date ever matches it"),  # one instance a day
    ("FREQ=YEARLY;BYDAY=MO,2TU", "no date ever matches it"),  # dateutil: days that are both
    ("FREQ=DAILY;INTERVAL=7;BYDAY=FR", "no date ever matches it"),  # Thursday to Thursday
    ("FREQ=HOURLY;INTERVAL=336;BYDAY=MO,TU", "no date ever matches it"),
    ("FREQ=MONTHLY;INTERVAL=24;BYMONTH=2", "no date ever matches it"),  # each January
    ("FREQ=MONTHLY;INTERVAL=0", "INTERVAL=0 is not a positive number"),
    ("FREQ=WEEKLY;COUNT=0", "COUNT=0 is not a positive number"),
    ("FREQ=HOURLY;INTERVAL=2;BYHOUR=1,3", "refused by the expander"),
    ("FREQ=DAILY;BYHOUR=25", "refused by the expander (hour must be in 0..23)"),
    ("FREQ=YEARLY;RSCALE=HEBREW", "RSCALE and SKIP (RFC 7529 calendars) are not supported"),
    ("FREQ=MONTHLY;BYDAY=53TH", "refused by the expander (list index out of range)"),
    ("BYDAY=MO", "it has no valid FREQ"),
])
def test_rules_the_expander_cannot_walk_say_why(rule: str, why: str) -> None:
    problem = rule_problem(rule, START)
    assert problem is not None and why in problem


def test_the_same_instant_in_two_zones_is_two_dates_to_the_rule() -> None:
    """29 January 23:30 UTC is 30 January in Paris: a yearly February rule takes its day of
    the month from DTSTART's own date, the 29th (leap years) or the 30th (never)."""
    utc = datetime(2025, 1, 29, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert rule_problem("FREQ=YEARLY;BYMONTH=2", utc) is None
    assert rule_problem("FREQ=YEARLY;BYMONTH=2", utc.astimezone(PARIS)) == "no date ever matches it"


def test_the_parser_reads_such_a_rule_as_a_single_event_and_keeps_gregorian_rscale() -> None:
    rule, problems = checked_rule("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", START, PARIS)
    assert rule is None
    assert problems == ["RRULE 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30': no date ever matches it: "
                        "read as a single event"]
    # RFC 7529's defaults are the plain rule, which expanders read: kept, without them
    assert checked_rule("RSCALE=GREGORIAN;FREQ=YEARLY;SKIP=OMIT", START, PARIS) == ("FREQ=YEARLY", [])


def test_a_stored_rule_the_expander_cannot_walk_is_listed_at_its_start_alone() -> None:
    """Records parsed before the check keep their rule in the database until their feed
    changes: the agenda lists such an event once, at its DTSTART, instead of hanging."""
    start = NOW + timedelta(days=2)
    series = merged("stuck", start=start, end=start + timedelta(hours=1), rrule="FREQ=MONTHLY;INTERVAL=0")
    weekly = merged("weekly", start=start, end=start + timedelta(hours=1), rrule="FREQ=WEEKLY;COUNT=3")
    listed = [(o.event.uid, o.start) for o in upcoming([series, weekly], now=NOW, zone=PARIS)]
    assert listed == [("stuck", start), ("weekly", start), ("weekly", start + timedelta(weeks=1)),
                      ("weekly", start + timedelta(weeks=2))]


def test_a_stored_rule_the_expander_cannot_walk_leaves_the_merged_event() -> None:
    """calendar.ics and events.json then show such a record as the parser now reads it."""
    stuck = member("loria", "stuck", start=START, rrule="FREQ=MONTHLY;INTERVAL=0")
    weekly = member("tcrm", "weekly", title="Atelier", start=START + timedelta(hours=3),
                    rrule="FREQ=WEEKLY")
    merged_events = {e.members[0].uid: e for e in merge_events([stuck, weekly], SOURCES).events}
    assert merged_events["stuck"].rrule is None
    assert merged_events["weekly"].rrule == "FREQ=WEEKLY"


MONTHS = st.lists(st.integers(1, 12), min_size=1, max_size=3, unique=True)
MONTH_DAYS = st.lists(st.integers(-31, 31).filter(bool), min_size=1, max_size=2, unique=True)
YEAR_DAYS = st.lists(st.sampled_from([1, 59, 60, 61, 100, 365, 366, -1, -366]), min_size=1,
                     max_size=2, unique=True)
WEEKDAYS = st.lists(st.sampled_from(["MO", "TU", "SA", "1MO", "2TU", "-1FR", "5SU", "-5WE",
                                     "53TH"]), min_size=1, max_size=2, unique=True)


@st.composite
def rules(draw: st.DrawFn) -> str:
    """YEARLY and MONTHLY rules (dateutil's walk to 9999 costs under 0.4 s for them) with any
    mix of the day filters that can leave no date."""
    parts = [f"FREQ={draw(st.sampled_from(['YEARLY', 'MONTHLY']))}"]
    for name, values in (("BYMONTH", MONTHS), ("BYMONTHDAY", MONTH_DAYS),
                         ("BYYEARDAY", YEAR_DAYS), ("BYDAY", WEEKDAYS)):
        if draw(st.booleans()):
            parts.append(f"{name}={','.join(map(str, draw(values)))}")
    return ";".join(parts)


@settings(max_examples=40, deadline=None)
@given(rule=rules(), start=st.dates(date(1990, 1, 1), date(2040, 12, 31)))
def test_no_date_ever_matches_exactly_when_dateutil_finds_none(rule: str, start: date) -> None:
    problem = rule_problem(rule, start)
    try:
        walked = next(iter(rrulestr(rule, dtstart=datetime.combine(start, datetime.min.time()))),
                      None)
    except (ValueError, IndexError):  # dateutil refuses it (an ordinal out of its range)
        assert problem is not None and "refused by the expander" in problem
        return
    assert (problem == "no date ever matches it") == (walked is None), (rule, start, walked)


def test_a_date_of_a_series_is_found_in_any_zone_and_across_a_change_of_time() -> None:
    """What names an occurrence for another source's RECURRENCE-ID (dedup.policy)."""
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2026, 3, 4, 18, 30, tzinfo=paris)  # a Wednesday, winter time
    weekly = "FREQ=WEEKLY;BYDAY=WE;UNTIL=20260601T000000Z"
    summer = datetime(2026, 4, 1, 16, 30, tzinfo=timezone.utc)  # 18:30 in Paris, summer time
    assert is_occurrence(weekly, start, (), summer)
    assert not is_occurrence(weekly, start, (), summer - timedelta(minutes=30))  # the doors
    assert not is_occurrence(weekly, start, (), summer + timedelta(days=1))  # a Thursday
    assert not is_occurrence(weekly, start, (), datetime(2026, 6, 3, 16, 30, tzinfo=timezone.utc))
    extra = datetime(2026, 3, 7, 10, 0, tzinfo=paris)
    assert is_occurrence(None, start, (extra,), extra) and is_occurrence(None, start, (), start)
    assert not is_occurrence(None, start, (), summer)
    assert is_occurrence("FREQ=MONTHLY", date(2026, 1, 15), (), date(2026, 5, 15))
    assert not is_occurrence("FREQ=MONTHLY", date(2026, 1, 15), (), datetime(2026, 5, 15))
    # a rule no date passes makes none, at once (dateutil would walk to the year 9999)
    assert not is_occurrence("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", date(2026, 1, 1), (),
                             date(2027, 2, 28))


def test_the_dates_of_a_series_in_a_window_are_its_rules_and_rdates_less_its_exdates() -> None:
    """What a series is compared at with other feeds' one-off records (dedup/series.py)."""
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2026, 3, 17, 18, 30, tzinfo=paris)  # a Tuesday, winter time
    weekly = "FREQ=WEEKLY;BYDAY=TU;COUNT=5"
    skipped, extra = start + timedelta(weeks=2), datetime(2026, 3, 26, 12, 0, tzinfo=paris)
    found = dates_between(weekly, start, (extra,), (skipped,), date(2026, 3, 20),
                          date(2026, 12, 31))
    assert found == (start + timedelta(weeks=1), extra, start + timedelta(weeks=3),
                     start + timedelta(weeks=4))
    assert all(d.hour == 18 for d in found if d != extra)  # 18:30 after the change of time too
    assert dates_between("FREQ=DAILY;COUNT=3", date(2026, 6, 1), (), (), date(2026, 6, 2),
                         date(2026, 6, 30)) == (date(2026, 6, 2), date(2026, 6, 3))
    # dateutil walks a rule step by step from DTSTART: it is asked for no date further than
    # WALK_BUDGET steps (a minutely rule for two weeks), whatever the window
    assert dates_between("FREQ=MINUTELY", start, (), (), date(2030, 1, 1),
                         date(2030, 1, 2)) == ()
    minutely = dates_between("FREQ=MINUTELY", start, (), (), date(2026, 3, 17),
                             date(9999, 12, 31))
    assert len(minutely) == WALK_BUDGET + 1 and minutely[-1] == start + timedelta(
        minutes=WALK_BUDGET)


def test_an_exdate_written_as_a_day_removes_that_days_date_of_a_timed_series() -> None:
    """EXDATE;VALUE=DATE under a timed DTSTART: calendar.ics removes that day's occurrence
    (render.times.like), so the series has no date that day to compare a copy with."""
    start = datetime(2025, 3, 4, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))
    found = dates_between("FREQ=WEEKLY;COUNT=3", start, (), (date(2025, 3, 11),),
                          date(2025, 3, 1), date(2025, 3, 31))
    assert found == (start, start + timedelta(weeks=2))
    naive = datetime(2025, 3, 12, 9, 0)  # an RDATE of another kind than DTSTART is none
    assert dates_between(None, start, (naive, date(2025, 3, 13)), (), date(2025, 3, 1),
                         date(2025, 3, 31)) == (start,)


def test_a_by_part_that_only_filters_a_finer_rule_costs_no_more_steps() -> None:
    """RFC 5545's table: BYDAY expands a weekly rule (five dates a week) but only filters a
    daily one (one step a day), which was counted five times and cut off after 600 days."""
    start = datetime(2023, 9, 4, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))
    stop = start + timedelta(days=700)
    assert expansion_steps("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", start, stop) == 700
    assert expansion_steps("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start, stop) == 500
    assert expansion_steps("FREQ=YEARLY;BYMONTH=1,2", start, stop) == 700 / 365 * YEAR_STEPS
    assert expansion_steps("FREQ=MONTHLY;BYMONTH=1,2", start, stop) == 700 * 86_400 / 2_419_200


@st.composite
def walked_rules(draw: st.DrawFn) -> str:
    """Rules of meetups and the like: every FREQ a day or coarser, an INTERVAL, the day
    filters, an UNTIL (COUNT is left out: it is never fast-forwarded)."""
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={freq}", f"INTERVAL={draw(st.integers(1, 3))}"]
    for name, values in (("BYMONTH", MONTHS), ("BYMONTHDAY", MONTH_DAYS),
                         ("BYDAY", st.lists(st.sampled_from(["MO", "TU", "FR", "SU"]),
                                            min_size=1, max_size=3, unique=True))):
        if draw(st.integers(0, 3)) == 0:
            parts.append(f"{name}={','.join(map(str, draw(values)))}")
    if draw(st.booleans()):
        parts.append("BYDAY=1TU" if freq in ("MONTHLY", "YEARLY") else "BYDAY=WE")
    if draw(st.booleans()):
        parts.append("UNTIL=20270301T000000Z")
    return ";".join(dict((p.split("=")[0], p) for p in parts).values())


@settings(max_examples=150, deadline=None)
@given(rule=walked_rules(), start=st.datetimes(datetime(2010, 1, 1), datetime(2026, 6, 1)),
       offset=st.integers(0, 4000), length=st.integers(0, 120))
def test_the_dates_in_a_window_are_dateutils_though_the_walk_starts_later(
        rule: str, start: datetime, offset: int, length: int) -> None:
    """dates_between skips the whole periods before the window (a weekly series since 2015
    was walked from 2015 for every build): the dates must be those dateutil gives walking
    from DTSTART, summer time included."""
    start = start.replace(second=0, microsecond=0, tzinfo=PARIS)
    if rule_problem(rule, start) is not None:
        return
    first = start.date() + timedelta(days=offset)
    last = first + timedelta(days=length)
    low = datetime.combine(first, datetime.min.time(), tzinfo=PARIS)
    high = datetime.combine(last, datetime.max.time(), tzinfo=PARIS)
    try:
        expected = set(rrulestr(rule, dtstart=start).between(low, high, inc=True))
    except (ValueError, IndexError):
        return
    if low <= start <= high:
        expected.add(start)
    found = dates_between(rule, start, (), (), first, last, budget=10**9)
    assert found == tuple(sorted(expected)), (rule, start, first, last)


def test_a_series_starts_back_at_another_series_days_only_when_its_rule_gives_them() -> None:
    after_the_change = datetime(2025, 4, 8, 18, 30, tzinfo=PARIS)  # summer time since 30 March
    weeks = [date(2025, 3, 18), date(2025, 3, 25), date(2025, 4, 1)]
    back = start_back("FREQ=WEEKLY;BYDAY=TU", after_the_change, (), weeks)
    assert back == datetime(2025, 3, 18, 18, 30, tzinfo=PARIS)  # 18:30 on the wall, in winter
    assert back is not None and back.utcoffset() == timedelta(hours=1)
    assert start_back("FREQ=WEEKLY;BYDAY=TU", after_the_change, (), weeks[::2]) is None
    assert start_back("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", after_the_change, (), weeks) is None
    assert start_back("FREQ=WEEKLY;BYDAY=TU;COUNT=5", after_the_change, (), weeks) is None


def test_a_rule_from_a_day_some_periods_lack_is_walked_from_its_last_400_year_cycle() -> None:
    """A yearly series since 29 February 1600 and a monthly one on the 31st since 1700 give
    the dates dateutil gives walking from DTSTART (the calendar repeats every 400 years)."""
    for rule, start in (("FREQ=YEARLY;BYDAY=MO,TU", datetime(1600, 2, 29, 10)),
                        ("FREQ=YEARLY;INTERVAL=3", datetime(1600, 2, 29, 10)),
                        ("FREQ=MONTHLY;INTERVAL=5", datetime(1700, 1, 31, 18))):
        found = dates_between(rule, start, (), (), date(2040, 1, 1), date(2060, 12, 31))
        walked = rrulestr(rule, dtstart=start).between(datetime(2040, 1, 1),
                                                       datetime(2061, 1, 1))
        assert found == tuple(walked) and found, rule
