"""PURE: what one week's digest holds for one set of filters.

The window is fixed by the ISO week, not by the moment of sending: events from that Monday
00:00 (local) for 14 days, news published (undated: first seen) in the 7 days before that
Monday. So a digest sent late, retried on Wednesday or previewed for the archive holds the
same things, and one Monday's news window ends where the next one's starts (nothing falls
between two digests).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ..districts import District, district
from ..models import MergedEvent, MergedItem, Source
from ..render.agenda import Occurrence, upcoming
from ..render.exports import newest_first
from ..slug import slugify
from ..render.text import source_names
from ..selection import facets_match
from ..render.times import as_date, instant

EVENT_DAYS = 14
NEWS_DAYS = 7
MAX_NEWS_PER_SOURCE = 5
"""A busy newsroom (bench corpus: 40 items a week from one lab) must not drown the others."""
MAX_EVENTS = 80
MAX_NEWS = 30
"""With these caps the HTML part stays near 80 KB (bench/digest.py: 150 events and 120 news
made 192 KB), under the 102 KB past which Gmail clips a message; the rest is one click away
in the web agenda, and the digest says how many more there are."""


@dataclass(frozen=True, slots=True)
class Filters:
    """What a subscriber follows; empty means everything. Compared as slugs."""

    cities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    """Source ids: only what these organisations posted."""

    def key(self) -> tuple[tuple[str, ...], ...]:
        return (tuple(sorted(map(slugify, self.cities))), tuple(sorted(self.kinds)),
                tuple(sorted(map(slugify, self.tags))), tuple(sorted(self.sources)))


@dataclass(frozen=True, slots=True)
class DigestContent:
    """A week's selection, before any language or address is applied."""

    week: str
    start: datetime
    days: tuple[tuple[date, tuple[Occurrence, ...]], ...]
    news: tuple[tuple[str, tuple[MergedItem, ...]], ...]
    """(organisation name, its items newest first), organisations by their newest item."""
    week_count: int
    """Events that are not cancelled in the first seven days (the subject's figure)."""
    counted: int
    """The subject's figure: ``week_count``, or when the first week has none, the events of
    the 14 days that are not cancelled, beyond the listing's cap too."""
    total: int
    more: int
    """Events of the 14 days left out by MAX_EVENTS (the digest links to the agenda)."""
    news_more: int
    """Articles of the week left out by MAX_NEWS_PER_SOURCE and MAX_NEWS (the digest links to
    /news): a busy newsroom's 23 articles of a week were cut to 5 without a word."""
    cities: tuple[str, ...]
    """Cities of those events, most frequent first (the subject names the first ones)."""
    filters: Filters

    @property
    def empty(self) -> bool:
        return not self.days and not self.news


FIRST_YEAR, LAST_YEAR = 1900, 9998
"""Years a week may be in: a digest reaches 7 days before its Monday and 14 after, in local
time, and 0001-W01 or 9999-W52 (typos for 2026-W01) ended in an OverflowError traceback."""


def parse_week(week: str) -> date:
    """The Monday of an ISO week written ``2026-W49``.

    Raises:
        ValueError: not a YYYY-Www week that exists, or outside FIRST_YEAR..LAST_YEAR.
    """
    text = week.strip().upper()
    if len(text) != 8 or text[4:6] != "-W" or not (text[:4] + text[6:]).isdigit():
        raise ValueError(f"{week!r} is not an ISO week like 2026-W49")
    if not FIRST_YEAR <= int(text[:4]) <= LAST_YEAR:
        raise ValueError(f"{week!r} is out of range: a week from {FIRST_YEAR} to {LAST_YEAR}, "
                         "like 2026-W49")
    try:
        return date.fromisocalendar(int(text[:4]), int(text[6:]), 1)
    except ValueError:
        raise ValueError(f"{week!r} is not an ISO week: {text[:4]} has no week {text[6:]}") from None


def week_of(moment: datetime, zone: tzinfo) -> str:
    """The ISO week (``2026-W49``) that ``moment`` falls in, in ``zone``."""
    year, number, _ = moment.astimezone(zone).isocalendar()
    return f"{year}-W{number:02d}"


SEND_WEEKS = (0, -1)
"""Weeks from the current one that a send takes unasked: the daemon sends the current week
(Monday 07:00, or when it comes back within the week), and a run the relay stopped is finished
by hand with its `--week`, maybe the next Monday. Any other week was a typo (2025-W49 for
2026-W49) that no ledger can take back once sent."""


def far_week(week: str, moment: datetime, zone: tzinfo) -> str:
    """Why sending ``week``'s digest at ``moment`` is likely a mistake, or "" if it is this
    week or the one before (:data:`SEND_WEEKS`)."""
    current = week_of(moment, zone)
    offset = (parse_week(week) - parse_week(current)).days // 7
    if offset in SEND_WEEKS:
        return ""
    weeks = f"{abs(offset)} week{'s' if abs(offset) > 1 else ''}"
    when = f"{weeks} ago" if offset < 0 else f"{weeks} ahead"
    return (f"digest send: {week} is {when}: this week is {current} ({zone}); its digest would "
            f"go to every confirmed subscriber now. Check --week ({current}, or the week "
            "before for a late run), or add --any-week to send it anyway")


def week_occurrences(week: str, events: Sequence[MergedEvent], zone: tzinfo) -> list[Occurrence]:
    """Every occurrence in the 14 days from the week's Monday, series expanded, by start.

    Computed once per week and shared by every subscriber's filters: expanding the series
    again for each set of filters cost 56 ms a set (bench/digest.py)."""
    start = datetime.combine(parse_week(week), time(), zone)
    stop = start + timedelta(days=EVENT_DAYS)
    return [o for o in upcoming(events, now=start, zone=zone) if instant(o.start, zone) < stop]


def select_digest(
    week: str, events: Sequence[MergedEvent], items: Sequence[MergedItem],
    sources: Mapping[str, Source], zone: tzinfo, filters: Filters = Filters(),
    occurrences: Sequence[Occurrence] | None = None,
) -> DigestContent:
    """The events of the 14 days from the week's Monday and the news of the 7 days before,
    kept when they match ``filters``; ``occurrences`` is ``week_occurrences`` if known."""
    monday = parse_week(week)
    start = datetime.combine(monday, time(), zone)
    if occurrences is None:
        occurrences = week_occurrences(week, events, zone)
    matches: dict[str, bool] = {}
    every = []
    for occurrence in occurrences:
        uid = occurrence.event.uid
        if uid not in matches:
            matches[uid] = follows(occurrence.event, sources, filters)
        if matches[uid]:
            every.append(occurrence)
    occurrences = every[:MAX_EVENTS]
    days: dict[date, list[Occurrence]] = {}
    for occurrence in occurrences:
        days.setdefault(max(as_date(occurrence.start, zone), monday), []).append(occurrence)
    # counted among all it holds, not the listing's first MAX_EVENTS: a week of 90 read
    # "80 events this week" above "… and 10 more events"
    first_week = [o for o in every
                  if instant(o.start, zone) < start + timedelta(days=7) and not o.cancelled]
    counted = first_week or [o for o in every if not o.cancelled]
    news, news_more = _news(items, sources, start, filters, district_holders(events, filters))
    cities: dict[str, int] = {}
    for occurrence in counted:
        if occurrence.event.city:
            cities[occurrence.event.city] = cities.get(occurrence.event.city, 0) + 1
    return DigestContent(
        week=week, start=start, days=tuple((d, tuple(o)) for d, o in sorted(days.items())),
        news=news, news_more=news_more, week_count=len(first_week), counted=len(counted),
        total=len(occurrences), more=len(every) - len(occurrences),
        cities=tuple(sorted(cities, key=lambda c: (-cities[c], c))), filters=filters,
    )


def _news(
    items: Sequence[MergedItem], sources: Mapping[str, Source], start: datetime, filters: Filters,
    holders: Mapping[str, frozenset[str]],
) -> tuple[tuple[tuple[str, tuple[MergedItem, ...]], ...], int]:
    """The week's articles by organisation, and how many more the caps left out."""
    since = start - timedelta(days=NEWS_DAYS)
    groups: dict[str, list[MergedItem]] = {}
    kept = left_out = 0
    for item in newest_first(items):
        when = item.when  # an undated item is news of the week it was first seen
        if when is None:
            continue
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        if when < since:
            break  # newest first: the rest is older still
        if when >= start:
            continue
        if not _matches(item, sources, filters, city="", holders=holders):
            continue
        names = source_names(item.members, sources)
        name = names[0] if names else ""
        if kept < MAX_NEWS and len(groups.get(name, ())) < MAX_NEWS_PER_SOURCE:
            groups.setdefault(name, []).append(item)
            kept += 1
        else:
            left_out += 1
    return tuple((name, tuple(group)) for name, group in groups.items()), left_out


def follows(event: MergedEvent, sources: Mapping[str, Source], filters: Filters) -> bool:
    """Whether a subscriber following ``filters`` follows ``event``: its digest's choice,
    and its personal calendar's. A followed city that names a district or a place
    (:func:`aggregator.districts.district`: Belval, Kirchberg) holds the events at its known
    venues and those whose place names it, as the agenda's ``?city=Kirchberg`` reads it:
    one who followed "Belval" got nothing, the events keeping their city, Esch-sur-Alzette."""
    return _matches(event, sources, filters, event.city, _districts(event, filters))


def _districts(event: MergedEvent, filters: Filters) -> list[str]:
    """The followed cities that name a district ``event`` is in."""
    return [city for city, near in _followed_districts(filters.cities)
            if near.holds(event.location, event.city)]


@functools.lru_cache(maxsize=1024)
def _followed_districts(cities: tuple[str, ...]) -> tuple[tuple[str, District], ...]:
    """The followed cities that name a district, with it: none for most subscribers, asked
    once per event (Technoport's venues were looked for in every event's place, 1.4 µs)."""
    return tuple((city, near) for city in cities if (near := district(city)) is not None)


def district_holders(events: Sequence[MergedEvent], filters: Filters
                     ) -> dict[str, frozenset[str]]:
    """Each followed city that names a district -> the organisations that posted its
    ``events``: its news are theirs, as the agenda's ``/news?city=Belval``
    (:meth:`aggregator.published.PublishedMixin.district_events`)."""
    followed = _followed_districts(filters.cities)
    if not followed:
        return {}
    found: dict[str, set[str]] = {city: set() for city, _ in followed}
    for event in events:
        for city in _districts(event, filters):
            found[city].update(event.source_ids)
    return {city: frozenset(ids) for city, ids in found.items()}


def _matches(entry: MergedEvent | MergedItem, sources: Mapping[str, Source], filters: Filters,
             city: str, districts: Sequence[str] = (),
             holders: Mapping[str, frozenset[str]] | None = None) -> bool:
    """An event is in its own ``city`` and ``districts`` (else, as an article, in its
    organisations' cities and the followed districts whose ``holders`` posted it); kinds,
    tags and organisations match when any organisation that posted it has one."""
    ids = entry.source_ids
    posted = [sources[i] for i in ids if i in sources]
    held = [name for name, by in (holders or {}).items() if not by.isdisjoint(ids)]
    return facets_match(posted, ids, [*([city] if city else [s.city for s in posted]),
                                      *districts, *held],
                        cities=filters.cities, kinds=filters.kinds, tags=filters.tags,
                        sources=filters.sources)
