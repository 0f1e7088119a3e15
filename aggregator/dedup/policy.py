"""The merge policy: which record speaks for a cluster, and how the others complete it.

The organiser's own record is the authority for title, link and times (issue 3): the source
the records link to, else by kind; venues and umbrella organisations only fill gaps. Location and description take the most complete text,
categories are united, and every record stays listed in ``members`` so no source is lost.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from ..instants import utc_instant
from ..models import Event, MergedEvent, MergedItem, NewsItem, Source, When
from ..parse.text import is_web_url, plain_text
from ..recurrence import occurrences, rule_problem
from .rhythm import joined_start
from .authorship import links_to_sources
from .keys import untracked
from .places import PlaceNormaliser, fold

CITY_NAMES = {"metz": "Metz", "nancy": "Nancy", "thionville": "Thionville", "epinal": "Épinal",
              "luxembourg": "Luxembourg", "esch-sur-alzette": "Esch-sur-Alzette",
              "saarbrucken": "Saarbrücken", "trier": "Trier", "strasbourg": "Strasbourg"}
"""Display names of canonical cities no member source spells for us."""
_PLACES = PlaceNormaliser()

KIND_RANK = {"startup": 2, "lab": 2, "association": 2, "company": 2, "institution": 1, "venue": 0}
"""Organisers first; umbrella institutions next; venues last (issue 3: venues and umbrella
organisations rank below the organiser). Unknown kinds rank with venues."""


def record_key(record: Event | NewsItem) -> str:
    """``source_id:uid`` (events) or ``source_id:guid`` (news): the identity the store persists."""
    ident = record.uid if isinstance(record, Event) else record.guid
    return f"{record.source_id}:{ident}"


def _timestamp(value: datetime | None) -> float:
    if value is None:
        return float("-inf")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def source_rank(source_id: str, sources: Mapping[str, Source]) -> tuple[int, int]:
    source = sources.get(source_id)
    if source is None:
        return (0, 0)
    return (-source.priority, -KIND_RANK.get(source.kind, 0))


def rank_events(events: Sequence[Event], sources: Mapping[str, Source]) -> list[Event]:
    """Members in authority order: a series before a copy of one of its dates (which speaks
    for that date only: the merged event lost the series' rule and every later date),
    priority, the source the other sources' records link to (its own page: the organiser,
    see authorship.py), a time before a one-day all-day copy, organiser kind, the source its
    own records link to, highest SEQUENCE, latest LAST-MODIFIED, then record key (so the
    order never depends on input order).

    A one-day all-day copy is an agenda's listing of the day ("Séminaire" on the 12th)
    beside the 14:00–16:00 the others say: it made the merged event all-day whenever its
    source's kind ranked first. An all-day record of several days (a conference) keeps its
    place: the time of its first day is not the event."""
    if len(events) < 2:  # nothing to order: most clusters hold one record (issue 8)
        return list(events)
    vouched = links_to_sources(events, sources, from_others=True)
    linked = links_to_sources(events, sources)

    def order(e: Event) -> tuple[bool, int, int, bool, int, int, int, float, str, str]:
        priority, kind = source_rank(e.source_id, sources)
        modified = -_timestamp(e.last_modified)
        return (not e.recurs, priority, -vouched.get(e.source_id, 0), _one_day(e), kind,
                -linked.get(e.source_id, 0), -e.sequence, modified, record_key(e), e.feed_url)
    return sorted(events, key=order)


def _one_day(event: Event) -> bool:
    """An all-day record of one day (no end, or an end the next day)."""
    if not event.all_day or isinstance(event.start, datetime):
        return False
    return (event.end is None or isinstance(event.end, datetime)
            or event.end <= event.start + timedelta(days=1))


def _most_complete(texts: Sequence[str]) -> str:
    """The longest non-blank text; the first one (highest authority) on a tie."""
    best = ""
    for text in texts:
        if len(text.strip()) > len(best):
            best = text.strip()
    return best


_CUT_TAIL = re.compile(
    r"(?:\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.|(?:read|continue)\s+(?:more|reading)"
    r"|lire\s+la\s+suite|en\s+savoir\s+plus|weiterlesen|mehr\s+lesen)[\s»›→.:]*)+$", re.I)


def _fullest_summary(summaries: Sequence[str]) -> str:
    """The summary that says the most, by its words: not its markup (a relay's link to its
    own page, an `href` of 150 characters, outweighed a sentence) and not a "[…]" or
    "Read more" its feed ends a cut summary with. The first (highest authority) on a tie."""
    if len(summaries) == 1:
        return summaries[0].strip()
    best, best_length = "", 0
    for summary in summaries:
        length = len(_CUT_TAIL.sub("", plain_text(summary)))
        if length > best_length:
            best, best_length = summary.strip(), length
    return best


def _united(groups: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """Categories of every member, first spelling kept, case-insensitive, order stable."""
    seen: dict[str, str] = {}
    for group in groups:
        for category in group:
            name = category.strip()
            if name and name.casefold() not in seen:
                seen[name.casefold()] = name
    return tuple(seen.values())


def merge_event(uid: str, members: Sequence[Event], overrides: Sequence[Event],
                sources: Mapping[str, Source], locations: Sequence[str] | None = None
                ) -> MergedEvent:
    """One MergedEvent from ranked ``members`` (representative first) and their overrides;
    its location the most complete of ``locations`` (the members' that agree with the
    representative's place; default: every member's). A series takes its link and text from
    series first: a copy of one of its dates links to that date's page and tells of that
    date, which is still better than no link or text at all."""
    rep = _reach_back(members[0], members)
    source = sources.get(rep.source_id)
    modified = [m.last_modified for m in members if m.last_modified is not None]
    peers = [m for m in members if m.recurs == rep.recurs]  # a date's page, a date's text
    return MergedEvent(
        uid=uid, title=rep.title, start=rep.start, end=rep.end, all_day=rep.all_day,
        timezone=rep.timezone,
        location=_most_complete([m.location for m in members] if locations is None
                                else locations),
        city=event_city([m.location for m in members], [sources.get(m.source_id) for m in members],
                        source.city if source else ""),
        url=untracked(next((m.url for m in (*peers, *members) if _is_link(m.url)), "")),
        description=_most_complete([m.description for m in peers])
        or _most_complete([m.description for m in members]),
        status=sys.intern(rep.status.upper()),  # one object for 40,000 "CONFIRMED"s (issue 8)
        categories=_united([m.categories for m in members]),
        rrule=_expandable_rule(rep.rrule, rep.start), rdates=rep.rdates, exdates=rep.exdates,
        sequence=max(m.sequence for m in members),
        last_modified=max(modified, key=_timestamp) if modified else None,
        members=tuple(members),
        overrides=_pick_overrides(uid, overrides, sources, rep),
    )


def _reach_back(rep: Event, members: Sequence[Event]) -> Event:
    """The representative series, started at the first date of a series of its cluster
    that started before it when its rule gives that series' days from there
    (rhythm.joined_start): an organiser's export that starts the weekly meetup at its
    next date joined the venue's series (dedup.series), whose UID the merged event keeps;
    DTSTART moving forward would take the past weeks out of subscribers' calendars."""
    start = rep.start
    if rep.rrule is None or not isinstance(start, datetime) or start.tzinfo is None:
        return rep
    earlier = [m for m in members if m.rrule and m.recurrence_id is None
               and isinstance(m.start, datetime) and m.start.tzinfo is not None
               and m.start.astimezone(start.tzinfo).date() < start.date()]
    if not earlier:
        return rep
    back = joined_start(rep, min(earlier, key=lambda m: (utc_instant(m.start), m.source_id,
                                                          m.uid)))
    if back is None:
        return rep
    end = None if rep.end is None else back + (rep.end - start)
    return dataclasses.replace(rep, start=back, end=end)


def _expandable_rule(rule: str | None, start: When) -> str | None:
    """The record's RRULE, or None for one stored before the parser refused rules no expander
    can walk (aggregator/recurrence.py): every output then shows the event as the parser now
    reads it, a single event."""
    return rule if rule is None or rule_problem(rule, start) is None else None


def event_city(locations: Sequence[str], posted_by: Sequence[Source | None], fallback: str) -> str:
    """Where the event happens: the one city its location names (a lab in Nancy may host a
    talk at a venue in Metz), spelled as a source of the cluster spells it; else ``fallback``,
    the representative source's own city (no location, online, or an ambiguous address)."""
    named: set[str] = set()
    for location in locations:
        if location:
            named |= {"luxembourg" if c == "luxembourg-ville" else c  # Kirchberg: the city
                      for c in _PLACES(location).cities if c != "luxembourg" or len(
                          _PLACES(location).cities) == 1}
    if len(named) != 1:
        return fallback
    [city] = named
    if fold(fallback).replace(" ", "-") == city:
        return fallback
    spelled = [s.city for s in posted_by if s and fold(s.city).replace(" ", "-") == city]
    return spelled[0] if spelled else CITY_NAMES.get(city, city.replace("-", " ").title())


def _pick_overrides(uid: str, overrides: Sequence[Event], sources: Mapping[str, Source],
                    series: Event) -> tuple[Event, ...]:
    """One RECURRENCE-ID record per occurrence (the most authoritative), UID rewritten; an
    other source's record only where it names one of ``series``' dates. The venue's copy of a
    weekly 18:30 series said 18:00 (its doors), and its cancellation of one Wednesday at
    18:00 named no date of the organiser's series: calendars and the agenda showed that day
    twice, "18:00 cancelled" beside "18:30"."""
    if not overrides:  # most events: no date of theirs moved (issue 8)
        return ()
    theirs = list(dict.fromkeys(record.recurrence_id for record in overrides
                                if record.source_id != series.source_id
                                and record.recurrence_id is not None))
    # one walk of the rule for all of them: a COUNT rule is walked from DTSTART, and a
    # venue's 1,000 moved dates of a daily series since 1990 walked 13,000 days each
    ours = {moment for moment, found in zip(theirs, occurrences(
        series.rrule, series.start, series.rdates, theirs)) if found} if theirs else set()
    chosen: dict[datetime, Event] = {}
    for record in rank_events(overrides, sources):
        # one occurrence per instant: the venue's 17:30Z and the organiser's 18:30+01:00 are
        # one (two overrides of it made calendar.ics hold that date twice)
        slot = utc_instant(record.recurrence_id or record.start)
        if slot not in chosen and (record.source_id == series.source_id
                                   or record.recurrence_id in ours):
            chosen[slot] = dataclasses.replace(record, uid=uid)
    return tuple(value for _, value in sorted(chosen.items()))


def rank_items(items: Sequence[NewsItem], sources: Mapping[str, Source],
               decorated: Mapping[str, bool]) -> list[NewsItem]:
    """Articles in authority order: priority, the source the articles link to (the one that
    published it), undecorated title (the original, not a relay), organiser kind, earliest
    published, then key."""
    linked = links_to_sources(items, sources) if len(items) > 1 else {}

    def order(item: NewsItem) -> tuple[int, int, bool, int, float, str, str]:
        priority, kind = source_rank(item.source_id, sources)
        return (priority, -linked.get(item.source_id, 0), decorated.get(item.title, False),
                kind, _timestamp(item.published), record_key(item), item.feed_url)
    return sorted(items, key=order)


def merge_item(ident: str, members: Sequence[NewsItem], link: str) -> MergedItem:
    """One MergedItem from ranked ``members``: title from the first, earliest date (for an
    article none dates, earliest first seen), most complete summary."""
    published = [m.published for m in members if m.published is not None]
    seen = [m.seen for m in members if m.seen is not None and not published]
    return MergedItem(
        id=ident, title=members[0].title, link=link,
        published=min(published, key=_timestamp) if published else None,
        summary=_fullest_summary([m.summary for m in members]),
        members=tuple(members), seen=min(seen, key=_timestamp) if seen else None,
    )


def _is_link(url: str) -> bool:
    """Only http(s) URLs with a host become links: records stored before the parser dropped
    ``javascript:`` ones are still in databases (issue 7). As the parser's rule
    (:func:`~aggregator.parse.text.is_web_url`), on the URL as stored: one that only becomes
    a link once urlsplit strips its leading spaces or inner tabs is not one."""
    return url[:8].lower().startswith(("http://", "https://")) and is_web_url(url)
