"""A response body decoded from its Content-Encoding under the body cap.

httpx inflates each network chunk whole (issue 7: 64 KB of a gzip bomb were 64 MB, times 32
concurrent fetches), and whole again for every coding of a chain: 591 bytes of ``gzip, gzip``
were 557 MB in memory before any cap looked at them. Here every coding is undone by our own
inflater, in the reverse of the order it was applied, each layer handing the next at most
:data:`PIECE` bytes at a time and the last never more than the cap.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Sequence

from ..errors import FetchError

WBITS = {"gzip": 31, "x-gzip": 31, "deflate": 15}
"""The codings we ask for (Accept-Encoding) and read, by zlib's window-bits for them."""
UNREADABLE = frozenset({"br", "zstd", "compress", "x-compress", "pack200-gzip", "dcb", "dcz"})
"""Compressions we never ask for and cannot read: refused rather than parsed as garbage."""
MAX_LAYERS = 3
"""More codings than this in one chain is no server's honest answer, and a layer each."""
PIECE = 64 * 1024
"""What one layer hands the next at a time."""


def codings(url: str, listed: Sequence[str]) -> list[str]:
    """The codings to undo, in the order they were applied. ``identity`` is none; a label that
    is no coding at all ("utf-8", sent by some servers) is ignored, as browsers and httpx do."""
    chain = [value.strip().lower() for value in listed]
    for coding in chain:
        if coding in UNREADABLE:
            raise FetchError(url, f"the server compressed the feed with {coding!r}, which we do "
                                  "not read: it must send it plain, gzip or deflate")
    chain = [coding for coding in chain if coding in WBITS]
    if len(chain) > MAX_LAYERS:
        raise FetchError(url, f"Content-Encoding lists {len(chain)} compressions; "
                              f"we read at most {MAX_LAYERS}")
    return chain


class CappedBody:
    """Feed it the raw bytes as they come; :meth:`body` is what they decode to, never more
    than ``cap`` bytes held (a :class:`FetchError` as soon as the decoded body exceeds it)."""

    def __init__(self, url: str, cap: int, applied: Sequence[str]) -> None:
        self.url = url
        self.cap = cap
        self.layers = [_Layer(coding) for coding in reversed(applied)]
        self.chunks: list[bytes] = []
        self.size = 0

    def feed(self, raw: bytes) -> None:
        try:
            self._push(0, raw)
        except zlib.error as error:
            raise FetchError(self.url, f"cannot decode the body: {error}") from None

    def body(self) -> bytes:
        """The decoded body, once every raw byte was fed: what each layer still holds flushed."""
        try:
            for depth, layer in enumerate(self.layers):
                for piece in layer.finish():
                    self._push(depth + 1, piece)
        except zlib.error as error:
            raise FetchError(self.url, f"cannot decode the body: {error}") from None
        return b"".join(self.chunks)

    def _push(self, depth: int, data: bytes) -> None:
        if depth == len(self.layers):
            self.size += len(data)
            if self.size > self.cap:
                raise FetchError(self.url, f"body exceeds the {self.cap:,}-byte cap: the feed "
                                           "is too large; ask its publisher for a shorter one")
            self.chunks.append(data)
            return
        last = depth == len(self.layers) - 1
        room = (lambda: self.cap + 1 - self.size) if last else (lambda: PIECE)
        for piece in self.layers[depth].inflate(data, room):
            self._push(depth + 1, piece)


class _Layer:
    """One coding to undo. ``deflate`` is zlib-wrapped as HTTP says, or raw as some servers
    send it: its first two bytes tell, so they are waited for."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.inflater: zlib._Decompress | None = None
        self.head = b""

    def inflate(self, data: bytes, room: Callable[[], int]) -> Iterator[bytes]:
        """What ``data`` inflates to, in pieces of at most ``room()`` bytes (always ≥ 1: zlib
        reads 0 as no limit), asked again before each piece."""
        if self.inflater is None:
            self.head += data
            if len(self.head) < 2:
                return
            data, self.head = self.head, b""
            self.inflater = self._start(data)
        while data:
            out = self.inflater.decompress(data, room())
            data = self.inflater.unconsumed_tail
            if out:
                yield out

    def finish(self) -> Iterator[bytes]:
        if self.inflater is None and self.head:
            head, self.head = self.head, b""
            self.inflater = self._start(head)
            yield from self.inflate(head, lambda: PIECE)
        if self.inflater is not None:
            rest = self.inflater.flush()
            if rest:
                yield rest

    def _start(self, first: bytes) -> zlib._Decompress:
        if self.coding == "deflate" and not _zlib_header(first):
            return zlib.decompressobj(-15)  # raw deflate: no zlib header
        return zlib.decompressobj(WBITS[self.coding])


def _zlib_header(data: bytes) -> bool:
    """RFC 1950: compression method 8 and a header checksum that is a multiple of 31."""
    return len(data) >= 2 and data[0] & 0x0F == 8 and ((data[0] << 8) | data[1]) % 31 == 0
