"""A series given by its dates alone (RDATE, no RRULE) written as one VEVENT per date.

RFC 5545 lets a VEVENT list extra dates without a rule ("the workshop on 7, 14 and 28
January"), and event plugins write such series. Outlook does not: Microsoft's own reading of
iCalendar ([MS-OXCICAL] 2.1.3.1.1.20.18) says an RDATE MUST come with an RRULE, and Outlook
and Office 365 skip the whole event with a warning (Rock RMS issue 4112, Squire issue 214):
a subscriber on Outlook lost every date of it. Separate VEVENTs are read alike by every
client, so the merged calendar writes each date as an event of its own: the series' first
date keeps its UID (a one-off that gains a second date stays the same event in calendars that
imported it), each other date gets ``<uid>_R<date>`` (Google's suffix for split series), and
an overridden date (RECURRENCE-ID) takes its record's title, time, place and status.

Pure: a merged event in, merged one-off events out, written by ics.py's one-off writer.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from ..models import Event, MergedEvent, When
from .times import event_span, event_zone, like, override_span, sortable
from .vevent import utc_stamp


def is_dated_series(event: MergedEvent) -> bool:
    """Extra dates and no rule: what Outlook refuses as one VEVENT."""
    return event.rrule is None and bool(event.rdates)


def dated_occurrences(event: MergedEvent) -> list[MergedEvent]:
    """One one-off event per date of the series (its DTSTART and RDATEs, less its EXDATEs),
    in order, each overridden date as its RECURRENCE-ID record says."""
    start, end = event_span(event)
    zone = event_zone(event.timezone, event.start)
    length = end - start if end is not None else None
    overrides = {sortable(like(record.recurrence_id or record.start, start, zone)): record
                 for record in event.overrides}
    excluded = {sortable(like(value, start, zone)) for value in event.exdates}
    dates = {sortable(like(value, start, zone)): like(value, start, zone)
             for value in (start, *event.rdates)}
    occurrences = []
    for key in sorted(dates.keys() - excluded):
        day = dates[key]
        uid = event.uid if day == start else f"{event.uid}_R{_stamp(day)}"
        record = overrides.get(key)
        if record is None:
            occurrences.append(_one_off(event, uid, day, day + length if length else None))
        else:
            occurrences.append(_overridden(event, uid, record, start))
    return occurrences


def _stamp(value: When) -> str:
    """The date as iCalendar writes it, UTC for a date-time: unique and stable per date."""
    if isinstance(value, datetime):
        return utc_stamp(value)
    return f"{value:%Y%m%d}"


def _one_off(event: MergedEvent, uid: str, start: When, end: When | None) -> MergedEvent:
    return dataclasses.replace(event, uid=uid, start=start, end=end, rrule=None, rdates=(),
                               exdates=(), overrides=())


def _overridden(event: MergedEvent, uid: str, record: Event, series_start: When
                ) -> MergedEvent:
    """The date as its RECURRENCE-ID record moved or changed it; empty fields are the series'."""
    occurrence = _one_off(event, uid, *override_span(record, series_start, event.timezone))
    return dataclasses.replace(
        occurrence, title=record.title or event.title,
        description=record.description or event.description,
        location=record.location or event.location, url=record.url or event.url,
        status=record.status or event.status, sequence=max(record.sequence, event.sequence),
        all_day=not isinstance(occurrence.start, datetime),  # a timed date made all-day
        timezone=(record.timezone or event.timezone) if isinstance(occurrence.start, datetime)
        else None)
