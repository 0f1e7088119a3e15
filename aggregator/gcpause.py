"""The garbage collector tuned for our two heavy moments: a build, and a refresh's forked pool.

Fewer garbage-collector passes while a build allocates its hundreds of thousands of objects.

CPython starts a young-generation collection every 700 allocations of container objects, and
each older-generation pass walks every record, merged event and publication entry the build
holds. A build allocates in the millions and frees almost nothing until it ends, so most of
those passes find nothing: at 12,000 events they were 8 to 11 % of the build (issue 8,
bench/profile.py), and 40 % of merge_events on 100,000 records (bench/dedup_score.py, which
times it alone: 4.7 s with these thresholds, as with the collector off). Collections still
run, only less often; the usual thresholds come back when the last user in the process ends.

A frozen heap while a refresh's parse workers live (:func:`frozen_heap`): see there.
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
_frozen = 0


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


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Every object alive now moved out of the collector's reach (``gc.freeze``) for the block,
    so that processes forked inside it keep sharing their parent's pages.

    A forked parse worker's collections walked every object it inherited, writing to each, so
    the kernel copied every page of the parent's heap into every worker: at N = 3,000 the two
    workers held 150 MB each, and the refresh 631 MB in all, counted as PSS; 470 MB with the
    heap frozen (bench/pipeline.py, issue 8; the Python documentation of ``gc.freeze``
    recommends it before a fork). Objects made inside the block are collected as usual; the
    frozen ones come back when the last user in the process ends."""
    global _frozen
    with _lock:
        if _frozen == 0:
            gc.freeze()
        _frozen += 1
    try:
        yield
    finally:
        with _lock:
            _frozen -= 1
            if _frozen == 0:
                gc.unfreeze()
