"""Deduplication: records from every feed -> one merged record per real-world event or article.

The product exists because the same meetup is posted by its association, the lab, the venue and
the umbrella organisation, each with its own UID, spelling, zone and link (issue 3). This
package is PURE: plain records in, plain merged records out, deterministic, no clock, no I/O.

    merge_events(events, sources, previous=..., overrides=...) -> EventMerge
    merge_news(items, sources, previous=...) -> NewsMerge
    explain(events, sources, uid_or_key) -> [PairScore]   (``aggregator events explain UID``)
    event_assignment(events, sources, ...) -> {record key: merged UID}   (merge/split overrides)

``previous`` is the last build's ``assignment`` (record key -> merged UID), which keeps merged
UIDs stable when a cluster gains or loses members; the caller persists the new ``assignment``.
The pipeline inside: keys/text/places normalise, match blocks candidates, similar scores them,
cluster joins them under constraints and picks stable UIDs, policy builds the merged records.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..gcpause import fewer_collections
from ..memo import Memo
from ..models import Event, MergedEvent, MergedItem, NewsItem, Source
from . import news
from .cluster import ConstrainedUnion, Traits, UnionFind, assign_uids, invert, vanished
from .keys import Profile, clean_url, profile_events, sort_instant, zone
from .match import candidate_pairs, uid_groups
from .overrides import split_overrides
from .places import Place, PlaceNormaliser, completes
from .policy import merge_event, merge_item, rank_events, rank_items, record_key, source_rank
from .results import EventMerge, NewsMerge, Overrides, PairScore
from .series import Joined, date_overrides, join_dates, traits_of
from .similar import CLUSTER_SPAN, Verdict, ruled_out, same_event
from .text import TitleNormaliser

__all__ = [
    "NEWS_MEMOS", "EventMerge", "NewsMerge", "Overrides", "PairScore",
    "event_assignment", "explain", "merge_events", "merge_news", "record_key", "unmerged",
    "vanished",
]

Venues = Mapping[str, Iterable[str]]

_MERGED: Memo[tuple[str, tuple[Event, ...], tuple[Event, ...], tuple[str, ...] | None],
              MergedEvent] = Memo()
"""The merged events of the previous build by UID and records (see aggregator/memo.py): an
unchanged cluster gives back the very same object, so the lifecycle and renderers' memos find
it by identity instead of comparing every field."""


_MERGED_ITEMS: Memo[tuple[str, tuple[NewsItem, ...]], MergedItem] = Memo()
"""The merged news items of the previous build by id and records, as :data:`_MERGED`."""
_CLEAN_LINKS: Memo[str, str] = Memo()
"""Each article's link without its tracking parameters, as the previous build cleaned it."""
NEWS_MEMOS: tuple[Memo[Any, Any], ...] = (news.ARTICLES, _MERGED_ITEMS, _CLEAN_LINKS)
"""What :func:`merge_news` keeps for the next build: a process that merged the news in a
forked child adopts the child's generations of them (building.py)."""


def merge_events(
    events: Sequence[Event],
    sources: Mapping[str, Source],
    *,
    previous: Mapping[str, str] | None = None,
    overrides: Overrides | None = None,
    timezone: str = "Europe/Paris",
    venues: Venues | None = None,
) -> EventMerge:
    """Merge every event record into one MergedEvent per real-world event.

    RECURRENCE-ID records join their master's event as ``overrides``; an override whose master
    no feed carries any more is kept as an event of its own rather than lost. ``venues`` adds
    aliases to the default venue table (venue id -> names and addresses).
    """
    tz = zone(timezone) or ZoneInfo("UTC")
    with fewer_collections():  # ~10 objects per record, none cyclic (see gcpause)
        masters, attached, profiles, joined = _clusters(events, sources, tz, previous,
                                                        overrides, venues)
        return _build(masters, attached, joined, sources, previous, tz, profiles)


def _clusters(events: Sequence[Event], sources: Mapping[str, Source], tz: ZoneInfo,
              previous: Mapping[str, str] | None, overrides: Overrides | None,
              venues: Venues | None) -> tuple[list[Event], list[Event], list[Profile], Joined]:
    """Masters, attached overrides, the masters' profiles and their clusters (as indexes
    into the masters, with the series' dates their one-off copies stand for: series.py):
    what a merge builds its events from and an assignment names. Records the operator hid
    are left out first, as if no feed carried them."""
    if overrides is not None and overrides.hidden:
        events = [e for e in events if record_key(e) not in overrides.hidden]
    masters, attached = split_overrides(events)
    profiles = _profiles(masters, sources, tz, venues)
    overrides = overrides or Overrides()
    moved: dict[str, list[Event]] = {}
    for record in attached:
        moved.setdefault(record.uid, []).append(record)
    joined = join_dates(_cluster(masters, profiles, overrides, previous), masters, profiles,
                        moved, tz, sources, frozenset(overrides.splits))
    return masters, attached, profiles, joined


def _profiles(masters: Sequence[Event], sources: Mapping[str, Source], tz: ZoneInfo,
              venues: Venues | None) -> list[Profile]:
    brands = [s.name for s in sources.values()]
    return profile_events(masters, sources, tz, TitleNormaliser(brands), PlaceNormaliser(venues))


def _cluster(masters: Sequence[Event], profiles: Sequence[Profile], overrides: Overrides,
             previous: Mapping[str, str] | None) -> list[list[int]]:
    """Join records: same record key and same UID always; scored pairs best first (title,
    then place and time agreement: :func:`_closeness`), unless a split names one of them or
    the clusters contradict each other; then the operator's merges.
    """
    keys = [p.key for p in profiles]
    def traits(i: int) -> Traits:
        p = profiles[i]
        return Traits(p.feed, p.uid, p.cities, p.title.numbers, p.place.venue, p.minute, p.day,
                      p.home, p.located, p.groups)

    union = ConstrainedUnion(len(profiles), traits, CLUSTER_SPAN)
    split = set(overrides.splits)
    by_key: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        by_key.setdefault(key, []).append(index)
        union.force(by_key[key][0], index)
    for group in uid_groups(profiles, [e.source_id for e in masters]):
        kept = [i for i in group if keys[i] not in split]
        for index in kept[1:]:
            union.force(kept[0], index)
    scored = []
    for i, j in candidate_pairs(profiles):
        if keys[i] in split or keys[j] in split or union.find(i) == union.find(j):
            continue
        if ruled_out(profiles[i], profiles[j]):
            continue
        verdict = same_event(profiles[i], profiles[j])
        if verdict.same:
            scored.append((-verdict.score, *_closeness(profiles[i], profiles[j], verdict),
                           min(keys[i], keys[j]), max(keys[i], keys[j]), i, j))
    for *_, i, j in sorted(scored):
        union.try_union(i, j)
    for group in _resolve_merges(overrides.merges, by_key, masters, previous):
        for index in group[1:]:
            union.force(group[0], index)
    return union.groups()


def _closeness(a: Profile, b: Profile, verdict: Verdict) -> tuple[int, int]:
    """How well a pair agrees beyond its title, best first: the same place, then the nearest
    start. Ties went by record key: a branch's cross-post joined the other branch's workshop."""
    place = verdict.place
    minutes = abs(a.minute - b.minute) if a.minute is not None and b.minute is not None else 0
    return (0 if place == "same" else 1 if place == "unknown" else 2), minutes


def _resolve_merges(merges: Sequence[Sequence[str]], by_key: Mapping[str, list[int]],
                    masters: Sequence[Event], previous: Mapping[str, str] | None,
                    ) -> list[list[int]]:
    """Each operator merge group as record indices; a token is a record key, a merged UID of
    the previous build, or a source UID (in that order of preference)."""
    if not merges:
        return []
    members = invert(previous or {})
    by_uid: dict[str, list[int]] = {}
    for index, event in enumerate(masters):
        by_uid.setdefault(event.uid, []).append(index)
    groups = []
    for tokens in merges:
        found: list[int] = []
        for token in tokens:
            if token in by_key:
                found.extend(by_key[token])
            elif token in members:
                found.extend(i for key in members[token] for i in by_key.get(key, ()))
            else:
                found.extend(by_uid.get(token, ()))
        if len(found) > 1:
            groups.append(sorted(set(found)))
    return groups


def unmerged(events: Sequence[Event]) -> list[MergedEvent]:
    """Each record as an event of its own, its RECURRENCE-ID records attached to its series,
    no record compared with another: what one feed alone holds (the registration form's
    preview, which must not touch the memos a build in another thread is filling)."""
    masters, attached = split_overrides(events)
    extra: dict[str, list[Event]] = {}
    for record in attached:
        extra.setdefault(record.uid, []).append(record)
    return [merge_event(master.uid, [master], extra.pop(master.uid, ()), {})
            for master in masters]


def _build(masters: Sequence[Event], attached: Sequence[Event], joined: Joined,
           sources: Mapping[str, Source], previous: Mapping[str, str] | None,
           tz: ZoneInfo, profiles: Sequence[Profile]) -> EventMerge:
    """Rank each cluster, choose its stable UID, attach overrides, sort by (start, uid)."""
    groups = joined.groups
    ranked = [rank_events([masters[i] for i in group], sources) for group in groups]
    places = [_locations(members, {id(masters[i]): profiles[i].place for i in group})
              if len(members) > 1 else None
              for members, group in zip(ranked, groups, strict=True)]
    keysets, uids, assignment = _uids(masters, joined, previous, sources)
    by_uid = _first_uid(keysets, uids, {record.uid for record in attached})
    extra: dict[str, list[Event]] = {}
    for record in attached:
        target = assignment.get(record_key(record)) or by_uid[record.uid]
        extra.setdefault(target, []).append(record)
    for record in date_overrides(groups, masters, joined.dates, sources):
        extra.setdefault(assignment[record_key(record)], []).append(record)
    _MERGED.new_build(sources)
    merged = [
        _MERGED.get((uid, tuple(members), tuple(extra.get(uid, ())), locations),
                    lambda: merge_event(uid, members, extra.get(uid, ()), sources, locations))
        for members, uid, locations in zip(ranked, uids, places, strict=True)
    ]
    _MERGED.settle()
    merged.sort(key=lambda m: (sort_instant(m.members[0], tz), m.uid))
    return EventMerge(events=tuple(merged), assignment=assignment)


def _first_uid(keysets: Sequence[Sequence[str]], uids: Sequence[str], wanted: set[str]
               ) -> dict[str, str]:
    """The merged UID of the first cluster holding a record of each UID in ``wanted`` (the
    RECURRENCE-ID records' UIDs). Only those: a list of merged UIDs for each of the 120,000
    records' UIDs was 24 MB of a rebuild's peak at N = 3,000 sources."""
    first: dict[str, str] = {}
    if wanted:
        for keys, uid in zip(keysets, uids, strict=True):
            for key in keys:
                record_uid = key.split(":", 1)[1]
                if record_uid in wanted:
                    first.setdefault(record_uid, uid)
    return first


def _uids(masters: Sequence[Event], joined: Joined, previous: Mapping[str, str] | None,
          sources: Mapping[str, Source]
          ) -> tuple[list[list[str]], list[str], dict[str, str]]:
    """Each cluster's record keys, its merged UID, and the assignment (record key -> merged
    UID) they make. Copies of a series' dates do not vote
    (cluster.assign_uids): the venue's ten dates, each with its own UID last build, outvoted
    the series and took its UID away, and the series was published CANCELLED."""
    # One key object per record, the one the stored assignment (Store.load_assignment)
    # holds: each record's key was made twice beside the stored one, held through the
    # merge, a daemon's rebuild's peak (with the interned UIDs: 766 -> 752 MB at N = 3,000)
    keys = [sys.intern(record_key(master)) for master in masters]
    keysets = [sorted({keys[i] for i in group}) for group in joined.groups]
    voters = [sorted({keys[i] for i in group if i not in joined.dates})
              for group in joined.groups]
    uids = assign_uids(voters, previous, authority=_authority(sources))
    return keysets, uids, {key: uid for keys, uid in zip(keysets, uids, strict=True)
                           for key in keys}


def merge_news(
    items: Sequence[NewsItem],
    sources: Mapping[str, Source],
    *,
    previous: Mapping[str, str] | None = None,
) -> NewsMerge:
    """Merge relayed copies of the same article into one MergedItem (newest first)."""
    articles = news.profile_items(items, sources)
    _CLEAN_LINKS.new_build()
    repeated = news.columns(articles)
    groups = _news_groups(articles, repeated)
    keysets = [sorted({articles[i].key for i in group}) for group in groups]
    ids = assign_uids(keysets, previous, suffix="@aggregator-news")
    decorated = {items[i].title: articles[i].decorated for i in range(len(items))}
    _MERGED_ITEMS.new_build(sources)

    def merged_item(ident: str, records: list[NewsItem]) -> MergedItem:
        members = rank_items(records, sources, decorated)
        return merge_item(ident, members, _clean_link(members))

    merged = [_MERGED_ITEMS.get((ident, tuple(records)), lambda: merged_item(ident, records))
              for ident, records in zip(ids, ([items[i] for i in g] for g in groups),
                                         strict=True)]
    _MERGED_ITEMS.settle()
    _CLEAN_LINKS.settle()
    merged.sort(key=lambda m: (-_epoch(m.published), m.id))
    assignment = {key: ident for keys, ident in zip(keysets, ids, strict=True) for key in keys}
    return NewsMerge(items=tuple(merged), assignment=assignment)


def _locations(members: Sequence[Event], place_of: Mapping[int, Place]) -> tuple[str, ...]:
    """The locations of the members whose place the representative's may be written as
    (places.completes), for the merged event to show the most complete of them."""
    place = place_of[id(members[0])]
    return tuple(m.location for m in members if completes(place, place_of[id(m)]))


def _news_groups(articles: Sequence[news.Article], repeated: set[tuple[str, ...]]
                 ) -> list[list[int]]:
    """The articles' groups: pairs judged the same are joined unless that would put two
    articles that contradict each other in one group (see :func:`news.contradicts`)."""
    union = UnionFind(len(articles))
    members: dict[int, list[int]] = {}
    for i, j in news.candidate_pairs(articles):
        root_i, root_j = union.find(i), union.find(j)
        if root_i == root_j or not news.same_item(articles[i], articles[j], repeated)[0]:
            continue
        group_i, group_j = members.get(root_i, [i]), members.get(root_j, [j])
        if any(news.contradicts(articles[a], articles[b]) for a in group_i for b in group_j
               if (a, b) != (i, j)):
            continue
        union.union(i, j)
        members.pop(root_i, None)
        members.pop(root_j, None)
        members[union.find(i)] = group_i + group_j
    return union.groups()


def _authority(sources: Mapping[str, Source]) -> Callable[[str], tuple[int, ...]]:
    """A record key's authority for keeping a UID (policy.source_rank of its source)."""
    return lambda key: source_rank(key.partition(":")[0], sources)


def _clean_link(members: Sequence[NewsItem]) -> str:
    link = next((m.link for m in members if m.link), "")
    return _CLEAN_LINKS.get(link, lambda: clean_url(link)) if link else ""


def _epoch(when: datetime | None) -> float:
    if when is None:
        return float("-inf")
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def explain(
    events: Sequence[Event],
    sources: Mapping[str, Source],
    uid_or_key: str,
    *,
    previous: Mapping[str, str] | None = None,
    overrides: Overrides | None = None,
    timezone: str = "Europe/Paris",
    venues: Venues | None = None,
) -> list[PairScore]:
    """Every scored pair touching the merged event that holds ``uid_or_key`` (a merged UID, a
    record key or a source UID), with the scorer's reasons and the final decision.

    The merge's clusters and stable UIDs, not its merged events (ranking and merging every
    cluster was a third of the time), and candidate pairs among the records of the target's
    days and their neighbours only (two records further apart share no time bucket)."""
    assignment, profiles, dated = _assign(events, sources, previous=previous,
                                          overrides=overrides, timezone=timezone, venues=venues)
    target = assignment.get(uid_or_key, uid_or_key)
    members = invert(assignment).get(target)
    if members is None:
        keys = [k for k in assignment if k.split(":", 1)[1] == uid_or_key]
        members = invert(assignment).get(assignment[keys[0]], []) if keys else []
    wanted = set(members)
    days = {p.day + shift for p in profiles if p.key in wanted for shift in (-1, 0, 1)}
    near = [p for p in profiles if p.day in days]
    scores = []
    for i, j in candidate_pairs(near, every=True):
        a, b = near[i], near[j]
        if a.key in wanted or b.key in wanted:
            verdict = same_event(a, b)
            together = assignment[a.key] == assignment[b.key]
            decision = _decision(verdict.same, together)
            reasons = verdict.reasons
            if decision == "refused":
                reasons += (_kept_apart(a, b, assignment, profiles, overrides),)
            scores.append(PairScore(a.key, b.key, round(verdict.score, 3), decision, reasons))
    scores += [PairScore(series, copy, round(verdict.score, 3), "merged",
                         (*verdict.reasons, "at a date of the series"))
               for series, copy, verdict in dated if series in wanted or copy in wanted]
    return sorted(scores, key=lambda p: (p.a, p.b))


def event_assignment(
    events: Sequence[Event],
    sources: Mapping[str, Source],
    *,
    previous: Mapping[str, str] | None = None,
    overrides: Overrides | None = None,
    timezone: str = "Europe/Paris",
    venues: Venues | None = None,
) -> dict[str, str]:
    """``merge_events(...).assignment`` (record key -> merged UID) without merging each
    cluster's records into its event: what the operator's merge and split name events by."""
    return _assign(events, sources, previous=previous, overrides=overrides, timezone=timezone,
                   venues=venues)[0]


def _assign(events: Sequence[Event], sources: Mapping[str, Source], *,
            previous: Mapping[str, str] | None, overrides: Overrides | None, timezone: str,
            venues: Venues | None
            ) -> tuple[dict[str, str], list[Profile], list[tuple[str, str, Verdict]]]:
    tz = zone(timezone) or ZoneInfo("UTC")
    with fewer_collections():
        masters, _, profiles, joined = _clusters(events, sources, tz, previous, overrides,
                                                 venues)
    return _uids(masters, joined, previous, sources)[2], profiles, joined.pairs


def _kept_apart(a: Profile, b: Profile, assignment: Mapping[str, str],
                profiles: Sequence[Profile], overrides: Overrides | None) -> str:
    """Why a pair scored as one event was kept apart: the operator's split, or what the
    events the two records joined contradict (cluster.Traits.conflict). An operator told
    only "refused" could not tell a rule to question from a split to undo."""
    splits = set(overrides.splits) if overrides is not None else set()
    for key in (a.key, b.key):
        if key in splits:
            return f"kept apart: the operator split {key} out"
    mine, theirs = assignment[a.key], assignment[b.key]
    traits = [traits_of(p for p in profiles if assignment.get(p.key) == uid)
              for uid in (mine, theirs)]
    conflict = traits[0].conflict(traits[1], CLUSTER_SPAN)
    return f"kept apart: {conflict}" if conflict else "kept apart: each joined a better match"


def _decision(scored_same: bool, together: bool) -> str:
    """merged / apart as scored; ``forced`` or ``refused`` where UID, operator or cluster
    constraints overruled the pair's score."""
    if scored_same == together:
        return "merged" if together else "apart"
    return "forced" if together else "refused"
