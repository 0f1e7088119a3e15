"""Series review, left-overs: no single feed's series may cost a refresh or a build more than
a few seconds. Each test serves its feeds on loopback, refreshes them into a real SQLite
store and builds (test_review_series's helpers), timing the processor time spent."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from test_review_series import (built, each_joined_by_its_copy, name, rare_and_copies,
                                refreshed)
from test_review_time import calendar


def test_joining_series_that_share_a_title_word_with_their_copies_grows_linearly(
        feed_server: Any, tmp_path: Path) -> None:
    """A club's feed of 2,000 weekly series all titled "Python …" (Python Django, Python
    Flask, …), each of whose dates a venue posts as an event of its own: joining each copy
    to its series compared it with every series' date at that time that shares "python",
    2,000 × 2,000 comparisons, and the build took a minute. As matching does, a title word
    held by more than 200 dates in one slot is no evidence there: each copy still meets its
    series by its own subject word, every copy joined, in seconds."""
    count = 2_000
    series = [f"UID:python{n}@lab\nSUMMARY:Python {name(n)[8:]}\nLOCATION:TCRM-Blida, Metz\n"
              "DTSTART:20261201T180000Z\nDURATION:PT2H\nRRULE:FREQ=WEEKLY" for n in range(count)]
    copies = [f"UID:copy{n}@venue\nSUMMARY:Python {name(n)[8:]}\nLOCATION:TCRM-Blida, Metz\n"
              f"DTSTART:{date(2026, 12, 8) + timedelta(weeks=n % 8):%Y%m%d}T180000Z\n"
              "DURATION:PT2H" for n in range(count)]
    took = built(refreshed(feed_server, tmp_path, {"lab": calendar(*series),
                                                   "venue": calendar(*copies)}))
    events = json.loads((tmp_path / "output" / "events.json").read_text())["events"]
    assert len(events) == count
    assert all(sorted(s["source"] for s in e["sources"]) == ["lab", "venue"] for e in events)
    assert all(e["rrule"] == "FREQ=WEEKLY" for e in events)
    assert took < 20, f"the build took {took:.0f} s of processor time"


def test_yearly_series_since_a_29_february_long_ago_cost_seconds_not_a_minute(
        feed_server: Any, tmp_path: Path) -> None:
    """A feed of 1,000 yearly series that meet on 29 February when it is a Monday or a
    Tuesday, since 29 February 1600 (valid, rare), each of whose dates in 2044 a venue
    posts as an event of its own. dateutil looks at each day of each year of a yearly rule
    (25 times a daily step's work), from DTSTART: joining each copy walked 444 years of
    days, and the listings, counting a year as one step, walked them all: the build took a
    minute and more. A rule is now walked from its last whole 400-year cycle (the calendar
    repeats) and a year counts as the days it looks at: the same merged events, in seconds."""
    count = 1_000
    took = built(refreshed(feed_server, tmp_path, rare_and_copies(
        count, "16000229T100000Z", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO,TU")))
    each_joined_by_its_copy(tmp_path, count)
    ics = (tmp_path / "output" / "calendar.ics").read_text().replace("\r\n ", "")
    assert ics.count("RRULE:FREQ=YEARLY;BYDAY=MO,TU;BYMONTHDAY=29;BYMONTH=2") == count
    assert took < 15, f"the build took {took:.0f} s of processor time"


def test_rare_series_since_2024_cost_their_search_for_their_next_date_not_a_minute(
        feed_server: Any, tmp_path: Path) -> None:
    """A feed of 300 series that meet only on a Monday 29 February, since January 2024
    (valid; the next one in 2044): three years of days to the agenda's horizon each, well
    within every budget, but dateutil then looks for the next dates past it, ten at a time,
    300 years of days: the build took a minute. A listing now counts that search (ten of
    the rule's longest gaps, measured once per set of day filters): the series past the
    organisation's budget are left out of the pages, their organiser told why, and
    calendar.ics still gives every rule."""
    count = 300
    rare = [f"UID:rare{n}@lab\nSUMMARY:{name(n)}\nLOCATION:TCRM-Blida, Metz\n"
            "DTSTART:20240101T100000Z\nDURATION:PT1H\n"
            "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO" for n in range(count)]
    aggregator = refreshed(feed_server, tmp_path, {"lab": calendar(*rare)})
    took = built(aggregator)
    ics = (tmp_path / "output" / "calendar.ics").read_text().replace("\r\n ", "")
    assert ics.count("RRULE:FREQ=DAILY;BYDAY=MO;BYMONTHDAY=29;BYMONTH=2") == count, ics[-2000:]
    assert took < 10, f"the build took {took:.0f} s of processor time"
    aggregator = refreshed(feed_server, tmp_path, {"lab": calendar(*rare)})
    try:
        (health,) = aggregator.feed_health()
    finally:
        aggregator.close()
    assert any("recurring series meet too rarely to be listed" in w
               for w in health.warnings), health.warnings


@pytest.mark.parametrize("moved_by", ["organiser", "venue"])
def test_a_counted_series_with_a_thousand_moved_dates_costs_seconds_not_minutes(
        feed_server: Any, tmp_path: Path, moved_by: str) -> None:
    """A daily "Permanence" since 1990 with COUNT=20000 (valid; it runs to 2044) and 1,000
    of its coming dates moved an hour later (RECURRENCE-ID overrides), by its organiser or
    by a venue's copy of the series (the same UID). calendar.ics checks that each moved date
    is one of the series' (else it adds it as an RDATE for clients), merging checks each of
    another organisation's moved dates so (a date the series does not have is not the
    venue's to move), and a COUNT rule cannot be walked from near the date (its dates are
    counted from DTSTART): each check walked 13,000 days from 1990, a minute or two of a
    build. The rule is now walked once for all of a series' moved dates: the same calendar,
    every moved date kept, in seconds."""
    master = ("UID:daily@lab\nSUMMARY:Permanence\nLOCATION:TCRM-Blida, Metz\n"
              "DTSTART:19900101T100000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=20000")
    days = [datetime.now(UTC).date() + timedelta(days=n) for n in range(1, 1_001)]
    moved = [f"UID:daily@lab\nSUMMARY:Permanence\nLOCATION:TCRM-Blida, Metz\n"
             f"RECURRENCE-ID:{day:%Y%m%d}T100000Z\nDTSTART:{day:%Y%m%d}T110000Z\nDURATION:PT1H"
             for day in days]
    feeds = ({"lab": calendar(master, *moved)} if moved_by == "organiser"
             else {"lab": calendar(master), "venue": calendar(master, *moved)})
    took = built(refreshed(feed_server, tmp_path, feeds))
    ics = (tmp_path / "output" / "calendar.ics").read_text().replace("\r\n ", "")
    assert ics.count("RECURRENCE-ID") == len(days)
    assert "RDATE" not in ics  # every moved date is one of the series'
    assert took < 10, f"the build took {took:.0f} s of processor time"
