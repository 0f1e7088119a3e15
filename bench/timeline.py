"""Where a first build's process spends its wall time: `python bench/timeline.py N`.

A first build uses both cores: child processes make the exports' records, the snapshots and
the merged news (aggregator/aside.py) while the build's own process decodes, merges,
renders and writes. Its time is then the build process's critical path, and this script shows
it: each step of that process in order, with when it started, its wall time and its CPU time
(wall above CPU: the step waited, for a child or for the other core), the CPU the children
used in all, and when each work a child did (aggregator/aside.py) started and ended, with the
child's CPU time so far: where the second core idles. Needs the database `bench/profile.py N --step build` leaves in
`bench/.profile-N/`; runs on a copy without its publication and merged UIDs, as a first build.
``--runs`` repeats it, each in a fresh process, so that a noisy machine shows.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

STEPS = (
    ("aggregator.store:Store", "current_records"), ("aggregator.store:Store", "save_assignment"),
    ("aggregator.building:BuildMixin", "_merge_events"), ("aggregator.lifecycle", "publish"),
    ("aggregator.building", "write_outputs"), ("aggregator.store:Store", "save_publication"),
)
"""The build process's steps, in the order Aggregator._build runs them."""


def _timed(log: list[tuple[str, float, float, float]], name: str,
           function: Callable[..., Any], origin: list[float]) -> Callable[..., Any]:
    """``function``, logging when it started (after ``origin[0]``), its wall and CPU time."""
    def step(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            log.append((name, wall - origin[0], time.perf_counter() - wall,
                        time.process_time() - cpu))
    return step


def _note_children(origin: list[float], notes: Path) -> None:
    """Have each work a forked child does (aggregator.aside) note in ``notes`` when it
    started and ended (after ``origin[0]``) and the child's CPU time then."""
    from aggregator import aside

    child = aside._child

    def noting(works: Any, files: Any, done: int, known: Any) -> None:
        def noted(number: int, work: Callable[[], Any]) -> Callable[[], Any]:
            def run() -> Any:
                start = time.perf_counter()
                yield from work()
                used = resource.getrusage(resource.RUSAGE_SELF)
                with notes.open("a") as file:
                    owner = getattr(work, "__qualname__", "?").split(".<locals>")[0]
                    file.write(f"  child of {owner:26} work {number}"
                               f" at {start - origin[0]:6.2f} s  ends {time.perf_counter() - origin[0]:6.2f}"
                               f" s  child CPU {used.ru_utime + used.ru_stime:6.3f}\n")
            return run
        child([noted(number, work) for number, work in enumerate(works)], files, done, known)

    aside._child = noting  # type: ignore[assignment]


def one_run(n: int) -> None:
    """One first build in this process, its timeline printed."""
    import importlib

    from aggregator.config import build_settings
    from aggregator.core import make_aggregator

    workdir = BENCH / f".profile-{n}"
    scratch = Path(tempfile.mkdtemp(prefix="timeline-"))
    shutil.copy(workdir / "bench.db", scratch / "bench.db")
    with sqlite3.connect(scratch / "bench.db") as connection:
        connection.execute("DELETE FROM publications")
        connection.execute("DELETE FROM assignments")
    spec = importlib.util.spec_from_file_location("bench_profile", BENCH / "profile.py")
    assert spec is not None and spec.loader is not None
    profile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(profile)
    settings = build_settings(
        profile._sources(n, (workdir / "base_url").read_text()), None, {},
        db_url=f"sqlite:///{scratch}/bench.db", output_dir=scratch / "output",
        allow_private_networks=True,
    )
    aggregator = make_aggregator(settings)
    log: list[tuple[str, float, float, float]] = []
    origin = [0.0]
    for where, name in STEPS:
        module_name, _, class_name = where.partition(":")
        owner: Any = importlib.import_module(module_name)
        if class_name:
            owner = getattr(owner, class_name)
        setattr(owner, name, _timed(log, name, getattr(owner, name), origin))
    notes = scratch / "children.txt"
    _note_children(origin, notes)
    cpu = time.process_time()
    origin[0] = time.perf_counter()
    report = aggregator.build()
    wall = time.perf_counter() - origin[0]
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"first build: {report.events:,} events, {wall:.2f} s "
          f"({wall * 50_000 / report.events:.2f} s per 50,000 events); CPU: build process "
          f"{time.process_time() - cpu:.2f} s, children {children.ru_utime + children.ru_stime:.2f} s")
    for name, start, step_wall, step_cpu in sorted(log, key=lambda entry: entry[1]):
        print(f"  {name:18} at {start:6.2f} s  wall {step_wall:6.3f}  CPU {step_cpu:6.3f}")
    if notes.exists():
        print(notes.read_text(), end="")
    shutil.rmtree(scratch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not (BENCH / f".profile-{args.n}" / "bench.db").exists():
        sys.exit(f"run `python bench/profile.py {args.n} --step build` first")
    if args.one:
        one_run(args.n)
        return
    for _ in range(args.runs):
        subprocess.run([sys.executable, __file__, str(args.n), "--one"], check=True)


if __name__ == "__main__":
    main()
