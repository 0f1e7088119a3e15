"""Merged UIDs survive rebuilds; operator overrides and cancellations are respected.

Calendar clients (Google polls every 12-24 h and never drops what it holds) must never see a
duplicate or lose an event because clustering moved, so each test is a second build fed the
first build's assignment.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aggregator.dedup import EventMerge, Overrides, merge_events, vanished
from aggregator.models import Event, Source

SOURCES = {
    "lorntech": Source(id="lorntech", name="Lor'N'Tech", kind="association", city="Nancy",
                       country="FR"),
    "totem": Source(id="totem", name="Totem", kind="venue", city="Metz", country="FR"),
    "grandest": Source(id="grandest", name="Grand Est Numérique", kind="institution",
                       city="Metz", country="FR"),
}
START = datetime(2025, 3, 12, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))


def record(source: str, uid: str, title: str = "Meetup Python : les décorateurs",
           **fields: object) -> Event:
    values: dict[str, object] = {"uid": uid, "title": title, "start": START,
                                 "source_id": source, "location": "Totem, Metz"}
    values.update(fields)
    return Event(**values)  # type: ignore[arg-type]


ORGANISER = record("lorntech", "org@lorntech")
VENUE = record("totem", "v-1", title="[Metz] Python Meetup – les décorateurs")
UMBRELLA = record("grandest", "g-77", title="MEETUP PYTHON (gratuit)")


def only_uid(result: EventMerge) -> str:
    (event,) = result.events
    return event.uid


def test_uid_kept_when_a_source_joins() -> None:
    first = merge_events([ORGANISER], SOURCES)
    second = merge_events([ORGANISER, VENUE, UMBRELLA], SOURCES, previous=first.assignment)
    assert only_uid(second) == only_uid(first)


def test_uid_kept_when_the_organiser_leaves() -> None:
    first = merge_events([ORGANISER, VENUE, UMBRELLA], SOURCES)
    second = merge_events([VENUE, UMBRELLA], SOURCES, previous=first.assignment)
    assert only_uid(second) == only_uid(first)


def test_uid_kept_when_the_title_changes() -> None:
    first = merge_events([ORGANISER, VENUE], SOURCES)
    renamed = record("lorntech", "org@lorntech", title="Soirée Python : décorateurs et typing")
    second = merge_events([renamed, VENUE], SOURCES, previous=first.assignment)
    assert [e.uid for e in second.events][0] == only_uid(first)


def test_uid_kept_when_the_time_changes() -> None:
    first = merge_events([ORGANISER, VENUE], SOURCES)
    moved = [record("lorntech", "org@lorntech", start=START + timedelta(days=1)),
             record("totem", "v-1", title=VENUE.title, start=START + timedelta(days=1))]
    second = merge_events(moved, SOURCES, previous=first.assignment)
    assert only_uid(second) == only_uid(first)


def test_a_split_keeps_the_uid_with_the_bigger_part() -> None:
    first = merge_events([ORGANISER, VENUE, UMBRELLA], SOURCES)
    second = merge_events([ORGANISER, VENUE, UMBRELLA], SOURCES, previous=first.assignment,
                          overrides=Overrides(splits=("grandest:g-77",)))
    uids = {e.members[0].source_id: e.uid for e in second.events}
    assert uids["lorntech"] == only_uid(first)
    assert uids["grandest"] != only_uid(first)


def test_an_even_split_keeps_the_uid_with_the_organiser() -> None:
    """The organiser moves its meetup to 20:00; the venue's copy still says 18:30, so the
    two part. The UID stayed with the venue's stale copy (its source id sorts first) and the
    organiser's got a new one: subscribers kept the 18:30 entry and gained a 20:00 one."""
    sources = {**SOURCES, "blida": Source(id="blida", name="TCRM-Blida", kind="venue",
                                          city="Metz", country="FR")}
    venue = record("blida", "b-1", title=VENUE.title)
    first = merge_events([ORGANISER, venue], sources)
    moved = record("lorntech", "org@lorntech", start=START.replace(hour=20), sequence=1)
    second = merge_events([moved, venue], sources, previous=first.assignment)
    uids = {e.members[0].source_id: e.uid for e in second.events}
    assert uids["lorntech"] == only_uid(first) != uids["blida"]


def test_operator_merge_survives_a_rebuild() -> None:
    other = record("totem", "v-9", title="Soirée développeurs")
    first = merge_events([ORGANISER, other], SOURCES)
    uids = [e.uid for e in first.events]
    overrides = Overrides(merges=(tuple(uids),))
    second = merge_events([ORGANISER, other], SOURCES, previous=first.assignment,
                          overrides=overrides)
    third = merge_events([ORGANISER, other], SOURCES, previous=second.assignment,
                         overrides=overrides)
    assert only_uid(second) in uids
    assert only_uid(third) == only_uid(second)


def test_operator_split_survives_a_rebuild() -> None:
    overrides = Overrides(splits=("totem:v-1",))
    first = merge_events([ORGANISER, VENUE], SOURCES, overrides=overrides)
    second = merge_events([ORGANISER, VENUE], SOURCES, previous=first.assignment,
                          overrides=overrides)
    assert len(second.events) == 2
    assert {e.uid for e in second.events} == {e.uid for e in first.events}


def test_organiser_cancellation_propagates_and_is_kept() -> None:
    cancelled = record("lorntech", "org@lorntech", status="CANCELLED", sequence=2)
    result = merge_events([cancelled, VENUE], SOURCES)
    (event,) = result.events
    assert event.status == "CANCELLED"
    assert event.sequence == 2
    assert len(event.members) == 2


def test_a_venue_cannot_cancel_the_organisers_event() -> None:
    venue_cancel = record("totem", "v-1", title=VENUE.title, status="CANCELLED")
    (event,) = merge_events([ORGANISER, venue_cancel], SOURCES).events
    assert event.status == "CONFIRMED"


def test_higher_sequence_wins_within_a_source() -> None:
    old = record("lorntech", "org@lorntech", title="Meetup Python", feed_url="a.ics")
    new = record("lorntech", "org@lorntech", title="Meetup Python (salle 2)", sequence=3,
                 feed_url="b.ics")
    (event,) = merge_events([old, new], SOURCES).events
    assert event.title == "Meetup Python (salle 2)"


def test_vanished_events_are_reported_for_cancellation() -> None:
    first = merge_events([ORGANISER, record("totem", "v-2", title="Atelier Rust")], SOURCES)
    second = merge_events([ORGANISER], SOURCES, previous=first.assignment)
    gone = vanished(first.assignment, second.assignment.values())
    assert len(gone) == 1 and gone < set(first.assignment.values())


def test_override_records_attach_to_the_merged_series() -> None:
    weekly = "FREQ=WEEKLY;BYDAY=WE"
    master = record("lorntech", "org@lorntech", rrule=weekly)
    venue = record("totem", "v-1", title=VENUE.title, rrule=weekly)
    moved = record("lorntech", "org@lorntech", recurrence_id=START + timedelta(days=7),
                   start=START + timedelta(days=7, hours=1))
    (event,) = merge_events([master, venue, moved], SOURCES).events
    (override,) = event.overrides
    assert override.uid == event.uid
    assert override.recurrence_id == START + timedelta(days=7)


def test_another_sources_override_of_no_occurrence_is_left_out() -> None:
    """The venue's copy of the organiser's weekly 18:30 series says 18:00 (doors), and
    cancels one Wednesday at 18:00: no occurrence of the organiser's series is at 18:00, and
    that Wednesday was shown twice, "18:00 cancelled" beside "18:30". The venue's override of
    an 18:30 occurrence still counts."""
    weekly = "FREQ=WEEKLY;BYDAY=WE"
    master = record("lorntech", "org@lorntech", rrule=weekly)
    doors = START - timedelta(minutes=30)
    venue = record("totem", "v-1", title=VENUE.title, rrule=weekly, start=doors)
    off = record("totem", "v-1", title=VENUE.title, recurrence_id=doors + timedelta(days=7),
                 start=doors + timedelta(days=7), status="CANCELLED")
    (event,) = merge_events([master, venue, off], SOURCES).events
    assert event.overrides == ()
    on_time = record("totem", "v-1", title=VENUE.title, status="CANCELLED",
                     recurrence_id=START + timedelta(days=14), start=START + timedelta(days=14))
    (event,) = merge_events([master, venue, on_time], SOURCES).events
    assert [o.recurrence_id for o in event.overrides] == [START + timedelta(days=14)]
    thursday = record("totem", "v-1", title=VENUE.title, status="CANCELLED",
                      recurrence_id=START + timedelta(days=15), start=START + timedelta(days=15))
    (event,) = merge_events([master, venue, thursday], SOURCES).events
    assert event.overrides == ()  # at the series' time, but no Wednesday


def test_output_is_identical_whatever_the_input_order() -> None:
    records = [ORGANISER, VENUE, UMBRELLA, record("totem", "v-2", title="Atelier Rust")]
    assert merge_events(records, SOURCES) == merge_events(records[::-1], SOURCES)


def test_a_rebuild_reuses_unchanged_events_and_remakes_changed_ones() -> None:
    """An unchanged cluster gives back the same object (the renderers' memos find it by
    identity); a changed record, or a renamed source, gives a new event with the change."""
    first = merge_events([ORGANISER, VENUE], SOURCES)
    again = merge_events([ORGANISER, VENUE], SOURCES, previous=first.assignment)
    assert again.events[0] is first.events[0]
    moved = record("lorntech", "org@lorntech", location="Salle 2, Totem, Metz")
    changed = merge_events([moved, VENUE], SOURCES, previous=first.assignment)
    assert changed.events[0].uid == first.events[0].uid
    assert changed.events[0].location == "Salle 2, Totem, Metz"
    renamed = dict(SOURCES, lorntech=Source(id="lorntech", name="LNT", kind="association",
                                            city="Thionville", country="FR"))
    merge_events([ORGANISER, VENUE], SOURCES, previous=first.assignment)
    remade = merge_events([ORGANISER, VENUE], renamed, previous=first.assignment)
    assert remade.events[0] is not first.events[0]  # sources changed: nothing reused


def test_candidate_pairs_remembered_per_bucket_equal_fresh_ones_after_changes() -> None:
    """A rebuild takes each bucket's pairs from the last build when its records' profiles are
    the same: with records added in front (every index moves), one withdrawn and one edited,
    the pairs must be those computed from nothing."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from aggregator.dedup import match
    from aggregator.dedup.keys import profile_events
    from aggregator.dedup.places import PlaceNormaliser
    from aggregator.dedup.text import TitleNormaliser

    def profiles(records: list[Event]) -> list:
        return profile_events(records, SOURCES, ZoneInfo("Europe/Paris"), TitleNormaliser(),
                              PlaceNormaliser())

    sources = list(SOURCES)
    records = [record(sources[n % 3], f"u-{n % 7}" if n % 5 else f"shared-{n}",
                      title=f"Meetup Python #{n % 4}" if n % 3 else "Meetup Python",
                      start=START + timedelta(minutes=10 * (n % 9)))
               for n in range(30)]
    before = profiles(records)
    assert match.candidate_pairs(before)
    edited = record(records[5].source_id, records[5].uid, title="Atelier Rust",
                    start=records[5].start)
    added = record("totem", "new-1", title="Meetup Python #2", start=START)
    changed = [added, *records[:5], edited, *records[7:]]
    after = profiles(changed)
    assert after[1] is before[0]  # unchanged records keep their profiles: buckets are found
    remembered = match.candidate_pairs(after)
    match._BUCKETS.clear()
    assert remembered == match.candidate_pairs(after)
    assert set(remembered) <= set(match.candidate_pairs(after, every=True))
