"""Work done aside in a forked child process while this one goes on: a build's second core.

A build is one Python thread, so its pure stages used one core of the two the benchmark's
machine has (issue 8). :func:`run_aside` forks a child that runs ``work`` on the memory the
parent had at the fork (nothing is sent to it) and writes its results, pickled one after the
other, to an unlinked scratch file, which :meth:`Aside.results` reads back one at a time
when the parent needs them: neither process holds them all (the records of events.json are
100 MB at N = 3,000 sources; a pipe would stop the child until the parent reads). Only work
whose results are cheap to send (bytes, strings, or objects referring to the parent's own:
``known``) pays: unpickling 12,000 merged events took a third of the time making them did.
:func:`run_in_turn` has one child do several works one after the other, the results of each
readable as soon as it is done (a byte on a pipe says so).

The child is never needed: when it cannot be made (one core, no memory for a fork, no room
for its file), fails or dies (the OOM killer), :meth:`Aside.results` runs ``work`` in this
process instead, so the outcome is the same and an error ``work`` raises is raised here. The
child runs nothing else: it leaves with ``os._exit``, so no handler, finaliser or open
connection of the parent's runs or is closed in it, and its collector is off (a collection
would write to every object it inherited, and the kernel would copy each page of the
parent's heap); the parent's heap is frozen meanwhile, for the same reason.
"""

from __future__ import annotations

import gc
import os
import pickle
import select
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Generic, TypeVar

from .gcpause import frozen_heap

T = TypeVar("T")
CHILD_CHECK = 0.05
"""Seconds between two looks at whether the child is still there, while waiting for it."""


class Aside(Generic[T]):
    """``works`` running one after the other in a child process (or to run here):
    :meth:`results` gives what one of them yields, as soon as the child has done that one.
    Use it as a context manager, so that a child whose results were never asked for (the
    build failed meanwhile) is stopped and reaped, and its files closed."""

    def __init__(self, works: Sequence[Callable[[], Iterable[T]]], known: Sequence[object] = (),
                 *, fork: bool = True) -> None:
        self._works = works
        self._known = known
        self._fork = fork
        self._pid = 0
        self._files: list[IO[bytes]] = []
        self._done = 0
        """How many of ``works`` the child has done (a byte on the pipe for each)."""
        self._pipe = -1
        self._stack = ExitStack()

    def __enter__(self) -> Aside[T]:
        if not self._fork or usable_cores() < 2 or not room_for_a_child():
            return self
        done = -1
        try:
            self._files = [self._stack.enter_context(tempfile.TemporaryFile(prefix="aggregator-"))
                           for _ in self._works]
            self._pipe, done = os.pipe()
            self._stack.callback(os.close, self._pipe)
            self._stack.enter_context(frozen_heap())
            self._pid = os.fork()
        except OSError:  # no room for a file, no memory or process left for a fork
            if done >= 0:
                os.close(done)
            self._stack.close()
            self._files, self._pid = [], 0
            return self
        if self._pid == 0:
            _child(self._works, self._files, done, self._known)
        os.close(done)  # the child's alone: its end closing is the child ending
        return self

    def results(self, number: int = 0) -> Iterator[T]:
        """What ``works[number]()`` yields, in order: the child's, once it has done that
        work; made here when the child failed or died before."""
        if self._wait_for(number):
            yield from _read(self._files[number], self._known)
        else:
            yield from self._works[number]()

    def _wait_for(self, number: int) -> bool:
        """Whether the child did ``works[number]``, waiting for it to, or to end. Its end is
        watched, not only its pipe: a process another thread forked while the pipe was open
        (the daemon's refresh forking its parse workers) holds the pipe's write end too, and
        the pipe stayed open when the child failed; the build waited for that process."""
        while self._pid and self._done <= number:
            said = self._said(CHILD_CHECK)
            if said and self._done < len(self._works):
                continue
            # every work done, or the pipe's end: the child is ending; else is it gone?
            ended, _ = os.waitpid(self._pid, os.WNOHANG if said is None else 0)
            if ended:
                self._pid = 0
                self._said(0)  # what it did before it ended
        return self._done > number

    def _said(self, wait: float) -> int | None:
        """How many more works the child said it did within ``wait`` seconds: 0 at the
        pipe's end, None when it said nothing meanwhile."""
        watch = select.poll()
        watch.register(self._pipe, select.POLLIN)
        if not watch.poll(int(wait * 1000)):
            return None
        said = len(os.read(self._pipe, len(self._works)))
        self._done += said
        return said

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
        self._stack.close()


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity where the system has one (taskset,
    a container's cpuset), else the machine's count. os.cpu_count() counts the machine's:
    a build pinned to one core forked a child to share that core with it."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def room_for_a_child(memory: tuple[int, int] | None = None) -> bool:
    """Whether the machine has memory available for twice what this process holds (Linux's
    MemAvailable, and our resident size; ``memory`` gives both, in bytes). A child shares
    the parent's pages only until it touches them, and CPython writes a reference count into
    every object it reads: at N = 3,000 sources a first build's children held 224 MB more
    than the build (912 MB for the daemon's process and its children, 688 without them).
    Short of that room the work is done here, on one core, rather than let the kernel's OOM
    killer choose a process (the daemon is the largest). Unknown (not Linux): room."""
    found = available_and_resident() if memory is None else memory
    if found is None:
        return True
    available, resident = found
    return available >= 2 * resident


def available_and_resident() -> tuple[int, int] | None:
    """(memory available, this process's resident size) in bytes, from /proc; None
    elsewhere. Available is the machine's MemAvailable, or what this process's control group
    has left if less: in a container limited to 1 GB on a large host, MemAvailable is the
    host's, and the kernel kills within the limit."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            available = next(int(line.split()[1]) * 1024 for line in meminfo
                             if line.startswith("MemAvailable:"))
        with open("/proc/self/statm", encoding="ascii") as statm:
            resident = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        with open("/proc/self/cgroup", encoding="utf-8") as cgroup:
            groups = cgroup.read()
    except (OSError, StopIteration, ValueError, IndexError):
        return None
    room = cgroup_room(Path("/sys/fs/cgroup"), groups)
    return (available if room is None else min(available, room)), resident


def cgroup_room(mount: Path, groups: str) -> int | None:
    """Bytes the memory control group of a process (``groups``: its /proc/self/cgroup) may
    still use under ``mount``: its limit less its usage, in cgroup v2 (``0::/path``:
    memory.max, memory.current) or v1 (``N:memory:/path``: memory.limit_in_bytes,
    usage_in_bytes); None without a limit or where none is readable. A container sees its
    own group at the mount's root, so the root is read when the path is not there."""
    for line in groups.splitlines():
        number, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if number == "0" and not controllers:
            base, files = mount, ("memory.max", "memory.current")
        elif "memory" in controllers.split(","):
            base, files = mount / "memory", ("memory.limit_in_bytes", "memory.usage_in_bytes")
        else:
            continue
        for folder in (base / path.strip().lstrip("/"), base):
            try:
                limit, used = ((folder / name).read_text("ascii").strip() for name in files)
            except OSError:
                continue
            if limit.isdigit() and used.isdigit() and int(limit) < 2 ** 60:  # "max": none
                return max(int(limit) - int(used), 0)
            break
    return None


def run_aside(work: Callable[[], Iterable[T]], known: Sequence[object] = (), *,
              fork: bool = True) -> Aside[T]:
    """``with run_aside(work) as aside: ... aside.results()``: see :class:`Aside`. What
    ``work`` yields may refer to the objects of ``known`` (the parent's, which the child
    inherited): they come back as the parent's own objects, not as copies. ``fork=False``
    (too little work to pay for a fork): ``work`` runs here, when its results are asked for."""
    return Aside((work,), known, fork=fork)


def run_in_turn(works: Sequence[Callable[[], Iterable[T]]], known: Sequence[object] = (), *,
                fork: bool = True) -> Aside[T]:
    """:func:`run_aside` for several works done one after the other by one child,
    ``aside.results(n)`` giving the ``n``-th's as soon as it is done: a second child would
    copy again every page of the parent the two works both read (CPython writes a reference
    count into each object it reads), 60 MB more for a first build at N = 1,000 sources."""
    return Aside(works, known, fork=fork)


def _child(works: Sequence[Callable[[], Iterable[T]]], files: Sequence[IO[bytes]], done: int,
           known: Sequence[object]) -> None:
    """Run in the forked child: each work's results into its file, a byte on ``done`` when
    one is complete, then leave at once."""
    code = 1
    try:
        gc.disable()
        for number in (signal.SIGINT, signal.SIGTERM):  # not the parent's handlers: a stop
            signal.signal(number, signal.SIG_DFL)       # ends the child, the parent goes on
        places = {id(value): place for place, value in enumerate(known)}
        for work, file in zip(works, files, strict=True):
            for value in work():
                _Pickler(file, places).dump(value)
            file.flush()
            os.write(done, b".")
        code = 0
    finally:
        os._exit(code)


def _read(file: IO[bytes], known: Sequence[object]) -> Iterator[Any]:
    file.seek(0)
    while True:
        try:
            yield _Unpickler(file, known).load()
        except EOFError:
            return


class _Pickler(pickle.Pickler):
    """Pickles the objects ``places`` lists (by their ``id``) as their place."""

    def __init__(self, file: IO[bytes], places: dict[int, int]) -> None:
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self._places = places

    def persistent_id(self, obj: object) -> int | None:
        return self._places.get(id(obj))


class _Unpickler(pickle.Unpickler):
    """Reads a place in ``known`` as its object."""

    def __init__(self, file: IO[bytes], known: Sequence[object]) -> None:
        super().__init__(file)
        self._known = known

    def persistent_load(self, pid: Any) -> object:
        return self._known[pid]
