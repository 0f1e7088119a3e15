"""RDATE;VALUE=PERIOD: a date of a series given with its own end.

RFC 5545 lets a series name an extra date as a period (start/end or start/duration), as khal,
libical and ical.js's tests write them. Read as its start alone, that date took the series'
length: a three-hour workshop added to a weekly one-hour club was shown as one hour. A date
whose length differs from the series' now becomes that date's override, as
recurring-ical-events and ical.js read it.

PURE apart from reading the property: values in, overrides out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta

import icalendar
from icalendar.prop import vBroken

from ..models import Event, When
from .ical_dates import CalendarContext, add_duration, dt_of, to_when


def read_periods(component: icalendar.Component, context: CalendarContext
                 ) -> tuple[tuple[When, When], ...]:
    """The RDATEs given as periods, each as (start, end); a duration is added to its start
    as an event's DURATION is (days on the wall clock, hours elapsed)."""
    props = component.get("RDATE")
    found: list[tuple[When, When]] = []
    for prop in props if isinstance(props, list) else [props] if props is not None else []:
        if isinstance(prop, vBroken):
            continue
        for value in getattr(prop, "dts", []):
            period = dt_of(value)
            if isinstance(period, tuple) and len(period) == 2:
                start = to_when(prop, context, period[0])
                # hours elapse (RFC 5545 3.3.6), as in an event's DURATION: PT3H from 01:00
                # the night clocks go forward ends at 05:00, not at 04:00 two hours later
                end = (add_duration(start, period[1], context)
                       if isinstance(period[1], timedelta) else to_when(prop, context, period[1]))
                if end is not None:
                    found.append((start, end))
    return tuple(found)


def period_overrides(series: Event, periods: Sequence[tuple[When, When]]) -> list[Event]:
    """An override for each of the series' dates (among those it kept, ``series.rdates``)
    whose period lasts otherwise than the series. A period that ends before it starts, or
    a time in a series of days, is no length to publish (an override ending before its
    start): that date keeps the series' length."""
    length = series.end - series.start if series.end is not None else timedelta(0)
    kept = set(series.rdates)
    timed = isinstance(series.start, datetime)
    return [dataclasses.replace(series, start=start, end=end, rrule=None, rdates=(),
                                exdates=(), recurrence_id=start)
            for start, end in dict(periods).items()
            if start in kept and isinstance(start, datetime) == timed
            and end > start and end - start != length]
