"""The agenda's index of one-off events lists exactly what a walk over every event lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings, strategies as st

from aggregator.models import MergedEvent
from aggregator.render.agenda import SinglesIndex, upcoming
from render_builders import NOW, PARIS, merged

TITLES = ("Meetup", "Atelier", "Café IA")  # few, so that starts and titles tie


@st.composite
def an_event(draw: st.DrawFn, number: int) -> MergedEvent:
    kind = draw(st.sampled_from(["timed", "timed", "open", "all-day", "weekly", "rdates"]))
    day = draw(st.integers(-5, 20))
    hour = draw(st.sampled_from([0, 9, 18, 23]))
    start = datetime.combine(NOW.date() + timedelta(days=day), datetime.min.time(), PARIS) \
        + timedelta(hours=hour)
    fields: dict[str, object] = {
        "title": draw(st.sampled_from(TITLES)), "start": start,
        "end": start + timedelta(hours=draw(st.sampled_from([1, 30, 200]))),
        "status": draw(st.sampled_from(["CONFIRMED", "CONFIRMED", "CANCELLED"])),
    }
    if kind == "open":
        fields["end"] = None
    elif kind == "all-day":
        first = date.fromordinal(start.date().toordinal())
        fields.update(start=first, end=first + timedelta(days=draw(st.integers(1, 3))))
    elif kind == "weekly":
        fields["rrule"] = "FREQ=WEEKLY;COUNT=4"
    elif kind == "rdates":
        fields["rdates"] = (start + timedelta(days=2), start + timedelta(days=9))
    return merged(f"evt-{number}", **fields)  # type: ignore[arg-type]


@st.composite
def a_case(draw: st.DrawFn) -> tuple[list[MergedEvent], list[MergedEvent], datetime, int]:
    count = draw(st.integers(0, 25))
    events = [draw(an_event(n)) for n in range(count)]
    chosen = events  # the whole set (the agenda without filters), or a selection of it:
    if events and draw(st.booleans()):
        picked = draw(st.lists(st.sampled_from(events), unique_by=id))
        chosen = [e for e in events if any(e is p for p in picked)]  # in the set's order
    now = NOW + timedelta(hours=draw(st.integers(-48, 24 * 15)))
    ends = [e.end or e.start for e in events if isinstance(e.end or e.start, datetime)]
    if ends and draw(st.booleans()):  # the very instant an event is over: gone already
        now = draw(st.sampled_from(ends))  # type: ignore[assignment]
    return events, chosen, now, draw(st.integers(1, 40))


@settings(max_examples=150, deadline=None)
@given(a_case())
def test_the_index_lists_what_the_walk_over_every_event_lists(
        case: tuple[list[MergedEvent], list[MergedEvent], datetime, int]) -> None:
    events, chosen, now, limit = case
    index = SinglesIndex(events, PARIS, min_events=0)
    assert upcoming(chosen, now=now, zone=PARIS, limit=limit, index=index) == \
        upcoming(chosen, now=now, zone=PARIS, limit=limit)


def test_an_index_of_another_zone_or_set_is_not_used_wrongly() -> None:
    """A day begins at another instant in Tokyo: there the all-day event comes before the
    evening talk, in Paris after it. An index made for Paris must not order Tokyo's agenda."""
    from zoneinfo import ZoneInfo

    tokyo = ZoneInfo("Asia/Tokyo")
    day = (NOW + timedelta(days=2)).date()
    talk = merged("talk", title="Talk", start=datetime(day.year, day.month, day.day, tzinfo=PARIS)
                  - timedelta(hours=4), end=None)  # 20:00 the evening before, in Paris
    fair = merged("fair", title="Fair", start=day, end=day + timedelta(days=1))
    events = [talk, fair]
    index = SinglesIndex(events, PARIS, min_events=0)
    assert [o.event.uid for o in upcoming(events, now=NOW, zone=PARIS, limit=5, index=index)] == [
        "talk", "fair"]
    assert [o.event.uid for o in upcoming(events, now=NOW, zone=tokyo, limit=5, index=index)] == [
        "fair", "talk"]
    assert upcoming(events, now=NOW, zone=tokyo, limit=5, index=index) == \
        upcoming(events, now=NOW, zone=tokyo, limit=5)
    other = merged("elsewhere", start=NOW + timedelta(hours=2), end=None)  # not indexed
    assert [o.event.uid for o in upcoming([talk, other], now=NOW, zone=PARIS, limit=5,
                                          index=index)] == ["elsewhere", "talk"]


@settings(max_examples=200)
@given(an_event(0), st.integers(-48, 24 * 20), st.integers(0, 24 * 5),
       st.sampled_from(["anywhere", "starts when it is over", "ends as it begins"]))
def test_a_window_holds_a_one_off_event_as_its_occurrence_says(
        event: MergedEvent, hours: int, length: int, edge: str) -> None:
    """events.json's window reads a one-off event's span directly: the same verdict as the
    first occurrence not over at the window's start beginning before its end."""
    from aggregator.render.agenda import next_occurrence, occurs_between
    from aggregator.render.times import instant

    start = NOW + timedelta(hours=hours)
    if edge == "starts when it is over" and event.end is not None:
        start = instant(event.end, PARIS)
    end = start + timedelta(hours=length)
    if edge == "ends as it begins":
        start, end = instant(event.start, PARIS) - timedelta(hours=length + 1), \
            instant(event.start, PARIS)
    first = next_occurrence(event, now=start, zone=PARIS)
    expected = first is not None and instant(first.start, PARIS) < end
    assert occurs_between(event, start, end, PARIS) == expected
