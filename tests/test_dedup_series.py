"""A series posted as one RRULE by the organiser and date by date by a venue is one event.

Google, Outlook and Apple write a weekly meetup as one VEVENT with a rule; the venue's
WordPress agenda and Meetup write each date as a VEVENT of its own. Subscribers must see each
meetup once, on every date, and never lose the series' later dates.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from aggregator.dedup import explain, merge_events
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


def test_the_series_speaks_for_itself_before_a_copy_of_one_of_its_dates() -> None:
    """A copy of one date links to that date's page and tells of that date: the series'
    own link and text come first, a copy's only where the series has none."""
    long_text = "Séance du 11 mars : le kata bowling, en TDD, avec pizzas et une longue intro."
    [merged] = merge_events([series(), copy(1, description=long_text)], SOURCES).events
    assert merged.description == "Chaque mardi, un kata en binôme."
    assert merged.url == "https://lorntech.fr/dojo"
    [merged] = merge_events([series(url="", description=""), copy(1, description=long_text)],
                            SOURCES).events
    assert merged.description == long_text and merged.url == "https://totem.example/agenda/dojo-1"


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


def test_the_organisers_dates_speak_for_those_dates_of_a_venues_series() -> None:
    """The venue's calendar repeats "Meetup Python" every first Tuesday; the organiser posts
    each meetup on its own, with its subject and registration page: those dates are the
    organiser's (title, link), the venue's series gives the others."""
    venue = series(uid="py@totem", title="Meetup Python", source_id="totem", url="",
                   description="", rrule="FREQ=MONTHLY;BYDAY=1TU;COUNT=4", feed_url="T")
    april = datetime(2025, 4, 1, 18, 30, tzinfo=PARIS)
    organiser = [copy(0, uid="m41@meetup.com", title="Meetup Python #41 : asyncio",
                      source_id="lorntech", url="https://meetup.com/py/41", feed_url="L"),
                 Event(uid="m42@meetup.com", title="Meetup Python #42 : les décorateurs",
                       start=april, timezone="Europe/Paris", location="Totem",
                       url="https://meetup.com/py/42", source_id="lorntech", feed_url="L")]
    [merged] = merge_events([venue, *organiser], SOURCES).events
    assert merged.rrule == "FREQ=MONTHLY;BYDAY=1TU;COUNT=4"
    assert {(o.recurrence_id, o.title, o.url) for o in merged.overrides} == {
        (START, "Meetup Python #41 : asyncio", "https://meetup.com/py/41"),
        (april, "Meetup Python #42 : les décorateurs", "https://meetup.com/py/42")}
    assert merged.url == "https://meetup.com/py/41"  # the series has none of its own


def test_numbered_copies_join_their_dates_after_a_first_one_clustered() -> None:
    """"Apéro Data #20" clustered with the series at its first date; "#21" is another
    number than #20 but not than the series' (which has none)."""
    first = datetime(2025, 1, 7, 19, 0, tzinfo=PARIS)
    rule = "FREQ=MONTHLY;BYDAY=1TU;COUNT=3"
    days = [first, datetime(2025, 2, 4, 19, 0, tzinfo=PARIS),
            datetime(2025, 3, 4, 19, 0, tzinfo=PARIS)]
    copies = [copy(0, uid=f"a{n}", title=f"Apéro Data #{20 + n}", start=day)
              for n, day in enumerate(days)]
    [merged] = merge_events([series(title="Apéro Data", start=first, rrule=rule), *copies],
                            SOURCES).events
    assert len(merged.members) == 4


def test_the_series_keeps_its_uid_when_copies_that_had_their_own_join_it() -> None:
    """Before this build the venue's and the umbrella's copies of each date were events of
    their own (two votes each against the series' one): the series must keep its UID, and
    the copies' UIDs leave with them."""
    umbrella = [copy(w, uid=f"ge-{w}", source_id="grandest", feed_url="G") for w in (1, 2)]
    venue = [copy(w) for w in (1, 2)]
    before = {"lorntech:dojo@google.com": "series@aggregator",
              "totem:wp-1@totem.example": "d1@aggregator", "grandest:ge-1": "d1@aggregator",
              "totem:wp-2@totem.example": "d2@aggregator", "grandest:ge-2": "d2@aggregator"}
    [merged] = merge_events([series(), *venue, *umbrella], SOURCES, previous=before).events
    assert merged.uid == "series@aggregator"


def test_a_cancellation_from_a_source_that_outranks_the_series_cancels_its_date() -> None:
    trusted = {**SOURCES, "totem": dataclasses.replace(SOURCES["totem"], priority=5)}
    [merged] = merge_events([series(), copy(0, status="CANCELLED")], trusted).events
    assert [(o.recurrence_id, o.status) for o in merged.overrides] == [(START, "CANCELLED")]
    [merged] = merge_events([series(), copy(0), copy(2, status="CANCELLED")], trusted).events
    assert [(o.recurrence_id, o.status) for o in merged.overrides] == [
        (START, "CONFIRMED"), (START + timedelta(weeks=2), "CANCELLED")]


def test_the_operators_split_of_the_series_keeps_its_copies_apart() -> None:
    split = Overrides(splits=("lorntech:dojo@google.com",))
    assert len(merge_events([series(), copy(1), copy(2)], SOURCES, overrides=split).events) == 3


def test_the_merge_does_not_depend_on_the_order_of_the_records() -> None:
    """The series the dates are walked from is the one the merged event keeps (the
    organiser's ten weeks, not the umbrella's four), and two copies of one feed for one date
    are told apart by their keys, not by which came first."""
    organiser = series(rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=10")
    umbrella = series(uid="u@ge", source_id="grandest", feed_url="G",
                      rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=4")
    twins = [copy(6), copy(6, uid="wp-6-bis@totem.example", title="Coding Dojo (complet)")]
    results = [[sorted(m.uid for m in e.members) for e in merge_events(records, SOURCES).events]
               for records in ([organiser, umbrella, *twins], [umbrella, organiser, *twins[::-1]])]
    assert results[0] == results[1] and len(results[0]) == 2
    assert results[0][0][:2] == ["dojo@google.com", "u@ge"] and len(results[0][0]) == 3


def test_explain_shows_the_date_a_copy_was_compared_at() -> None:
    records = [series(), copy(2), copy(3)]
    [pair] = [p for p in explain(records, SOURCES, "totem:wp-2@totem.example")
              if p.b == "totem:wp-2@totem.example" and p.a.startswith("lorntech:")]
    assert (pair.a, pair.b, pair.decision) == (
        "lorntech:dojo@google.com", "totem:wp-2@totem.example", "merged")
    assert "at a date of the series" in pair.reasons


def test_odd_dates_neither_crash_nor_are_taken_for_the_series() -> None:
    moved = series(recurrence_id=START + timedelta(weeks=1),
                   start=datetime(9999, 12, 31, 23, 59, tzinfo=UTC))
    result = merge_events([series(), moved, copy(2)], SOURCES)
    assert len(result.events) == 1
    by_day = series(exdates=(date(2025, 3, 18),))  # EXDATE;VALUE=DATE under a timed DTSTART
    assert len(merge_events([by_day, copy(2)], SOURCES).events) == 2


def test_a_weekday_series_of_a_few_years_still_meets_its_copies() -> None:
    """Thunderbird's "every weekday" is FREQ=DAILY;BYDAY=MO,...,FR: one rule step a day."""
    old = series(start=datetime(2023, 9, 4, 12, 0, tzinfo=PARIS), title="Café du midi",
                 rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR")
    lunch = copy(0, title="Café du midi", start=datetime(2025, 10, 14, 12, 0, tzinfo=PARIS))
    assert len(merge_events([old, lunch], SOURCES).events) == 1


def test_every_record_of_a_copy_cluster_is_tried_whatever_the_order() -> None:
    """The umbrella's "Dojo de programmation" shares the venue's page for that date: the
    pair is one cluster, and the venue's record is the one that matches the series."""
    link = "https://totem.example/agenda/dojo-2"
    venue = copy(2, url=link)
    umbrella = copy(2, uid="ge-2@grandest", title="Dojo de programmation", url=link,
                    source_id="grandest", feed_url="G")
    counts = {len(merge_events(records, SOURCES).events)
              for records in ([series(), venue, umbrella], [series(), umbrella, venue])}
    assert counts == {1}


def test_an_all_day_copy_of_a_timed_date_never_overrides_its_time() -> None:
    """A trusted source lists the day only: the date stays 18:30-20:30 (an override of a
    day made calendar.ics write 18:30-18:30, or 24 hours)."""
    trusted = {**SOURCES, "totem": dataclasses.replace(SOURCES["totem"], priority=5)}
    day = copy(1, start=date(2025, 3, 11), end=date(2025, 3, 12), all_day=True, timezone=None)
    [merged] = merge_events([series(), day], trusted).events
    assert merged.overrides == () and len(merged.members) == 2


def test_one_instant_is_one_override_whatever_zone_names_it() -> None:
    """The venue moved its own date, naming it in UTC; the organiser's copy of that date
    outranks it: one override, the organiser's."""
    venue = series(uid="py@totem", title="Meetup Python", source_id="totem", feed_url="T",
                   url="", description="")
    third = START + timedelta(weeks=2)
    moved = dataclasses.replace(venue, rrule=None, start=third + timedelta(minutes=30),
                                recurrence_id=third.astimezone(UTC))
    organiser = copy(2, uid="m41@meetup.com", title="Meetup Python #41", source_id="lorntech",
                     feed_url="L", url="https://meetup.com/py/41",
                     start=third + timedelta(minutes=30))
    [merged] = merge_events([venue, moved, organiser], SOURCES).events
    [override] = merged.overrides
    assert override.title == "Meetup Python #41"


def test_a_copy_of_another_date_forced_in_by_its_uid_does_not_move_the_first_date() -> None:
    """An importer kept the organiser's UID on the venue's copies of weeks 0, 2 and 3."""
    trusted = {**SOURCES, "totem": dataclasses.replace(SOURCES["totem"], priority=5)}
    copies = [copy(w, uid="dojo@google.com") for w in (0, 2, 3)]
    for records in ([series(), *copies], [series(), *copies[::-1]]):
        [merged] = merge_events(records, trusted).events
        assert all(o.start == o.recurrence_id for o in merged.overrides), merged.overrides


def test_an_old_record_does_not_stop_a_daily_series_meeting_its_copies() -> None:
    """A 2021 record sharing a word made the walk start in 2021 and stop four years later,
    before the copies."""
    daily = series(start=datetime(2021, 1, 4, 14, 0, tzinfo=PARIS), title="Permanence numérique",
                   rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR")
    copies = [copy(0, uid=f"p{n}", title="Permanence numérique",
                   start=datetime(2025, 6, 2 + n, 14, 0, tzinfo=PARIS)) for n in range(3)]
    old = copy(0, uid="pj", title="Permanence juridique", source_id="grandest", feed_url="G",
               start=datetime(2021, 3, 3, 10, 0, tzinfo=PARIS), location="Mairie de Metz")
    assert len(merge_events([daily, *copies, old], SOURCES).events) == 2

