"""Issue 8 review: the shortcuts a first build takes give what the general code gives."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from aggregator import lifecycle
from aggregator.dedup.text import _NUMBER_BEFORE, _taken
from aggregator.models import Event, MergedEvent
from aggregator.render.text import _CONTROLS, _NEWLINES, clean_text
from aggregator.store import codec

PARIS = ZoneInfo("Europe/Paris")


def _distinct(kind: str, number: int) -> Any:
    """A value for a field of type ``kind`` that no other field holds."""
    if "tuple" in kind:
        return (Event(uid=f"m{number}", title="t", start=date(2026, 1, number)),)
    if "bool" in kind:
        return True
    if "int" in kind:
        return number
    if "datetime" in kind or "When" in kind:
        return datetime(2026, 1, number, 10, tzinfo=UTC)
    return f"value {number}"


def test_a_stamped_snapshot_is_the_event_with_its_new_marks_and_every_other_field() -> None:
    """The lifecycle's fast copy names every field of MergedEvent: one added to the model
    and not to it would be lost from every published event's snapshot."""
    values = {f.name: _distinct(str(f.type), number)
              for number, f in enumerate(dataclasses.fields(MergedEvent), start=1) if f.init}
    event = MergedEvent(**values)
    modified = datetime(2026, 12, 7, 9, tzinfo=UTC)

    stamped = lifecycle._stamped(event, 42, modified)

    expected = dataclasses.replace(event, sequence=42, last_modified=modified)
    assert stamped == expected
    assert [getattr(stamped, f.name) for f in dataclasses.fields(MergedEvent)] == [
        getattr(expected, f.name) for f in dataclasses.fields(MergedEvent)]


@settings(max_examples=200, deadline=None)
@given(st.one_of(
    st.text(),
    st.lists(st.sampled_from(list("ab é\n \t\r\x00\x0b\x1f\x7f\x85\xa0\u2028\u2029\u200b"
                                  "\ufeff\ufffe\uffff")), max_size=30).map("".join),
))
@example(" Atelier #33, entrée libre. ")
@example("a\u2028b")
@example("a\ufffeb")
def test_a_description_already_clean_is_kept_as_the_full_cleaning_keeps_it(value: str) -> None:
    """The renderers' shortcut for a description on one line without control characters
    gives what replacing newlines and dropping control characters gives."""
    full = _CONTROLS.sub("", _NEWLINES.sub("\n", value)).strip()
    assert clean_text(value) == full


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["#", "n°", "no.", "num", "vol.", "episode", "ep.", "edition",
                                 "saison", "part", "partie", " ", "12", "3", "0042", "e",
                                 "meetup", "/", "a"]), max_size=14).map("".join))
@example("meetup #12 n°12 vol. 3 partie 2")
def test_series_numbers_cut_out_in_one_pass_are_those_a_search_finds(value: str) -> None:
    """The title normaliser takes the series numbers as it cuts them out: the same numbers
    as findall, the same text as sub."""
    numbers: set[str] = set()
    assert _NUMBER_BEFORE.sub(_taken(numbers), value) == _NUMBER_BEFORE.sub(" ", value)
    assert numbers == set(_NUMBER_BEFORE.findall(value))


def test_a_time_many_records_store_is_read_once_and_each_text_as_its_own_value() -> None:
    """Records repeat their times (the meetups of one evening): a text read again gives the
    same object (issue 8: read anew, it was a quarter of a first build's decoding and a copy
    per record in the daemon), and texts that differ still give their own values, the second
    02:30 of the night clocks go back (its offset written) included."""
    first = codec.decode_event(codec.encode_event(
        Event(uid="a", title="Meetup", start=datetime(2026, 12, 15, 18, 30, tzinfo=PARIS))),
        "src", "feed")
    second = codec.decode_event(codec.encode_event(
        Event(uid="b", title="Atelier", start=datetime(2026, 12, 15, 18, 30, tzinfo=PARIS))),
        "src", "feed")
    assert first.start is second.start

    night = [datetime(2026, 10, 25, 2, 30, fold=fold, tzinfo=PARIS) for fold in (0, 1)]
    read = [codec.decode_when(codec.encode_when(value)) for value in (*night, *night)]
    assert [value.utcoffset() for value in read] == [timedelta(hours=2), timedelta(hours=1)] * 2
    assert read[0] is read[2] and read[1] is read[3] and read[0] is not read[1]
    assert codec.decode_when("2026-12-15T18:30:00") == datetime(2026, 12, 15, 18, 30)
    assert codec.decode_when("2026-12-15") == date(2026, 12, 15)
