"""Time each pure stage of a first build, repeated: `python bench/stages.py N`.

A whole build's time moves by ±10 % from run to run on a shared machine, more than most single
cuts save; each stage alone, best of ``--repeat`` runs on the same input, moves by 1–2 %. Needs
the database `bench/profile.py N --step build` leaves in `bench/.profile-N/`. Memos keep nothing
(every stage computes as in a first build); the stages are those of ``Aggregator._build``:
decode, event dedup, news dedup, lifecycle, rendering (files made, not written), and encoding
the publication's rows (the database write aside), under the build's collector thresholds
(aggregator/gcpause.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import gc
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aggregator import lifecycle, memo  # noqa: E402
from aggregator.gcpause import fewer_collections  # noqa: E402
from aggregator.config import build_settings  # noqa: E402
from aggregator.core import make_aggregator  # noqa: E402
from aggregator.dedup import merge_events, merge_news  # noqa: E402
from aggregator.render import iter_outputs  # noqa: E402
from aggregator.store import codec  # noqa: E402


def _sources(n: int, base_url: str) -> object:
    """The sources `bench/profile.py` refreshed (loaded by path: ``profile`` is also a
    standard module, which cProfile imports first)."""
    spec = importlib.util.spec_from_file_location("bench_profile",
                                                  Path(__file__).parent / "profile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module._sources(n, base_url)


def best(repeat: int, stage: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        gc.collect()
        started = time.process_time()
        result = stage()
        times.append(time.process_time() - started)
    return min(times), result


def consume(files: object) -> int:
    return sum(len(content) if isinstance(content, bytes) else sum(map(len, content))
               for _, content in files)  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(__file__).parent / f".profile-{args.n}"
    if not (workdir / "bench.db").exists():
        sys.exit(f"run `python bench/profile.py {args.n} --step build` first")
    settings = build_settings(
        _sources(args.n, (workdir / "base_url").read_text()), None, {},
        db_url=f"sqlite:///{workdir}/bench.db", output_dir=workdir / "output",
        allow_private_networks=True,
    )
    aggregator = make_aggregator(settings)
    now = aggregator.clock()
    sources = aggregator.current_sources()
    by_id = {source.id: source for source in sources}
    store = aggregator.store
    tz = settings.timezone
    figures: dict[str, float] = {}
    # As in Aggregator.build: the collector's thresholds raised, memos keeping nothing.
    with memo.not_kept(), fewer_collections():
        figures["decode"], records = best(args.repeat, lambda: store.current_records(
            sources, now - timedelta(days=settings.past_days)))
        figures["merge_events"], merge = best(args.repeat, lambda: merge_events(
            records.events, by_id, timezone=tz, venues=dict(settings.venues)))
        figures["merge_news"], news = best(args.repeat, lambda: merge_news(records.items, by_id))
        figures["lifecycle"], (events, publication) = best(
            args.repeat, lambda: lifecycle.publish(merge.events, {}, now))
        figures["render"], size = best(args.repeat, lambda: consume(iter_outputs(
            events, news.items, by_id, now=now, base_url=settings.base_url, timezone=tz)))
        figures["encode_publication"], _ = best(args.repeat, lambda: [
            codec.encode_merged(p.snapshot) for p in publication.values() if p.snapshot])
    total = sum(figures.values())
    print(f"N = {args.n}: {len(events):,} events, {len(news.items):,} items, "
          f"{size / 1e6:.0f} MB of outputs; CPU seconds, best of {args.repeat}")
    for name, seconds in figures.items():
        print(f"  {name:20} {seconds:6.3f}")
    print(f"  {'total':20} {total:6.3f}  ({total * 50_000 / len(events):.2f} s per 50,000 events)")


if __name__ == "__main__":
    main()
