"""What the agenda page lists: upcoming occurrences of merged events, grouped by local day.

Recurring series are expanded with recurring-ical-events over the VEVENTs that ``ics`` writes
(master plus RECURRENCE-ID overrides), so the page and calendar.ics can never disagree about
when a series meets, and we never hand-write RRULE arithmetic. Expansion stops at a horizon and
a per-series cap so one ``FREQ=MINUTELY`` feed cannot blow up the page, and a rule that no date
matches or that dateutil refuses is not walked at all (``aggregator.recurrence``).
"""

from __future__ import annotations

import functools
import heapq
import itertools
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

import recurring_ical_events
from icalendar import Calendar
from icalendar import Event as VEvent

from ..memo import Memo
from ..models import MergedEvent, When
from ..listing_budget import EXPANSION_BUDGET, HORIZON, SOURCE_BUDGET, left_out, listing_steps
from ..recurrence import rule_problem
from .ics import CALLED_OFF, event_components
from .text import one_line, status_of
from .times import as_clocks_read, as_date, event_span, instant

MAX_PER_SERIES = 60
"""A daily series over the 60-day horizon; more occurrences of one series would drown the page."""
DAY = timedelta(days=1)
INDEX_FROM = 2_000
"""Selections of fewer events are listed without the :class:`SinglesIndex` (3 ms for an
organisation's 40 events against 5 ms walking an index of 40,000)."""


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One time a merged event happens, with the fields an override may change."""

    event: MergedEvent
    start: When
    end: When | None
    title: str
    location: str
    url: str
    status: str

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def cancelled(self) -> bool:
        return self.status == "CANCELLED"


Order = tuple[datetime, str, str]
SingleMemo = Memo[tuple[MergedEvent, tzinfo], tuple[datetime, Order]]
"""A one-off event's sort key and the instant it is over: all that does not depend on
``now``, kept from one build to the next (see aggregator/memo.py). Not its occurrence, made
again for the few the page shows: kept for every event, the occurrences and their spans
were 17 MB of a daemon at N = 3,000 sources."""


def upcoming(
    events: Sequence[MergedEvent], *, now: datetime, zone: tzinfo, limit: int | None = None,
    memo: SingleMemo | None = None, index: SinglesIndex | None = None,
) -> list[Occurrence]:
    """Every occurrence not yet over at ``now``, sorted by start, then title, then uid; only
    the first ``limit`` when given (the page shows 300 of 100,000: keeping just those saved
    180 MB and a sort of the rest, issue 8). ``memo`` reuses the one-off events' sort keys
    of the previous build: a rebuild then only compares each event's end with ``now``.
    ``index`` (of ``events`` or of a set they are taken from, in ``zone``) gives the one-off
    events in order: only the first ``limit`` become occurrences."""

    def order(occurrence: Occurrence) -> Order:
        return _order(occurrence, zone)

    def single(event: MergedEvent) -> tuple[datetime, Order]:
        # _ends and _order of its _occurrence, without making it: a first build asks this
        # of every one-off event, and the page shows a few hundred of them (issue 8)
        start, end = event_span(event)
        return _ends(start, end, zone), (instant(start, zone), one_line(event.title), event.uid)

    refused = over_budget(events, now=now, zone=zone)

    def occurrences(among: Iterable[MergedEvent]
                    ) -> Iterator[tuple[Order, Occurrence | MergedEvent]]:
        """Each occurrence not over, a one-off event's as the event itself (its occurrence
        is made only if it is among those kept: :func:`_made`)."""
        for event in among:
            if event.uid in refused or _too_long_a_walk(event, now, zone):
                continue
            if _expandable(event):
                yield from ((order(o), o) for o in _expand(event, now, zone))
                continue
            if memo is None:  # no need to make it twice
                occurrence = _occurrence(event)
                if _ends(occurrence.start, occurrence.end, zone) > now:
                    yield order(occurrence), occurrence
                continue
            ends, key = memo.get((event, zone), lambda: single(event))
            if ends > now:
                yield key, event

    if limit is None:
        return [_made(found) for _, found in sorted(occurrences(events), key=_first)]
    if index is not None and len(events) < index.min_events:
        index = None  # a few events: making each occurrence costs less than walking the index
    try:
        chosen = index.positions(events, zone) if index is not None else None
    except LookupError:
        index = None
    if index is not None:
        singles = index.first(limit, now=now, among=chosen)
        others = heapq.nsmallest(limit, occurrences(e for e in events if not _one_off(e)),
                                 key=_first)
        merged = heapq.merge(singles, others, key=_first)
        return [_made(found) for _, found in itertools.islice(merged, limit)]
    # == sorted(...)[:limit], stable
    return [_made(found) for _, found in heapq.nsmallest(limit, occurrences(events),
                                                         key=_first)]


def _made(found: Occurrence | MergedEvent) -> Occurrence:
    """The occurrence :func:`upcoming` found: a one-off event's is made from it."""
    return _occurrence(found) if isinstance(found, MergedEvent) else found


def _order(occurrence: Occurrence, zone: tzinfo) -> Order:
    """The agenda's order: start, then title, then UID (two events never tie)."""
    return instant(occurrence.start, zone), occurrence.title, occurrence.event.uid


def _one_off(event: MergedEvent) -> bool:
    """No RRULE, no RDATE: its one occurrence does not depend on ``now``."""
    return not event.rrule and not event.rdates


class SinglesIndex:
    """The one-off events of a set in agenda order, with when each is over.

    The web app renders the agenda again every minute (its "ongoing" badges), and making an
    occurrence of each of 40,000 events to keep the first 300 took 0.4 s a time: built once
    per build's view (0.2 s, 12 bytes an event), this hands over the first ones not over.
    """

    __slots__ = ("events", "zone", "min_events", "_order", "_ends", "_position")

    def __init__(self, events: Sequence[MergedEvent], zone: tzinfo, *,
                 min_events: int = INDEX_FROM) -> None:
        self.events, self.zone, self.min_events = events, zone, min_events
        keyed: list[tuple[Order, int]] = []
        self._ends = array("d", bytes(8 * len(events)))
        for position, event in enumerate(events):
            if _one_off(event):
                occurrence = _occurrence(event)
                keyed.append((_order(occurrence, zone), position))
                self._ends[position] = _ends(occurrence.start, occurrence.end, zone).timestamp()
        keyed.sort(key=lambda pair: pair[0])
        self._order = array("i", (position for _, position in keyed))
        self._position = {id(event): position for position, event in enumerate(events)}

    def positions(self, events: Sequence[MergedEvent], zone: tzinfo) -> frozenset[int] | None:
        """The positions of ``events`` in the indexed set (None: all of it).

        Raises:
            LookupError: not answerable here (another zone, or an event from elsewhere).
        """
        if zone != self.zone:
            raise LookupError(f"indexed in {self.zone}, asked in {zone}")
        if events is self.events:
            return None
        return frozenset(self._position[id(event)] for event in events)

    def first(self, limit: int, *, now: datetime, among: frozenset[int] | None
              ) -> list[tuple[Order, Occurrence]]:
        """The first ``limit`` one-off occurrences not over at ``now`` (of ``among`` only)."""
        found: list[tuple[Order, Occurrence]] = []
        at = now.timestamp()
        for position in self._order:
            if self._ends[position] > at and (among is None or position in among):
                occurrence = _occurrence(self.events[position])
                found.append((_order(occurrence, self.zone), occurrence))
                if len(found) == limit:
                    break
        return found


def _first(pair: tuple[Order, object]) -> Order:
    return pair[0]


def next_occurrence(event: MergedEvent, *, now: datetime, zone: tzinfo) -> Occurrence | None:
    """The event's first occurrence not over at ``now``, however far ahead (a yearly series'
    next edition too), or None once it is over: where the lists that show each event once (an
    organisation's page, the operator's, the sitemap) place it."""
    if _too_long_a_walk(event, now, zone):
        return None
    if _expandable(event):
        return next(walk(event, after=now), None)
    occurrence = _occurrence(event)
    return occurrence if _ends(occurrence.start, occurrence.end, zone) > now else None


def occurring_between(events: Iterable[MergedEvent], start: datetime, end: datetime,
                      zone: tzinfo) -> Iterator[MergedEvent]:
    """The ``events`` that :func:`occurs_between` [start, end), each organisation's series
    walked within its :data:`SOURCE_BUDGET`."""
    listed = tuple(events)
    refused = over_budget(listed, now=start, zone=zone)
    return (e for e in listed if e.uid not in refused and occurs_between(e, start, end, zone))


def occurs_between(event: MergedEvent, start: datetime, end: datetime, zone: tzinfo) -> bool:
    """Whether an occurrence of ``event`` (a series' any one) overlaps [start, end): the
    first one not over at ``start`` begins before ``end`` (a one-off event's span is read
    directly, without making its occurrence: 40,000 of them per window)."""
    if _one_off(event):
        begins, ends = event_span(event)
        return instant(begins, zone) < end and _ends(begins, ends, zone) > start
    first = next_occurrence(event, now=start, zone=zone)
    return first is not None and instant(first.start, zone) < end


def last_occurrence(event: MergedEvent, *, now: datetime, zone: tzinfo) -> Occurrence:
    """The event's last occurrence begun before ``now``: when a finished series took place
    last (its DTSTART for a one-off, or for a series that cannot be walked)."""
    last = _occurrence(event)
    if not _expandable(event) or _too_long_a_walk(event, now, zone):
        return last
    query, first = recurring_ical_events.of(_calendar(event, now)), instant(event.start, zone)
    stop, span = now, timedelta(days=7)
    while stop > first:  # back from ``now``, a span twice as long each time: its dates are
        begin = max(stop - span, first)  # made, not the years before (3,000 of a daily
        asked = ((begin - DAY).astimezone(UTC), (stop + DAY).astimezone(UTC))  # series since
        begun = [o for o in map(functools.partial(_from_component, event),  # 2018 took
                                query.between(*asked))  # seconds a page; a day either
                 if begin <= instant(o.start, zone) < stop]  # side: dates are read in UTC)
        if begun:
            return max(begun, key=lambda o: instant(o.start, zone))
        stop, span = begin, span * 2
    return last


def by_next_date(events: Iterable[MergedEvent], *, now: datetime, zone: tzinfo
                 ) -> list[Occurrence]:
    """Each event not over at ``now`` once, at its :func:`next_occurrence`, by date then
    UID: the order of the lists that show each event once (each organisation's series
    walked within its :data:`SOURCE_BUDGET`)."""
    listed = tuple(events)
    refused = over_budget(listed, now=now, zone=zone)
    found = (next_occurrence(event, now=now, zone=zone) for event in listed
             if event.uid not in refused)
    return sorted((o for o in found if o is not None),
                  key=lambda o: (instant(o.start, zone), o.event.uid))


def by_last_date(events: Iterable[MergedEvent], *, now: datetime, zone: tzinfo
                 ) -> list[Occurrence]:
    """Each event over at ``now`` once, at its :func:`last_occurrence`, newest first (then
    by UID): what an organisation held lately (a series past its organisation's
    :data:`SOURCE_BUDGET` at its first date, as one past :data:`EXPANSION_BUDGET`)."""
    listed = tuple(events)
    refused = over_budget(listed, now=now, zone=zone)
    over = (_occurrence(event) if event.uid in refused
            else last_occurrence(event, now=now, zone=zone) for event in listed
            if event.uid in refused or next_occurrence(event, now=now, zone=zone) is None)
    return sorted(over, key=lambda o: (-instant(o.start, zone).timestamp(), o.event.uid))


def _too_long_a_walk(event: MergedEvent, now: datetime, zone: tzinfo) -> bool:
    """A series whose rule dateutil would walk past :data:`EXPANSION_BUDGET` steps."""
    return _steps(event, now, zone) > EXPANSION_BUDGET


def _steps(event: MergedEvent, now: datetime, zone: tzinfo) -> float:
    """The rule steps from the series' DTSTART to the agenda's horizon and its search for
    the next dates past it (0: no rule)."""
    if not event.rrule:
        return 0.0
    return listing_steps(event.rrule, instant(event.start, zone), now + HORIZON)


def over_budget(events: Iterable[MergedEvent], *, now: datetime, zone: tzinfo
                ) -> frozenset[str]:
    """The UIDs of the series a listing of ``events`` leaves out within their budget
    (:func:`aggregator.listing_budget.left_out`), each organisation's being its record's that
    gives the event. Pure arithmetic, no rule walked."""
    return frozenset(left_out(
        (event.uid, event.members[0].source_id if event.members else "", steps)
        for event in events
        if 0 < (steps := _steps(event, now, zone)) <= EXPANSION_BUDGET and _expandable(event)))


def _expandable(event: MergedEvent) -> bool:
    """A series whose rule can be walked (a stored rule no date matches is its DTSTART alone)."""
    if event.rrule:
        return rule_problem(event.rrule, event.start) is None
    return bool(event.rdates)


def by_day(
    occurrences: Iterable[Occurrence], *, now: datetime, zone: tzinfo
) -> list[tuple[date, list[Occurrence]]]:
    """Occurrences grouped by their local start day; ongoing ones are listed under today."""
    today = now.astimezone(zone).date()
    days: dict[date, list[Occurrence]] = {}
    for occurrence in occurrences:
        day = max(as_date(occurrence.start, zone), today)
        days.setdefault(day, []).append(occurrence)
    return sorted(days.items())


def is_ongoing(occurrence: Occurrence, *, now: datetime, zone: tzinfo) -> bool:
    """True when the occurrence started before ``now`` and is not over yet."""
    return instant(occurrence.start, zone) < now and not is_over(occurrence, now=now, zone=zone)


def is_over(occurrence: Occurrence, *, now: datetime, zone: tzinfo) -> bool:
    """True once the occurrence has ended at ``now`` (listed only on a page of past days)."""
    return _ends(occurrence.start, occurrence.end, zone) <= now


def _occurrence(event: MergedEvent) -> Occurrence:
    """The one occurrence of a one-off event."""
    start, end = event_span(event)
    return Occurrence(event, start, end, one_line(event.title), one_line(event.location),
                      event.url, status_of(event.status))


def _ends(start: When, end: When | None, zone: tzinfo) -> datetime:
    """When an occurrence is over: its end, else the end of its day (all-day) or its start."""
    if end is not None:
        return instant(end, zone)
    if isinstance(start, datetime):
        return instant(start, zone)
    return instant(start + timedelta(days=1), zone)


def _expand(event: MergedEvent, now: datetime, zone: tzinfo) -> list[Occurrence]:
    stop = now + HORIZON
    found: list[Occurrence] = []
    for occurrence in walk(event, after=now):
        if instant(occurrence.start, zone) > stop or len(found) >= MAX_PER_SERIES:
            break
        found.append(occurrence)
    return found


def walk(event: MergedEvent, *, after: datetime) -> Iterator[Occurrence]:
    """The series' occurrences not over at ``after``, in order, as long as asked for."""
    for component in recurring_ical_events.of(_calendar(event, after)).after(
            after.astimezone(UTC)):
        yield _from_component(event, component)


def _calendar(event: MergedEvent, now: datetime) -> Calendar:
    """The event's VEVENTs as calendar.ics writes them (``now``: their DTSTAMP)."""
    calendar = Calendar()
    for component in event_components(event, now=now, sources={}):
        calendar.add_component(component)
    return calendar


def _from_component(event: MergedEvent, component: VEvent) -> Occurrence:
    written: When = component.decoded("DTSTART")
    end: When | None = component.decoded("DTEND") if "DTEND" in component else None
    start = as_clocks_read(written)  # a weekly 02:30 at 03:30 the night clocks skip 02:30,
    if isinstance(end, datetime) and isinstance(written, datetime):  # as clients show it
        end = start + (end.replace(tzinfo=None) - written.replace(tzinfo=None)) \
            if start is not written else as_clocks_read(end)  # and as long
    status = status_of(str(component.get("STATUS", event.status)))
    return Occurrence(
        event,
        start,
        end,
        _posted_title(one_line(str(component.get("SUMMARY", event.title))), status),
        one_line(str(component.get("LOCATION", ""))),
        str(component.get("URL", event.url)),
        status,
    )


def _posted_title(summary: str, status: str) -> str:
    """A series' occurrence's title as posted: the calendar's SUMMARY of a cancelled one
    says "Annulé : " for calendar clients (``ics.summary``), and the digest, which marks it
    in its own language, read "[ABGESAGT] Annulé : Meetup" in German."""
    if status == "CANCELLED":
        for prefix in CALLED_OFF.values():
            if summary.startswith(prefix):
                return summary.removeprefix(prefix)
    return summary
