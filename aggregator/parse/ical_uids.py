"""PURE: one UID, one event, within a calendar.

RFC 5545 gives each event its own UID; some generators write one UID for several (a plugin
with a constant UID, a template copied for each talk). Read as written, such events were
one record key, and all but one left the outputs without a word. Events sharing a UID at
different times are kept as events of their own, and the organiser is told.

Each event of such a group is named ``UID#<hash>`` after its title (casefolded, spaces
collapsed), and after its title and start only when several events of the group share the
title at different times: not after its place in the document (a talk added before the
others swapped their identities) nor after its start alone (a talk moved by an hour went
out CANCELLED beside a new one). The same title written again at a higher SEQUENCE is an
update beside its old version: only the latest is kept (and, alone, keeps the bare UID).
Copies at one time stay as written (deduplication merges them). A RECURRENCE-ID record of
the UID follows the group's one recurring master, if it has exactly one.

Accepted costs, as a parser knows no history: when a feed's single event gains a second
with its UID, or a grouped talk is renamed, or two same-titled talks become one, that
event's identity changes once (published CANCELLED beside a new one).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

from ..models import Event, When


def no_uid_note(described: Sequence[str]) -> str:
    """The warning for events without UID, one line for them all: a feed of 128 filled its
    health with a line each, the other warnings lost among them."""
    if len(described) == 1:
        return f"VEVENT {described[0]} has no UID: generated one"
    return (f"{len(described)} VEVENTs have no UID (the first: {described[0]}): generated "
            "from their titles and starts; give every event a UID, or a change of title or "
            "time reaches subscribers as a new event")


def distinct_uids(events: Sequence[Event], notes: list[str]) -> list[Event]:
    """``events`` with each UID shared at different times made each event's own; ``notes``
    gets one warning for them all."""
    masters: dict[str, list[Event]] = {}
    for event in events:
        if event.recurrence_id is None:
            masters.setdefault(event.uid, []).append(event)
    renamed: dict[int, Event] = {}
    dropped: set[int] = set()
    series: dict[str, str] = {}
    shared: list[str] = []
    for uid, group in masters.items():
        if len(group) == 1:
            continue
        kept = _latest(group)
        dropped.update(id(e) for e in group if all(e is not k for k in kept))
        if len({_moment(e.start) for e in kept}) == 1:
            continue
        shared.append(uid)
        for event, key in zip(kept, _keys(kept), strict=True):
            renamed[id(event)] = dataclasses.replace(event, uid=f"{uid}#{_hash(key)}")
        recurring = {renamed[id(e)].uid for e in kept if e.recurs}
        if len(recurring) == 1:
            series[uid] = recurring.pop()
    if shared:
        count = sum(len(masters[uid]) for uid in shared)
        notes.append(f"{count} VEVENTs share a UID at different times (the first: UID "
                     f"{shared[0]}): each kept as an event of its own; give every event a "
                     "UID of its own")
    return [_owned(renamed.get(id(e), e), series) for e in events if id(e) not in dropped]


def _latest(group: Sequence[Event]) -> list[Event]:
    """``group`` without the records another of the same title supersedes (a higher
    SEQUENCE): the update a generator wrote beside the old version."""
    top: dict[str, int] = {}
    for event in group:
        top[_title(event)] = max(top.get(_title(event), event.sequence), event.sequence)
    return [e for e in group if e.sequence == top[_title(e)]]


def _keys(group: Sequence[Event]) -> list[str]:
    """Each event's identity in its group: its title, or its title and start when the title
    is written at several times (a talk given twice, a weekly session each its VEVENT)."""
    moments: dict[str, set[str]] = {}
    for event in group:
        moments.setdefault(_title(event), set()).add(_moment(event.start))
    return [_title(e) if len(moments[_title(e)]) == 1 else f"{_title(e)}\n{_moment(e.start)}"
            for e in group]


def _owned(event: Event, series: dict[str, str]) -> Event:
    """A moved date (RECURRENCE-ID) given to its series' new UID."""
    if event.recurrence_id is None or event.uid not in series:
        return event
    return dataclasses.replace(event, uid=series[event.uid])


def _title(event: Event) -> str:
    return " ".join(event.title.casefold().split())


def _moment(value: When) -> str:
    return value.isoformat()


def _hash(key: str) -> str:
    """Short and stable: the same key gives the same UID on every refresh."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
