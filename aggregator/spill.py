"""A memo of rendered bytes kept in a scratch file: what a daemon's next build reuses, on disk.

A long-lived process renders each event's VEVENT and its events.json record once and reuses
them while the event does not change (see aggregator/memo.py). Held in memory, those bytes are
the whole calendar and the whole of events.json and news.json, kept between builds: 58 of a
daemon's 406 MB at N = 1,000 sources (issue 8). :class:`SpilledBytes` keeps them in an
unlinked temporary file instead (the page cache holds what is read often; the kernel may
drop it) and only their place in memory, with a small ``extra`` each (an event's TZIDs).

The file only grows while builds reuse most of it; when less than half of it is still in use,
the next build copies what is left into a new file and drops the old one. Writes go through a
buffer, so spilling 40,000 records is a few dozen system calls. When the file cannot be made or
written (no space left in ``TMPDIR``, a read-only one), the memo logs it once and keeps the
bytes in that buffer, in memory, as before: a full temporary directory never fails a build.
"""

from __future__ import annotations

import logging
import os
import tempfile
import weakref
from collections.abc import Callable, Hashable
from typing import IO, Generic, TypeVar

from .errors import PublishError

log = logging.getLogger("aggregator.build")
K = TypeVar("K", bound=Hashable)
X = TypeVar("X")
Entry = int | tuple[int, X]
"""Where a value lies in the file, as one number (:func:`_place`), with its extra when it has
one. A tuple of three (offset, length, extra), 120 bytes an entry, was 37 MB of a daemon
holding the 310,000 entries of N = 3,000 sources between builds (issue 8); an entry without
extra (events.json's and news.json's records) is now its number alone, 36 bytes."""
LENGTH_BITS = 32
"""A value is shorter than 4 GiB (a feed's body is capped far below)."""

BUFFER = 1 << 20
"""Bytes gathered before one write to the file."""
WINDOW = 1 << 18
"""Bytes read at once: a build asks for values mostly in the order it wrote them, so one
read serves hundreds of them (a read each cost a rebuild at N = 3,000 half a second)."""
MIN_COMPACT = 1 << 20
"""Below this size a file is never compacted: copying it would cost more than it frees."""


class SpilledBytes(Generic[K, X]):
    """A two-generation memo (see memo.Memo) whose values are bytes in a scratch file.

    ``directory``: where the scratch file goes (default: the system's temporary directory,
    ``TMPDIR``). The file is unlinked as soon as it is made: nothing is left behind, even
    when the process is killed.
    """

    def __init__(self, directory: str | None = None) -> None:
        self._directory = directory
        self._file: IO[bytes] | None = None
        self._flushed = 0
        self._pending = bytearray()
        self._current: dict[K, Entry[X]] = {}
        self._previous: dict[K, Entry[X]] = {}
        self._context: object = None
        self._window, self._window_at = b"", 0
        self._in_memory = False
        """The file could not be written: everything stays in the buffer."""
        self._closing: weakref.finalize[[], SpilledBytes[K, X]] | None = None
        """Closes the file when nobody closed the memo: one at a time (one per file made,
        each holding its file, grew by one at every compaction of a daemon's build)."""

    # --- the BytesMemo protocol (aggregator/memo.py) --------------------------------------

    def new_build(self, context: object = None) -> None:
        """Keep what the last build used; forget everything when ``context`` differs."""
        if context != self._context:
            self._current = {}
        self._previous, self._current, self._context = self._current, {}, context
        if self._size > MIN_COMPACT and 2 * _live(self._previous) < self._size:
            self._compact()

    def get(self, key: K, make: Callable[[], tuple[bytes, X]]) -> Entry[X]:
        """The entry of ``key``: this build's, the last build's, or ``make()``'s, written."""
        entry = self._current.get(key)
        if entry is not None:
            return entry
        entry = self._previous.pop(key, None) if self._previous else None
        if entry is None:
            data, extra = make()
            place = _place(self._append(data), len(data))
            entry = place if extra is None else (place, extra)
        self._current[key] = entry
        return entry

    def read(self, entry: Entry[X]) -> bytes:
        offset, length = _offset_length(entry)
        start = offset - self._window_at  # most reads: in the last part read from the file
        if 0 <= start and start + length <= len(self._window):
            return self._window[start:start + length]
        return self._read(offset, length)

    def extra(self, entry: Entry[X]) -> X:
        return None if isinstance(entry, int) else entry[1]  # type: ignore[return-value]

    def __contains__(self, key: object) -> bool:
        return key in self._current or key in self._previous

    def __len__(self) -> int:
        return len(self._current)

    def settle(self) -> None:
        """This build reads no more: the last build's entries it did not ask for go now, with
        their table (see memo.Memo.settle); their bytes stay in the file until a compaction."""
        self._previous = {}

    def close(self) -> None:
        """Drop the file and everything remembered (the next build renders everything)."""
        if self._file is not None:
            self._file.close()
        self._file, self._flushed, self._pending = None, 0, bytearray()
        self._current, self._previous = {}, {}
        self._window, self._window_at = b"", 0
        self._in_memory = False

    # --- the file --------------------------------------------------------------------------

    @property
    def _where(self) -> str:
        return self._directory or tempfile.gettempdir()

    @property
    def _size(self) -> int:
        return self._flushed + len(self._pending)

    def _append(self, data: bytes) -> int:
        offset = self._size
        self._pending += data
        if len(self._pending) >= BUFFER and not self._in_memory:
            self._flush()
        return offset

    def _flush(self) -> None:
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile(dir=self._directory, prefix="aggregator-")
                if self._closing is not None:
                    self._closing.detach()
                self._closing = weakref.finalize(self, self._file.close)
            self._file.seek(self._flushed)
            self._file.write(self._pending)
            self._file.flush()
        except OSError as error:
            self._in_memory = True
            log.warning("cannot write the build's scratch file in %s: %s; keeping the rendered "
                        "output in memory instead (free some disk space there or point TMPDIR "
                        "elsewhere)", self._where, error.strerror or error)
            return
        self._flushed += len(self._pending)
        self._pending = bytearray()

    def _read(self, offset: int, length: int) -> bytes:
        if offset >= self._flushed:  # still in the buffer (a value is never split)
            start = offset - self._flushed
            with memoryview(self._pending) as pending:
                return pending[start:start + length].tobytes()
        start = offset - self._window_at
        if start < 0 or start + length > len(self._window):
            self._window, self._window_at, start = self._pread(offset, length), offset, 0
        return self._window[start:start + length]

    def _pread(self, offset: int, length: int) -> bytes:
        """At least ``length`` bytes from ``offset``. A file that cannot give them back is
        dropped with everything remembered, so the next build renders everything again
        instead of failing the same way: only this build fails."""
        assert self._file is not None
        try:
            data = os.pread(self._file.fileno(), max(WINDOW, length), offset)
            if len(data) < length:
                raise OSError(f"{length - len(data)} bytes missing at offset {offset}")
        except OSError as error:
            self.close()
            raise PublishError(
                f"cannot read back the build's scratch file in {self._where}: "
                f"{error.strerror or error}; build again (the next build renders every event "
                "again)") from None
        return data

    def _compact(self) -> None:
        """Copy the entries still in use (the last build's) into a new file, one at a time."""
        old = SpilledBytes[K, X](self._directory)
        old._file, old._flushed, old._pending = self._file, self._flushed, self._pending
        old._window, old._window_at = self._window, self._window_at
        self._file, self._flushed, self._pending = None, 0, bytearray()
        self._window, self._window_at = b"", 0
        self._previous = {key: self._moved(entry, old) for key, entry in self._previous.items()}
        old.close()

    def _moved(self, entry: Entry[X], old: SpilledBytes[K, X]) -> Entry[X]:
        """``entry`` of ``old``'s file, its bytes appended to this one's."""
        offset, length = _offset_length(entry)
        place = _place(self._append(old._read(offset, length)), length)
        return place if isinstance(entry, int) else (place, entry[1])


def _place(offset: int, length: int) -> int:
    if length >> LENGTH_BITS:
        raise PublishError(f"a rendered value of {length:,} bytes is too long to keep")
    return offset << LENGTH_BITS | length


def _offset_length(entry: Entry[X]) -> tuple[int, int]:
    place = entry if isinstance(entry, int) else entry[0]
    return place >> LENGTH_BITS, place & ((1 << LENGTH_BITS) - 1)


def _live(entries: dict[K, Entry[X]]) -> int:
    return sum(_offset_length(entry)[1] for entry in entries.values())
