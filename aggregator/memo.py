"""Results of pure per-record work kept from one build to the next in a long-lived process.

The daemon (and `demo`) refresh and build again and again, and between two builds most records
are unchanged: decoding, fingerprinting and serialising them again gives the same answer. A
:class:`Memo` remembers the answers of the previous build only (two generations): whatever a
build did not ask for is dropped at the next one, so memory stays bounded by one build's worth,
and a value is only ever reused for an equal key, so outputs are the same bytes as without it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MISSING = object()


class Memo(Generic[K, V]):
    """A two-generation cache: :meth:`new_build` starts a generation, :meth:`get` fills it."""

    __slots__ = ("_context", "_current", "_previous")

    def __init__(self) -> None:
        self._current: dict[K, V] = {}
        self._previous: dict[K, V] = {}
        self._context: object = None

    def new_build(self, context: object = None) -> None:
        """Keep what the last build used; forget everything when ``context`` (what the values
        depend on besides their key, e.g. the source names) differs from the last build's."""
        if context != self._context:
            self._current = {}
        self._previous, self._current, self._context = self._current, {}, context

    def get(self, key: K, make: Callable[[], V]) -> V:
        try:
            return self._current[key]
        except KeyError:
            pass
        found = self._previous.pop(key, _MISSING)
        value: V = make() if found is _MISSING else found  # type: ignore[assignment]
        self._current[key] = value
        return value

    def __len__(self) -> int:
        return len(self._current)
