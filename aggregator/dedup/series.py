"""A series and its dates posted one by one are one event.

The organiser's calendar (Google, Outlook, Apple) writes a weekly meetup as one VEVENT with an
RRULE; the venue's WordPress agenda and Meetup write each date as a VEVENT of its own.
Clustering compares records at their first date, so only the series' first date met its copy:
from the second week on, subscribers saw each meetup twice, and once a one-off copy of that
first date outranked the series, the merged event lost its rule and every later date.

Here each date of a series (its RRULE's, RDATEs' and moved occurrences', from dateutil) is
compared, by the same scorer, with the one-off records of that day; a cluster of one-off
records that is one of those dates joins the series' cluster. Cost: one walk of each series
over the days the one-off records span, and one index lookup per date and title word.

PURE: profiles and records in, clusters out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..models import Event, When
from ..recurrence import dates_between, rule_problem
from .keys import Profile, instant
from .match import blocking_words
from .similar import ruled_out, same_event

WALK_BUDGET = 3_000
"""Rule steps walked per series (recurrence.dates_between): a daily series' first eight
years, a weekly one's 57; each date is a few µs, and dates no one-off record shares a day and
a title word with cost no more."""
Traits = tuple[set[str], set[str], set[str]]


def is_series(event: Event) -> bool:
    """A record whose rule can be walked, or that names other dates (RDATE)."""
    return bool(event.rdates) or (event.rrule is not None
                                  and rule_problem(event.rrule, event.start) is None)


def join_dates(groups: Sequence[Sequence[int]], masters: Sequence[Event],
               profiles: Sequence[Profile], moved: Mapping[str, Sequence[Event]],
               tz: ZoneInfo, apart: frozenset[str] = frozenset()
               ) -> tuple[list[list[int]], dict[int, When]]:
    """``groups`` with each cluster of one-off records that is a date of a series joined to
    that series' cluster, and the date (RECURRENCE-ID) each joined record is a copy of.

    ``moved`` gives a series' RECURRENCE-ID records by UID: an occurrence moved to 20:00 is
    compared at 20:00. Records whose key is in ``apart`` (the operator's splits) join
    nothing. One feed's two records are two events, so a cluster stays apart when it holds a
    record of the feed of the series itself, or of a feed that has a copy of that date in the
    series' cluster already; the best-scored cluster of a date joins first."""
    recurring = {i for i, e in enumerate(masters) if e.rrule is not None or e.rdates}
    series = [g for g, group in enumerate(groups) if not recurring.isdisjoint(group)
              and any(i in recurring and is_series(masters[i]) for i in group)]
    if not series:
        return [list(group) for group in groups], {}
    days = [p.day for p in profiles]  # a day either side (the series' zone), within 1..9999
    first = date.fromordinal(max(min(days) - 1, 1))
    last = date.fromordinal(min(max(days) + 1, date.max.toordinal()))
    singles = [g for g, group in enumerate(groups) if recurring.isdisjoint(group)
               and not any(profiles[i].key in apart for i in group)]
    occupied = {(word, profiles[i].day) for g in singles for i in groups[g]
                for word in blocking_words(profiles[i])}
    wanted: dict[tuple[str, int], list[tuple[int, When, Profile]]] = {}
    taken: set[tuple[int, str, When | None]] = set()
    for g in series:
        head = next(i for i in groups[g] if i in recurring and is_series(masters[i]))
        record, words = masters[head], blocking_words(profiles[head])
        taken |= {(g, profiles[i].feed, None if i in recurring else record.start)
                  for i in groups[g]}
        for slot, when in _dates(record, moved.get(record.uid, ()), first, last):
            minute, day = _moment(when, record.timezone, tz)
            if any((word, day) in occupied for word in words):
                shifted = dataclasses.replace(profiles[head], day=day, minute=(
                    minute if profiles[head].minute is not None else None))
                for word in words:
                    wanted.setdefault((word, day), []).append((g, slot, shifted))
    found = _copies(groups, profiles, wanted, singles)
    return _joined(groups, profiles, found, taken)


def _traits(members: Sequence[Profile]) -> Traits:
    """What a cluster says wherever it meets: its cities, series numbers and venues."""
    cities: set[str] = set()
    numbers: set[str] = set()
    venues: set[str] = set()
    for p in members:
        cities |= p.cities
        numbers |= p.title.numbers
        venues |= {p.place.venue} if p.place.venue else set()
    return cities, numbers, venues


def _dates(record: Event, moved: Sequence[Event], first: date, last: date
           ) -> list[tuple[When, When]]:
    """(RECURRENCE-ID, start) of the series' dates in the window: its rule's and RDATEs' where
    they were written, and its moved occurrences where they start now; but the series' own
    start, which clustering compared already. A rule of several dates a day (HOURLY and
    finer) is no meetup posted date by date: its rule's dates are not looked for."""
    rule = record.rrule if _daily_or_coarser(record.rrule) else None
    dates = dates_between(rule, record.start, record.rdates, record.exdates, first, last,
                          budget=WALK_BUDGET)
    pairs = [(d, d) for d in dates]
    pairs += [(m.recurrence_id, m.start) for m in moved if m.recurrence_id is not None]
    return [(slot, when) for slot, when in pairs if when != record.start]


def _daily_or_coarser(rule: str | None) -> bool:
    return rule is not None and any(f"FREQ={freq}" in rule.upper()
                                    for freq in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"))


def _moment(when: When, zone_name: str | None, tz: ZoneInfo) -> tuple[int | None, int]:
    """(UTC minute or None, local day) of a date of the series, as keys.Profile has them."""
    if not isinstance(when, datetime):
        return None, when.toordinal()
    moment = instant(when, zone_name, tz)
    return int(moment.timestamp()) // 60, moment.astimezone(tz).date().toordinal()


def _copies(groups: Sequence[Sequence[int]], profiles: Sequence[Profile],
            wanted: Mapping[tuple[str, int], list[tuple[int, When, Profile]]],
            singles: Sequence[int]) -> list[tuple[float, str, int, int, When]]:
    """(-score, series' first key, cluster, series' cluster, date) for each one-off cluster
    the scorer judges one of a series' dates, with nothing in either cluster against it;
    best first."""
    scored: set[tuple[int, When, int]] = set()
    found = []
    for other in singles:
        group = groups[other]
        for i in group:
            p = profiles[i]
            for word in blocking_words(p):
                for g, slot, shifted in wanted.get((word, p.day), ()):
                    if (g, slot, other) in scored or ruled_out(shifted, p):
                        continue
                    scored.add((g, slot, other))
                    verdict = same_event(shifted, p)
                    if verdict.same and _fits(shifted, [profiles[j] for j in groups[g]],
                                              [profiles[j] for j in group]):
                        name = min(profiles[j].key for j in groups[g])
                        found.append((-verdict.score, name, other, g, slot))
    return sorted(found, key=lambda f: f[:3])


def _fits(shifted: Profile, series: Sequence[Profile], copies: Sequence[Profile]) -> bool:
    """As cluster.Traits: a copy naming another city, number or venue than any record of
    the series does is another event, though its record that names none scored well (a
    relay's "Atelier Observabilité" with no place, of the Épinal workshop, against the
    Nancy series); and every record of the copy starts within the tolerance."""
    mine, theirs = _traits(series), _traits(copies)
    return (all(not a or not b or bool(a & b) for a, b in zip(mine, theirs, strict=True))
            and not any(ruled_out(shifted, p) for p in copies))


def _joined(groups: Sequence[Sequence[int]], profiles: Sequence[Profile],
            found: Sequence[tuple[float, str, int, int, When]],
            taken: set[tuple[int, str, When | None]]
            ) -> tuple[list[list[int]], dict[int, When]]:
    """The clusters once each one-off cluster joined its series, best score first (cluster
    order kept), with the date each joined record stands for. ``taken``: (series' cluster,
    feed, date) already held, the date None for the series' own feeds."""
    merged = [list(group) for group in groups]
    dates: dict[int, When] = {}
    for _, _, other, g, slot in found:
        feeds = {profiles[i].feed for i in groups[other]}
        if not merged[other] or any((g, feed, key) in taken for feed in feeds
                                    for key in (None, slot)):
            continue
        taken |= {(g, feed, slot) for feed in feeds}
        merged[g] += merged[other]
        merged[other] = []
        dates.update((i, slot) for i in groups[other])
    return [sorted(group) for group in merged if group], dates
