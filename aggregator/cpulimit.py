"""A CPU-time budget for parsing one body.

feedparser reads a malformed feed dense in tags at some 12 µs a byte: a 10 MB body of ``<a ``
(the size cap lets it through) held a parse worker for two minutes, at every refresh while
its publisher changes a byte. icalendar has such shapes too. A budget in CPU seconds, not
wall time, so that a busy machine does not fail honest feeds: the largest real calendars of
the corpus parse in well under a second.

It uses SIGPROF (``ITIMER_PROF``), so it holds only in a process's main thread: the parse pool's
workers and the CLI's inline parses; a parse on another thread (the daemon's small batches,
the register form's check) runs unbounded.
"""

from __future__ import annotations

import signal
import threading
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
    whether the budget holds (False off the main thread, or without ``setitimer``)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield False
        return
    previous = signal.signal(signal.SIGPROF, _spent)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
