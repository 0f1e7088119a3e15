"""What subscribers' calendar clients must see over time: SEQUENCE, LAST-MODIFIED, vanishings.

Google Calendar polls a subscription every 12-24 h and may never drop an event it holds; other
clients only replace an event whose SEQUENCE grew. So a merged event whose content changes gets
a higher SEQUENCE and a new LAST-MODIFIED, and an event that vanishes from every feed that
carried it is published as CANCELLED until its date has passed, then leaves the outputs.
This module is PURE: the previous publication and ``now`` come in, the new one goes out.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from .dedup.policy import record_key
from .instants import last_instant
from .memo import Memo
from .models import MergedEvent, Publication, When

_MARKS: Memo[MergedEvent, tuple[str, datetime]] = Memo()
"""Fingerprint and end of each event of the previous build (a daemon's next build is mostly
the same events: see aggregator/memo.py)."""
_SNAPSHOTS: Memo[MergedEvent, MergedEvent] = Memo()
"""The published form of each unchanged event, the same object build after build (the
renderers' memos then find it by identity). Keyed by the event alone, its SEQUENCE and
LAST-MODIFIED checked on the way out: a key of three was a tuple per event more, 7.5 MB of
a daemon at N = 3,000 sources."""


def fingerprint(event: MergedEvent, *, before_2026_12_06: bool = False) -> str:
    """A hash of everything a subscriber sees of the event (members included: the description
    lists who posted it), a changed date's place, text and link too: a date moved to another
    room kept its SEQUENCE, and clients that update only on a higher one kept the old room.
    ``before_2026_12_06``: the hash as builds made it before those three counted
    (:func:`_changed` accepts it once, so that an upgrade re-sends no event)."""
    parts: list[object] = [
        event.title, _iso(event.start), _iso(event.end), event.all_day, event.timezone,
        event.location, event.city, event.url, event.description, event.status,
        sorted(event.categories), event.rrule, sorted(_iso(d) for d in event.rdates),
        sorted(_iso(d) for d in event.exdates), sorted(event.source_ids),
        sorted((_iso(o.recurrence_id), _iso(o.start), _iso(o.end), o.status, o.title)
               if before_2026_12_06 else
               (_iso(o.recurrence_id), _iso(o.start), _iso(o.end), o.status, o.title,
                o.location, o.description, o.url) for o in event.overrides),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _changed(event: MergedEvent, mark: str, before: Publication) -> bool:
    """Whether ``event`` changed since ``before`` was published (its hash then, or the hash
    builds made before 2026-12-06 for an event with changed dates)."""
    if before.fingerprint == mark:
        return False
    return not event.overrides or before.fingerprint != fingerprint(
        event, before_2026_12_06=True)


def _iso(value: When | None) -> str:
    return "" if value is None else value.isoformat()


def publish(
    events: Sequence[MergedEvent], previous: Mapping[str, Publication], now: datetime, *,
    withdrawn: frozenset[str] = frozenset(), hidden: frozenset[str] = frozenset(),
) -> tuple[list[MergedEvent], dict[str, Publication]]:
    """Events to render (current ones with their SEQUENCE/LAST-MODIFIED, plus vanished ones as
    CANCELLED) and the publication to remember for the next build. ``previous`` must carry the
    snapshot of every vanished event (``Store.load_publication(with_snapshots=...)``); one
    without (its stored snapshot unreadable) leaves the outputs and the publication.

    A vanished event whose every source is in ``withdrawn`` (organisations that left the
    agenda themselves), or one of whose records the operator hid (record keys in
    ``hidden``: an internal meeting, spam), leaves the outputs at once instead: it did not
    vanish from its feeds, and CANCELLED would tell its subscribers what is not so (and show
    a spam title, struck through, on every page until its date)."""
    published: list[MergedEvent] = []
    memory: dict[str, Publication] = {}
    _MARKS.new_build()
    _SNAPSHOTS.new_build()
    for event in events:
        entry, shown = _current(event, previous.get(event.uid), now)
        published.append(shown)
        memory[event.uid] = entry
    cancelled: list[MergedEvent] = []
    for uid, before in sorted(previous.items()):
        if uid in memory or before.until <= now:
            continue  # still carried, or its date has passed: it leaves the outputs
        if before.snapshot is None:
            continue  # its stored snapshot is unreadable (hand-edited): nothing to show
        if _withdrawn(before.snapshot, withdrawn) or _hidden(before.snapshot, hidden):
            continue  # not cancelled: no longer ours to list
        entry = before if before.vanished else _vanish(before, now)
        assert entry.snapshot is not None  # _vanish keeps the snapshot it cancels
        cancelled.append(entry.snapshot)
        memory[uid] = entry
    _MARKS.settle()
    _SNAPSHOTS.settle()
    published += _merged_away(cancelled, events)
    return published, memory


def _merged_away(cancelled: Sequence[MergedEvent], events: Sequence[MergedEvent]
                 ) -> list[MergedEvent]:
    """``cancelled`` with the event each joined where its records now belong to one:
    the copy a merge withdrew has not been called off, and its page sends people to the
    event that carries it on (``MergedEvent.merged_into``). Of several, the one holding
    most of its records (then the first UID); the stored snapshot is left as it was, so
    that a later split finds it plain CANCELLED again."""
    keys = {record_key(m) for event in cancelled for m in event.members}
    if not keys:
        return list(cancelled)
    holder = {key: event.uid for event in events for key in map(record_key, event.members)
              if key in keys}
    shown = []
    for event in cancelled:
        votes = Counter(holder[k] for k in map(record_key, event.members) if k in holder)
        target = min(votes, key=lambda uid: (-votes[uid], uid)) if votes else ""
        shown.append(dataclasses.replace(event, merged_into=target) if target else event)
    return shown


def _hidden(event: MergedEvent, hidden: frozenset[str]) -> bool:
    """The operator hid a record of ``event`` (``source_id:uid``)."""
    return bool(hidden) and any(record_key(m) in hidden for m in event.members)


def _withdrawn(event: MergedEvent, withdrawn: frozenset[str]) -> bool:
    """Every organisation that posted ``event`` withdrew from the agenda."""
    sources = event.source_ids
    return bool(sources) and withdrawn.issuperset(sources)


def _current(
    event: MergedEvent, before: Publication | None, now: datetime
) -> tuple[Publication, MergedEvent]:
    mark, until = _MARKS.get(event, lambda: (
        fingerprint(event), last_instant(event.start, event.end, event.rrule, event.rdates)))
    if before is None:  # new to the outputs: changed now for whoever syncs from them,
        # whatever LAST-MODIFIED its feed wrote (a month old: missed by every sync since;
        # next year, from a server's clock: given again on every sync until then)
        sequence, modified = event.sequence, now
    elif not before.vanished and not _changed(event, mark, before):
        sequence, modified = max(event.sequence, before.sequence), before.last_modified
    else:
        sequence, modified = max(event.sequence, before.sequence + 1), now
    if sequence == event.sequence and modified == event.last_modified:
        snapshot = event  # as the feeds say it: nothing to copy
    else:
        snapshot = _SNAPSHOTS.get(event, lambda: _stamped(event, sequence, modified))
        if snapshot.sequence != sequence or snapshot.last_modified != modified:
            snapshot = _stamped(event, sequence, modified)
            _SNAPSHOTS.put(event, snapshot)  # published again with other marks (rare)
    return Publication(event.uid, mark, sequence, modified, until, snapshot), snapshot


def _stamped(event: MergedEvent, sequence: int, modified: datetime) -> MergedEvent:
    """``dataclasses.replace(event, sequence=sequence, last_modified=modified)`` at half its
    cost (it looks each field up again, for each of a first build's events, every one of
    which is stamped: issue 8). Every field of MergedEvent is passed on: a new one must be
    added here (tests/test_review_perf.py compares the two)."""
    e = event
    return MergedEvent(e.uid, e.title, e.start, e.end, e.all_day, e.timezone, e.location,
                       e.city, e.url, e.description, e.status, e.categories, e.rrule,
                       e.rdates, e.exdates, sequence, modified, e.members, e.overrides,
                       e.merged_into)


def gone(events: Sequence[MergedEvent], previous: Mapping[str, Publication]) -> set[str]:
    """UIDs published before and absent now: the only snapshots :func:`publish` needs."""
    return set(previous) - {event.uid for event in events}


def _vanish(before: Publication, now: datetime) -> Publication:
    assert before.snapshot is not None
    snapshot = dataclasses.replace(
        before.snapshot, status="CANCELLED", sequence=before.sequence + 1, last_modified=now,
        # every date is called off: a moved one (its own VEVENT) said CONFIRMED otherwise
        overrides=tuple(dataclasses.replace(record, status="CANCELLED")
                        for record in before.snapshot.overrides),
    )
    return dataclasses.replace(
        before, sequence=before.sequence + 1, last_modified=now, snapshot=snapshot, vanished=True
    )
