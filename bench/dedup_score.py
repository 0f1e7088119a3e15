"""Pairwise precision, recall and F1 of deduplication on the labelled benchmark, and timings.

Prints, for events and for news, our engine against the naive baselines (UID only; exact title +
start for events, exact link for news), recall per duplicate family, false merges per look-alike
family, and the time merge_events takes on 100,000 and 200,000 records (issue 3: under 10 s,
and doubling the records at most a little more than doubles the time).

    python -m bench.dedup_score            # quality on 20,000 events / 6,000 news, then timings
    python -m bench.dedup_score --quick    # quality only
"""

from __future__ import annotations

import gc
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from zoneinfo import ZoneInfo

from aggregator.dedup import merge_events, merge_news, record_key
from aggregator.dedup.keys import instant
from aggregator.models import Event, NewsItem
from bench.dedup_generate import Bench, generate_events
from bench.dedup_news import generate_news

PARIS = ZoneInfo("Europe/Paris")


def pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise(predicted: Mapping[str, str], truth: Mapping[str, str]) -> tuple[float, float, float]:
    """(precision, recall, F1) over all pairs of records (keys of ``truth``)."""
    both = Counter((predicted[k], truth[k]) for k in truth)
    hits = sum(pairs(n) for n in both.values())
    said = sum(pairs(n) for n in Counter(predicted[k] for k in truth).values())
    real = sum(pairs(n) for n in Counter(truth.values()).values())
    precision = hits / said if said else 1.0
    recall = hits / real if real else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def by_key(records: Iterable[Event | NewsItem], key: Callable[[Event | NewsItem], str]
           ) -> dict[str, str]:
    """A baseline: records with the same ``key`` are one."""
    return {record_key(r): key(r) for r in records}


def event_baselines(bench: Bench) -> dict[str, dict[str, str]]:
    def exact(e: Event | NewsItem) -> str:
        assert isinstance(e, Event)
        return f"{e.title}|{instant(e.start, e.timezone, PARIS).isoformat()}"
    return {"UID only": by_key(bench.events, lambda e: e.uid if isinstance(e, Event) else ""),
            "exact title+start": by_key(bench.events, exact)}


def report(name: str, figures: tuple[float, float, float]) -> None:
    p, r, f = figures
    print(f"  {name:22} precision {p:.4f}  recall {r:.4f}  F1 {f:.4f}")


def family_recall(bench: Bench, assignment: Mapping[str, str]) -> None:
    """Recall of the (organiser copy, cross-post) pairs, per variation family of the copy."""
    organiser = {bench.truth[k]: k for k, f in bench.family.items() if f == "organiser"}
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for key, families in bench.family.items():
        original = organiser[bench.truth[key]]
        if key == original:
            continue
        for family in families.split("+"):
            total[family] += 1
            found[family] += assignment[key] == assignment[original]
    print("  recall per duplicate family (cross-post vs organiser):")
    print("    " + "  ".join(f"{f} {found[f] / total[f]:.3f}" for f in sorted(total)))


def false_merges(bench: Bench, assignment: Mapping[str, str]) -> None:
    """Wrongly merged pairs, by the look-alike family of the real events involved."""
    wrong: Counter[str] = Counter()
    members: dict[str, list[str]] = {}
    for key, merged in assignment.items():
        if key in bench.truth:
            members.setdefault(merged, []).append(key)
    for keys in members.values():
        for n, a in enumerate(keys):
            for b in keys[n + 1:]:
                if bench.truth[a] != bench.truth[b]:
                    kinds = sorted({bench.kinds[bench.truth[a]], bench.kinds[bench.truth[b]]})
                    wrong["/".join(kinds)] += 1
    print("  false merges by look-alike family:", dict(wrong) or "none")


def score_events(count: int) -> None:
    bench = generate_events(count)
    print(f"EVENTS: {len(bench.events)} records, {len(set(bench.truth.values()))} real events")
    result = merge_events(bench.events, bench.sources)
    report("ours", pairwise(result.assignment, bench.truth))
    for name, predicted in event_baselines(bench).items():
        report(name, pairwise(predicted, bench.truth))
    kept = sum(len(m.members) + len(m.overrides) for m in result.events)
    print(f"  source records in output: {kept} of {len(bench.events)}")
    family_recall(bench, result.assignment)
    false_merges(bench, result.assignment)


def score_news(count: int) -> None:
    bench = generate_news(count)
    print(f"NEWS: {len(bench.items)} items, {len(set(bench.truth.values()))} real articles")
    result = merge_news(bench.items, bench.sources)
    report("ours", pairwise(result.assignment, bench.truth))
    report("GUID only", pairwise(by_key(bench.items, lambda i: getattr(i, "guid", "")),
                                 bench.truth))
    report("exact link", pairwise(by_key(bench.items, lambda i: getattr(i, "link", "")),
                                  bench.truth))
    kept = sum(len(m.members) for m in result.items)
    print(f"  source records in output: {kept} of {len(bench.items)}")
    wrong = Counter(bench.kinds[bench.truth[k]] for k in bench.truth
                    if sum(1 for o in bench.truth if result.assignment[o] == result.assignment[k]
                           and bench.truth[o] != bench.truth[k]) > 0) if count <= 2000 else None
    if wrong is not None:
        print("  items wrongly merged by kind:", dict(wrong) or "none")


def timing(count: int) -> float:
    bench = generate_events(count)
    gc.collect()
    began = time.perf_counter()
    merge_events(bench.events, bench.sources)
    elapsed = time.perf_counter() - began
    print(f"  merge_events on {len(bench.events):,} records: {elapsed:.2f} s")
    return elapsed


def main(argv: list[str]) -> None:
    score_events(20000)
    score_news(6000)
    if "--quick" in argv:
        return
    print("TIMING (this machine)")
    small, large = timing(100_000), timing(200_000)
    print(f"  200k / 100k = {large / small:.2f}")


if __name__ == "__main__":
    main(sys.argv)
