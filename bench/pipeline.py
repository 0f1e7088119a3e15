"""Benchmark refresh and build end to end: `python bench/pipeline.py [N ...]`.

For each N it generates N sources (an .ics of ~40 events and a news feed of ~25 items each),
serves them on loopback with ETag/Last-Modified, and times, in a fresh process per N:
the parsing floor (every body parsed once in one process, no I/O), a cold refresh on an empty
SQLite database, a warm refresh with nothing changed (and ``warm_rounds_s``, the same as a
daemon's tick does it: rounds of 100 due feeds), a build, and a rebuild (the same process
building again with nothing changed: what the daemon does after a quiet refresh; it reuses the
previous build's work, see aggregator/memo.py), beside which ``cli_build`` is the build as
`aggregator build` runs it (a fresh process that keeps nothing for a next build, on a copy of
the database); then a daemon's round: one source in 20 edits
its feeds (three titles, an event withdrawn, one added, a news item; bench/feedgen.py
``churned``), and the same process refreshes and builds again. Also the demo's refresh+build.
Peak memory is the process's maximum resident set size so far (children included for the
pool), taken after each step: ``<step>_peak_mb``; and ``<step>_tree_peak_mb``, the most the
process and its children (the parse pool) held at the same time during the step, sampled
with psutil: the figure the machine must have, where the first counts only the
largest process. It sums proportional set sizes (PSS): the parse workers are forked, and a
page they still share with the parent counts once, split among them, where a sum of resident
sizes counted it once per process (at N = 1,000: 432 MB of RSS for 324 MB of PSS). It is
sampled every 0.5 s by a process of its own (bench/treepeak.py says why), and raised to this
process's own resident peak during the step when that is higher (the kernel's exact peak,
reset before each step, where the samples might miss a spike): an upper bound. Before
2026-11-29 it was raised to the process's peak since it started, so a step inherited the
peaks of the steps before it.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedgen import GeneratedSource, generate  # noqa: E402
from treepeak import TreePeak  # noqa: E402

from aggregator.config import build_settings  # noqa: E402
from aggregator.core import Aggregator, make_aggregator  # noqa: E402
from aggregator.memo import not_kept  # noqa: E402
from aggregator.models import FeedRef, Source  # noqa: E402


def step_start() -> None:
    """Start this process's resident peak (VmHWM) over, so that each step reports its own:
    Linux resets it when "5" is written to /proc/self/clear_refs."""
    Path("/proc/self/clear_refs").write_text("5")


def step_peak_mb() -> float:
    """This process's resident peak since :func:`step_start` (VmHWM, kB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def floor_seconds(bodies: list[tuple[bytes, str]]) -> float:
    """Parse every body once with the bare libraries: the unavoidable cost."""
    import feedparser
    import icalendar

    started = time.perf_counter()
    for body, kind in bodies:
        if kind == "ical":
            icalendar.Calendar.from_ical(body)
        else:
            feedparser.parse(body)
    return time.perf_counter() - started


def bench_sources(generated: list[GeneratedSource], base_url: str) -> tuple[Source, ...]:
    return tuple(
        Source(id=g.id, name=g.id, kind=g.kind, city=g.city, country="FR",
               feeds=(FeedRef(f"{base_url}/{g.id}/events.ics"), FeedRef(f"{base_url}/{g.id}/news")))
        for g in generated)


def build_once(n: int, base_url: str, workdir: str) -> dict[str, float]:
    """`aggregator build` as cron runs it, on a copy of the refreshed database: a process
    that builds once and exits, so its memos keep nothing (aggregator/memo.py ``not_kept``)."""
    sources = bench_sources(generate(n, date.today()), base_url)
    settings = build_settings(sources, None, {}, db_url=f"sqlite:///{workdir}/bench.db",
                              output_dir=Path(workdir) / "output", allow_private_networks=True)
    aggregator = make_aggregator(settings)
    del sources
    started = time.perf_counter()
    with not_kept():  # as aggregator/cli/feeds.py's build command
        aggregator.build_by_hand()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def cli_build(n: int, base_url: str, database: Path) -> dict[str, float]:
    """:func:`build_once` in a fresh process, on a copy of ``database`` (its build writes the
    assignment and publication, which would make the measured process's first build a
    second one)."""
    with tempfile.TemporaryDirectory() as workdir:
        shutil.copyfile(database, Path(workdir) / "bench.db")
        return json.loads(_child([sys.executable, __file__, "--build-once", str(n), base_url,
                                  workdir]))  # type: ignore[no-any-return]


def run_one(n: int, base_url: str, server_pid: int) -> dict[str, float]:
    """Measure one N against feeds served by bench/feedserve.py (process ``server_pid``) at
    ``base_url``."""
    generated = generate(n, date.today())
    sources = list(bench_sources(generated, base_url))
    bodies = [(g.ics, "ical") for g in generated] + [(g.news, "news") for g in generated]
    del generated
    figures: dict[str, float] = {"n": n, "feeds": 2 * n, "floor_s": floor_seconds(bodies)}
    del bodies
    if True:
        with tempfile.TemporaryDirectory() as tmp:
            settings = build_settings(
                tuple(sources), None, {}, db_url=f"sqlite:///{tmp}/bench.db",
                output_dir=Path(tmp) / "output", allow_private_networks=True,
            )
            aggregator = make_aggregator(settings)
            for label, action in (
                ("cold_refresh_s", lambda: aggregator.refresh()),
                ("warm_refresh_s", lambda: aggregator.refresh()),
                ("warm_rounds_s", lambda: daemon_cycle(aggregator)),
                ("build_s", lambda: aggregator.build()),
                ("rebuild_s", lambda: aggregator.build()),
                ("churn_refresh_s", lambda: aggregator.refresh()),
                ("churn_rebuild_s", lambda: aggregator.build()),
            ):
                if label == "churn_refresh_s":
                    churn(server_pid, base_url)
                if label == "build_s":
                    once = cli_build(n, base_url, Path(tmp) / "bench.db")
                    figures["cli_build_s"] = once["seconds"]
                    figures["cli_build_peak_mb"] = once["peak_mb"]
                step_start()
                with TreePeak() as tree:
                    started = time.perf_counter()
                    result = action()
                    figures[label] = time.perf_counter() - started
                figures[label.replace("_s", "_peak_mb")] = peak_mb()
                # The sampled PSS of every process, or this process's own resident peak in
                # the step when higher (a short spike between two samples): an upper bound.
                figures[label.replace("_s", "_tree_peak_mb")] = max(tree.peak_mb, step_peak_mb())
                if label == "build_s":
                    figures["events_out"] = result.events  # type: ignore[union-attr]
                    figures["items_out"] = result.items  # type: ignore[union-attr]
                if label == "churn_rebuild_s":  # withdrawn events stay, CANCELLED, beside new ones
                    figures["churn_events_out"] = result.events  # type: ignore[union-attr]
            aggregator.close()
    figures["peak_mb"] = peak_mb()
    return figures


def daemon_cycle(aggregator: Aggregator) -> int:
    """A daemon's tick when every feed is due (each answering 304): rounds of the daemon's
    batch (100) from one plan until none is left, as `aggregator run` refreshes. Its clock is
    moved two days on for the rounds, so that every feed is due, then put back."""
    clock = aggregator.clock
    later = clock() + timedelta(days=2)
    aggregator.clock = lambda: later
    try:
        plan, fetched = aggregator.round_plan(), 0
        with aggregator.tick_wire() as wire:
            while outcomes := aggregator.refresh_round("bench", plan=plan, wire=wire).outcomes:
                fetched += len(outcomes)
        return fetched
    finally:
        aggregator.clock = clock


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""Loopback, never through a proxy the environment may name."""


def churn(server_pid: int, base_url: str, round_number: int = 1) -> None:
    """Have the feed server start its round ``round_number`` of changes (bench/feedserve.py
    counts them from 1) and wait until it serves them."""
    os.kill(server_pid, signal.SIGUSR1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with _DIRECT.open(f"{base_url}/__churned__/{round_number}", timeout=5):
                return
        except urllib.error.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("the feed server did not apply its round of changes within 60 s")


def run_demo() -> dict[str, float]:
    from rich.console import Console

    from aggregator.demo.run import run_demo as demo

    with tempfile.TemporaryDirectory() as tmp:
        import os

        os.chdir(tmp)
        started = time.perf_counter()
        demo(once=True, port=0, console=Console(file=open(os.devnull, "w")))
        return {"demo_refresh_build_s": time.perf_counter() - started, "peak_mb": peak_mb()}


def measure(size: str) -> str:
    """Run one size in fresh processes: the feed server apart, the measurement apart."""
    if size == "demo":
        return _child([sys.executable, __file__, "--one", "demo"])
    server = subprocess.Popen([sys.executable, str(Path(__file__).parent / "feedserve.py"), size],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        return _child([sys.executable, __file__, "--one", size, base_url, str(server.pid)])
    finally:
        server.terminate()
        server.wait(10)


def _child(command: list[str]) -> str:
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    if len(sys.argv) > 4 and sys.argv[1] == "--build-once":
        print(json.dumps(build_once(int(sys.argv[2]), sys.argv[3], sys.argv[4])))
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        arg = sys.argv[2]
        print(json.dumps(run_demo() if arg == "demo"
                         else run_one(int(arg), sys.argv[3], int(sys.argv[4]))))
        return
    for size in sys.argv[1:] or ["demo", "300"]:
        print(size, measure(size), flush=True)


if __name__ == "__main__":
    main()
