"""Outputs are replaced atomically: a failed write leaves the previous file intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.errors import PublishError
from aggregator.publish import write_atomic, write_outputs


def test_write_outputs_creates_folders_and_removes_stale_calendars(tmp_path: Path) -> None:
    write_outputs(tmp_path, {"calendar.ics": b"A", "calendars/metz.ics": b"M", "calendars/nancy.ics": b"N"},
                  whole_generation=True)
    write_outputs(tmp_path, {"calendar.ics": b"B", "calendars/metz.ics": b"M2"}, whole_generation=True)
    assert (tmp_path / "calendar.ics").read_bytes() == b"B"
    assert (tmp_path / "calendars/metz.ics").read_bytes() == b"M2"
    assert not (tmp_path / "calendars/nancy.ics").exists()
    assert not list(tmp_path.rglob("*.tmp"))


def test_files_written_beside_a_build_leave_its_calendars(tmp_path: Path) -> None:
    """The digest's archive copy is written beside the build's files: it removed every
    filtered calendar (calendars/metz.ics answered 404 until the next build)."""
    write_outputs(tmp_path, {"calendar.ics": b"A", "calendars/metz.ics": b"M"}, whole_generation=True)
    write_outputs(tmp_path, {"digest/2026-W50.html": b"D"})
    assert (tmp_path / "calendars/metz.ics").read_bytes() == b"M"


def test_failed_write_keeps_the_previous_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "calendar.ics"
    target.write_bytes(b"previous")
    blocker = tmp_path / "events.json"
    blocker.mkdir()  # os.replace cannot put a file over a directory
    (blocker / "keep").write_text("x")
    with pytest.raises(PublishError, match="cannot write"):
        write_outputs(tmp_path, {"events.json": b"new", "calendar.ics": b"new"})
    assert target.read_bytes() in (b"previous", b"new")
    assert blocker.is_dir()
    assert not list(tmp_path.glob(".*.tmp"))


def test_streamed_outputs_are_written_piece_by_piece(tmp_path: Path) -> None:
    files = iter([("calendar.ics", [b"BEGIN", b":", b"VCALENDAR"]), ("events.json", b"{}")])
    written = write_outputs(tmp_path, files)
    assert written == [tmp_path / "calendar.ics", tmp_path / "events.json"]
    assert (tmp_path / "calendar.ics").read_bytes() == b"BEGIN:VCALENDAR"


def test_a_render_error_midway_keeps_every_previous_file(tmp_path: Path) -> None:
    """The build renders while it writes: an error on the third file must not publish the
    first two (the previous generation stays whole) nor leave temporary files."""
    write_outputs(tmp_path, {"a.ics": b"old a", "b.json": b"old b", "c.html": b"old c"})

    def outputs():
        yield "a.ics", b"new a"
        yield "b.json", [b"new ", b"b"]
        raise ValueError("unknown time zone")

    with pytest.raises(ValueError, match="unknown time zone"):
        write_outputs(tmp_path, outputs())
    assert [(tmp_path / name).read_bytes() for name in ("a.ics", "b.json", "c.html")] == [
        b"old a", b"old b", b"old c"]
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_render_error_inside_a_file_keeps_it_and_leaves_no_temporary(tmp_path: Path) -> None:
    """Big files are rendered piece by piece while they are written: an error halfway
    through one leaves the previous file and no half-written temporary beside it."""
    write_outputs(tmp_path, {"events.json": b"old"})

    def pieces():
        yield b'{"events": ['
        raise ValueError("unknown time zone")

    with pytest.raises(ValueError, match="unknown time zone"):
        write_outputs(tmp_path, iter([("events.json", pieces())]))
    assert (tmp_path / "events.json").read_bytes() == b"old"
    assert not list(tmp_path.glob(".*.tmp"))


def test_write_atomic_never_exposes_a_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "big.ics"
    target.write_bytes(b"old")
    write_atomic(target, b"x" * 5_000_000)
    assert target.stat().st_size == 5_000_000


def test_paths_outside_the_output_directory_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="outside the output directory"):
        write_outputs(tmp_path / "out", {"../escape.ics": b"x"})
