"""The build's garbage-collector thresholds are its own: the process gets its own back."""

from __future__ import annotations

import gc
import threading

from aggregator.gcpause import BUILD_THRESHOLDS, fewer_collections


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
