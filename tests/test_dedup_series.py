"""A series posted as one RRULE by the organiser and date by date by a venue is one event.

Google, Outlook and Apple write a weekly meetup as one VEVENT with a rule; the venue's
WordPress agenda and Meetup write each date as a VEVENT of its own. Subscribers must see each
meetup once, on every date, and never lose the series' later dates.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aggregator.dedup import merge_events
from aggregator.models import Event, Overrides, Source

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2025, 3, 4, 18, 30, tzinfo=PARIS)  # a Tuesday; summer time starts on 30 March
WEEKLY = "FREQ=WEEKLY;BYDAY=TU;COUNT=6"
SOURCES = {
    "lorntech": Source(id="lorntech", name="Lor'N'Tech", kind="association", city="Metz",
                       country="FR"),
    "totem": Source(id="totem", name="Totem", kind="venue", city="Metz", country="FR"),
    "grandest": Source(id="grandest", name="Grand Est Numérique", kind="institution",
                       city="Metz", country="FR"),
}


def series(**fields: object) -> Event:
    values: dict[str, object] = {
        "uid": "dojo@google.com", "title": "Coding Dojo", "start": START,
        "end": START + timedelta(hours=2), "timezone": "Europe/Paris",
        "location": "Totem, Metz", "rrule": WEEKLY, "source_id": "lorntech",
        "description": "Chaque mardi, un kata en binôme.",
        "url": "https://lorntech.fr/dojo", "feed_url": "https://lorntech.fr/agenda.ics"}
    values.update(fields)
    return Event(**values)  # type: ignore[arg-type]


def copy(week: int, **fields: object) -> Event:
    """The venue's VEVENT of the series' date ``week`` weeks after the first."""
    values: dict[str, object] = {
        "uid": f"wp-{week}@totem.example", "title": "Coding Dojo",
        "start": START + timedelta(weeks=week), "timezone": "Europe/Paris",
        "location": "Totem", "source_id": "totem",
        "url": f"https://totem.example/agenda/dojo-{week}",
        "feed_url": "https://totem.example/?ical=1"}
    values.update(fields)
    return Event(**values)  # type: ignore[arg-type]


def test_the_venues_dates_join_the_organisers_series() -> None:
    result = merge_events([series(), *(copy(week) for week in range(6))], SOURCES)
    [merged] = result.events
    assert merged.rrule == WEEKLY and merged.start == START
    assert merged.source_ids == ("lorntech", "totem")
    assert len(set(result.assignment.values())) == 1  # every record names the one event


def test_the_series_keeps_its_rule_when_a_copy_outranks_it() -> None:
    """The operator trusts the venue most: its copy of the first date must not turn the
    series into that one date."""
    trusted = {**SOURCES, "totem": dataclasses.replace(SOURCES["totem"], priority=5)}
    [merged] = merge_events([series(), copy(0)], trusted).events
    assert merged.rrule == WEEKLY


def test_a_copy_at_the_doors_time_or_a_moved_date_joins() -> None:
    moved = series(recurrence_id=START + timedelta(weeks=3),
                   start=START + timedelta(weeks=3, hours=1, minutes=30))
    records = [series(), moved, copy(1, start=START + timedelta(weeks=1, minutes=-30)),
               copy(3, start=moved.start)]
    [merged] = merge_events(records, SOURCES).events
    assert [o.start for o in merged.overrides] == [moved.start]


def test_a_date_copy_neither_links_to_nor_describes_the_series() -> None:
    long_text = "Séance du 11 mars : le kata bowling, en TDD, avec pizzas et une longue intro."
    [merged] = merge_events([series(url="", description=""), copy(0),
                             copy(1, description=long_text)], SOURCES).events
    assert merged.description == "" and merged.url == ""
    [merged] = merge_events([series(), copy(1, description=long_text)], SOURCES).events
    assert merged.description == "Chaque mardi, un kata en binôme."


def test_what_is_not_one_of_its_dates_stays_apart() -> None:
    records = [
        series(exdates=(START + timedelta(weeks=2),)),
        copy(2),  # a date the series skips
        copy(9),  # after its last date (COUNT=6)
        copy(4, start=START + timedelta(weeks=4, days=1)),  # a Wednesday
        copy(5, title="Atelier Docker : les volumes"),  # another event at that hour
        series(uid="noel@google.com", rrule=None, start=START + timedelta(weeks=1),
               title="Coding Dojo spécial Noël"),  # the organiser's own other record
    ]
    result = merge_events(records, SOURCES)
    assert len(result.events) == 6
    [merged] = [e for e in result.events if e.rrule]
    assert merged.source_ids == ("lorntech",)


def test_one_feeds_two_records_of_a_date_stay_two() -> None:
    result = merge_events([series(), copy(1), copy(1, uid="wp-1-bis@totem.example")], SOURCES)
    assert len(result.events) == 2


def test_the_operators_split_keeps_a_copy_apart() -> None:
    result = merge_events([series(), copy(1)], SOURCES,
                          overrides=Overrides(splits=("totem:wp-1@totem.example",)))
    assert len(result.events) == 2


def test_a_cancelled_copy_cancels_the_date_only_from_a_source_that_outranks_the_series() -> None:
    cancelled = copy(2, status="CANCELLED")
    [merged] = merge_events([series(), cancelled], SOURCES).events
    assert merged.overrides == () and merged.status == "CONFIRMED"  # the organiser's word
    trusted = {**SOURCES, "totem": dataclasses.replace(SOURCES["totem"], priority=5)}
    [merged] = merge_events([series(), cancelled], trusted).events
    [override] = merged.overrides
    assert override.status == "CANCELLED" and override.recurrence_id == START + timedelta(weeks=2)
    assert override.uid == merged.uid and merged.status == "CONFIRMED"


def test_an_all_day_series_and_its_days() -> None:
    first = date(2025, 6, 2)
    conference = Event(uid="fest@outlook.com", title="Festival du numérique", start=first,
                       end=first + timedelta(days=1), all_day=True, rrule="FREQ=DAILY;COUNT=3",
                       location="Centre Pompidou-Metz", source_id="grandest", feed_url="g")
    days = [Event(uid=f"day-{n}", title="Festival du numérique", start=first + timedelta(n),
                  end=first + timedelta(n + 1), all_day=True, location="Pompidou Metz",
                  source_id="totem", feed_url="t") for n in range(3)]
    [merged] = merge_events([conference, *days], SOURCES).events
    assert merged.rrule == "FREQ=DAILY;COUNT=3" and len(merged.members) == 4


def test_the_merged_uid_stays_when_the_copies_come_and_go() -> None:
    alone = merge_events([series()], SOURCES)
    joined = merge_events([series(), copy(1), copy(2)], SOURCES, previous=alone.assignment)
    left = merge_events([series(), copy(2)], SOURCES, previous=joined.assignment)
    assert alone.events[0].uid == joined.events[0].uid == left.events[0].uid


def test_records_at_the_ends_of_the_calendar_do_not_stop_the_merge() -> None:
    """A hostile feed's year 9999 and year 1 (the window is a day either side of them)."""
    records = [series(), copy(1), copy(2, start=datetime(9999, 12, 31, 23, 0, tzinfo=PARIS)),
               copy(3, start=datetime(1, 1, 1, 12, 0, tzinfo=PARIS))]
    assert len(merge_events(records, SOURCES).events) == 3
