"""The build's scratch-file memo gives back exactly the bytes it was given, build after build,
shrinks when most of it is stale, leaves no file behind, falls back to memory when the disk
refuses, and keeps little in memory for each value it holds."""

from __future__ import annotations

import logging
import os
import tracemalloc
from pathlib import Path

import pytest

from aggregator import spill
from aggregator.errors import PublishError
from aggregator.spill import SpilledBytes


def value(key: str, build: int = 0) -> bytes:
    return f"<{key} of build {build}: {'é' * (len(key) * 7)}>".encode()


@pytest.fixture(autouse=True)
def small_buffer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Flush every few values and read a few at once, so that reads come from the buffer, the
    file, and across the edges of what was read."""
    monkeypatch.setattr(spill, "BUFFER", 64)
    monkeypatch.setattr(spill, "WINDOW", 100)


def test_values_come_back_from_this_build_and_the_last_one_only(tmp_path: Path) -> None:
    memo: SpilledBytes[str, int] = SpilledBytes(str(tmp_path))
    made: list[str] = []

    def get(key: str, build: int) -> bytes:
        def make() -> tuple[bytes, int]:
            made.append(key)
            return value(key, build), len(key)
        entry = memo.get(key, make)
        assert memo.extra(entry) == len(key)
        return memo.read(entry)

    memo.new_build()
    keys = [f"event-{n}" for n in range(40)]
    assert [get(k, 1) for k in keys] == [value(k, 1) for k in keys]
    assert [get(k, 1) for k in keys] == [value(k, 1) for k in keys]  # asked again: kept
    memo.new_build()
    assert [get(k, 2) for k in keys[:10]] == [value(k, 1) for k in keys[:10]]  # reused
    memo.new_build()
    assert get("event-20", 3) == value("event-20", 3)  # not asked last build: made again
    assert get("event-0", 3) == value("event-0", 1)
    assert made == keys + ["event-20"]
    memo.new_build(context="renamed sources")
    assert get("event-0", 4) == value("event-0", 4)
    assert os.listdir(tmp_path) == []  # the scratch file is never visible


def test_the_file_is_compacted_when_most_of_it_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spill, "MIN_COMPACT", 0)
    memo: SpilledBytes[str, None] = SpilledBytes(str(tmp_path))
    for build in range(6):  # each build keeps two events and renders 50 new ones
        memo.new_build()
        for key in ["kept-1", "kept-2", *(f"b{build}-{n}" for n in range(50))]:
            memo.get(key, lambda k=key, b=build: (value(k, b), None))  # type: ignore[misc]
    size = memo._size  # noqa: SLF001 (the file's size is the point of this test)
    assert size < 2 * 52 * len(value("b5-10", 5))  # not six builds' worth
    memo.new_build()
    assert memo.read(memo.get("kept-1", lambda: (b"unused", None))) == value("kept-1", 0)
    assert memo.read(memo.get("b5-49", lambda: (b"unused", None))) == value("b5-49", 5)


def test_an_unusable_directory_keeps_the_bytes_in_memory_and_says_where(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A full or missing TMPDIR must not fail a build: the memo warns once and keeps the
    rendered bytes in memory, as it did before it had a file."""
    missing = tmp_path / "gone"
    memo: SpilledBytes[str, None] = SpilledBytes(str(missing))
    memo.new_build()
    with caplog.at_level(logging.WARNING, logger="aggregator.build"):
        entries = {n: memo.get(f"event-{n}", lambda n=n: (value(f"event-{n}"), None))  # type: ignore[misc]
                   for n in range(20)}
    assert [memo.read(entry) for entry in entries.values()] == [
        value(f"event-{n}") for n in range(20)]
    [warning] = caplog.records
    assert f"scratch file in {missing}" in warning.getMessage()
    assert "TMPDIR" in warning.getMessage() and "in memory" in warning.getMessage()
    memo.new_build()
    assert memo.read(memo.get("event-3", lambda: (b"unused", None))) == value("event-3")


def test_a_file_that_cannot_give_back_its_bytes_fails_one_build_only(tmp_path: Path) -> None:
    """Bytes the file lost (a disk error; here, cut short behind the memo's back) fail that
    build with a clear error, and the next build renders everything again."""
    memo: SpilledBytes[str, None] = SpilledBytes(str(tmp_path))
    memo.new_build()
    for n in range(20):
        memo.get(f"event-{n}", lambda n=n: (value(f"event-{n}"), None))  # type: ignore[misc]
    memo.new_build()
    memo._file.truncate(10)  # type: ignore[union-attr]  # noqa: SLF001
    with pytest.raises(PublishError, match="cannot read back the build's scratch file.*build again"):
        memo.read(memo.get("event-0", lambda: (b"unused", None)))
    memo.new_build()
    assert memo.read(memo.get("event-0", lambda: (b"made again", None))) == b"made again"


def test_what_stays_in_memory_for_a_value_is_its_place(tmp_path: Path) -> None:
    """A daemon keeps the index of 310,000 rendered values between builds at N = 3,000: its
    dict slot and one number a value (85 bytes here), not a tuple of three (149: 37 MB of
    the daemon's memory then, issue 8). Values with an extra keep it beside their number."""
    memo = SpilledBytes[int, None](str(tmp_path))
    memo.new_build()
    keys, data = list(range(50_000)), b"x" * 200
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        handles = [memo.get(key, lambda: (data, None)) for key in keys]
        held = tracemalloc.get_traced_memory()[0] - before - len(memo._pending)
    finally:
        tracemalloc.stop()
    held -= len(handles) * 8  # this test's own list of handles
    assert held / len(keys) < 120
    assert memo.read(memo.get(49_999, lambda: (b"", None))) == data
    tagged = SpilledBytes[str, frozenset[str]](str(tmp_path))
    tagged.new_build()
    entry = tagged.get("a", lambda: (b"BEGIN:VEVENT", frozenset({"Europe/Paris"})))
    assert tagged.extra(entry) == {"Europe/Paris"} and tagged.read(entry) == b"BEGIN:VEVENT"
