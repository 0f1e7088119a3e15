"""Write output files atomically: a reader (web server, calendar client) never sees half a file.

Each file is written to a temporary file in the same directory, flushed to disk, then moved over
the old one with ``os.replace`` (atomic on POSIX). If anything fails, the previous file stays.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from .errors import PublishError

STALE_TEMP_SECONDS = 3600
"""A temporary file this old belongs to no running build: one killed mid-publish left it."""
Content = bytes | Iterable[bytes]
"""One file's bytes, or pieces written one after the other as they come (never joined)."""
MANAGED_DIRS = ("calendars",)
"""Folders whose files all come from a build: files a build no longer produces are removed."""


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step.

    Raises:
        PublishError: the directory is not writable or the disk is full.
    """
    temp_name = _stage(path, data)
    _commit([(temp_name, path)])


def _stage(path: Path, data: Content) -> str:
    """Write ``data`` (bytes, or pieces in order) to a synced temporary file beside ``path``;
    return its name.

    Raises:
        PublishError: the directory is not writable or the disk is full (nothing is left behind,
            as when making the pieces raises).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise PublishError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise PublishError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:  # pieces are rendered as they are written: a render error
        Path(temp_name).unlink(missing_ok=True)
        raise
    return temp_name


def _commit(staged: list[tuple[str, Path]]) -> None:
    """Move every staged file over its target; on a failure, drop the temporaries left."""
    for done, (temp_name, path) in enumerate(staged):
        try:
            os.replace(temp_name, path)
        except OSError as error:
            for left, _ in staged[done:]:
                Path(left).unlink(missing_ok=True)
            raise PublishError(f"cannot write {path}: {error.strerror or error}") from None


def write_outputs(
    output_dir: Path, files: Mapping[str, bytes] | Iterable[tuple[str, Content]], *,
    whole_generation: bool = False,
) -> list[Path]:
    """Write every file (relative path → bytes, or pieces) under ``output_dir``; return their paths.

    Two phases (issue 7): every file is first written in full to a temporary file beside its
    target, and only when all are on disk are they moved over the old ones. A full disk or a
    write error therefore leaves the whole previous generation in place, not half of it. When
    the files are a build's ``whole_generation``, stale generated files in managed folders (a
    city calendar nobody produces any more) go last; other writers (the digest's archive copy)
    leave them: `digest preview` removed every filtered calendar until the next build.
    ``files`` may be an iterator (``render.iter_outputs``): each file is staged as it comes, so
    only one is in memory at a time; an error while producing them also leaves the old ones.
    """
    pairs = files.items() if isinstance(files, Mapping) else files
    staged: dict[str, tuple[str, Path]] = {}
    try:
        for relative, content in pairs:
            target = output_dir / relative
            if not target.resolve().is_relative_to(output_dir.resolve()):
                raise PublishError(f"refusing to write outside the output directory: {relative}")
            if relative in staged:
                raise PublishError(f"two outputs named {relative}")
            staged[relative] = (_stage(target, content), target)
    except BaseException:
        for temp_name, _ in staged.values():
            Path(temp_name).unlink(missing_ok=True)
        raise
    _commit([staged[relative] for relative in sorted(staged)])
    if whole_generation:
        _remove_stale(output_dir, set(staged))
    _remove_stale_temps(output_dir, time.time() - STALE_TEMP_SECONDS)
    return [staged[relative][1] for relative in sorted(staged)]


def _remove_stale(output_dir: Path, keep: set[str]) -> None:
    for folder in MANAGED_DIRS:
        directory = output_dir / folder
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            if path.is_file() and f"{folder}/{path.name}" not in keep:
                path.unlink(missing_ok=True)


def _remove_stale_temps(output_dir: Path, before: float) -> None:
    """Delete ``.name.XXXX.tmp`` files a killed build left (issue 7); a running build's are new."""
    for path in output_dir.rglob(".*.tmp"):
        try:
            if path.is_file() and path.stat().st_mtime < before:
                path.unlink()
        except OSError:
            continue
