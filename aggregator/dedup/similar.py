"""The scored comparison: are two records the same real-world event (or article)?

A pair passes through hard evidence first (a different series number, group letter, city,
organiser's city, feed UID or venue, or starts more than 30 minutes apart, means two events
whatever the titles say), then a title
score against a threshold that depends on how well time and place agree. The threshold table
sits below with the benchmark figures that set it (bench/dedup_score.py, seed 7, 20,000 events;
default table: precision 0.9998, recall 0.9998 in that sensitivity run).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from .keys import Profile
from .places import cities_differ, place_agreement
from .text import GENERIC

TOLERANCE_MINUTES = 30
"""Doors vs talk: cross-posters give 18:00 for 18:30 (issue 3 names 15-30 min). At 15 the
benchmark's recall falls to 0.926 (the 30-minute "doors" copies are lost); a wider window
showed no gain, and same-evening sessions 3-5 h apart must stay apart."""

CLUSTER_SPAN = TOLERANCE_MINUTES * 3 // 2
"""The widest start span of one cluster (cluster.Traits): doors 18:00, talk 18:30, first
talk 18:45 are each within the tolerance of the talk. At 30, whichever copy joined first
shut the other out: the meetup showed twice once a third source posted it. Two sessions an
hour apart still never fuse through a copy between them."""

GENERIC_WEIGHT = 0.3
"""A format word (meetup, atelier, talk) weighs 0.3 of a subject word: "Atelier Docker" and
"Atelier Kubernetes" share only format, so each keeps an exclusive subject word."""

TOKEN_RATIO = 85
"""rapidfuzz ratio at which two words are one word misspelt ("kubernetes"/"kubernetess" 95,
"python"/"pytorch" 62); only for words of 5+ letters, so short words never fuzzy-match."""

THRESHOLDS: dict[tuple[str, str], float] = {
    # (time agreement, place agreement) -> minimum title score. Same instant and same venue
    # needs the least: titles there differ only by decoration. A 15-30 min offset or an
    # unresolved place asks for more. Sensitivity on the benchmark (20,000 events): the whole
    # table -0.2 -> precision 0.9988; -0.1 -> 0.9996; +0.1 unchanged; +0.2 -> recall 0.9985.
    # Places that differ: never on the title alone (0.80 let any identical title through, and
    # two libraries' "Atelier numérique" the same Saturday were one event); a shared event
    # page (SAME_LINK_BONUS) still joins copies whose places are written too differently.
    ("exact", "same"): 0.50, ("exact", "unknown"): 0.60, ("exact", "differ"): 1.50,
    ("near", "same"): 0.60, ("near", "unknown"): 0.70, ("near", "differ"): 1.60,
    ("mixed", "same"): 0.75, ("mixed", "unknown"): 0.85, ("mixed", "differ"): 2.0,
}
DIFFERENT_SUBJECTS = 0.15
"""When each title has a subject word the other lacks ("Apéro RGPD : mythes et réalités" vs
"Atelier Symfony : mythes et réalités"), a shared subtitle is not enough: the bar rises.
Benchmark: 0 -> precision 0.9988; 0.15 and 0.3 -> 0.9998 with recall unchanged."""
SAME_LINK_BONUS = 1.0
"""A shared event page (canonical link, same day, starts within the tolerance) is the same
event whatever the titles say, unless hard evidence contradicts it (issue 3: tracking links,
http/https, Meetup pages), except for sibling titles (:func:`_siblings`): parallel sessions
of a festival link to its programme page, from one feed or several."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The scorer's answer for one pair, with the reasons ``events explain`` prints."""

    same: bool
    score: float
    reasons: tuple[str, ...]
    place: str = ""
    """How the places agree (places.place_agreement), where the pair was scored."""


def title_score(a: tuple[str, ...], b: tuple[str, ...], *, part_of_day: bool = False
                ) -> tuple[float, int, int]:
    """(score, exclusive subject words of a, of b).

    The score is the weighted share of one title's words found in the other: the larger share
    when only one side adds subject words (a relay that adds "– les décorateurs"), the smaller
    when both do (two subjects) or when they share no subject word at all.

    ``part_of_day`` (an all-day record against a timed one): always the smaller share, with
    format words weighing as much as subjects. A timed record that adds words to the day's
    title is a part of that day ("Afterwork du DevFest", "Hackathon IA : remise des prix"),
    and was merged into it: the conference left the calendar, the afterwork kept its place.
    """
    if not a or not b:
        return 0.0, 0, 0
    weight = 1.0 if part_of_day else GENERIC_WEIGHT
    matched_a, excl_a, total_a = _coverage(a, b, weight)
    matched_b, excl_b, total_b = _coverage(b, a, weight)
    cov_a, cov_b = matched_a / total_a, matched_b / total_b
    shares_subject = any(t not in GENERIC and t in b for t in a) or (
        matched_a > 0 and excl_a == 0 and excl_b == 0)
    if excl_a and excl_b or not shares_subject or part_of_day:
        return min(cov_a, cov_b), excl_a, excl_b
    return max(cov_a, cov_b), excl_a, excl_b


def _coverage(a: tuple[str, ...], b: tuple[str, ...], generic_weight: float
              ) -> tuple[float, int, float]:
    matched = total = 0.0
    exclusive = 0
    for token in a:
        weight = generic_weight if token in GENERIC else 1.0
        total += weight
        if token in b or len(token) >= 5 and any(
                len(o) >= 5 and fuzz.ratio(token, o, score_cutoff=TOKEN_RATIO) for o in b):
            matched += weight
        elif token not in GENERIC:
            exclusive += 1
    return matched, exclusive, total


def _siblings(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Titles of one format and two subjects ("Atelier Docker", "Atelier Kubernetes"; each
    has a subject of its own): two sessions of one programme, whatever link they share. A
    cross-post that renames the event shares no word ("Python" / "Soirée développeurs") or
    a subject ("Coding Dojo" / "Dojo de programmation")."""
    shared = set(a).intersection(b)
    return bool(shared) and shared <= GENERIC


def time_agreement(a: Profile, b: Profile) -> str:
    """``exact``, ``near`` (within the tolerance), ``mixed`` (all-day vs timed, same day) or
    ``far``."""
    if a.minute is None or b.minute is None:
        if a.day != b.day:
            return "far"
        return "exact" if a.minute == b.minute else "mixed"
    delta = abs(a.minute - b.minute)
    if delta == 0:
        return "exact"
    return "near" if delta <= TOLERANCE_MINUTES else "far"


def conflict(a: Profile, b: Profile) -> str:
    """A reason the two can never be one event, or ""."""
    if a.feed == b.feed and a.uid != b.uid:
        return "same feed, other UID"
    if a.title.numbers and b.title.numbers and not a.title.numbers & b.title.numbers:
        return "series numbers differ"
    if a.groups and b.groups and not a.groups & b.groups:
        return "groups differ"
    if a.cities and b.cities:  # the usual case, inline: ruled_out asks it of every pair
        if a.cities is not b.cities and cities_differ(a.cities, b.cities):
            return "cities differ"
    elif a.cities or b.cities or a.home and b.home:
        reason = _weak_city_conflict(a, b)
        if reason:
            return reason
    if a.place.venue and b.place.venue and a.place.venue != b.place.venue and a.url != b.url:
        return "venues differ"
    return ""


def _weak_city_conflict(a: Profile, b: Profile) -> str:
    """At most one record names a city (title or place): an organiser's own city (``home``,
    when its record names none) is weak evidence: it contradicts another organiser's city,
    and a named city when the record gives an address (presumably local), never when it
    gives no place (a Nancy association's talk in Metz, named by its other copies)."""
    if a.cities or b.cities:
        named, weak = (a, b) if a.cities else (b, a)
        if weak.home and weak.located and cities_differ(named.cities, frozenset({weak.home})):
            return "cities differ (organiser's city)"
        return ""
    return "organisers' cities differ" if a.home != b.home else ""


def ruled_out(a: Profile, b: Profile) -> bool:
    """True when :func:`same_event` must answer no whatever the titles: a hard conflict or
    starts too far apart. Checked first, it skips title scoring for most candidate pairs
    (319,500 of 320,579 at bench/pipeline.py N=1000: build 1.8 s -> 0.3 s in scoring)."""
    return a.uid != b.uid and bool(conflict(a, b) or time_agreement(a, b) == "far")


def same_event(a: Profile, b: Profile) -> Verdict:
    """Score one candidate pair against :data:`THRESHOLDS`."""
    if a.uid == b.uid:
        return Verdict(True, 1.0, ("same UID",))
    timing = time_agreement(a, b)
    hard = conflict(a, b) or ("starts too far apart" if timing == "far" else "")
    score, excl_a, excl_b = title_score(a.title.tokens, b.title.tokens,
                                        part_of_day=timing == "mixed")
    if hard:
        return Verdict(False, score, (hard,))
    place = place_agreement(a.place, b.place)
    needed = THRESHOLDS[timing, place]
    reasons = [f"title {score:.2f}", f"time {timing}", f"place {place}"]
    if excl_a and excl_b:
        needed += DIFFERENT_SUBJECTS
        reasons.append("different subjects")
    if a.url and a.url == b.url and not (excl_a and excl_b and _siblings(a.title.tokens,
                                                                          b.title.tokens)):
        needed = max(0.0, needed - SAME_LINK_BONUS)
        reasons.append("same link")
    reasons.append(f"needs {needed:.2f}")
    return Verdict(score >= needed, score, tuple(reasons), place)
