"""The jobs kept in the database's job store, as importable functions with no arguments.

APScheduler stores a persistent job as a reference to a module-level function plus pickled
arguments. Our jobs need the running daemon, which cannot be pickled, and a job written by one
node may run on another; so each function finds the daemon of the process it runs in here.
One daemon per process (as `aggregator run` is).
"""

from __future__ import annotations

from typing import Protocol


class Runner(Protocol):
    def weekly_digest(self) -> None: ...
    def housekeeping(self) -> None: ...
    def digest_retries(self) -> None: ...


_running: list[Runner] = []


def register(daemon: Runner) -> None:
    _running[:] = [daemon]


def unregister(daemon: Runner) -> None:
    if daemon in _running:
        _running.remove(daemon)


def weekly_digest() -> None:
    """The digest cron job (default Monday 07:00)."""
    for daemon in _running:
        daemon.weekly_digest()


def digest_retries() -> None:
    """The hourly retry of the week's transiently refused digests."""
    for daemon in _running:
        daemon.digest_retries()


def housekeeping() -> None:
    """The nightly pruning job."""
    for daemon in _running:
        daemon.housekeeping()


DIGEST = "aggregator.daemon.jobs:weekly_digest"
HOUSEKEEPING = "aggregator.daemon.jobs:housekeeping"
DIGEST_RETRIES = "aggregator.daemon.jobs:digest_retries"
