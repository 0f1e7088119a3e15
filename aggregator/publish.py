"""Write output files atomically: a reader (web server, calendar client) never sees half a file.

Each file is written to a temporary file in the same directory, flushed to disk, then moved over
the old one with ``os.replace`` (atomic on POSIX). If anything fails, the previous file stays.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import PublishError

MANAGED_DIRS = ("calendars",)
"""Folders whose files all come from a build: files a build no longer produces are removed."""


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step.

    Raises:
        PublishError: the directory is not writable or the disk is full.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise PublishError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except OSError as error:
        Path(temp_name).unlink(missing_ok=True)
        raise PublishError(f"cannot write {path}: {error.strerror or error}") from None


def write_outputs(output_dir: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write every file (relative path → bytes) under ``output_dir``; return their paths.

    Files are written one by one, each atomically; stale generated files in managed folders
    (a city calendar nobody produces any more) are removed last.
    """
    written = []
    for relative, data in sorted(files.items()):
        target = output_dir / relative
        if not target.resolve().is_relative_to(output_dir.resolve()):
            raise PublishError(f"refusing to write outside the output directory: {relative}")
        write_atomic(target, data)
        written.append(target)
    _remove_stale(output_dir, set(files))
    return written


def _remove_stale(output_dir: Path, keep: set[str]) -> None:
    for folder in MANAGED_DIRS:
        directory = output_dir / folder
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            if path.is_file() and f"{folder}/{path.name}" not in keep:
                path.unlink(missing_ok=True)
