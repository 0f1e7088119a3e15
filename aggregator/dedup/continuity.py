"""An event whose feed gave it a new UID keeps its merged UID: subscribers see nothing happen.

Some feeds mint their UIDs afresh on every export (a PHP script's ``uniqid()``, a plugin that
hashes the request time), and an organisation moving to another calendar tool changes them
all at once. Merged UIDs follow the records' keys (``source_id:uid``), so each such change gave
every event of the feed a new merged UID: calendar clients saw it called off (the old UID
published CANCELLED until its date) and added again, and a feed that did it on every export
piled up a cancelled copy of each event per refresh.

So, after a merge, a cluster that took no previous UID (all its records are new) and that is,
to a subscriber, the same as an event published before and gone now (the same start, the same
title, posted by one of the same organisations or read from one of the same feeds: an
organisation renamed in sources.yaml reads the same feed) takes that event's UID back; the assignment
follows, so the next build keeps it. Each vanished UID goes to one event at most, and only
when exactly one fresh event matches it. PURE: the vanished snapshots come in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from ..models import MergedEvent, When
from .keys import sort_instant
from .results import EventMerge

Signature = tuple[str, str]
"""(start, title) as a subscriber reads them: the instant (a date for all-day events) and the
title without case or spacing differences."""


def signature(event: MergedEvent) -> Signature:
    return _when(event.start), " ".join(event.title.casefold().split())


def _when(value: When) -> str:
    """An instant compared across zones (18:30 Paris is 17:30Z); a floating time or a
    date as written."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return repr(value.timestamp())
    return value.isoformat()


def _origins(event: MergedEvent) -> set[str]:
    """Who posted it: its organisations, and the feeds it was read from (an organisation the
    operator renamed in sources.yaml still reads the same feed)."""
    return {m.source_id for m in event.members} | {m.feed_url for m in event.members}


def fresh_events(merge: EventMerge, known: Collection[str]) -> list[MergedEvent]:
    """The merged events whose UID the previous build did not hand out (``known``)."""
    return [event for event in merge.events if event.uid not in known]


def keep_identities(merge: EventMerge, known: Collection[str],
                    vanished: Mapping[str, MergedEvent], tz: ZoneInfo) -> EventMerge:
    """``merge`` with each fresh event (UID not in ``known``) that matches exactly one
    ``vanished`` event (old UID -> its last published form), and is its only match, renamed
    to that UID, and the assignment with it; sorted again by (start, UID) as merges are
    (``tz`` places floating times), so that the next build writes the same bytes."""
    if not vanished:
        return merge
    fresh = fresh_events(merge, known)
    old_by_signature: dict[Signature, list[MergedEvent]] = {}
    for old in vanished.values():
        old_by_signature.setdefault(signature(old), []).append(old)
    claims: dict[str, list[MergedEvent]] = {}
    for event in fresh:
        origins = _origins(event)
        matches = [old for old in old_by_signature.get(signature(event), ())
                   if origins & _origins(old)]
        if len(matches) == 1:
            claims.setdefault(matches[0].uid, []).append(event)
    renamed = {events[0].uid: uid for uid, events in claims.items() if len(events) == 1}
    if not renamed:
        return merge
    events = sorted((dataclasses.replace(event, uid=renamed[event.uid])
                     if event.uid in renamed else event for event in merge.events),
                    key=lambda m: (sort_instant(m.members[0], tz), m.uid))
    assignment = {key: renamed.get(uid, uid) for key, uid in merge.assignment.items()}
    return EventMerge(events=tuple(events), assignment=assignment)
