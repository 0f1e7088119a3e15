"""Write output files atomically: a reader (web server, calendar client) never sees half a file.

Each file is written to a temporary file in the same directory, flushed to disk, then moved over
the old one with ``os.replace`` (atomic on POSIX). If anything fails, the previous file stays.

A generation of several files is moved in one file at a time, so a writer killed (SIGKILL, the
OOM killer) between two moves left files of two builds side by side, served until the next
build. Before its moves, a writer therefore records them in a journal (``.publish-journal``,
itself written atomically); the next writer, or a web server starting, finishes the moves a
journal still lists (the staged files are complete on disk) and then drops it: the output
directory rolls forward to the newer generation. Moving the whole directory instead would
change the contract's paths into a symlink and take other writers' files (the digest archive)
along. Writers and that recovery lock the directory itself (``flock``, which the kernel frees
when its holder dies), so that no one finishes the moves of a writer still running.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .errors import PublishError

STALE_TEMP_SECONDS = 3600
"""A temporary file this old belongs to no running build: one killed mid-publish left it."""
Content = bytes | Iterable[bytes]
"""One file's bytes, or pieces written one after the other as they come (never joined)."""
MANAGED_DIRS = ("calendars",)
"""Folders whose files all come from a build: files a build no longer produces are removed."""
IDENTITY = ".aggregator-output-id"
"""The random name an output directory keeps in itself (:func:`directory_id`)."""
JOURNAL = ".publish-journal"
"""The moves (staged name -> target) and removals of the generation being put in place."""


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
        raise _cannot_write(path, error) from None
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
        raise _cannot_write(path, error) from None
    except BaseException:  # pieces are rendered as they are written: a render error
        Path(temp_name).unlink(missing_ok=True)
        raise
    return temp_name


def _cannot_write(path: Path, error: OSError) -> PublishError:
    """Why, and what to check: "cannot write output/calendar.ics: File exists" (the output
    directory given was a file) said neither."""
    why = ("a file stands where a directory is needed"
           if isinstance(error, FileExistsError | NotADirectoryError) else error.strerror or error)
    return PublishError(f"cannot write {path}: {why}; the output directory (AGGREGATOR_OUTPUT) "
                        "must be a directory this user can write, on a disk with room")


def _commit(staged: list[tuple[str, Path]]) -> None:
    """Move every staged file over its target; on a failure, drop the temporaries left."""
    for done, (temp_name, path) in enumerate(staged):
        try:
            os.replace(temp_name, path)
        except OSError as error:
            for left, _ in staged[done:]:
                Path(left).unlink(missing_ok=True)
            raise _cannot_write(path, error) from None


def directory_id(output_dir: Path) -> str:
    """The random name ``output_dir`` keeps in itself, made on first use: what the database's
    marks know it by. Not its path: nodes on several hosts each have a directory of their own
    at the same path (``./output`` of the same layout), while a directory they all mount is
    one. Made atomically (a complete file linked in place), so nodes sharing the directory
    agree on the name the first one gave it.

    Raises:
        PublishError: the directory cannot be read or written.
    """
    path = output_dir / IDENTITY
    try:
        try:
            return path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            pass
        temp_name = _stage(path, secrets.token_hex(16).encode())
        try:
            os.link(temp_name, path)
        except FileExistsError:
            pass  # another node named it first
        except OSError:  # a file system without hard links (some FUSE ones)
            if not path.exists():
                os.replace(temp_name, path)
        finally:
            Path(temp_name).unlink(missing_ok=True)
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise PublishError(f"cannot read or write {path}: {error}") from None


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
    moves = [staged[relative] for relative in sorted(staged)]
    try:
        with _locked(output_dir):
            finish_interrupted(output_dir)
            stale = _stale(output_dir, set(staged)) if whole_generation else []
            journal = _journal(output_dir, moves, stale)
            try:
                _commit(moves)
                for path in stale:
                    path.unlink(missing_ok=True)
            finally:
                journal.unlink(missing_ok=True)
    except BaseException:
        for temp_name, _ in moves:
            Path(temp_name).unlink(missing_ok=True)
        raise
    _remove_stale_temps(output_dir, time.time() - STALE_TEMP_SECONDS)
    return [target for _, target in moves]


def finish_interrupted(output_dir: Path) -> None:
    """Finish the moves and removals of a writer killed mid-way (its journal is still there),
    so every output is of its generation; a no-op when there is none. Call it holding the
    lock (:func:`_locked`), or through :func:`recover`.

    Raises:
        PublishError: the journal cannot be read or removed.
    """
    journal = output_dir / JOURNAL
    try:
        entries = json.loads(journal.read_bytes())
    except FileNotFoundError:
        return
    except (OSError, ValueError) as error:
        raise PublishError(f"cannot read {journal}: {error}; remove it, then build again") from None
    for staged, target in entries.get("moves", ()):
        try:
            os.replace(output_dir / staged, output_dir / target)
        except FileNotFoundError:
            continue  # moved before the writer died
        except OSError:
            (output_dir / staged).unlink(missing_ok=True)
    for relative in entries.get("remove", ()):
        (output_dir / relative).unlink(missing_ok=True)
    try:
        journal.unlink()
    except OSError as error:
        raise PublishError(f"cannot remove {journal}: {error.strerror or error}") from None


def recover(output_dir: Path) -> None:
    """:func:`finish_interrupted` under the writers' lock: what a reader runs as it starts.

    Raises:
        PublishError: the output directory cannot be written.
    """
    if (output_dir / JOURNAL).exists():
        with _locked(output_dir):
            finish_interrupted(output_dir)


@contextmanager
def _locked(output_dir: Path) -> Iterator[None]:
    """One writer at a time puts files in place in ``output_dir`` (threads and processes).
    Where the file system will not lock a directory (NFS emulates ``flock`` with byte-range
    locks, which need a file open for writing), writers go on unlocked: the build lock keeps
    builds apart, and the journal still rolls a killed one forward."""
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(output_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as error:
        raise _cannot_write(output_dir, error) from None
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing frees the lock


def _journal(output_dir: Path, moves: list[tuple[str, Path]], stale: list[Path]) -> Path:
    """Write the journal of ``moves`` and ``stale`` removals atomically; return its path."""
    journal = output_dir / JOURNAL
    entries = {"moves": [[os.path.relpath(temp, output_dir), str(target.relative_to(output_dir))]
                         for temp, target in moves],
               "remove": [str(path.relative_to(output_dir)) for path in stale]}
    _commit([(_stage(journal, json.dumps(entries).encode()), journal)])
    return journal


def _stale(output_dir: Path, keep: set[str]) -> list[Path]:
    """Files of managed folders that this generation no longer produces."""
    stale = []
    for folder in MANAGED_DIRS:
        directory = output_dir / folder
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            if path.is_file() and f"{folder}/{path.name}" not in keep:
                stale.append(path)
    return stale


def _remove_stale_temps(output_dir: Path, before: float) -> None:
    """Delete ``.name.XXXX.tmp`` files a killed build left (issue 7); a running build's are new."""
    for path in output_dir.rglob(".*.tmp"):
        try:
            if path.is_file() and path.stat().st_mtime < before:
                path.unlink()
        except OSError:
            continue
