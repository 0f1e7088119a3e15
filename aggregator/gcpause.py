"""Fewer garbage-collector passes while a build allocates its hundreds of thousands of objects.

CPython starts a young-generation collection every 700 allocations of container objects, and
each older-generation pass walks every record, merged event and publication entry the build
holds. A build allocates in the millions and frees almost nothing until it ends, so most of
those passes find nothing: at 12,000 events they were 8 to 11 % of the build (issue 8,
bench/profile.py), and 40 % of merge_events on 100,000 records (bench/dedup_score.py, which
times it alone: 4.7 s with these thresholds, as with the collector off). Collections still
run, only less often; the usual thresholds come back when the last user in the process ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BUILD_THRESHOLDS = (50_000, 50, 100)
_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with :data:`BUILD_THRESHOLDS`; nested or concurrent uses share them."""
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(*BUILD_THRESHOLDS)
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.set_threshold(*_saved)
