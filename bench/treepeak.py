"""The most memory a process and its descendants held at once, counted as PSS.

`TreePeak` samples in a separate process (`python bench/treepeak.py PID INTERVAL`): reading a
process's proportional set size walks its page tables (3 ms for 200 MB here), and done from a
thread of the measured process every 20 ms it held that process's GIL 15 % of the time and
slowed the very steps it measured (the cold refresh went from 1.00-1.04x the floor to
1.08-1.13x). From its own process, every 0.5 s, it costs the machine about 1 %; the memory
of a refresh or a build rises and stays for seconds, so the samples see its plateau. The
sampler is started and has taken its first sample before the step begins: until 2026-12-05
its start (an interpreter, psutil) ran during the step, on a core the step needs, and cost a
0.2 s warm refresh at N = 300 a fifth of its time.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil


def tree_pss(root: psutil.Process, skip: int) -> int:
    """PSS of ``root`` and its descendants but ``skip`` (the sampler): a page the forked
    parse workers share with their parent counts once, split among them."""
    total = 0
    for process in [root, *root.children(recursive=True)]:
        if process.pid == skip:
            continue
        try:
            total += process.memory_full_info().pss
        except psutil.NoSuchProcess:
            continue  # ended meanwhile
    return total


class TreePeak:
    """``with TreePeak() as tree: ...`` then ``tree.peak_mb``."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval, self.peak_bytes = interval, 0
        self._sampler: subprocess.Popen[str] | None = None

    def __enter__(self) -> "TreePeak":
        self._sampler = subprocess.Popen(
            [sys.executable, __file__, str(os.getpid()), str(self.interval)],
            stdout=subprocess.PIPE, text=True)
        assert self._sampler.stdout is not None
        self._sampler.stdout.readline()  # "ready": started, first sample taken
        return self

    def __exit__(self, *_: object) -> None:
        assert self._sampler is not None
        self._sampler.send_signal(signal.SIGTERM)
        out, _ = self._sampler.communicate(timeout=30)
        self.peak_bytes = int(out.strip() or 0)

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / 1024 / 1024


def _sample(pid: int, interval: float) -> None:
    root, peak, stop = psutil.Process(pid), 0, False

    def stopped(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, stopped)
    peak = tree_pss(root, os.getpid())
    print("ready", flush=True)
    while True:
        time.sleep(interval)
        peak = max(peak, tree_pss(root, os.getpid()))  # once more after the signal
        if stop:
            break
    print(peak, flush=True)


if __name__ == "__main__":
    _sample(int(sys.argv[1]), float(sys.argv[2]))
