"""Serve N generated sources on loopback in their own process: `python bench/feedserve.py N`.

Prints the base URL on the first line, then serves until killed. Running the server apart
keeps its threads from competing with the measured process for the interpreter lock.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedgen import generate  # noqa: E402

from aggregator.demo.server import FeedServer  # noqa: E402


def main() -> None:
    n = int(sys.argv[1])
    files: dict[str, tuple[bytes, str]] = {}
    for g in generate(n, date.today()):
        files[f"/{g.id}/events.ics"] = (g.ics, "text/calendar")
        files[f"/{g.id}/news"] = (g.news, g.news_type)
    with FeedServer(files) as server:
        print(server.base_url, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
