"""The build's garbage-collector thresholds are its own, and a refresh's forked parse workers
share their parent's heap: the process gets its collector back after either; the memory a
build or a refresh freed goes back to the system."""

from __future__ import annotations

import gc
import os
import threading
from pathlib import Path
from typing import Any

from sites import one_event_feeds

from aggregator.gcpause import (BUILD_THRESHOLDS, fewer_collections, frozen_heap,
                                release_free_memory)
from aggregator.intake import PARALLEL_PARSE_MIN


def test_thresholds_are_raised_inside_and_restored_after_even_on_error() -> None:
    before = gc.get_threshold()
    try:
        with fewer_collections():
            assert gc.get_threshold() == BUILD_THRESHOLDS
            raise RuntimeError("a build failing midway")
    except RuntimeError:
        pass
    assert gc.get_threshold() == before


def test_overlapping_builds_restore_only_when_the_last_one_ends() -> None:
    before = gc.get_threshold()
    first_inside, release = threading.Event(), threading.Event()

    def long_build() -> None:
        with fewer_collections():
            first_inside.set()
            release.wait(10)

    worker = threading.Thread(target=long_build)
    worker.start()
    first_inside.wait(10)
    with fewer_collections():
        pass
    assert gc.get_threshold() == BUILD_THRESHOLDS  # the other build is still running
    release.set()
    worker.join(10)
    assert gc.get_threshold() == before


def test_the_heap_is_frozen_inside_and_thawed_after_even_on_error() -> None:
    frozen_before = gc.get_freeze_count()
    alive = [[n] for n in range(10)]  # lists: objects the collector tracks
    try:
        with frozen_heap():
            assert gc.get_freeze_count() >= frozen_before + len(alive)  # out of its reach
            with frozen_heap():  # nested: the inner end does not thaw the outer
                pass
            assert gc.get_freeze_count() >= frozen_before + len(alive)
            raise RuntimeError("a refresh failing midway")
    except RuntimeError:
        pass
    assert gc.get_freeze_count() == 0


def test_a_pooled_refresh_forks_its_workers_from_a_frozen_heap(
    feed_server: Any, tmp_path: Path
) -> None:
    """The parse pool's workers are forked while the refresh runs: the heap must be frozen
    then (else each worker copies the parent's pages), and thawed once the refresh ends."""
    aggregator = one_event_feeds(feed_server, tmp_path, PARALLEL_PARSE_MIN)
    seen: list[int] = []

    outcomes = aggregator.refresh(progress=lambda step, done, total: seen.append(
        gc.get_freeze_count()))

    assert [o.result for o in outcomes] == ["updated"] * PARALLEL_PARSE_MIN
    assert seen and min(seen) > 0
    assert gc.get_freeze_count() == 0


def resident_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def test_memory_freed_between_live_objects_goes_back_to_the_system() -> None:
    """As after a refresh (bodies freed, the stored records' strings kept here and there):
    100 MB of 2 KB objects of which one in ten stays alive. Freed, they stay the process's
    (glibc keeps the holes); released, the system gets them back."""
    objects = [bytes(2000) + index.to_bytes(4, "big") for index in range(50_000)]
    kept = objects[::10]
    held = resident_mb()
    del objects
    assert resident_mb() > held - 30  # freed, but still the process's
    release_free_memory()
    assert resident_mb() < held - 50
    assert len(kept) == 5_000
