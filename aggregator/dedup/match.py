"""Candidate blocking: which event pairs are worth scoring at all.

Comparing all pairs of 100,000 events is 5 billion comparisons; the scorer only needs pairs that
could be the same event. Two records are candidates when they share a UID, or share a canonical
link on the same local day, or share a title word and start in the same or the neighbouring
30-minute bucket (the time tolerance), or, for all-day records, on the same day. Buckets hold a
bounded number of records whatever the span of the feeds, so the cost grows linearly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

from ..memo import Memo
from .keys import Profile
from .similar import TOLERANCE_MINUTES

BUCKET_MINUTES = TOLERANCE_MINUTES
"""Bucket width = tolerance, so any two starts within it share a bucket or neighbouring ones."""

MAX_BLOCK = 200
"""A word held by more records than this in one bucket is too common to be evidence; the cap
bounds the pairs a pathological feed could create. The benchmark (40 records a day) never
reaches it, so it costs no recall there."""


def uid_scope(uid: str, source_id: str) -> str:
    """The UID as a cross-feed identity: a short local id ("12", "event-5") is only unique
    inside its own source, so it is scoped to it; a real iCalendar UID stands alone."""
    uid = uid.strip()
    return uid if len(uid) >= 12 or "@" in uid else f"{source_id}:{uid}"


def blocking_words(profile: Profile) -> frozenset[str]:
    """Subject words of the title; its format words if it has nothing else."""
    return profile.title.subjects or frozenset(profile.title.tokens) or frozenset({""})


def candidate_pairs(profiles: Sequence[Profile], *, every: bool = False
                    ) -> list[tuple[int, int]]:
    """Pairs (i < j) to score, sorted; never all pairs (see module docstring).

    Pairs whose titles carry different series numbers ("#12" / "#13") are left out: the scorer
    always refuses them (`similar.conflict`), and a region's monthly meetups fill the same
    buckets, so they were 98 % of the pairs and grew with the square of the feeds (bench N=3000:
    2.9 million pairs for 120,000 records). ``every`` keeps them, for `events explain`.
    """
    numbers = [frozenset[str]() if every else p.title.numbers for p in profiles]
    uids = [p.uid for p in profiles]
    timed: dict[tuple[str, int], list[int]] = {}
    all_day: dict[tuple[str, int], list[int]] = {}
    links: dict[tuple[str, int], list[int]] = {}
    words = [blocking_words(p) for p in profiles]
    for i, p in enumerate(profiles):
        index, slot = (all_day, p.day) if p.minute is None else (timed, p.minute // BUCKET_MINUTES)
        for word in words[i]:
            index.setdefault((word, slot), []).append(i)
        if p.url:
            links.setdefault((p.url, p.day), []).append(i)
    pairs: set[tuple[int, int]] = set()
    if not every:
        _BUCKETS.new_build()
    for (word, slot), group in timed.items():
        neighbours = timed.get((word, slot + 1), ())
        if every:
            _add_close(pairs, profiles, numbers, uids, group, neighbours)
        else:
            pairs.update(_bucket_pairs(profiles, group, neighbours))
    for group in all_day.values():
        _add_all(pairs, numbers, uids, group)
    for i, p in enumerate(profiles):
        if p.minute is not None:
            for word in words[i]:
                for j in all_day.get((word, p.day), ()):
                    if _same_series(numbers, uids, i, j):
                        pairs.add((min(i, j), max(i, j)))
    for group in links.values():
        _add_all(pairs, numbers, uids, group)
    if not every:
        _BUCKETS.settle()
    return sorted(pairs)


_BUCKETS: Memo[tuple[int, ...], tuple[tuple[Profile, ...], tuple[tuple[int, int], ...]]] = Memo()
"""The pairs of each bucket and its neighbour, by the identity of their profiles (kept alive
with the pairs, so an identity cannot be reused by another profile while its entry lives)."""


def _bucket_pairs(profiles: Sequence[Profile], group: Sequence[int],
                  neighbours: Sequence[int]) -> Iterable[tuple[int, int]]:
    """:func:`_add_close`'s pairs for one bucket, remembered from the last build when the
    bucket and its neighbour hold the same profiles: a daemon rebuilds with most records
    unchanged, and pairing every bucket again was a seventh of a rebuild at N = 3,000 (the
    pairs depend on nothing but those profiles, so they are the same)."""
    members = [*group, *neighbours]
    key = (len(group), *map(id, map(profiles.__getitem__, members)))
    _, local = _BUCKETS.get(key, lambda: _local_pairs(profiles, members, len(group)))
    for a, b in local:
        i, j = members[a], members[b]
        yield (i, j) if i < j else (j, i)


def _local_pairs(profiles: Sequence[Profile], members: Sequence[int], size: int
                 ) -> tuple[tuple[Profile, ...], tuple[tuple[int, int], ...]]:
    """The bucket's profiles and its pairs as positions in ``members`` (its first ``size``
    are the bucket, the others its neighbour)."""
    local = tuple(profiles[i] for i in members)
    pairs: set[tuple[int, int]] = set()
    _add_close(pairs, local, [p.title.numbers for p in local], [p.uid for p in local],
               range(size), range(size, len(local)))
    return local, tuple(pairs)


def _same_series(numbers: Sequence[frozenset[str]], uids: Sequence[str], i: int, j: int) -> bool:
    """False only when both titles carry series numbers, share none, and the UIDs differ (a
    shared UID makes the pair one event whatever its titles: `similar.same_event`)."""
    return (not (numbers[i] and numbers[j]) or bool(numbers[i] & numbers[j])
            or uids[i] == uids[j])


def _add_all(pairs: set[tuple[int, int]], numbers: Sequence[frozenset[str]],
             uids: Sequence[str], group: Sequence[int]) -> None:
    """Every pair of a block (i < j: blocks list indices in order) that may be one series."""
    if not 1 < len(group) <= MAX_BLOCK:
        return
    plain = [i for i in group if not numbers[i]]
    if len(plain) == len(group):
        pairs.update(combinations(group, 2))
        return
    together: dict[str, list[int]] = {}
    for i in group:
        for number in numbers[i]:
            together.setdefault("#" + number, []).append(i)
        together.setdefault("uid:" + uids[i], []).append(i)
    pairs.update(combinations(plain, 2))
    pairs.update((min(i, j), max(i, j)) for i in plain for j in group if numbers[j])
    for members in together.values():
        pairs.update(combinations(members, 2))


def _add_close(pairs: set[tuple[int, int]], profiles: Sequence[Profile],
               numbers: Sequence[frozenset[str]], uids: Sequence[str], group: Sequence[int],
               neighbours: Iterable[int]) -> None:
    """Pairs inside a bucket, and with the next bucket when within the tolerance."""
    if len(group) > MAX_BLOCK:
        return
    _add_all(pairs, numbers, uids, group)
    for j in neighbours:
        minute = profiles[j].minute
        assert minute is not None
        for i in group:
            other = profiles[i].minute
            if (other is not None and minute - other <= TOLERANCE_MINUTES
                    and _same_series(numbers, uids, i, j)):
                pairs.add((i, j) if i < j else (j, i))


def uid_groups(profiles: Sequence[Profile], sources: Sequence[str]) -> list[list[int]]:
    """Records sharing a cross-feed UID (see :func:`uid_scope`): one event by definition."""
    by_uid: dict[str, list[int]] = {}
    for i, (p, source) in enumerate(zip(profiles, sources, strict=True)):
        by_uid.setdefault(uid_scope(p.uid, source), []).append(i)
    return [group for group in by_uid.values() if len(group) > 1]
