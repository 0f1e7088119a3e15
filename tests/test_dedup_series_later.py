"""A series exported again from a later date is the same series, joined only when their
merged event loses no date of either (dedup.rhythm): exporters that start a series at its next
date, organisers' shorter exports, other places and rhythms."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aggregator import lifecycle
from aggregator.dedup import explain, merge_events
from aggregator.models import Event, MergedEvent, Source
from aggregator.render.agenda import walk
from test_dedup_series import SOURCES, START, copy, series

PARIS = ZoneInfo("Europe/Paris")
NOW = START - timedelta(days=1)  # every date below is still to come
VENUE = series(uid="dojo@totem.example", source_id="totem", feed_url="T", location="Totem",
               rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=20")  # 20 Tuesdays from 4 March


def days(events: list[MergedEvent] | tuple[MergedEvent, ...]) -> set[object]:
    """Every day a subscriber's calendar shows an event that is not cancelled."""
    return {o.start.date() for e in events if e.status != "CANCELLED"  # type: ignore[union-attr]
            for o in itertools.islice(walk(e, after=NOW), 500)}


def test_the_same_series_exported_from_its_next_date_is_that_series() -> None:
    """Some exporters start a series at its next date: the venue's weekly rule from
    March, the organiser's from the fourth week. Every Tuesday from then on is one event."""
    later = series(uid="dojo-2025@lorntech.fr", start=START + timedelta(weeks=3),
                   end=START + timedelta(weeks=3, hours=2), rrule="FREQ=WEEKLY;BYDAY=TU")
    venue = series(uid="dojo@totem.example", source_id="totem", location="Totem",
                   url="https://totem.example/dojo", feed_url="https://totem.example/?ical=1",
                   rrule="FREQ=WEEKLY;BYDAY=TU")
    result = merge_events([venue, later, copy(5, source_id="grandest",
                                              feed_url="https://grandest.example/e.ics")],
                          SOURCES)
    [merged] = result.events
    assert merged.source_ids == ("lorntech", "totem", "grandest")
    assert merged.rrule == "FREQ=WEEKLY;BYDAY=TU"  # the organiser's record gives the dates
    # from the venue's first date: its subscribers keep the weeks they had (same UID)
    assert (merged.start, merged.end) == (START, START + timedelta(hours=2))
    # With a COUNT it could not start back (COUNT would count other weeks): the venue's
    # first three Tuesdays would be lost, so the two stay apart.
    counted = dataclasses.replace(later, rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=10")
    assert len(merge_events([venue, counted], SOURCES).events) == 2
    [pair] = [p for p in explain([venue, later], SOURCES, "lorntech:dojo-2025@lorntech.fr")
              if "totem:dojo@totem.example" in (p.a, p.b)]
    assert pair.decision == "merged" and "at a date of the series" in pair.reasons


def test_another_rhythm_or_the_same_feed_on_one_of_the_series_days_is_another_series() -> None:
    """The monthly special on the first Tuesday shares one day with the weekly dojo; one
    feed's two series are two events; a series starting before the other is compared the
    other way round."""
    monthly = series(uid="special@lorntech.fr", start=START + timedelta(weeks=4),
                     rrule="FREQ=MONTHLY;BYDAY=1TU")
    venue = series(uid="dojo@totem.example", source_id="totem", location="Totem",
                   feed_url="https://totem.example/?ical=1", rrule="FREQ=WEEKLY;BYDAY=TU")
    assert len(merge_events([venue, monthly], SOURCES).events) == 2
    again = series(uid="dojo-b@lorntech.fr", start=START + timedelta(weeks=2),
                   rrule="FREQ=WEEKLY;BYDAY=TU")
    assert len(merge_events([series(rrule="FREQ=WEEKLY;BYDAY=TU"), again], SOURCES).events) == 2
    assert len(merge_events([again, venue], SOURCES).events) == 1


def test_no_upcoming_date_is_lost_when_the_two_do_not_cover_each_other() -> None:
    """The organiser's short export, an organiser whose series ends first, an organiser's
    export from week 3 with a COUNT (it cannot start back): joined, the record that gives
    the dates would drop the venue's. Two events (a few dates twice) lose none."""
    short = series(uid="dojo-3@lorntech.fr", start=START + timedelta(weeks=5),
                   end=START + timedelta(weeks=5, hours=2), rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3")
    assert len(days(merge_events([VENUE, short], SOURCES).events)) == 20
    ends_first = series(uid="dojo@google.com", rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=6")
    venue = dataclasses.replace(VENUE, start=START + timedelta(weeks=3),
                                end=START + timedelta(weeks=3, hours=2))
    assert len(days(merge_events([ends_first, venue], SOURCES).events)) == 23
    counted = series(uid="dojo-2025@lorntech.fr", start=START + timedelta(weeks=3),
                     end=START + timedelta(weeks=3, hours=2),
                     rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=17")
    assert min(days(merge_events([VENUE, counted], SOURCES).events)) == START.date()
    # through two builds: the venue's event is not withdrawn for a 3-date one
    first = [merge_events([VENUE], SOURCES), merge_events([short], SOURCES)]
    _, memory = lifecycle.publish([*first[0].events, *first[1].events], {}, NOW)
    merged = merge_events([VENUE, short], SOURCES,
                          previous={**first[0].assignment, **first[1].assignment})
    published, _ = lifecycle.publish(merged.events, memory, NOW + timedelta(hours=1))
    assert len(days(published)) == 20


def test_hourly_slots_or_another_address_are_other_series() -> None:
    venue = dataclasses.replace(VENUE, title="Permanence numérique")
    slots = series(uid="slots@lorntech", title="Permanence numérique",
                   start=START + timedelta(weeks=2), end=START + timedelta(weeks=2, hours=1),
                   rrule="FREQ=HOURLY;COUNT=4")
    assert len(merge_events([venue, slots], SOURCES).events) == 2
    sources = {"med": Source(id="med", name="Médiathèques", kind="institution", city="Metz",
                             country="FR"),
               "borny": Source(id="borny", name="Centre social Borny", kind="association",
                               city="Metz", country="FR")}
    t1 = datetime(2025, 3, 4, 14, 0, tzinfo=PARIS)
    common = dict(title="Permanence numérique", timezone="Europe/Paris",
                  rrule="FREQ=WEEKLY;BYDAY=TU")
    a = Event(uid="perm@mediatheques-metz.fr", start=t1, end=t1 + timedelta(hours=2),
              location="Médiathèque Verlaine, 1 place de la Bibliothèque, 57050 Metz",
              source_id="med", feed_url="https://med/f.ics", **common)  # type: ignore[arg-type]
    t2 = t1 + timedelta(weeks=2)
    b = Event(uid="perm@borny.example", start=t2, end=t2 + timedelta(hours=2),
              location="Centre social, 2 rue du Bon Pasteur, 57070 Metz",
              source_id="borny", feed_url="https://borny/f.ics", **common)  # type: ignore[arg-type]
    assert len(merge_events([a, b], sources).events) == 2
    street = [dataclasses.replace(e, location=f"Salle polyvalente, {n} rue Haute, 57000 Metz")
              for e, n in ((a, 3), (b, 5))]  # alike enough for one evening's cross-posts
    assert len(merge_events(street, sources).events) == 2
    assert len(merge_events([street[0], dataclasses.replace(b, location=street[0].location)],
                            sources).events) == 1  # one room: one series


def test_one_feeds_series_and_its_own_record_of_a_date_stay_two_whoever_else_posts() -> None:
    a = series(uid="A@lorntech", rrule="FREQ=WEEKLY;BYDAY=TU")
    b = series(uid="B@totem", source_id="totem", feed_url="T", location="Totem",
               start=START + timedelta(weeks=2), end=START + timedelta(weeks=2, hours=2),
               rrule="FREQ=WEEKLY;BYDAY=TU")
    c = series(uid="C@ge", source_id="grandest", feed_url="G", start=START + timedelta(weeks=4),
               end=START + timedelta(weeks=4, hours=2), rrule="FREQ=WEEKLY;BYDAY=TU")
    t5 = copy(5, uid="t5@totem", feed_url="T")  # the venue's own second record of week 5
    for records in ([a, b, t5], [a, b, t5, c]):
        assert not [e for e in merge_events(records, SOURCES).events
                    if {"B@totem", "t5@totem"} <= {m.uid for m in e.members}], len(records)


def test_a_counted_series_exported_from_its_next_date_to_the_same_last_date_is_that_series(
        ) -> None:
    """Issue 3's benchmark (bench.dedup_score, family ``later``): a cross-poster's export
    of the organiser's eight Tuesdays that starts at the fourth, COUNT=5, ends on the same
    day. Only endless rules joined, so every such copy stayed a second event (recall of
    the family 0.000, of all events 0.956 < 0.97): every one of its dates is the series'
    own, and the series' rule, which gives the dates, loses none. A copy that ends sooner,
    or later, or never, still stays apart."""
    organiser = series(uid="dojo@lorntech.fr", rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=8")
    venue = dataclasses.replace(VENUE, start=START + timedelta(weeks=3),
                                end=START + timedelta(weeks=3, hours=2),
                                rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=5")
    [merged] = merge_events([organiser, venue], SOURCES).events
    assert merged.rrule == organiser.rrule and merged.start == START
    assert len(days([merged])) == 8
    until = dataclasses.replace(venue, rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL="
                                + (START + timedelta(weeks=7, hours=1)).astimezone(
                                    ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ"))
    assert len(merge_events([organiser, until], SOURCES).events) == 1
    for count in ("COUNT=4", "COUNT=6", ""):
        other = dataclasses.replace(venue, rrule=f"FREQ=WEEKLY;BYDAY=TU;{count}".rstrip(";"))
        result = merge_events([organiser, other], SOURCES).events
        assert len(result) == 2, count  # none of either's dates lost


def test_a_later_series_in_a_zone_whose_clock_is_the_same_is_that_series() -> None:
    """Issue 3's benchmark (family ``later`` with ``luxembourg_zone``, ``tzid``,
    ``floating``): the cross-poster's export of the Tuesdays at 18:30 from the fourth, in
    Europe/Luxembourg or Europe/Berlin, or floating (read in the agenda's zone), stayed a
    second event: only one zone name joined. Those clocks are Paris' own, summer and
    winter, so every date of either is a date of the merged rule. In UTC (18:30Z, 19:30 or
    20:30 in Paris), or at another hour, it stays apart: no date of it is the series'."""
    organiser = series(uid="dojo@lorntech.fr", rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=8")
    later = START + timedelta(weeks=3)  # 25 March, before summer time; the rule runs past it

    def export(zone: str | None, hour: int = 18) -> Event:
        start = later.replace(hour=hour, tzinfo=None if zone is None else ZoneInfo(zone))
        return dataclasses.replace(VENUE, start=start, end=start + timedelta(hours=2),
                                   timezone=zone or "", rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=5")

    for zone in ("Europe/Luxembourg", "Europe/Berlin", None):
        [merged] = merge_events([organiser, export(zone)], SOURCES).events
        assert merged.rrule == organiser.rrule and merged.start == START, zone
        assert len(days([merged])) == 8
    for apart in (export("UTC"), export("Europe/London"), export("Europe/Berlin", 19)):
        assert len(merge_events([organiser, apart], SOURCES).events) == 2, apart.start
