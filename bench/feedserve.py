"""Serve N generated sources on loopback in their own process: `python bench/feedserve.py N`.

Prints the base URL on the first line, then serves until killed. Running the server apart
keeps its threads from competing with the measured process for the interpreter lock.

SIGUSR1 starts a round of changes (the daemon benchmark): every ``CHURN_EVERY``-th source
serves its next edit (bench/feedgen.py ``churned``), then ``/__churned__/<round>`` answers 200.
"""

from __future__ import annotations

import signal
import sys
import time
from datetime import date
from pathlib import Path
from types import FrameType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedgen import CHURN_EVERY, GeneratedSource, churned, generate  # noqa: E402

from aggregator.demo.server import FeedServer  # noqa: E402


def serve(server: FeedServer, source: GeneratedSource) -> None:
    server.set(f"/{source.id}/events.ics", source.ics, "text/calendar")
    server.set(f"/{source.id}/news", source.news, source.news_type)


def main() -> None:
    n = int(sys.argv[1])
    sources = generate(n, date.today())
    rounds = 0
    with FeedServer() as server:
        for source in sources:
            serve(server, source)

        def churn(signum: int, frame: FrameType | None) -> None:
            nonlocal rounds
            rounds += 1
            for index in range(0, len(sources), CHURN_EVERY):
                sources[index] = churned(sources[index], rounds)
                serve(server, sources[index])
            server.set(f"/__churned__/{rounds}", b"ok\n", "text/plain")

        signal.signal(signal.SIGUSR1, churn)
        print(server.base_url, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
