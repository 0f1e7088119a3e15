"""Work run aside in a forked child (aggregator/aside.py): its results come back, and whatever
happens to the child the caller gets what running the work itself gives. A build making its
export records and snapshots aside writes the same bytes and rows as one making them itself."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from aggregator import building
from aggregator.aside import (
    available_and_resident, cgroup_room, room_for_a_child, run_aside, run_in_turn,
)
from aggregator.core import make_aggregator
from aggregator.dedup import NEWS_MEMOS, news
from aggregator.memo import Memo, not_kept
from conftest import make_settings, make_source
from sites import SOON, ics, one_calendar, rss

PARENT = os.getpid()
ROOT = Path(__file__).resolve().parents[1]


def test_the_work_runs_in_a_child_and_its_results_come_back_in_order() -> None:
    def work() -> Iterator[tuple[int, int, bytes]]:
        for n in range(50):
            yield n, os.getpid(), bytes([n]) * 100_000

    with run_aside(work) as aside:
        results = list(aside.results())
    assert [(n, data) for n, _, data in results] == [(n, bytes([n]) * 100_000)
                                                    for n in range(50)]
    assert {pid for _, pid, _ in results} - {PARENT}


def test_the_parents_known_objects_come_back_as_themselves() -> None:
    known, other = ["a list the parent has"], ["another"]
    with run_aside(lambda: [(known, other, os.getpid())], known=[known]) as aside:
        [(mine, copy, pid)] = aside.results()
    assert pid != PARENT
    assert mine is known
    assert copy == other and copy is not other


def test_a_memo_adopts_what_the_child_made_for_the_next_build() -> None:
    memo: Memo[str, tuple[str, int]] = Memo()
    memo.new_build("context")
    memo.get("kept", lambda: ("last build's", PARENT))

    def work() -> Iterator[tuple[object, dict[str, tuple[str, int]]]]:
        memo.new_build("context")
        memo.get("kept", lambda: ("made again", os.getpid()))
        memo.get("new", lambda: ("made", os.getpid()))
        yield memo.made()

    with run_aside(work) as aside:
        [made] = aside.results()
        memo.adopt(made)
    memo.new_build("context")
    assert memo.get("kept", lambda: ("made again", PARENT)) == ("last build's", PARENT)
    value, pid = memo.get("new", lambda: ("made again", PARENT))
    assert value == "made" and pid != PARENT


def test_without_a_fork_the_work_runs_here_when_asked() -> None:
    with run_aside(lambda: [os.getpid()], fork=False) as aside:
        assert list(aside.results()) == [PARENT]


def test_an_error_of_the_work_is_raised_here() -> None:
    def work() -> Iterator[None]:
        raise ValueError(f"failed in {os.getpid()}")
        yield

    with run_aside(work) as aside, pytest.raises(ValueError, match=f"failed in {PARENT}"):
        list(aside.results())


def test_a_child_that_dies_midway_leaves_all_the_work_to_this_process() -> None:
    def work() -> Iterator[int]:
        for n in range(10):
            if n == 5 and os.getpid() != PARENT:  # the OOM killer, say
                os.kill(os.getpid(), signal.SIGKILL)
            yield os.getpid()

    with run_aside(work) as aside:
        assert list(aside.results()) == [PARENT] * 10


def test_a_stop_signal_ends_the_child_not_the_parents_handler_in_it() -> None:
    """The daemon's or the CLI's SIGTERM handler (stop once the messages in flight are
    sent) is the parent's business: in the child it would print its notice again and let
    the child go on; the parent makes the work itself once its child is gone."""
    def work() -> Iterator[int]:
        if os.getpid() != PARENT:
            os.kill(os.getpid(), signal.SIGTERM)
        yield os.getpid()

    previous = signal.signal(signal.SIGTERM, lambda number, frame: None)
    try:
        with run_aside(work) as aside:
            assert list(aside.results()) == [PARENT]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_child_whose_results_nobody_asked_for_is_stopped_and_reaped() -> None:
    def work() -> Iterator[None]:
        if os.getpid() != PARENT:
            signal.pause()
        yield

    with run_aside(work) as aside:
        pid = aside._pid
        assert pid
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@pytest.fixture
def refreshed(feed_server: Any, tmp_path: Path) -> Path:
    """A database refreshed from one source of 30 events and 20 articles."""
    calendar = one_calendar(*(ics(f"e{n}@lab", f"Atelier {n}", SOON + timedelta(hours=n))
                              for n in range(30)))
    feed_server.set("/events.ics", calendar, "text/calendar")
    feed_server.set("/news.xml", rss(*(f"Article {n}" for n in range(20))),
                    "application/rss+xml")
    source = make_source("lab", feed_server.url("/events.ics"), feed_server.url("/news.xml"))
    aggregator = make_aggregator(make_settings(tmp_path, (source,)))
    aggregator.refresh()
    aggregator.close()
    return tmp_path / "aggregator.db"


def _build(database: Path, where: Path, feed_server: Any) -> tuple[Path, int]:
    """A first build, then a rebuild, of a copy of ``database`` at a fixed clock: the first
    build's outputs (copied), and how many export records and articles the memos kept after
    it, for the next build."""
    where.mkdir()
    shutil.copy(database, where / "aggregator.db")
    source = make_source("lab", feed_server.url("/events.ics"), feed_server.url("/news.xml"))
    clock = SOON - timedelta(days=1)
    aggregator = make_aggregator(make_settings(where, (source,)), clock=lambda: clock)
    for memo in NEWS_MEMOS:  # as in a new process: every article is new to them
        memo.clear()
    aggregator.build()
    kept = (len(aggregator.output_memos.records) + len(aggregator.output_memos.items)
            + len(news.ARTICLES) + len(aggregator.output_memos.blocks))
    shutil.copytree(where / "output", where / "first")
    aggregator.build()
    aggregator.close()
    return where, kept


def _files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def test_a_build_making_its_export_records_aside_writes_the_same_bytes(
        refreshed: Path, feed_server: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """And half of its calendar blocks, made by another child while the build makes the
    other half: the calendars are the same bytes, and the next build finds every block."""
    here, kept_here = _build(refreshed, tmp_path / "here", feed_server)
    makers = tmp_path / "makers"

    def noted(name: str) -> Any:  # the real work, noting which process did it
        real = getattr(building, name)

        def work(*args: Any, **kwargs: Any) -> Any:
            with makers.open("a") as note:
                note.write(f"{name} {os.getpid()}\n")
            return real(*args, **kwargs)
        return work

    monkeypatch.setattr(building, "ASIDE_MIN_RECORDS", 1)
    for name in ("make_records", "make_blocks"):
        monkeypatch.setattr(building, name, noted(name))
    aside, kept_aside = _build(refreshed, tmp_path / "aside", feed_server)
    makers_of: dict[str, str] = {}
    for line in makers.read_text().splitlines():  # the first build's (the rebuild's: here)
        name, pid = line.split()
        makers_of.setdefault(name, pid)
    assert makers_of.keys() == {"make_records", "make_blocks"}
    [maker] = set(makers_of.values())  # one child, one copy of the pages both read
    assert maker != str(PARENT)
    assert kept_here == kept_aside == 30 + 20 + 20 + 30  # the next build reuses them as before
    for generation in ("first", "output"):
        assert _files(here / generation) == _files(aside / generation)
    assert _publication(here) == _publication(aside)  # the snapshots, encoded aside


def test_aggregator_build_making_its_blocks_aside_writes_the_same_bytes(
        refreshed: Path, feed_server: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`aggregator build` runs inside memo.not_kept() (cron's process keeps nothing for a
    next build): the blocks a child made are kept all the same, and the files are those of
    a build making everything itself. It stopped with an AssertionError from make_blocks
    (its memo kept nothing there), in the child and again here."""
    here = tmp_path / "here"
    here.mkdir()
    shutil.copy(refreshed, here / "aggregator.db")
    aside = tmp_path / "aside"
    aside.mkdir()
    shutil.copy(refreshed, aside / "aggregator.db")
    source = make_source("lab", feed_server.url("/events.ics"), feed_server.url("/news.xml"))
    clock = SOON - timedelta(days=1)
    for where, least in ((here, 1_000_000), (aside, 1)):
        monkeypatch.setattr(building, "ASIDE_MIN_RECORDS", least)
        aggregator = make_aggregator(make_settings(where, (source,)), clock=lambda: clock)
        with not_kept():
            aggregator.build()
        aggregator.close()
    assert _files(here / "output") == _files(aside / "output")
    assert _publication(here) == _publication(aside)


def test_one_child_does_works_in_turn_and_each_one_s_results_come_when_it_is_done(
        tmp_path: Path) -> None:
    """The build reads the first work's results (calendar blocks) while the child makes
    the second's (the exports' records)."""
    go_on = tmp_path / "go on"

    def second() -> Iterator[int]:
        while not go_on.exists():  # until the parent has read the first's results
            time.sleep(0.01)
        yield os.getpid()

    with run_in_turn((lambda: [os.getpid()], second)) as aside:
        [first_maker] = aside.results(0)
        go_on.touch()
        [second_maker] = aside.results(1)
    assert first_maker == second_maker != PARENT


def test_works_the_child_did_not_do_are_done_here() -> None:
    def second() -> Iterator[int]:
        if os.getpid() != PARENT:  # the OOM killer, say, once the first is done
            os.kill(os.getpid(), signal.SIGKILL)
        yield os.getpid()

    with run_in_turn((lambda: [os.getpid()], second)) as aside:
        assert list(aside.results(1)) == [PARENT]
        assert list(aside.results(0)) != [PARENT]  # the child had done it


def _publication(where: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(where / "aggregator.db") as database:
        rows = database.execute("SELECT uid, fingerprint, sequence, last_modified, "
                                "until_utc, vanished, snapshot FROM publications ORDER BY uid")
        return rows.fetchall()


def test_a_process_pinned_to_one_core_does_the_work_here_rather_than_fork() -> None:
    """taskset, or a container's cpuset, gives the build one core of the machine's: a child
    would only share it (and copy the pages it reads), so none is forked."""
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from aggregator.aside import run_aside; "
            "aside = run_aside(lambda: [os.getpid()]).__enter__(); "
            "print(list(aside.results()) == [os.getpid()], aside._pid)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    assert shown.split() == ["True", "0"]


def test_a_machine_short_of_memory_does_the_work_here_rather_than_fork() -> None:
    """A child comes to copy what it touches of the parent (reference counts): at N = 3,000
    sources a first build's children held 224 MB more. Without twice this process's size
    available, nothing is forked and the OOM killer is not given the daemon to choose."""
    available, resident = available_and_resident() or (0, 0)
    assert available > 0 and 10_000_000 < resident < available  # read from this machine's /proc
    assert room_for_a_child((2 * resident, resident))
    assert not room_for_a_child((2 * resident - 1, resident))
    assert room_for_a_child() == (available >= 2 * resident)


def test_a_container_s_memory_limit_is_the_room_not_the_host_s(tmp_path: Path) -> None:
    """In a container limited to 1 GB on a large host, MemAvailable is the host's: the
    children would be forked and the kernel kill within the limit. The control group's
    limit less its usage bounds the room, in cgroup v2 and v1, at the group's path or, as a
    container sees it, at the mount's root; no limit ("max", v1's huge number) is none."""
    v2 = tmp_path / "v2"
    (v2 / "system.slice" / "agg.service").mkdir(parents=True)
    (v2 / "system.slice" / "agg.service" / "memory.max").write_text("1073741824\n")
    (v2 / "system.slice" / "agg.service" / "memory.current").write_text("536870912\n")
    assert cgroup_room(v2, "0::/system.slice/agg.service\n") == 536_870_912
    (v2 / "memory.max").write_text("max\n")
    (v2 / "memory.current").write_text("1000\n")
    assert cgroup_room(v2, "0::/\n") is None
    assert cgroup_room(v2, "0::/docker/abc\n") is None  # the container's own, at the root
    v1 = tmp_path / "v1"
    (v1 / "memory").mkdir(parents=True)
    (v1 / "memory" / "memory.limit_in_bytes").write_text("2147483648\n")
    (v1 / "memory" / "memory.usage_in_bytes").write_text("2147483000\n")
    groups = "5:devices:/docker/abc\n4:memory:/docker/abc\n1:cpu:/\n"
    assert cgroup_room(v1, groups) == 648
    (v1 / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712\n")
    assert cgroup_room(v1, groups) is None
    assert cgroup_room(tmp_path / "nothing", groups) is None
    available, resident = available_and_resident() or (0, 0)
    meminfo = Path("/proc/meminfo").read_text()
    host = int(meminfo.split("MemAvailable:")[1].split()[0]) * 1024
    assert 0 < available <= host * 1.1  # read again a moment later: it moves a little


def test_a_child_that_fails_is_not_waited_for_while_another_process_holds_its_pipe() -> None:
    """The daemon's refresh forks its parse workers from another thread while a build runs:
    one forked between the pipe's making and the build's fork holds the pipe's write end
    too, so the pipe did not close when the child failed (a work raising, the OOM killer),
    and the build waited for that worker to end (8 s here: as long as the refresh's parsing)
    before doing the work itself."""
    fork = multiprocessing.get_context("fork")
    others: list[multiprocessing.process.BaseProcess] = []

    def another_thread_forks() -> None:  # at the worst moment: just after the build's fork
        if asking and not others:
            others.append(fork.Process(target=time.sleep, args=(8,), daemon=True))
            others[0].start()

    def fails() -> Iterator[int]:
        if os.getpid() != PARENT:
            raise MemoryError
        yield os.getpid()

    asking = True
    os.register_at_fork(after_in_parent=another_thread_forks)
    try:
        started = time.monotonic()
        with run_in_turn((fails,)) as aside:
            asking = False
            assert list(aside.results(0)) == [PARENT]
        assert others and others[0].is_alive()  # it holds the pipe still
        assert time.monotonic() - started < 2
    finally:
        asking = False
        for other in others:
            other.kill()
            other.join()
