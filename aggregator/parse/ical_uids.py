"""PURE: one UID, one event, within a calendar.

RFC 5545 gives each event its own UID; some generators write one UID for several (a plugin
with a constant UID, a template copied for each talk). Read as written, such events were
one record key, and all but one left the outputs without a word. Events sharing a UID at
different times are kept as events of their own, and the organiser is told; copies at the
same time stay one (deduplication merges them), and of the same event written twice at
different SEQUENCEs (an update beside its old version) only the latest is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from ..models import Event, When


def distinct_uids(events: Sequence[Event], notes: list[str]) -> list[Event]:
    """``events`` with each UID shared at different times made the first's own; ``notes``
    gets one warning for them all."""
    masters: dict[str, list[Event]] = {}
    for event in events:
        if event.recurrence_id is None:
            masters.setdefault(event.uid, []).append(event)
    renamed: dict[int, Event] = {}
    dropped: set[int] = set()
    shared: list[str] = []
    for uid, group in masters.items():
        if len(group) == 1 or len({_key(e.start) for e in group}) == 1:
            continue
        latest = max(e.sequence for e in group)
        dropped.update(id(e) for e in group if e.sequence < latest)
        kept = [e for e in group if e.sequence == latest]
        first = kept[0].start
        for event in kept[1:]:
            if _key(event.start) != _key(first):
                renamed[id(event)] = dataclasses.replace(event, uid=f"{uid}#{_stamp(event.start)}")
        if len({_key(e.start) for e in kept}) > 1:
            shared.append(uid)
    if shared:
        count = sum(1 for event in events if event.uid in shared and event.recurrence_id is None)
        notes.append(f"{count} VEVENTs share a UID at different times (the first: UID "
                     f"{shared[0]}): each kept as an event of its own; give every event a "
                     "UID of its own")
    return [renamed.get(id(e), e) for e in events if id(e) not in dropped]


def _key(value: When) -> str:
    return value.isoformat()


def _stamp(value: When) -> str:
    """The start as iCalendar writes it: stable and readable in the record's key."""
    return f"{value:%Y%m%dT%H%M%S}" if isinstance(value, datetime) else f"{value:%Y%m%d}"
