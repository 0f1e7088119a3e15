"""Our refresh of the RSS/Atom feeds beside lemon24/reader's update of the same feeds.

`pip install -r bench/requirements.txt` (reader lives in the benchmark's environment only),
then `python bench/peer.py [N ...]`. Both run in fresh processes against the same loopback
server (bench/feedserve.py, in its own process), cold (empty database) then warm (unchanged).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedgen import generate  # noqa: E402


def news_urls(n: int, base_url: str) -> list[tuple[str, str, str]]:
    return [(g.id, g.city, f"{base_url}/{g.id}/news") for g in generate(n, date.today())]


def run_reader(n: int, base_url: str) -> dict[str, float]:
    from reader import make_reader

    with tempfile.TemporaryDirectory() as tmp:
        reader = make_reader(f"{tmp}/reader.sqlite")
        for _, _, url in news_urls(n, base_url):
            reader.add_feed(url)
        figures = {}
        for label in ("cold_s", "warm_s"):
            started = time.perf_counter()
            reader.update_feeds(workers=16)
            figures[label] = time.perf_counter() - started
        figures["entries"] = reader.get_entry_counts().total
        reader.close()
    return figures


def run_ours(n: int, base_url: str) -> dict[str, float]:
    from aggregator.config import build_settings
    from aggregator.core import make_aggregator
    from aggregator.models import FeedRef, Source

    sources = tuple(
        Source(id=sid, name=sid, kind="lab", city=city, country="FR", feeds=(FeedRef(url),))
        for sid, city, url in news_urls(n, base_url)
    )
    with tempfile.TemporaryDirectory() as tmp:
        settings = build_settings(sources, None, {}, db_url=f"sqlite:///{tmp}/ours.db",
                                  output_dir=Path(tmp) / "out", allow_private_networks=True)
        aggregator = make_aggregator(settings)
        figures = {}
        for label in ("cold_s", "warm_s"):
            started = time.perf_counter()
            outcomes = aggregator.refresh()
            figures[label] = time.perf_counter() - started
        figures["entries"] = sum(o.records for o in outcomes)
        aggregator.close()
    return figures


def compare(size: str) -> dict[str, object]:
    """Ours then reader against one feed server of ``size`` sources; each in a fresh process."""
    server = subprocess.Popen([sys.executable, str(Path(__file__).parent / "feedserve.py"), size],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().strip()
        row: dict[str, object] = {}
        for who in ("ours", "reader"):
            out = subprocess.run([sys.executable, __file__, "--one", who, size, base_url],
                                 capture_output=True, text=True, check=True)
            row[who] = json.loads(out.stdout.strip().splitlines()[-1])
        ours, reader = row["ours"], row["reader"]
        assert isinstance(ours, dict) and isinstance(reader, dict)
        row["ratio_cold"] = ours["cold_s"] / reader["cold_s"]
        return row
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        who, n, base_url = sys.argv[2], int(sys.argv[3]), sys.argv[4]
        print(json.dumps((run_reader if who == "reader" else run_ours)(n, base_url)))
        return
    for size in sys.argv[1:] or ["300"]:
        row = compare(size)
        print(size, json.dumps(row), f"ours/reader cold = {row['ratio_cold']:.2f}", flush=True)


if __name__ == "__main__":
    main()
