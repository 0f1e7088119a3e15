"""The garbage collector tuned for our two heavy moments: a build, and a refresh's forked pool.

Fewer garbage-collector passes while a build allocates its hundreds of thousands of objects.

CPython starts a young-generation collection every 700 allocations of container objects, and
each older-generation pass walks every record, merged event and publication entry the build
holds. A build allocates in the millions and frees almost nothing until it ends, so most of
those passes find nothing: at 12,000 events they were 8 to 11 % of the build (issue 8,
bench/profile.py), and 40 % of merge_events on 100,000 records (bench/dedup_score.py, which
times it alone: 4.7 s with these thresholds, as with the collector off). Collections still
run, only less often; the usual thresholds come back when the last user in the process ends.

A frozen heap while a refresh's parse workers live (:func:`frozen_heap`), and the C
allocator's free pages handed back after a build or a refresh (:func:`release_free_memory`):
see there.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ContextManager

BUILD_THRESHOLDS = (50_000, 50, 100)


class _ProcessWide:
    """A setting of the whole process held while any user needs it: ``enter`` runs when the
    first user comes in, ``leave`` when the last goes out (builds and refreshes may overlap in
    the daemon's threads, and one user's end must not undo another's setting)."""

    def __init__(self, enter: Callable[[], None], leave: Callable[[], None]) -> None:
        self._enter, self._leave, self._users = enter, leave, 0
        self._lock = threading.Lock()

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._users == 0:
                self._enter()
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    self._leave()


_saved: tuple[int, int, int] = gc.get_threshold()


def _raise_thresholds() -> None:
    global _saved
    _saved = gc.get_threshold()
    gc.set_threshold(*BUILD_THRESHOLDS)


_FEWER = _ProcessWide(_raise_thresholds, lambda: gc.set_threshold(*_saved))
_FROZEN = _ProcessWide(gc.freeze, gc.unfreeze)


def fewer_collections() -> ContextManager[None]:
    """Run the block with :data:`BUILD_THRESHOLDS`; nested or concurrent uses share them."""
    return _FEWER.held()


def frozen_heap() -> ContextManager[None]:
    """Every object alive now moved out of the collector's reach (``gc.freeze``) for the block,
    so that processes forked inside it keep sharing their parent's pages.

    A forked parse worker's collections walked every object it inherited, writing to each, so
    the kernel copied every page of the parent's heap into every worker: at N = 3,000 the two
    workers held 150 MB each, and the refresh 631 MB in all, counted as PSS; 470 MB with the
    heap frozen (bench/pipeline.py, issue 8; the Python documentation of ``gc.freeze``
    recommends it before a fork). Objects made inside the block are collected as usual; the
    frozen ones come back when the last user in the process ends."""
    return _FROZEN.held()


def release_free_memory() -> None:
    """Hand the pages the C allocator holds free back to the system (glibc's ``malloc_trim``);
    nothing where the C library has no such call.

    A refresh frees the bodies it downloaded and a build the working set of its merge and its
    rendering, but glibc keeps most of that memory for the process, in holes between what is
    still alive (records a memo keeps for the next build), where the next build's Python
    objects, allocated elsewhere, never go: a daemon held 240 MB after a cold refresh of
    N = 3,000 sources that needed 160, and each rebuild's peak rose by what the last one left
    (933, then 990 MB). Called once after a build, a refresh or a daemon's tick (a 600 MB
    heap takes 70 ms), never inside a refresh's rounds."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Any:
    """The C library's ``malloc_trim``, looked up among the symbols the interpreter already
    has (no ``find_library``, which runs ``ldconfig`` in a subprocess)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
        return None
