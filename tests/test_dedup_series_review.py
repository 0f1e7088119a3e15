"""The second review of the later-series join (dedup.rhythm): a merged event never shows fewer
of the series' dates, nor other times, than its series did apart; cases that failed at f3266c4."""
from __future__ import annotations
import dataclasses
import itertools
from typing import Any
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo
from aggregator.dedup import merge_events
from aggregator.models import Event, Source
from aggregator.render.agenda import walk
from test_dedup_series import SOURCES, START, series

PARIS = ZoneInfo("Europe/Paris")
NOW = START - timedelta(days=1)


def W(n: int) -> dict[str, datetime]:
    return dict(start=START + timedelta(weeks=n), end=START + timedelta(weeks=n, hours=2))

def shown(events: Any, until: Any = None) -> set[datetime]:
    out = set()
    for e in events:
        for o in itertools.islice(walk(e, after=NOW), 300):
            if o.status != "CANCELLED" and (until is None or o.start.date() <= until):
                out.add(o.start.astimezone(PARIS))
    return out

def separately(groups: Any, until: Any) -> set[datetime]:
    return set().union(*(shown(merge_events(g, SOURCES).events, until) for g in groups))

def test_chain_rep_ends_before_a_joined_series() -> None:  # A best, ends w19; C open-ended, joined via B
    A = series(uid="A@lorntech", rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=20")
    B = series(uid="B@totem", source_id="totem", feed_url="T", location="Totem", rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=5", **W(2))
    C = series(uid="C@ge", source_id="grandest", feed_url="G", rrule="FREQ=WEEKLY;BYDAY=TU", **W(3))
    until = (START + timedelta(weeks=60)).date()
    assert shown(merge_events([A, B, C], SOURCES).events, until) >= separately([[A], [B], [C]], until)

def test_horizon_from_the_later_start_not_the_whole_run() -> None:
    venue = series(uid="v@totem", source_id="totem", feed_url="T", location="Totem", rrule="FREQ=WEEKLY;BYDAY=TU",
                   start=START - timedelta(weeks=104), end=START - timedelta(weeks=104, hours=-2))
    org = series(uid="o@lorntech", rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20250624T235959Z",
                 start=START - timedelta(weeks=52), end=START - timedelta(weeks=52, hours=-2))
    until = (START + timedelta(weeks=40)).date()
    assert shown(merge_events([venue, org], SOURCES).events, until) >= separately([[venue], [org]], until)

def test_earlier_series_moved_and_cancelled_dates_survive_reach_back() -> None:
    v0 = START - timedelta(minutes=30)  # the venue's series says 18:00 (doors)
    venue = series(uid="v@totem", source_id="totem", feed_url="T", location="Totem", start=v0, end=v0 + timedelta(hours=2),
                   rrule="FREQ=WEEKLY;BYDAY=TU")
    cancel = dataclasses.replace(venue, recurrence_id=v0 + timedelta(weeks=1), start=v0 + timedelta(weeks=1), status="CANCELLED")
    moved = dataclasses.replace(venue, recurrence_id=v0 + timedelta(weeks=2), start=v0 + timedelta(weeks=2, days=1),
                                end=v0 + timedelta(weeks=2, days=1, hours=2))
    org = series(uid="o@lorntech", rrule="FREQ=WEEKLY;BYDAY=TU", **W(3))
    days = {d.date() for d in shown(merge_events([venue, cancel, moved, org], SOURCES).events)}
    assert (START + timedelta(weeks=1)).date() not in days          # cancelled by the venue: shown
    assert (START + timedelta(weeks=2, days=1)).date() in days     # moved to Wednesday: shown on Tuesday

def test_utc_later_series_keeps_the_venues_winter_time() -> None:
    ls = START + timedelta(weeks=4)
    org = series(uid="o@lorntech", start=ls.astimezone(UTC), end=(ls + timedelta(hours=2)).astimezone(UTC), timezone="UTC",
                 rrule="FREQ=WEEKLY;BYDAY=TU")
    venue = series(uid="v@totem", source_id="totem", feed_url="T", location="Totem", rrule="FREQ=WEEKLY;BYDAY=TU")
    first = min(shown(merge_events([venue, org], SOURCES).events))
    assert first.time() == START.time()  # 17:30 shown for 4-25 March

def test_organisers_kickoff_one_off_splits_the_series() -> None:
    A = series(uid="A@totem", source_id="totem", feed_url="T", location="Totem", rrule="FREQ=WEEKLY;BYDAY=TU")
    B = series(uid="B@lorntech", rrule="FREQ=WEEKLY;BYDAY=TU", **W(3))
    kick = series(uid="0kick@lorntech", rrule=None, **W(1))
    r1 = merge_events([A, B], SOURCES)
    r2 = merge_events([A, B, kick], SOURCES, previous=r1.assignment)
    assert len([e for e in r2.events if e.rrule]) == 1  # 2: every Tuesday from 25 March twice
    assert r2.assignment["totem:A@totem"] == r1.assignment["totem:A@totem"]

def test_unlisted_location_series_joins_another_address() -> None:
    src = {"med": Source(id="med", name="Médiathèques", kind="institution", city="Metz", country="FR"),
           "borny": Source(id="borny", name="Centre social Borny", kind="association", city="Metz", country="FR")}
    t1 = datetime(2025, 3, 4, 14, 0, tzinfo=PARIS)
    c = dict(title="Permanence numérique", timezone="Europe/Paris", rrule="FREQ=WEEKLY;BYDAY=TU")
    a = Event(uid="p@med", start=t1, end=t1 + timedelta(hours=2), location="Médiathèque Verlaine, 1 place de la Bibliothèque, 57050 Metz",
              source_id="med", feed_url="M", **c)
    b = Event(uid="p@borny", start=t1 + timedelta(weeks=2), end=t1 + timedelta(weeks=2, hours=2), location="",
              source_id="borny", feed_url="B", **c)
    assert len(merge_events([a, b], src).events) == 2

def test_chain_no_date_lost() -> None:
    A = series(uid="A@totem", source_id="totem", feed_url="T", location="Totem", rrule="FREQ=WEEKLY;BYDAY=TU")
    B = series(uid="B@ge", source_id="grandest", feed_url="G", rrule="FREQ=WEEKLY;BYDAY=TU", **W(2))
    C = series(uid="C@lorntech", rrule="FREQ=WEEKLY;BYDAY=TU", exdates=(START + timedelta(weeks=1),), **W(4))
    until = (START + timedelta(weeks=30)).date()
    events = merge_events([A, B, C], SOURCES).events
    assert shown(events, until) >= separately([[A], [B], [C]], until)
