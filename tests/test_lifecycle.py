"""What calendar clients see over builds: SEQUENCE grows with changes, vanished events cancel."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from aggregator.lifecycle import fingerprint, publish
from aggregator.models import Event, MergedEvent

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
START = datetime(2026, 12, 10, 18, 30, tzinfo=PARIS)


def merged(uid: str = "m1@aggregator", title: str = "Meetup IA", start: datetime = START, **fields: object) -> MergedEvent:
    member = Event(uid="src-1", title=title, start=start, source_id="lab", feed_url="https://lab/e.ics")
    values: dict[str, object] = dict(
        uid=uid, title=title, start=start, end=start + timedelta(hours=2), all_day=False,
        timezone="Europe/Paris", location="TCRM-Blida", city="Metz", url="", description="",
        status="CONFIRMED", categories=(), rrule=None, rdates=(), exdates=(), sequence=0,
        last_modified=None, members=(member,),
    )
    values.update(fields)
    return MergedEvent(**values)  # type: ignore[arg-type]


def test_first_publication_keeps_the_feed_sequence_and_stamps_now() -> None:
    [event], memory = publish([merged(sequence=2)], {}, NOW)
    assert event.sequence == 2 and event.last_modified == NOW
    assert memory["m1@aggregator"].fingerprint == fingerprint(merged(sequence=2))


def test_unchanged_event_keeps_sequence_and_last_modified() -> None:
    _, memory = publish([merged()], {}, NOW)
    [event], again = publish([merged()], memory, NOW + timedelta(hours=5))
    assert event.sequence == 0 and event.last_modified == NOW
    assert again == memory


def test_changed_title_or_time_raises_sequence_and_last_modified() -> None:
    _, memory = publish([merged()], {}, NOW)
    later = NOW + timedelta(hours=1)
    [event], memory = publish([merged(title="Meetup IA générative")], memory, later)
    assert event.sequence == 1 and event.last_modified == later
    [moved], _ = publish([merged(title="Meetup IA générative", start=START + timedelta(minutes=30))],
                         memory, later + timedelta(hours=1))
    assert moved.sequence == 2


def test_a_new_source_joining_is_a_visible_change() -> None:
    _, memory = publish([merged()], {}, NOW)
    extra = Event(uid="v-9", title="Meetup IA", start=START, source_id="venue", feed_url="https://v/e.ics")
    joined = merged(members=(merged().members[0], extra))
    [event], _ = publish([joined], memory, NOW + timedelta(hours=1))
    assert event.sequence == 1


def test_a_changed_date_moved_to_another_room_raises_sequence() -> None:
    """Clients that update only on a higher SEQUENCE kept a moved date's old room, text and
    link when nothing else changed."""
    def weekly(**changed: str) -> MergedEvent:
        moved = Event(uid="src-1", title="Meetup IA", start=START + timedelta(days=7, hours=1),
                      recurrence_id=START + timedelta(days=7), location="TCRM-Blida",
                      source_id="lab", feed_url="https://lab/e.ics")
        return merged(rrule="FREQ=WEEKLY", overrides=(dataclasses.replace(moved, **changed),))

    _, memory = publish([weekly()], {}, NOW)
    for step, change in enumerate(({"location": "Salle 2"}, {"description": "Au 2e étage"},
                                   {"url": "https://lab.example.org/ia"}), start=1):
        [event], memory = publish([weekly(**change)], memory, NOW + step * timedelta(hours=1))
        assert event.sequence == step, change
    # what a build before these counted stored: the upgrade re-sends nothing, then counts them
    moved = weekly(location="Salle 2")
    stored = {moved.uid: dataclasses.replace(
        memory[moved.uid], fingerprint=fingerprint(moved, before_2026_12_06=True), sequence=7)}
    [event], memory = publish([moved], stored, NOW + timedelta(days=1))
    assert event.sequence == 7
    [event], _ = publish([weekly(location="Salle 3")], memory, NOW + timedelta(days=2))
    assert event.sequence == 8


def test_vanished_event_is_cancelled_until_its_date_then_leaves() -> None:
    _, memory = publish([merged()], {}, NOW)
    later = NOW + timedelta(days=1)
    [ghost], memory = publish([], memory, later)
    assert ghost.uid == "m1@aggregator" and ghost.status == "CANCELLED"
    assert ghost.sequence == 1 and ghost.last_modified == later
    [still], memory = publish([], memory, later + timedelta(days=1))
    assert still.sequence == 1 and still.last_modified == later  # announced once, not bumped again
    after_the_date = START.astimezone(timezone.utc) + timedelta(hours=3)
    gone, memory = publish([], memory, after_the_date)
    assert gone == [] and memory == {}


def test_an_event_of_organisations_that_withdrew_leaves_without_being_cancelled() -> None:
    """It did not vanish from their feeds: it still takes place, so CANCELLED would lie to the
    calendars that hold it. An event another organisation still posts is not theirs alone."""
    extra = Event(uid="v-9", title="Meetup IA", start=START, source_id="venue",
                  feed_url="https://v/e.ics")
    shared = merged("m2@aggregator", members=(merged().members[0], extra))
    _, memory = publish([merged(), shared], {}, NOW)
    later = NOW + timedelta(days=1)
    shown, memory = publish([], memory, later, withdrawn=frozenset({"lab"}))
    assert [(e.uid, e.status) for e in shown] == [("m2@aggregator", "CANCELLED")]
    assert set(memory) == {"m2@aggregator"}  # the withdrawn one is forgotten: no ghost later
    _, memory = publish([merged()], {}, NOW)
    _, memory = publish([], memory, later)  # vanished from the feed first: cancelled ...
    shown, _ = publish([], memory, later + timedelta(hours=1), withdrawn=frozenset({"lab"}))
    assert shown == []  # ... then its organisation withdrew: it leaves


def test_an_event_the_operator_hid_leaves_at_once() -> None:
    _, memory = publish([merged(), merged("m2@aggregator", title="Autre")], {}, NOW)
    shown, memory = publish([merged("m2@aggregator", title="Autre")], memory,
                            NOW + timedelta(days=1), hidden=frozenset({"lab:src-1"}))
    assert [e.uid for e in shown] == ["m2@aggregator"] and set(memory) == {"m2@aggregator"}


def test_an_event_that_comes_back_is_confirmed_again_with_a_higher_sequence() -> None:
    _, memory = publish([merged()], {}, NOW)
    _, memory = publish([], memory, NOW + timedelta(days=1))
    [back], _ = publish([merged()], memory, NOW + timedelta(days=2))
    assert back.status == "CONFIRMED" and back.sequence == 2


def test_feed_sequence_higher_than_ours_wins() -> None:
    _, memory = publish([merged()], {}, NOW)
    [event], _ = publish([dataclasses.replace(merged(), sequence=7, title="x")], memory, NOW)
    assert event.sequence == 7


def test_an_event_merged_into_another_is_cancelled_for_calendars_and_names_the_one_it_joined() -> None:
    """The venue's copy and the lab's event were two; the next build merges them. Calendar
    clients that hold the venue's copy must drop it (CANCELLED), but it was not called off:
    it names the event that carries its record on, for the pages to send people there."""
    lab = merged().members[0]
    venue = Event(uid="v-9", title="Meetup IA", start=START, source_id="venue",
                  feed_url="https://v/e.ics")
    alone = merged("m2@aggregator", members=(venue,))
    _, memory = publish([merged(), alone], {}, NOW)
    both = merged(members=(lab, venue))
    shown, memory = publish([both], memory, NOW + timedelta(days=1))
    assert [(e.uid, e.status, e.merged_into) for e in shown] == [
        ("m1@aggregator", "CONFIRMED", ""), ("m2@aggregator", "CANCELLED", "m1@aggregator")]
    assert memory["m2@aggregator"].snapshot.merged_into == ""  # type: ignore[union-attr]
    [_, still], _ = publish([both], memory, NOW + timedelta(days=2))
    assert still.merged_into == "m1@aggregator" and still.sequence == 1  # told once
    gone = merged("m3@aggregator", title="Autre", members=(dataclasses.replace(lab, uid="x"),))
    [ghost], _ = publish([], publish([gone], {}, NOW)[1], NOW + timedelta(days=1))
    assert ghost.status == "CANCELLED" and ghost.merged_into == ""  # really gone from its feed
