"""Issue 8 review: the shortcuts a first build takes give what the general code gives."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from aggregator import lifecycle
from aggregator.models import Event, MergedEvent


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
