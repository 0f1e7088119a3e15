"""A later series that joins another never costs a subscriber a date or a time (dedup.rhythm).

Each case failed at f3266c4, found by the second review of the join: a merged event showed
fewer of the series' dates, or other times, than the series did apart.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from aggregator.dedup import merge_events
from aggregator.models import Event, MergedEvent, Source
from aggregator.render.agenda import walk
from test_dedup_series import SOURCES, START, series

PARIS = ZoneInfo("Europe/Paris")
NOW = START - timedelta(days=1)  # every date below is still to come
WEEKLY = "FREQ=WEEKLY;BYDAY=TU"


def week(n: int) -> dict[str, datetime]:
    """Start and end of a series whose first date is ``n`` weeks after START."""
    return {"start": START + timedelta(weeks=n), "end": START + timedelta(weeks=n, hours=2)}


def shown(events: Iterable[MergedEvent], until: date | None = None) -> set[datetime]:
    """Every date and time, in Paris, a subscriber's calendar shows not cancelled."""
    found = set()
    for event in events:
        for occurrence in itertools.islice(walk(event, after=NOW), 300):
            if occurrence.status != "CANCELLED" and (
                    until is None or occurrence.start.date() <= until):
                found.add(occurrence.start.astimezone(PARIS))
    return found


def separately(groups: Sequence[Sequence[Event]], until: date) -> set[datetime]:
    """What each group's feeds show when merged alone."""
    return set().union(*(shown(merge_events(g, SOURCES).events, until) for g in groups))


def test_a_chain_of_three_series_loses_none_of_the_dates_of_the_one_it_did_not_meet() -> None:
    first = series(uid="A@lorntech", rrule=f"{WEEKLY};COUNT=20")  # gives the dates, ends week 19
    venue = series(uid="B@totem", source_id="totem", feed_url="T", location="Totem",
                   rrule=f"{WEEKLY};COUNT=5", **week(2))
    endless = series(uid="C@ge", source_id="grandest", feed_url="G", rrule=WEEKLY, **week(3))
    until = (START + timedelta(weeks=60)).date()
    assert shown(merge_events([first, venue, endless], SOURCES).events, until) >= separately(
        [[first], [venue], [endless]], until)
    exdated = series(uid="C@lorntech", rrule=WEEKLY, exdates=(START + timedelta(weeks=1),),
                     **week(4))  # an EXDATE from before its start: it cannot start back
    venue = series(uid="A@totem", source_id="totem", feed_url="T", location="Totem",
                   rrule=WEEKLY)
    umbrella = series(uid="B@ge", source_id="grandest", feed_url="G", rrule=WEEKLY, **week(2))
    until = (START + timedelta(weeks=30)).date()
    assert shown(merge_events([venue, umbrella, exdated], SOURCES).events, until) >= separately(
        [[venue], [umbrella], [exdated]], until)


def test_an_until_past_the_later_start_does_not_end_the_other_series() -> None:
    venue = series(uid="v@totem", source_id="totem", feed_url="T", location="Totem",
                   rrule=WEEKLY, start=START - timedelta(weeks=104),
                   end=START - timedelta(weeks=104, hours=-2))
    organiser = series(uid="o@lorntech", rrule=f"{WEEKLY};UNTIL=20250624T235959Z",
                       start=START - timedelta(weeks=52), end=START - timedelta(weeks=52, hours=-2))
    until = (START + timedelta(weeks=40)).date()
    assert shown(merge_events([venue, organiser], SOURCES).events, until) >= separately(
        [[venue], [organiser]], until)


def test_the_earlier_series_moved_and_cancelled_dates_stay_so() -> None:
    doors = START - timedelta(minutes=30)  # the venue's series says 18:00, the organiser 18:30
    venue = series(uid="v@totem", source_id="totem", feed_url="T", location="Totem",
                   start=doors, end=doors + timedelta(hours=2), rrule=WEEKLY)
    cancelled = dataclasses.replace(venue, recurrence_id=doors + timedelta(weeks=1),
                                    start=doors + timedelta(weeks=1), status="CANCELLED")
    moved = dataclasses.replace(venue, recurrence_id=doors + timedelta(weeks=2),
                                start=doors + timedelta(weeks=2, days=1),
                                end=doors + timedelta(weeks=2, days=1, hours=2))
    organiser = series(uid="o@lorntech", rrule=WEEKLY, **week(3))
    days = {d.date() for d in shown(merge_events([venue, cancelled, moved, organiser],
                                                 SOURCES).events)}
    assert (START + timedelta(weeks=1)).date() not in days  # the venue cancelled it
    assert (START + timedelta(weeks=2, days=1)).date() in days  # moved to the Wednesday


def test_a_later_series_written_in_utc_keeps_the_winter_weeks_local_time() -> None:
    later = START + timedelta(weeks=4)  # 1 April: summer time
    organiser = series(uid="o@lorntech", start=later.astimezone(UTC),
                       end=(later + timedelta(hours=2)).astimezone(UTC), timezone="UTC",
                       rrule=WEEKLY)
    venue = series(uid="v@totem", source_id="totem", feed_url="T", location="Totem",
                   rrule=WEEKLY)
    first = min(shown(merge_events([venue, organiser], SOURCES).events))
    assert first.time() == START.time()  # 18:30 in March too, not 17:30


def test_the_organisers_kick_off_before_its_series_does_not_split_it() -> None:
    venue = series(uid="A@totem", source_id="totem", feed_url="T", location="Totem",
                   rrule=WEEKLY)
    organiser = series(uid="B@lorntech", rrule=WEEKLY, **week(3))
    kick_off = series(uid="0kick@lorntech", rrule=None, **week(1))
    before = merge_events([venue, organiser], SOURCES)
    after = merge_events([venue, organiser, kick_off], SOURCES, previous=before.assignment)
    assert len([e for e in after.events if e.rrule]) == 1  # not every Tuesday twice
    assert after.assignment["totem:A@totem"] == before.assignment["totem:A@totem"]


def test_a_series_without_a_place_does_not_join_one_at_an_address() -> None:
    sources = {
        "med": Source(id="med", name="Médiathèques", kind="institution", city="Metz",
                      country="FR"),
        "borny": Source(id="borny", name="Centre social Borny", kind="association",
                        city="Metz", country="FR"),
    }
    first = datetime(2025, 3, 4, 14, 0, tzinfo=PARIS)
    later = first + timedelta(weeks=2)
    common = {"title": "Permanence numérique", "timezone": "Europe/Paris", "rrule": WEEKLY}
    library = Event(uid="p@med", start=first, end=first + timedelta(hours=2),
                    location="Médiathèque Verlaine, 1 place de la Bibliothèque, 57050 Metz",
                    source_id="med", feed_url="M", **common)  # type: ignore[arg-type]
    nowhere = Event(uid="p@borny", start=later, end=later + timedelta(hours=2), location="",
                    source_id="borny", feed_url="B", **common)  # type: ignore[arg-type]
    assert len(merge_events([library, nowhere], sources).events) == 2
