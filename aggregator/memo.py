"""Results of pure per-record work kept from one build to the next in a long-lived process.

The daemon (and `demo`) refresh and build again and again, and between two builds most records
are unchanged: decoding, fingerprinting and serialising them again gives the same answer. A
:class:`Memo` remembers the answers of the previous build only (two generations): whatever a
build did not ask for is dropped at the next one, so memory stays bounded by one build's worth,
and a value is only ever reused for an equal key, so outputs are the same bytes as without it.

:func:`shared` is the same idea for small immutable values that thousands of records repeat.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Hashable, Iterator
from typing import Any, Generic, Protocol, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
H = TypeVar("H", bound=Hashable)
_MISSING = object()


class _Keeping(threading.local):
    """Whether memos keep what this thread computes for the next build, and which memos it
    may read from meanwhile: see :func:`not_kept`."""

    on = True

    def __init__(self) -> None:
        self.readable: set[int] = set()


_KEEPING = _Keeping()


@contextlib.contextmanager
def not_kept() -> Iterator[None]:
    """Work no later build in this process will profit from: inside, in this thread only,
    memos compute every value, keep none and start no generation (what they hold stays as
    the last build left it).

    `aggregator build` run by cron exits after building: what memos keep for a daemon's next
    build is a quarter of a build's peak memory (issue 8: 330 → 250 MB at N = 1,000), and the
    outputs are the same bytes without it. The operator's "why were these merged" page (and
    merge, split) cluster every record in a web server thread: in `aggregator serve`, where
    no build comes, what they kept stayed for good (a build's worth, 100 MB at N = 1,000); in
    the daemon, their generations, started between two builds or during one, dropped what
    the last build kept for the next.

    They still read what the last build kept, where it was made in the same context (a
    memo's :meth:`Memo.new_build` inside compares it): in the daemon, the operator's page
    then decodes, profiles and pairs only what changed since the last build."""
    before, _KEEPING.on = _KEEPING.on, False
    _KEEPING.readable.clear()
    try:
        yield
    finally:
        _KEEPING.on = before


@functools.lru_cache(maxsize=4096)
def _first_seen(value: Hashable) -> Hashable:
    return value


def shared(value: H) -> H:
    """One object for every equal ``value`` (the first seen), as ``sys.intern`` does for
    strings: 40,000 calendar blocks held 40,000 copies of the same one or two sets of TZIDs,
    and 40,000 dedup profiles as many sets of cities (16 MB of a build at N = 1,000, issue 8).
    For small immutable values with few distinct ones; equal values of different types (1 and
    1.0) are one entry, so give it one type per use."""
    return _first_seen(value)  # type: ignore[return-value]


class Memo(Generic[K, V]):
    """A two-generation cache: :meth:`new_build` starts a generation, :meth:`get` fills it."""

    __slots__ = ("_context", "_current", "_previous")

    def __init__(self) -> None:
        self._current: dict[K, V] = {}
        self._previous: dict[K, V] = {}
        self._context: object = None

    def new_build(self, context: object = None) -> None:
        """Keep what the last build used; forget everything when ``context`` (what the values
        depend on besides their key, e.g. the source names) differs from the last build's.
        Inside :func:`not_kept`, only notes whether ``context`` is the last build's, that is
        whether this thread may read what it kept."""
        if not _KEEPING.on:
            if context == self._context:
                _KEEPING.readable.add(id(self))
            else:
                _KEEPING.readable.discard(id(self))
            return
        if context != self._context:
            self._current = {}
        self._previous, self._current, self._context = self._current, {}, context

    def get(self, key: K, make: Callable[[], V]) -> V:
        if not _KEEPING.on:
            return self._kept(key, make)
        # No KeyError raised and caught on a miss, and no look in an empty last generation:
        # a first build misses every key, 90,000 of them at N = 300 (issue 8)
        found = self._current.get(key, _MISSING)
        if found is _MISSING:
            found = self._previous.pop(key, _MISSING) if self._previous else _MISSING
            if found is _MISSING:
                found = make()
            self._current[key] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def settle(self) -> None:
        """This build asks for nothing more: what it did not ask for of the last build's
        generation goes now instead of at the next :meth:`new_build`, with that generation's
        table, which the hits popped empty but Python does not shrink (a daemon's rebuild
        held both generations of every memo through its peak, issue 8). Nothing inside
        :func:`not_kept`, which starts no generation."""
        if _KEEPING.on:
            self._previous = {}

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` for ``key`` in this generation, instead of what it held."""
        if _KEEPING.on:
            self._current[key] = value

    def _kept(self, key: K, make: Callable[[], V]) -> V:
        """What the last build kept for ``key`` if this thread may read it, else ``make()``;
        nothing is stored. Reads only (a build may be filling the generations meanwhile)."""
        if id(self) in _KEEPING.readable:
            found = self._current.get(key, _MISSING)
            if found is _MISSING:
                found = self._previous.get(key, _MISSING)
            if found is not _MISSING:
                return found  # type: ignore[return-value]
        return make()

    def __contains__(self, key: object) -> bool:
        """Whether :meth:`get` would give ``key``'s value without computing it (in this
        thread: see :func:`not_kept`)."""
        if not _KEEPING.on and id(self) not in _KEEPING.readable:
            return False
        return key in self._current or key in self._previous

    def made(self) -> tuple[object, dict[K, V]]:
        """This build's generation, its context and entries, for the memo of the process this
        one was forked from to :meth:`adopt` (a build's work done aside: aggregator/aside.py).
        Nothing inside :func:`not_kept`, where no generation starts."""
        return (self._context, self._current) if _KEEPING.on else (None, {})

    def adopt(self, generation: tuple[object, dict[K, V]]) -> None:
        """Hold ``generation`` (:meth:`made` of this memo in a forked child that did this
        build's work) as this build's, as if this process had done the work; what the last
        build left unused goes now instead of at the next build."""
        if _KEEPING.on:
            self._context, self._current, self._previous = generation[0], generation[1], {}

    def clear(self) -> None:
        """Forget both generations (the next build computes everything)."""
        self._current, self._previous, self._context = {}, {}, None

    def __len__(self) -> int:
        return len(self._current)


X = TypeVar("X")
K_contra = TypeVar("K_contra", bound=Hashable, contravariant=True)


class BytesMemo(Protocol[K_contra, X]):
    """A two-generation memo (as :class:`Memo`) of rendered bytes, each with a small ``extra``
    kept at hand. :meth:`get` gives a handle, :meth:`read` its bytes: where the bytes live is
    the memo's business (in memory here; `aggregator.spill` keeps them in a scratch file, so
    that a daemon does not hold every rendered event between two builds)."""

    def new_build(self, context: object = None) -> None: ...
    def get(self, key: K_contra, make: Callable[[], tuple[bytes, X]]) -> Any: ...
    def read(self, handle: Any) -> bytes: ...
    def extra(self, handle: Any) -> X: ...
    def __contains__(self, key: object) -> bool: ...
    def settle(self) -> None: ...
    def close(self) -> None: ...


class BytesInMemory(Generic[K, X]):
    """:class:`BytesMemo` in memory: a :class:`Memo` of (bytes, extra) pairs."""

    __slots__ = ("_memo",)

    def __init__(self) -> None:
        self._memo: Memo[K, tuple[bytes, X]] = Memo()

    def new_build(self, context: object = None) -> None:
        self._memo.new_build(context)

    def get(self, key: K, make: Callable[[], tuple[bytes, X]]) -> tuple[bytes, X]:
        return self._memo.get(key, make)

    def read(self, handle: tuple[bytes, X]) -> bytes:
        return handle[0]

    def extra(self, handle: tuple[bytes, X]) -> X:
        return handle[1]

    def __contains__(self, key: object) -> bool:
        return key in self._memo

    def settle(self) -> None:
        """See :meth:`Memo.settle`."""
        self._memo.settle()

    def close(self) -> None:
        """Forget everything (the next build renders everything)."""
        self._memo.clear()

    def __len__(self) -> int:
        return len(self._memo)
