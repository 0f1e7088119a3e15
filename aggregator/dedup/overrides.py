"""PURE: which records are series (masters) and which change one date of a series.

A RECURRENCE-ID record belongs to the series of its UID. When no feed gives that series,
it stands alone: Google exports the moved dates of a series shared in part, each a
RECURRENCE-ID record, and no master (recurring-ical-events issue 173). Several such records
of one UID in one feed are the dates of one event: they become one series of those dates
(RDATEs, no rule), each date as its record moved it, which the calendars write as one
VEVENT per date (render/dated_series.py). Forced together as one event of one UID, all but
the first date were lost.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from ..instants import utc_instant
from ..models import Event, When


def split_overrides(events: Sequence[Event]) -> tuple[list[Event], list[Event]]:
    """Masters (a lone RECURRENCE-ID record, or the series of several: see the module
    docstring), in the records' order, and the RECURRENCE-ID records attached to them."""
    master_uids = {e.uid for e in events if e.recurrence_id is None}
    alone: dict[tuple[str, str], list[Event]] = {}
    for event in events:
        if event.recurrence_id is not None and event.uid not in master_uids:
            alone.setdefault((event.feed_url, event.uid), []).append(event)
    masters: list[Event] = []
    attached = [e for e in events if e.recurrence_id is not None and e.uid in master_uids]
    for event in events:
        if event.recurrence_id is None:
            masters.append(event)
            continue
        group = alone.get((event.feed_url, event.uid))
        if group is None:
            continue
        if len(group) == 1:
            masters.append(event)
        elif event is group[0]:
            masters.append(dates_of(group))
            attached.extend(group)
    return masters, attached


def dates_of(records: Sequence[Event]) -> Event:
    """The series whose dates ``records`` change: its first date's record at its first
    RECURRENCE-ID, the others' RECURRENCE-IDs as its RDATEs."""
    ordered = sorted(records, key=lambda e: utc_instant(e.recurrence_id or e.start))
    first = ordered[0]
    slot = _day_if_all_day(first.recurrence_id, first.start)
    end = None
    if (first.end is not None and isinstance(first.start, datetime) == isinstance(slot, datetime)
            == isinstance(first.end, datetime)):
        end = slot + (first.end - first.start)
    return dataclasses.replace(
        first, start=slot, end=end, recurrence_id=None, rrule=None, exdates=(),
        rdates=tuple(day for day in (_day_if_all_day(e.recurrence_id, e.start)
                                     for e in ordered[1:]) if day != slot))


def _day_if_all_day(slot: When | None, start: When) -> When:
    """A RECURRENCE-ID of an all-day date as a day: Outlook writes it as local midnight in
    its zone, and a series of dates started at that midnight was no all-day series (the web
    app's calendars then put its moved dates back on their old days)."""
    assert slot is not None
    if isinstance(slot, datetime) and not isinstance(start, datetime):
        return slot.date()
    return slot
