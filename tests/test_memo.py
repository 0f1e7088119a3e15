"""A rebuild in the same process reuses the previous build's work and writes the same bytes."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from aggregator.memo import BytesInMemory, Memo, not_kept
from aggregator.render import OutputMemos, render_calendar, render_events_json, render_outputs
from aggregator.spill import SpilledBytes
from aggregator.store import codec
from render_builders import BASE_URL, NOW, SOURCES, member, merged, news


def events() -> list:
    series = merged("series-1", title="Lunch & Learn", rrule="FREQ=WEEKLY;COUNT=6;BYDAY=TU",
                    exdates=(datetime(2025, 12, 9, 12, 0, tzinfo=UTC),), sources=("lux-tech",))
    series = dataclasses.replace(series, overrides=(
        member("lux-tech", "series-1", title="Special", start=datetime(2025, 12, 16, 14, 0,
               tzinfo=UTC), recurrence_id=datetime(2025, 12, 16, 12, 0, tzinfo=UTC)),))
    return [merged("evt-1", sources=("loria", "tcrm")), series,
            merged("evt-2", title="Fête", start=date(2025, 12, 20), end=None, city="Metz")]


@pytest.fixture(params=["in memory", "spilled"])
def memos(request: pytest.FixtureRequest) -> OutputMemos:
    """A process's memos, its bytes held in memory or in a scratch file (the build's)."""
    if request.param == "in memory":
        return OutputMemos()
    return OutputMemos(blocks=SpilledBytes(), records=SpilledBytes(), items=SpilledBytes())


def outputs(memos: OutputMemos, now: datetime, sources: dict = SOURCES,
            evts: list | None = None) -> dict[str, bytes]:
    return render_outputs(evts or events(), [], sources, now=now, base_url=BASE_URL,
                          timezone="Europe/Paris", memos=memos)


def unmemoised(now: datetime, sources: dict = SOURCES, evts: list | None = None) -> tuple:
    evts = evts or events()
    calendar = render_calendar(evts, name="x", now=now, base_url=BASE_URL,
                               timezone="Europe/Paris", sources=sources)
    return calendar, render_events_json(evts, sources, now=now, timezone="Europe/Paris")


def body(calendar: bytes) -> bytes:
    return calendar[calendar.index(b"BEGIN:VEVENT"):]


def test_a_rebuild_at_a_later_time_gives_the_bytes_of_a_fresh_render(memos: OutputMemos) -> None:
    outputs(memos, NOW)
    later = NOW + timedelta(hours=1, seconds=17)
    again = outputs(memos, later)
    calendar, exported = unmemoised(later)
    assert body(again["calendar.ics"]) == body(calendar)
    assert again["events.json"] == exported
    assert b"DTSTAMP:20251201T100017Z" in again["calendar.ics"]
    assert b"DTSTAMP:20251201T090000Z" not in again["calendar.ics"]


def test_renamed_source_and_changed_event_are_rendered_again(memos: OutputMemos) -> None:
    outputs(memos, NOW)
    renamed = dict(SOURCES, loria=dataclasses.replace(SOURCES["loria"], name="LORIA Nancy"))
    changed = [dataclasses.replace(e, title="Autre titre") if e.uid == "evt-2" else e
               for e in events()]
    again = outputs(memos, NOW, renamed, changed)
    calendar, exported = unmemoised(NOW, renamed, changed)
    assert body(again["calendar.ics"]) == body(calendar)
    assert again["events.json"] == exported
    assert "Publié par : LORIA Nancy".encode() in again["calendar.ics"]
    assert b"Autre titre" in again["calendar.ics"]


def test_news_and_the_agenda_page_after_a_rebuild_are_those_of_a_fresh_render(
    memos: OutputMemos,
) -> None:
    """news.json and the agenda page reuse the previous build's records and occurrences: an
    event over since, a renamed source and an edited article must all show."""
    from aggregator.render import render_index, render_news_json

    items = [news("news-1", sources=("tcrm", "loria")), news("news-2", title="Deuxième")]
    evts = events() + [merged("evt-3", title="Bientôt fini", start=NOW + timedelta(hours=2),
                              end=NOW + timedelta(hours=3))]

    def built(now: datetime, sources: dict, articles: list) -> dict[str, bytes]:
        return render_outputs(evts, articles, sources, now=now, base_url=BASE_URL,
                              timezone="Europe/Paris", memos=memos)

    built(NOW, SOURCES, items)
    later = NOW + timedelta(hours=4)  # evt-3 is over by then
    renamed = dict(SOURCES, loria=dataclasses.replace(SOURCES["loria"], name="LORIA Nancy"))
    edited = [items[0], dataclasses.replace(items[1], title="Deuxième, corrigé")]
    again = built(later, renamed, edited)
    assert again["news.json"] == render_news_json(edited, renamed, now=later)
    assert again["index.html"] == render_index(evts, edited, renamed, now=later,
                                               base_url=BASE_URL, timezone="Europe/Paris")
    assert b"LORIA Nancy" in again["news.json"] and "corrigé".encode() in again["news.json"]
    assert "Bientôt fini".encode() in built(NOW, SOURCES, items)["index.html"]
    assert "Bientôt fini".encode() not in again["index.html"]


def test_memo_keeps_only_what_the_last_build_used() -> None:
    memo: Memo[str, int] = Memo()
    made: list[str] = []

    def get(key: str) -> int:
        return memo.get(key, lambda: made.append(key) or len(made))

    memo.new_build()
    assert [get("a"), get("b"), get("a")] == [1, 2, 1]
    memo.new_build()
    assert get("a") == 1  # reused; "b" not asked for in this build
    memo.new_build()
    assert get("b") == 3 and get("a") == 1
    memo.new_build(context="other names")
    assert get("a") == 4


def test_decoded_records_follow_their_payload() -> None:
    event = member("loria", "u-1", title="Un")
    row = (codec.encode_event(event), "loria", event.feed_url)
    [first], _ = codec.decode_records([row], [])
    other = dataclasses.replace(event, title="Deux")
    [again, second], _ = codec.decode_records([row, (codec.encode_event(other), "loria",
                                                     event.feed_url)], [])
    assert first == event and again is first and second == other


def test_a_published_snapshot_renders_as_the_event_it_was_taken_of() -> None:
    """A vanished event is published from its stored snapshot, which keeps of each member
    only where it came from: calendar and export must show it as the event itself did."""
    event = dataclasses.replace(events()[1], members=(
        member("lux-tech", "series-1", url="https://lux.example.org/s"),
        member("loria", "l-9", url="https://loria.example.org/s")))
    rows = [(codec.encode_event(m), m.source_id, m.feed_url) for m in event.members]
    decoded, _ = codec.decode_records(rows, [])
    snapshot = codec.decode_merged(codec.encode_merged(dataclasses.replace(event,
                                                                           members=decoded)))
    assert unmemoised(NOW, evts=[snapshot]) == unmemoised(NOW, evts=[event])
    assert [m.source_id for m in snapshot.members] == ["lux-tech", "loria"]


def test_records_that_differ_only_in_content_are_different_memo_keys() -> None:
    """Events hash by identity only (cheap memo keys), so a changed description shares the
    hash of the old record: equality must still tell them apart, and equal copies match."""
    [event, *_] = events()
    edited = dataclasses.replace(event, description="Changed")
    copy = dataclasses.replace(event)
    assert copy == event and hash(copy) == hash(event) and copy is not event
    assert edited != event and hash(edited) == hash(event)
    rescheduled = dataclasses.replace(event, sequence=event.sequence + 1)  # hash kept per object
    assert hash(rescheduled) != hash(event) and rescheduled != event
    member_edited = dataclasses.replace(event.members[0], description="Changed")
    assert member_edited != event.members[0]
    assert hash(member_edited) == hash(event.members[0])
    memo: Memo = Memo()
    memo.new_build()
    assert memo.get(event, lambda: "old") == "old"
    assert memo.get(edited, lambda: "new") == "new"
    assert memo.get(copy, lambda: "unused") == "old"


@pytest.mark.parametrize("kind", [BytesInMemory, SpilledBytes])
def test_a_closed_bytes_memo_renders_everything_again(kind: type) -> None:
    """Closing the process's memos (Aggregator.close) forgets what they kept."""
    memo = kind()
    made: list[str] = []

    def get(key: str) -> bytes:
        return memo.read(memo.get(key, lambda: (made.append(key) or key.encode(), None)))

    memo.new_build()
    assert get("evt-1") == b"evt-1"
    memo.new_build()
    assert get("evt-1") == b"evt-1" and made == ["evt-1"]  # kept
    memo.close()
    memo.new_build()
    assert get("evt-1") == b"evt-1" and made == ["evt-1", "evt-1"]


def test_not_kept_computes_every_time_and_keeps_nothing_then_memos_keep_again() -> None:
    from aggregator.memo import not_kept

    memo: Memo[str, int] = Memo()
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    with not_kept():
        memo.new_build()
        assert (memo.get("k", make), memo.get("k", make), len(memo)) == (1, 2, 0)
    memo.new_build()
    assert (memo.get("k", make), memo.get("k", make), len(memo)) == (3, 3, 1)


def test_not_kept_leaves_the_memos_as_the_last_build_left_them_and_only_in_its_own_thread() -> None:
    """The operator's merge explanation runs a merge in a web server thread, between or during
    the daemon's builds in another: it reads what the builds kept, keeps nothing, starts no
    generation (which dropped what the last build kept for the next), and a build meanwhile
    keeps as before."""
    import threading

    from aggregator.memo import not_kept

    memo: Memo[str, str] = Memo()
    memo.new_build()
    assert memo.get("kept", lambda: "built") == "built"
    inside, outside = threading.Event(), threading.Event()
    seen: list[str] = []

    def explain() -> None:
        with not_kept():
            memo.new_build()
            seen.append(memo.get("kept", lambda: "computed"))
            inside.set()
            outside.wait(10)
            seen.append(memo.get("build", lambda: "computed too"))

    thread = threading.Thread(target=explain)
    thread.start()
    assert inside.wait(10)
    assert memo.get("build", lambda: "kept meanwhile") == "kept meanwhile"  # this thread keeps
    outside.set()
    thread.join(10)
    assert seen == ["built", "kept meanwhile"]
    memo.new_build()  # the next build finds what the last one kept
    assert memo.get("kept", lambda: "lost") == "built"
    assert memo.get("build", lambda: "lost") == "kept meanwhile"


def test_not_kept_reads_only_what_was_kept_in_the_same_context() -> None:
    """Values depend on their memo's context (the source names...): after a change of it, the
    operator's page computes its own rather than read the last build's."""
    from aggregator.memo import not_kept

    memo: Memo[str, str] = Memo()
    memo.new_build(("LORIA",))
    memo.get("k", lambda: "under LORIA")
    with not_kept():
        memo.new_build(("Loria Lab",))
        assert memo.get("k", lambda: "computed") == "computed"
        memo.new_build(("LORIA",))
        assert memo.get("k", lambda: "computed") == "under LORIA"
        assert memo.get("other", lambda: "computed") == "computed"
    with not_kept():  # a new page starts unread until its memos' contexts are compared
        assert memo.get("k", lambda: "computed") == "computed"
    assert len(memo) == 1


@pytest.mark.parametrize("kind", [Memo, BytesInMemory, SpilledBytes])
def test_a_settled_memo_lets_go_of_what_this_build_did_not_ask_for(kind: type) -> None:
    """A daemon's build settles each memo once its lookups are over: the last build's values
    it did not ask for (records the feeds dropped) go then, with the last generation's table,
    instead of staying through the build's peak until the next build; what it asked for is
    reused by the next build as before (issue 8)."""
    memo = kind()
    made: list[str] = []

    def make(key: str) -> object:
        made.append(key)
        return (key.encode(), None) if kind is not Memo else key

    memo.new_build()
    memo.get("kept", lambda: make("kept"))
    memo.get("dropped", lambda: make("dropped"))
    memo.new_build()
    memo.get("kept", lambda: make("kept"))
    assert "dropped" in memo  # until settled, the last build's values are all there
    memo.settle()
    assert "dropped" not in memo and "kept" in memo
    memo.new_build()
    memo.get("kept", lambda: make("kept"))
    assert made == ["kept", "dropped"]  # reused across the settle


def test_a_build_lets_go_of_the_records_the_feeds_dropped_once_decoded() -> None:
    one, two = member("loria", "u-1", title="Un"), member("loria", "u-2", title="Deux")
    rows = [(codec.encode_event(e), "loria", e.feed_url) for e in (one, two)]
    codec.decode_records(rows, [])
    codec.decode_records(rows[:1], [])
    assert len(codec._EVENTS) == 1 and codec._key(rows[1]) not in codec._EVENTS


def test_memo_settles_nothing_inside_not_kept() -> None:
    memo: Memo[str, str] = Memo()
    memo.new_build()
    memo.get("a", lambda: "1")
    memo.new_build()
    with not_kept():
        memo.settle()
    assert "a" in memo
