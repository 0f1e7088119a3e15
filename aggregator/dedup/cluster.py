"""Union-find over matched records, and merged UIDs that stay stable across builds.

Clustering is the cheap, order-independent part of deduplication: the scorer proposes pairs,
union-find closes them transitively. The hard promise lives here too: a subscriber's calendar
client must never see a merged event change UID because a source joined, left, retitled or moved
it, so UIDs are chosen by a vote of the previous build's assignment before any new one is minted.
"""

from __future__ import annotations

import hashlib
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence

from .places import cities_differ


class UnionFind:
    """Disjoint sets over ``0..n-1`` with path halving and union by size."""

    __slots__ = ("parent", "size")

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.size = [1] * n

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        """Join the sets of ``i`` and ``j``; False when they already were one."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return False
        if self.size[ri] < self.size[rj]:
            ri, rj = rj, ri
        self.parent[rj] = ri
        self.size[ri] += self.size[rj]
        return True

    def groups(self) -> list[list[int]]:
        """Every set as a sorted list of members, sets ordered by their smallest member."""
        by_root: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            by_root.setdefault(self.find(i), []).append(i)
        return sorted(by_root.values(), key=lambda g: g[0])


def fresh_uid(key: str, suffix: str = "@aggregator", salt: int = 0) -> str:
    """A deterministic UID for a brand-new cluster, derived from its earliest-sorted member key."""
    text = key if salt == 0 else f"{key}#{salt}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest() + suffix


def assign_uids(
    clusters: Sequence[Sequence[str]],
    previous: Mapping[str, str] | None,
    suffix: str = "@aggregator",
    authority: Callable[[str], tuple[int, ...]] = lambda key: (),
) -> list[str]:
    """Choose one merged UID per cluster of record keys, reusing last build's where possible.

    Each cluster votes with its members' previous UIDs; candidates are granted greedily by
    (most votes, then the UID held by the member of most ``authority`` (smallest: the
    organiser's record before a venue's), then by the earliest-sorted member, which is the
    oldest member in the usual case), each previous UID to one cluster only. So when a
    cluster splits, the bigger part keeps the UID; when its parts are as big, the organiser's
    (the event moved to 20:00 by its organiser keeps its UID, and subscribers see their entry
    move, while a venue's stale 18:30 copy becomes the new one); and when two clusters fuse,
    the one with more members lends its UID. Clusters left without a UID get a fresh one,
    salted if it would collide with a UID in use.
    """
    previous = previous or {}
    chosen: list[str | None] = [None] * len(clusters)
    taken: set[str] = set()
    for *_order, uid, index in _candidates(clusters, previous, authority):
        if chosen[index] is None and uid not in taken:
            chosen[index] = uid
            taken.add(uid)
    reserved = taken | set(previous.values())
    result: list[str] = []
    for index, keys in enumerate(clusters):
        held = chosen[index]
        if held is None:
            # interned, as Store.load_assignment's UIDs: the next build reads the same object
            held = sys.intern(_mint(min(keys), suffix, reserved))
            reserved.add(held)
        result.append(held)
    return result


def _candidates(
    clusters: Sequence[Sequence[str]], previous: Mapping[str, str],
    authority: Callable[[str], tuple[int, ...]],
) -> list[tuple[int, tuple[int, ...], str, str, int]]:
    """(-votes, best voter's authority, earliest voter key, uid, cluster index) for every
    previous UID a cluster holds."""
    found: list[tuple[int, tuple[int, ...], str, str, int]] = []
    if not previous:  # a first build: no UID to vote for (a tally each cost 12,000 of them)
        return found
    for index, keys in enumerate(clusters):
        votes: Counter[str] = Counter()
        first_voter: dict[str, str] = {}
        best: dict[str, tuple[int, ...]] = {}
        for key in keys:
            uid = previous.get(key)
            if uid is not None:
                votes[uid] += 1
                first_voter[uid] = min(first_voter.get(uid, key), key)
                rank = authority(key)
                best[uid] = min(best.get(uid, rank), rank)
        found.extend((-n, best[uid], first_voter[uid], uid, index) for uid, n in votes.items())
    found.sort()
    return found


def _mint(key: str, suffix: str, reserved: set[str]) -> str:
    """A fresh UID for ``key`` that no other cluster holds or held last build."""
    salt = 0
    uid = fresh_uid(key, suffix, salt)
    while uid in reserved:
        salt += 1
        uid = fresh_uid(key, suffix, salt)
    return uid


def invert(assignment: Mapping[str, str]) -> dict[str, list[str]]:
    """merged UID -> its record keys, sorted (resolves operator merges named by merged UID)."""
    result: dict[str, list[str]] = {}
    for key, uid in sorted(assignment.items()):
        result.setdefault(uid, []).append(key)
    return result


def vanished(previous: Mapping[str, str], current: Iterable[str]) -> set[str]:
    """Merged UIDs of the last build that no current cluster carries any more.

    The build publishes these as CANCELLED until their date has passed (issue 3), because
    subscribed calendar clients never drop an event they hold unless told.
    """
    return set(previous.values()) - set(current)


class Traits:
    """What a cluster already is, so that a chain A~B~C never fuses two events A and C.

    Pairs are scored one at a time; union-find would close "Startup Weekend" (no city) with both
    "... Metz" and "... Nancy". Each cluster keeps its feeds' UIDs, cities, series numbers,
    venues and start span, and refuses a union that would contradict them.
    """

    __slots__ = ("feeds", "cities", "numbers", "venues", "low", "high", "days", "homes",
                 "local", "groups")

    def __init__(self, feed: str, uid: str, cities: frozenset[str], numbers: frozenset[str],
                 venue: str, minute: int | None, day: int, home: str = "",
                 located: bool = False, groups: frozenset[str] = frozenset()) -> None:
        self.feeds: dict[str, set[str]] = {feed: {uid}}
        self.cities, self.numbers = set(cities), set(numbers)
        self.venues = {venue} if venue else set()
        self.low = self.high = minute
        self.days = {day}
        self.homes = {home} if home else set()
        """Organisers' cities of the records that name none (keys.Profile.home)."""
        self.local = {home} if home and located else set()
        """Those of records with an address, presumably in that city."""
        self.groups = set(groups)

    def accepts(self, other: Traits, tolerance: int) -> bool:
        """False when joining ``other`` would contradict what this cluster is."""
        return self.conflict(other, tolerance) is None

    def conflict(self, other: Traits, tolerance: int) -> str | None:
        """What joining ``other`` would contradict, in the operator's words (``events
        explain`` names it beside a pair the clusters kept apart); None when nothing."""
        for feed, uids in other.feeds.items():
            if feed in self.feeds and self.feeds[feed] != uids:
                return f"{feed} lists them as two events"
        disagreement = self.disagreement(other)
        if disagreement is not None:
            return disagreement
        if self.low is not None and other.low is not None:
            assert self.high is not None and other.high is not None
            span = max(self.high, other.high) - min(self.low, other.low)
            if span > tolerance:
                return f"their records start {span} minutes apart, more than {tolerance}"
        if max(self.days | other.days) - min(self.days | other.days) > 1:
            return "their records are more than a day apart"
        return None

    def agrees(self, other: Traits) -> bool:
        """False when the two name other cities, series numbers or venues (what a cluster
        says wherever and whenever it meets: dedup/series.py asks it at each date of a
        series)."""
        return self.disagreement(other) is None

    def disagreement(self, other: Traits) -> str | None:
        """:meth:`agrees`, saying what differs; None when nothing does."""
        for what, mine, theirs in (("numbers", self.numbers, other.numbers),
                                   ("venues", self.venues, other.venues),
                                   ("groups", self.groups, other.groups)):
            if mine and theirs and not mine & theirs:
                return f"other {what} ({_listed(mine)} / {_listed(theirs)})"
        if self._cities_agree(other):
            return None
        return (f"other cities ({_listed(self.cities or self.local or self.homes)} / "
                f"{_listed(other.cities or other.local or other.homes)})")

    def _cities_agree(self, other: Traits) -> bool:
        """As similar.conflict: named cities, else organisers' cities (weak: an address
        names its organiser's city, no place names nothing). A Metz and a Nancy meetup
        never fuse through an umbrella's copy that names no city."""
        if self.cities and other.cities:
            return not cities_differ(self.cities, other.cities)
        if self.cities or other.cities:
            named, weak = (self, other) if self.cities else (other, self)
            return not any(cities_differ(named.cities, {home}) for home in weak.local)
        return not self.homes or not other.homes or bool(self.homes & other.homes)

    def absorb(self, other: Traits) -> None:
        for feed, uids in other.feeds.items():
            self.feeds.setdefault(feed, set()).update(uids)
        self.cities |= other.cities
        self.homes |= other.homes
        self.local |= other.local
        self.groups |= other.groups
        self.numbers |= other.numbers
        self.venues |= other.venues
        self.days |= other.days
        if other.low is not None:
            assert other.high is not None
            self.low = other.low if self.low is None else min(self.low, other.low)
            self.high = other.high if self.high is None else max(self.high, other.high)


class ConstrainedUnion(UnionFind):
    """Union-find whose scored unions respect each cluster's :class:`Traits`.

    Traits are built lazily by ``make_traits(i)``: most records never take part in a scored
    union, and building 100,000 trait sets up front cost 2 s of the 100k benchmark.
    """

    __slots__ = ("traits", "make_traits", "tolerance")

    def __init__(self, n: int, make_traits: Callable[[int], Traits], tolerance: int) -> None:
        super().__init__(n)
        self.traits: dict[int, Traits] = {}
        self.make_traits = make_traits
        self.tolerance = tolerance

    def _traits(self, root: int) -> Traits:
        """The root's traits; only singletons lack them until asked (joins keep them)."""
        found = self.traits.get(root)
        if found is None:
            found = self.traits[root] = self.make_traits(root)
        return found

    def force(self, i: int, j: int) -> None:
        """Union regardless of traits (same UID, same record key, operator merge)."""
        self._join(self.find(i), self.find(j))

    def try_union(self, i: int, j: int) -> bool:
        """Union when neither cluster contradicts the other; False when refused."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return True
        if not self._traits(ri).accepts(self._traits(rj), self.tolerance):
            return False
        self._join(ri, rj)
        return True

    def _join(self, ri: int, rj: int) -> None:
        if ri == rj:
            return
        if self.size[ri] < self.size[rj]:
            ri, rj = rj, ri
        mine, theirs = self._traits(ri), self._traits(rj)
        del self.traits[rj]
        self.parent[rj] = ri
        self.size[ri] += self.size[rj]
        mine.absorb(theirs)


def _listed(values: set[str]) -> str:
    return ", ".join(sorted(values)) or "none named"
