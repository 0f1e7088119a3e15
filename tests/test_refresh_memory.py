"""A refresh lets go of each feed's parsed records once they are stored: a cold refresh of
6,000 feeds must not hold all 195,000 records until its last feed is parsed (issue 8)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from sites import one_event_feeds

from aggregator.core import STORE_BATCH
from aggregator.models import ParsedFeed

FEEDS = 2 * STORE_BATCH + 10


def live_parsed_feeds() -> int:
    return sum(isinstance(o, ParsedFeed) for o in gc.get_objects())


def test_parsed_records_are_released_batch_by_batch(feed_server: Any, tmp_path: Path) -> None:
    aggregator = one_event_feeds(feed_server, tmp_path, FEEDS)
    alive_when_stored: list[tuple[int, int]] = []  # (feeds stored, parsed feeds alive)

    def progress(step: str, done: int, total: int) -> None:
        if step == "storing":
            alive_when_stored.append((done, live_parsed_feeds()))

    outcomes = aggregator.refresh(progress=progress)

    assert [o.result for o in outcomes] == ["updated"] * FEEDS
    assert [done for done, _ in alive_when_stored] == [50, 100, 110]
    # Alive: the parses not stored yet (the pool may have finished them), and the one in hand.
    assert all(alive <= FEEDS - done + 1 for done, alive in alive_when_stored), alive_when_stored
    assert aggregator.build().events == FEEDS  # every batch was stored
