"""A CPU-time budget for parsing one body.

feedparser reads a malformed feed dense in tags at some 12 µs a byte: a 10 MB body of ``<a ``
(the size cap lets it through) held a parse worker for two minutes, at every refresh while
its publisher changes a byte. icalendar has such shapes too. A budget in CPU seconds, not
wall time, so that a busy machine does not fail honest feeds: the largest real calendars of
the corpus parse in well under a second.

In a process's main thread (the parse pool's workers, the CLI) it is SIGPROF
(``ITIMER_PROF``), free until it fires. A signal reaches only the main thread, so on another
thread (the daemon's batches under eight feeds, the register form's preview, 30 a client per
ten minutes, ten URLs each) a trace function called at each Python call reads the thread's
CPU time instead: a hostile preview held a server thread for two minutes. It costs that
thread's parse about 1.7 times its time (0.8 s → 1.3 s for a 400 KB calendar), and steps
aside for a tracer already there (a debugger, coverage).
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

PARSE_CPU_SECONDS = 60.0
"""A feed's parse stops after this much CPU time (``FetchLimits.parse_seconds``)."""


class OverBudget(BaseException):
    """The budget is spent. A BaseException, so that the parsers' ``except Exception`` (they
    keep going past a broken entry) cannot swallow it and go on parsing."""


def _spent(signum: int, frame: FrameType | None) -> None:
    raise OverBudget


@contextmanager
def cpu_budget(seconds: float) -> Iterator[bool]:
    """Raise :class:`OverBudget` in the block once it used ``seconds`` of CPU time. Yields
    whether the budget holds (not with no positive budget, nor beside another tracer)."""
    if seconds <= 0:
        yield False
    elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _by_signal(seconds):
            yield True
    elif sys.gettrace() is None:
        with _by_trace(seconds):
            yield True
    else:
        yield False


CHECK_EVERY = 256
"""Python calls between two reads of the thread's clock (a read costs about 0.5 µs)."""


@contextmanager
def _by_trace(seconds: float) -> Iterator[None]:
    deadline = time.thread_time() + seconds
    calls = 0

    def on_call(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        calls += 1
        if calls % CHECK_EVERY == 0 and time.thread_time() > deadline:
            sys.settrace(None)
            raise OverBudget
        # None: no line events in the frame, only this call's

    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(None)


@contextmanager
def _by_signal(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGPROF, _spent)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
