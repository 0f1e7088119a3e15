"""Profile one step: `python bench/profile.py N [--step build|rebuild|cold|warm]`.

For ``build`` and ``rebuild`` the first run for an N refreshes N generated sources into
`bench/.profile-N/` (kept, so later runs time the build alone). ``cold`` and ``warm`` profile a
refresh on a new database (``warm``: the second refresh, every feed answering 304). Each run
prints where the time went (pyinstrument, ``--html`` for the interactive view), the step's
time and peak memory. Needs pyinstrument (bench/requirements.txt). ``SHOW_ALL=1`` keeps the
libraries' frames (httpx, SQLAlchemy...) in the text output instead of folding them.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aggregator.config import build_settings  # noqa: E402
from aggregator.core import make_aggregator  # noqa: E402
from aggregator.models import FeedRef, Source  # noqa: E402


def _sources(n: int, base_url: str) -> tuple[Source, ...]:
    from datetime import date

    from feedgen import generate

    return tuple(
        Source(id=g.id, name=g.id, kind=g.kind, city=g.city, country="FR",
               feeds=(FeedRef(f"{base_url}/{g.id}/events.ics"), FeedRef(f"{base_url}/{g.id}/news")))
        for g in generate(n, date.today())
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--step", choices=("build", "rebuild", "cold", "warm"), default="build")
    parser.add_argument("--html", type=Path)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    workdir = Path(__file__).parent / f".profile-{args.n}"
    if args.step in ("cold", "warm"):
        workdir = Path(tempfile.mkdtemp())
    fresh = not (workdir / "bench.db").exists()
    workdir.mkdir(exist_ok=True)
    if fresh:  # refresh once from a feed server; later runs reuse its URLs, already stored
        server = subprocess.Popen([sys.executable, str(Path(__file__).parent / "feedserve.py"),
                                   str(args.n)], stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None
        (workdir / "base_url").write_text(server.stdout.readline().strip())
    base_url = (workdir / "base_url").read_text()
    settings = build_settings(
        _sources(args.n, base_url), None, {}, db_url=f"sqlite:///{workdir}/bench.db",
        output_dir=workdir / "output", allow_private_networks=True,
    )
    aggregator = make_aggregator(settings)
    if args.step == "warm":
        aggregator.refresh()
    step = aggregator.refresh if args.step in ("cold", "warm") else aggregator.build
    if fresh and args.step in ("build", "rebuild"):
        aggregator.refresh()
    if args.step == "rebuild":
        aggregator.build()
    profiler = None
    if not args.no_profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.002)
        profiler.start()
    started = time.perf_counter()
    report = step()
    elapsed = time.perf_counter() - started
    if profiler is not None:
        profiler.stop()
        if args.html:
            args.html.write_text(profiler.output_html())
        else:
            print(profiler.output_text(unicode=False, color=False, show_all=bool(os.environ.get("SHOW_ALL"))))
    if fresh:
        server.terminate()
        server.wait(10)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.step}: {elapsed:.2f} s, {report!r:.160}, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
