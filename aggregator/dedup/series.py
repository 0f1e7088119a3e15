"""A series and its dates posted one by one are one event.

The organiser's calendar (Google, Outlook, Apple) writes a weekly meetup as one VEVENT with an
RRULE; the venue's WordPress agenda and Meetup write each date as a VEVENT of its own.
Clustering compares records at their first date, so only the series' first date met its copy:
from the second week on, subscribers saw each meetup twice, and once a one-off copy of that
first date outranked the series, the merged event lost its rule and every later date.

Here each date of a series (its RRULE's, RDATEs' and moved occurrences', from dateutil) is
compared, by the same scorer, with the one-off records of its title words and half-hour; a
cluster of one-off records that is one of those dates joins the series' cluster, and so does
another series that starts at one of them in step with it (rhythm.in_step: an exporter
that starts a series at its next date). Cost: one walk of each series
over the spans of days where a one-off record shares a title word with it (each from its
last whole period before the span, at most :data:`WALK_BUDGET` rule steps), and a few set
lookups per date.

PURE: profiles and records in, clusters out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from ..models import Event, Source, When
from ..recurrence import dates_between, rule_problem, several_a_day
from .cluster import Traits
from .keys import Profile
from .match import BUCKET_MINUTES, MAX_BLOCK, blocking_words
from .places import one_room, same_place
from . import rhythm
from .policy import rank_events, source_rank
from .rhythm import moment_of
from .similar import Verdict, ruled_out, same_event, time_agreement

WALK_BUDGET = 1_500
"""Rule steps walked per span of days (recurrence.dates_between, which starts a span's walk
at its last whole period before it): four years of a daily series, 28 of a weekly one."""
WINDOW_GAP = 60
"""Days without a one-off record that split the days looked at into two spans."""


class Joined(NamedTuple):
    """The clusters once one-off copies of a series' dates joined it."""

    groups: list[list[int]]
    dates: dict[int, When]
    """Each one-off record of a series' cluster (index into the masters) -> the date of the
    series (its RECURRENCE-ID) it is a copy of."""
    pairs: list[tuple[str, str, Verdict]]
    """(series' record key, copy's record key, the scorer's verdict at that date) of each
    joined copy, for ``events explain``."""


class _Series(NamedTuple):
    group: int
    head: int
    """The record the merged event's dates come from (the best ranked series record)."""
    name: str
    """The cluster's first record key: ties between two series are broken by it."""


def is_series(event: Event) -> bool:
    """A record whose rule can be walked, or that names other dates (RDATE)."""
    return bool(event.rdates) or (event.rrule is not None
                                  and rule_problem(event.rrule, event.start) is None)


def join_dates(groups: Sequence[Sequence[int]], masters: Sequence[Event],
               profiles: Sequence[Profile], moved: Mapping[str, Sequence[Event]],
               tz: ZoneInfo, sources: Mapping[str, Source], apart: frozenset[str] = frozenset()
               ) -> Joined:
    """``groups`` with each cluster of one-off records that is a date of a series joined to
    that series' cluster (see :class:`Joined`).

    ``moved`` gives a series' RECURRENCE-ID records by UID: an occurrence moved to 20:00 is
    compared at 20:00. A cluster holding a record the operator split (``apart``) joins
    nothing and is joined by nothing. One feed's two records are two events, so a cluster
    stays apart when it holds a record of a feed of the series itself, or of a feed that has
    a copy of that date in the series' cluster already; the best-scored cluster of a date
    joins first, and a cluster that is a date of two series joins the better-scored one."""
    recurring = {i for i, e in enumerate(masters) if e.rrule is not None or e.rdates}
    if not recurring:
        return Joined([list(group) for group in groups], {}, [])
    kept = [not apart or not any(profiles[i].key in apart for i in group) for group in groups]
    series = [_head(g, group, masters, profiles, recurring, sources)
              for g, group in enumerate(groups)
              if kept[g] and not recurring.isdisjoint(group)
              and any(i in recurring and is_series(masters[i]) for i in group)]
    dates = {i: masters[s.head].start for s in series for i in groups[s.group]  # copies of
             if i not in recurring and time_agreement(profiles[s.head], profiles[i]) != "far"}
    # its first date, clustered with it already (one on another date, joined by its UID or
    # the operator, is a member of no date: it must not move the series' first one)
    singles = [g for g, group in enumerate(groups) if kept[g] and recurring.isdisjoint(group)]
    late = {s.group: s.head for s in series}  # a series may be another one from a later date
    looking = [(g, groups[g]) for g in singles] + [(g, [head]) for g, head in late.items()]
    if not series or (not singles and len(series) < 2):
        return Joined([list(group) for group in groups], dates, [])
    words = {word for found in series for word in blocking_words(profiles[found.head])}
    days_of: dict[str, set[int]] = {}
    looked_for: set[tuple[str, str, int]] = set()
    for _, indices in looking:
        for i in indices:
            p = profiles[i]
            for word in blocking_words(p) & words:  # only a series' title words matter
                days_of.setdefault(word, set()).add(p.day)
                looked_for.update(_keys(word, p.minute, p.day, at=False))
    wanted: Wanted = {}
    for number, found in enumerate(series):
        record, profile = masters[found.head], profiles[found.head]
        titled = blocking_words(profile)
        for slot, minute, day in _dates(record, profile, moved.get(record.uid, ()), days_of,
                                        tz):
            shifted: Profile | None = None
            for key in (k for word in titled for k in _keys(word, minute, day, at=True)):
                if key in looked_for:  # a one-off record of that word and time: compare
                    shifted = shifted or dataclasses.replace(profile, minute=minute, day=day)
                    wanted.setdefault(key, []).append((number, slot, shifted))
    def in_step(number: int, other: int) -> bool:  # a later series: that series again?
        if other not in late:
            return True
        head, later = series[number].head, late[other]
        if not one_room(profiles[head].place, profiles[later].place):
            return False  # the weekly "Permanence numérique" of another address
        gives = rank_events([masters[head], masters[later]], sources)[0] is masters[later]
        return rhythm.in_step(masters[head], masters[later], gives, tz)

    scored = _copies(groups, profiles, wanted, looking, series, recurring, in_step)
    return _joined(groups, profiles, scored, series, dates, recurring)


def _head(g: int, group: Sequence[int], masters: Sequence[Event], profiles: Sequence[Profile],
          recurring: set[int], sources: Mapping[str, Source]) -> _Series:
    """The series' cluster with the record its merged event will take its dates from."""
    records = [masters[i] for i in group if i in recurring and is_series(masters[i])]
    best = rank_events(records, sources)[0]
    head = next(i for i in group if masters[i] is best)
    return _Series(g, head, min(profiles[i].key for i in group))


def _dates(record: Event, profile: Profile, moved: Sequence[Event],
           days_of: Mapping[str, set[int]], tz: ZoneInfo
           ) -> list[tuple[When, int | None, int]]:
    """(RECURRENCE-ID, UTC minute or None, local day) of the series at each of its dates on
    a day some one-off record shares a title word with it: its rule's and RDATEs' dates, its
    moved occurrences where they start now; not its own start, which clustering compared
    already. The rule is walked over the spans of such days only (:func:`_windows`); a rule
    of several dates a day (HOURLY and finer) is no meetup posted date by date: its rule's
    dates are not looked for."""
    days = set().union(*(days_of.get(word, ()) for word in blocking_words(profile)))
    if not days:
        return []
    rule = record.rrule if record.rrule and not several_a_day(record.rrule) else None
    pairs = [(d, d) for first, last in _windows(days)
             for d in dates_between(rule, record.start, record.rdates, record.exdates, first,
                                    last, budget=WALK_BUDGET)]
    pairs += [(m.recurrence_id, m.start) for m in moved if m.recurrence_id is not None]
    dated = []
    for slot, when in pairs:
        near = (when if not isinstance(when, datetime) else when.date()).toordinal()
        if when == record.start or not days.intersection((near - 1, near, near + 1)):
            continue
        moment = moment_of(when, record.timezone, tz)
        if moment is not None:
            minute, day = moment
            dated.append((slot, minute if profile.minute is not None else None, day))
    return dated


def _windows(days: set[int]) -> list[tuple[date, date]]:
    """The days as spans a day wider either side, split where no day falls for
    :data:`WINDOW_GAP` days: each span is walked on its own, from its last whole period
    before it (an old record, a feed's 1970-01-01, no longer makes a daily series walk from
    its own year and stop after WALK_BUDGET steps, years before the copies)."""
    ordered = sorted(days)
    spans = [[ordered[0], ordered[0]]]
    for day in ordered[1:]:
        if day - spans[-1][1] > WINDOW_GAP:
            spans.append([day, day])
        else:
            spans[-1][1] = day
    return [(date.fromordinal(max(low - 1, 1)),
             date.fromordinal(min(high + 1, date.max.toordinal()))) for low, high in spans]


Wanted = dict[tuple[str, str, int], list[tuple[int, When, Profile]]]
"""The series' dates by title word and time: ("t", 30-minute bucket) and ("timed", day) of a
timed one, ("all-day", day) of an all-day one (an all-day record meets a timed one on its
day), as match.py blocks
one-off records; a date is only scored against the one-off records of its slot."""


def _keys(word: str, minute: int | None, day: int, *, at: bool) -> list[tuple[str, str, int]]:
    """Where a series' date is filed (``at``) or a one-off record looks for one."""
    if minute is None:
        return [(word, "all-day", day)] if at else [(word, "all-day", day), (word, "timed", day)]
    bucket = minute // BUCKET_MINUTES
    if at:
        return [(word, "t", bucket), (word, "timed", day)]
    return [(word, "t", bucket - 1), (word, "t", bucket), (word, "t", bucket + 1),
            (word, "all-day", day)]


Scored = tuple[tuple[float, int, int], str, str, int, int, When, str, Verdict]
"""(how well its worst record agrees, negated; series' name; copy cluster's first key; copy
cluster; series number; date; the copy's record key; the verdict)."""
AGREEMENT = {"same": 2, "unknown": 1, "differ": 0, "exact": 2, "near": 1, "mixed": 0, "far": 0}


def _copies(groups: Sequence[Sequence[int]], profiles: Sequence[Profile], wanted: Wanted,
            looking: Sequence[tuple[int, Sequence[int]]], series: Sequence[_Series],
            recurring: set[int], in_step: Callable[[int, int], bool]) -> list[Scored]:
    """Each cluster ``looking`` for its series (one-off clusters by each record, later
    series by their first date) that the scorer judges one of a series' dates, with
    nothing in either cluster against it (and ``in_step``); best first, ties by record
    keys (never by input order)."""
    seen: set[tuple[int, When, int]] = set()
    joined: set[tuple[int, When, int]] = set()
    found: list[Scored] = []
    traits: dict[int, Traits] = {}
    for other, indices in looking:
        group = groups[other]
        for i in indices:
            p = profiles[i]
            candidates = (entry for word in blocking_words(p)
                          for key in _keys(word, p.minute, p.day, at=False)
                          for entry in _block(wanted, key))
            for number, slot, shifted in candidates:
                if (number, slot, i) in seen or (number, slot, other) in joined or ruled_out(
                        shifted, p) or series[number].group == other:
                    continue  # each record is tried: the cluster's first may not be the one
                seen.add((number, slot, i))
                verdict = same_event(shifted, p)
                owner = series[number]
                if verdict.same and number not in traits:  # numbers: of the series records
                    rules = {profiles[j].key for j in groups[owner.group] if j in recurring}
                    traits[number] = traits_of((profiles[j] for j in groups[owner.group]),
                                             numbered=lambda q: q.key in rules)
                if verdict.same and _fits(shifted, traits[number],
                                          [profiles[j] for j in group]) and in_step(number,
                                                                                    other):
                    joined.add((number, slot, other))
                    copy_name = min(profiles[j].key for j in group)
                    found.append((_agreement(shifted, group, profiles, i, verdict.score),
                                  owner.name, copy_name, other, number, slot, p.key, verdict))
    return sorted(found, key=lambda f: f[:3])


def _block(wanted: Wanted, key: tuple[str, str, int]) -> Sequence[tuple[int, When, Profile]]:
    """The series' dates filed under ``key``; none when more than :data:`MAX_BLOCK` are, as
    matching reads a block (match.py): a word that many dates share in one slot is no
    evidence there. 2,000 weekly series titled "Python …" compared each copy with all
    2,000 dates at its time (a minute of a build); a copy still meets its own series by its
    other subject words."""
    found = wanted.get(key, ())
    return found if len(found) <= MAX_BLOCK else ()


def _agreement(shifted: Profile, group: Sequence[int], profiles: Sequence[Profile],
               scored: int, score: float) -> tuple[float, int, int]:
    """How well a copy cluster agrees with the series at that date, by its worst record
    (title score, place, time), negated to sort best first: of one feed's two clusters for
    one date, the one that is wholly that date joins ("Conférence TypeScript" at its venue,
    not the cluster a look-alike at an unnamed place had joined). ``scored``, the record
    whose ``score`` is known already."""
    worst = min((score if i == scored else same_event(shifted, profiles[i]).score,
                 AGREEMENT[same_place(shifted.place, profiles[i].place)],
                 AGREEMENT[time_agreement(shifted, profiles[i])]) for i in group)
    return -worst[0], -worst[1], -worst[2]


def _fits(shifted: Profile, series: Traits, copies: Sequence[Profile]) -> bool:
    """As clustering asks (cluster.Traits.agrees): a copy naming another city or venue than
    any record of the series does, or another series number than its series records do
    ("#21" is not "#20", the first date's copy that clustered with it), is another event,
    though its record that names none scored well (a relay's "Atelier Observabilité" with no
    place, of the Épinal workshop, against the Nancy series); and every record of the copy
    starts within the tolerance."""
    return series.agrees(traits_of(copies)) and not any(ruled_out(shifted, p) for p in copies)


def traits_of(profiles: Iterable[Profile],
            numbered: Callable[[Profile], bool] = lambda p: True) -> Traits:
    """The cities, series numbers (of the ``numbered`` records) and venues the records name
    (cluster.Traits)."""
    found: Traits | None = None
    for p in profiles:
        numbers = p.title.numbers if numbered(p) else frozenset()
        one = Traits(p.feed, p.uid, p.cities, numbers, p.place.venue, p.minute, p.day, p.home,
                     p.located, p.groups)
        if found is None:
            found = one
        else:
            found.absorb(one)
    return found or Traits("", "", frozenset(), frozenset(), "", None, 0)


def _joined(groups: Sequence[Sequence[int]], profiles: Sequence[Profile],
            scored: Sequence[Scored], series: Sequence[_Series], dates: dict[int, When],
            recurring: set[int]) -> Joined:
    """The clusters once each one-off cluster joined its series, best score first (cluster
    order kept), with the date each joined record stands for."""
    taken: dict[int, set[tuple[str, When | None]]] = {}
    """Of each series' cluster, (feed, date) of its copies, (feed, None) of its series."""
    for s in series:
        taken[s.group] = {(profiles[i].feed, dates.get(i)) for i in groups[s.group]
                          if i in recurring or i in dates}
    first_day = {s.group: profiles[s.head].day for s in series}
    merged = [list(group) for group in groups]
    home = list(range(len(groups)))
    """Where each cluster went: a series that joined another takes its copies along."""
    pairs: list[tuple[str, str, Verdict]] = []
    for *_, other, number, slot, copy_key, verdict in scored:
        g = series[number].group
        while home[g] != g:
            g = home[g]
        feeds = {profiles[i].feed for i in merged[other]}
        own = taken.get(other, set())  # a later series' own dates and feeds
        if not merged[other] or g == other or any((feed, key) in taken[g] for feed in feeds
                                                  for key in (None, slot)) \
                or _clash(own, taken[g], first_day.get(other, 0)) \
                or _third_series(merged[g], merged[other], recurring):
            continue
        taken[g] |= {(feed, slot) for feed in feeds} | own
        dates.update((i, slot) for i in merged[other] if i not in recurring and i not in dates)
        merged[g] += merged[other]
        merged[other] = []
        home[other] = g
        pairs.append((profiles[series[number].head].key, copy_key, verdict))
    return Joined([sorted(group) for group in merged if group], dates, pairs)


def _third_series(there: Sequence[int], joining: Sequence[int], recurring: set[int]) -> bool:
    """A later series joins one series record, never a cluster that holds two already (its
    dates were checked against one of them only: a chain of three lost the dates of the one
    it did not meet)."""
    return any(i in recurring for i in joining) and \
        sum(i in recurring for i in (*there, *joining)) > 2


def _clash(own: set[tuple[str, When | None]], there: set[tuple[str, When | None]],
           from_day: int) -> bool:
    """Whether a later series' cluster (``own``: its feeds' series and dates; its first day
    ``from_day``) and the one it would join hold two records of one feed for one date: two
    series of a feed, a series against that feed's record of one of its dates (from its
    first day on: the organiser's own kick-off a week before its series is no clash), or
    two copies of one date."""
    def day(when: When) -> int:
        return (when.date() if isinstance(when, datetime) else when).toordinal()

    for feed, key in own:
        if key is None and any(f == feed and (k is None or day(k) >= from_day)
                               for f, k in there):
            return True
        if key is not None and ((feed, None) in there or (feed, key) in there):
            return True
    return False


def date_overrides(groups: Sequence[Sequence[int]], masters: Sequence[Event],
                   dates: Mapping[int, When], sources: Mapping[str, Source]) -> list[Event]:
    """The copies of a series' dates whose source outranks every series record of their
    cluster (policy.source_rank), as RECURRENCE-ID records of their date: the organiser's
    "Meetup Python #42 : les décorateurs" at 18:30, with its link, gives that date of the
    venue's weekly "Meetup Python", and its cancellation cancels that date. A lesser
    source's copy only adds its source to the event's, as a venue's copy of a one-off event
    does (its cancellation too: the organiser's word stands), and so does an all-day copy of
    a timed series' date and the reverse (an override of a day at 18:30 lasted no time)."""
    found: list[Event] = []
    for group in groups:
        copies = [i for i in group if i in dates]
        if copies:
            best = min(source_rank(masters[i].source_id, sources) for i in group
                       if i not in dates)
            found += [dataclasses.replace(masters[i], recurrence_id=dates[i]) for i in copies
                      if source_rank(masters[i].source_id, sources) < best
                      and isinstance(masters[i].start, datetime) == isinstance(dates[i],
                                                                                datetime)]
    return found
