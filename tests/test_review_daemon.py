"""Review of the daemon as an operator runs it for months: a process killed mid-work, restarts,
clock changes, feeds that misbehave. Real processes, real HTTP servers, real databases."""

from __future__ import annotations

import dataclasses
import gc
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from conftest import make_settings, make_source
from digest_site import WEEK, Clock, close_apps, digest_app  # noqa: F401
from mailsink import Sink, smtp_server  # noqa: F401
from test_daemon_schedule import running
from test_digest_crash import SUBSCRIBERS, killed_midway

from aggregator.config import DaemonSettings
from aggregator.core import Aggregator, make_aggregator
from aggregator.demo.server import FeedServer
from aggregator.fetch import FetchLimits, FetchRequest, fetch_feeds
from aggregator.models import FetchResult
from aggregator.publish import write_outputs
from aggregator.spill import SpilledBytes
from aggregator.store import open_store

GENERATION = ("calendar.ics", "calendars/metz.ics", "events.json", "index.html", "news.json")

KILLED_AT_SECOND_MOVE = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from aggregator.publish import write_outputs

    output = Path(sys.argv[1])
    moves = 0

    def kill_at_the_second_move(event, args):
        global moves
        if event == "os.rename" and not os.path.basename(args[1]).startswith(".publish"):
            moves += 1
            if moves == 2:  # one file of the new generation in place, the others not yet
                os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(kill_at_the_second_move)
    write_outputs(output, {name: b"v2" for name in sys.argv[2:]}, whole_generation=True)
""")


def _killed_mid_publish(output: Path) -> None:
    """v1 of every file (and a city calendar v2 drops), then a v2 writer SIGKILLed between
    its first and second move."""
    write_outputs(output, {**{name: b"v1" for name in GENERATION}, "calendars/nancy.ics": b"v1"},
                  whole_generation=True)
    write_outputs(output, {"digest/2026-W49.html": b"archive"})  # another writer's file
    process = subprocess.run([sys.executable, "-c", KILLED_AT_SECOND_MOVE, str(output), *GENERATION],
                             env={**os.environ}, capture_output=True, timeout=60)
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()


def _generations(output: Path) -> set[bytes]:
    return {(output / name).read_bytes() for name in GENERATION}


def test_a_writer_killed_between_two_moves_is_rolled_forward_by_the_next_writer(
        tmp_path: Path) -> None:
    """publish._commit moved the staged files one by one: SIGKILL between two moves left
    calendar.ics of the new build beside events.json of the old until the next build (and for
    ever under `aggregator serve` alone). The next writer, here the digest's archive copy,
    finishes the killed one's moves from its journal."""
    output = tmp_path / "output"
    _killed_mid_publish(output)
    write_outputs(output, {"digest/2026-W50.html": b"archive"})
    assert _generations(output) == {b"v2"}
    assert not (output / "calendars/nancy.ics").exists()  # v2 no longer produces it
    assert (output / "digest/2026-W49.html").read_bytes() == b"archive"
    assert not list(output.rglob("*.tmp")) and not (output / ".publish-journal").exists()


def test_a_writer_killed_between_two_moves_is_rolled_forward_when_the_web_server_starts(
        tmp_path: Path) -> None:
    """`aggregator serve` alone (no build to come) served the two generations side by side."""
    output = tmp_path / "output"
    _killed_mid_publish(output)
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    env = {**os.environ, "AGGREGATOR_CONFIG": str(tmp_path / "sources.yaml"),
           "AGGREGATOR_DB": f"sqlite:///{tmp_path / 'agg.db'}", "AGGREGATOR_OUTPUT": str(output)}
    server = subprocess.Popen([sys.executable, "-m", "aggregator", "serve", "--port", "0"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.stdout is not None
        line = server.stdout.readline().decode()  # printed once it listens
        assert "http://" in line, server.stderr.read().decode() if server.stderr else line
        assert _generations(output) == {b"v2"}
    finally:
        server.terminate()
        server.communicate(timeout=30)


def _one_feed_node(tmp_path: Path, db_url: str, server: Any, clock: Callable[[], datetime]
                   ) -> Aggregator:
    source = make_source("lab", server.url("/a.ics"))
    return make_aggregator(make_settings(tmp_path, (source,), db_url), clock=clock)


ICS = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:a@t\r\n"
       b"DTSTART:20300101T100000Z\r\nSUMMARY:Talk\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def test_a_clock_set_back_does_not_leave_feeds_unfetched_until_it_catches_up(
        tmp_path: Path, db_url: str, feed_server: Any) -> None:
    """A node whose clock ran a year ahead (a VM's host clock, a wrong manual date) scheduled
    every feed it fetched for a year later; once the clock was set right, no node fetched them
    again for a year. Nothing schedules a fetch more than a day ahead (cadence.MAX_INTERVAL),
    so a due time further away than that is a clock that went back: due now."""
    now = datetime.now(timezone.utc)
    feed_server.set("/a.ics", ICS, "text/calendar")
    ahead = _one_feed_node(tmp_path, db_url, feed_server, lambda: now + timedelta(days=365))
    assert [o.result for o in ahead.refresh_round("node-a").outcomes] == ["updated"]
    ahead.close()
    right = _one_feed_node(tmp_path, db_url, feed_server, lambda: now)
    try:
        assert [o.result for o in right.refresh_round("node-a").outcomes] == ["not_modified"]
        assert feed_server.hits["/a.ics"] == 2
        assert right.refresh_round("node-a").outcomes == ()  # due in an hour again, not now
        # a node of another host leased it with its clock a year ahead, and died
        feeds = right.round_plan().candidates
        assert right.store.claim_feeds(feeds, "elsewhere:7", now + timedelta(days=365),
                                       timedelta(minutes=10), due_only=False) == list(feeds)
        assert [o.result for o in right.refresh(force=True)] == ["updated"]
    finally:
        right.close()


def test_nodes_with_their_own_output_directory_at_one_path_each_rebuild(
        tmp_path: Path, db_url: str, feed_server: Any) -> None:
    """Nodes on several hosts, each with its own ``./output`` at the same path (one layout
    deployed everywhere): the database marked the *path* built, so after a change only the
    first node to build did; every other node found its old outputs "current" and served them
    for ever. Two hosts are played here by one path whose directory is swapped between them.
    A directory the nodes really share is still built once."""
    now = datetime.now(timezone.utc)
    output = tmp_path / "output"
    feed_server.set("/a.ics", ICS, "text/calendar")
    node_b = _one_feed_node(tmp_path, db_url, feed_server, lambda: now)
    node_b.refresh()
    assert node_b.build_once("node-b") == "built"
    output.rename(tmp_path / "disk-b")  # node B's disk leaves; node A's is mounted there
    feed_server.set("/a.ics", ICS.replace(b"SUMMARY:Talk", b"SUMMARY:Moved talk"), "text/calendar")
    node_a = _one_feed_node(tmp_path, db_url, feed_server, lambda: now)
    try:
        assert [o.result for o in node_a.refresh(force=True)] == ["updated"]
        assert node_a.build_once("node-a") == "built"
        assert b"Moved talk" in (output / "calendar.ics").read_bytes()
        output.rename(tmp_path / "disk-a")
        (tmp_path / "disk-b").rename(output)  # node B's own directory at the same path
        assert node_b.build_once("node-b") == "built"
        assert b"Moved talk" in (output / "calendar.ics").read_bytes()
        shared = _one_feed_node(tmp_path, db_url, feed_server, lambda: now)  # same directory
        try:
            assert shared.build_once("node-c") == "current"
        finally:
            shared.close()
    finally:
        node_a.close()
        node_b.close()


def test_a_changed_time_zone_reschedules_the_stored_digest(tmp_path: Path) -> None:
    """The stored cluster-wide jobs were compared by str(trigger), which leaves the zone out:
    an operator who set `timezone: America/New_York` kept the digest at 07:00 in Paris (01:00
    in New York) for as long as the database lived."""
    settings = make_settings(tmp_path, ())
    with running(settings) as daemon:
        job = daemon.scheduler.get_job("weekly-digest", jobstore="shared")
        assert job is not None and job.next_run_time.hour == 7
    new_york = dataclasses.replace(settings, timezone="America/New_York")
    with running(new_york) as daemon:
        job = daemon.scheduler.get_job("weekly-digest", jobstore="shared")
        assert job is not None
        local = job.next_run_time.astimezone(ZoneInfo("America/New_York"))
        assert (local.weekday(), local.hour, local.minute) == (0, 7, 0)


def test_a_host_with_many_feeds_does_not_hold_up_the_other_hosts(feed_server: Any) -> None:
    """A fetch took a slot of the overall limit before its host's: one host serving many of a
    round's feeds (calendar.google.com exports, a platform hosting many organisations) filled
    every overall slot with fetches queued for that host, and the other hosts' feeds waited
    behind all of them, the round as long as that host's queue and theirs one after the other."""
    slow = [f"/slow-{n}.ics" for n in range(12)]
    for target in slow:
        feed_server.set(target, ICS, "text/calendar")
        feed_server.delay(target, 0.3)
    done: list[str] = []
    with FeedServer({"/fast.ics": (ICS, "text/calendar")}, host="127.0.0.2") as other:
        requests = [*(FetchRequest(feed_server.url(t)) for t in slow),
                    FetchRequest(other.url("/fast.ics"))]
        results = fetch_feeds(requests, allow_private=True,
                              limits=FetchLimits(concurrency=4, per_host=1),
                              on_done=lambda request, result: done.append(request.url))
    assert all(isinstance(result, FetchResult) for result in results)
    assert done.index(other.url("/fast.ics")) <= 2, done  # not behind the slow host's queue


DAEMON_DIGEST = textwrap.dedent("""
    import sys
    from aggregator import config
    from aggregator.core import make_aggregator

    node = make_aggregator(config.load())
    node.digest_round(node.node_name(), sys.argv[1])  # the weekly job, as the daemon runs it
""")


def test_a_digest_run_killed_midway_is_finished_by_the_hourly_job(
        smtp_server: Sink, tmp_path: Path, db_url: str) -> None:
    """The weekly job's run was the only one to start a week's digests: the scheduler had
    moved the stored job to next week when it started it, and the hourly job sends only due
    retries. A node killed mid-run (a deploy on Monday morning, the OOM killer) therefore left
    every subscriber it had not reached without that week's digest, silently. The hourly job
    now finishes a week whose run started and did not end."""
    app = digest_app(tmp_path, db_url, smtp_server.port, Clock())
    for address in SUBSCRIBERS:
        app.add_subscriber(address, confirmed=True)
    killed_midway([sys.executable, "-c", DAEMON_DIGEST, WEEK], tmp_path, db_url, smtp_server)
    smtp_server.delay = 0
    app.digest_round("node-b", WEEK, retries_only=True)  # the hourly job, on any node
    counts = Counter(m["To"] for m in smtp_server.messages)
    assert sorted(counts) == SUBSCRIBERS and set(counts.values()) == {1}
    app.add_subscriber("late@example.org", confirmed=True)  # a finished week starts no one's
    app.digest_round("node-b", WEEK, retries_only=True)
    assert smtp_server.count == len(SUBSCRIBERS)


def test_a_daemons_build_scratch_memo_holds_one_closing_hook_however_many_builds(
        tmp_path: Path) -> None:
    """Each scratch file the memo made registered a hook to close it (weakref.finalize), kept
    as long as the memo lives, the daemon's whole life, with the file it holds: one more at
    every compaction (about every other build once the events change)."""
    memo = SpilledBytes[tuple[int, int], None](str(tmp_path))
    value = b"x" * 300_000
    for build in range(12):
        memo.new_build()
        for n in range(4):
            memo.get((build, n), lambda: (value, None))
    gc.collect()
    hooks = [hook for hook in gc.get_objects()
             if isinstance(hook, weakref.finalize) and (hook.peek() or [None])[0] is memo]
    memo.close()
    assert len(hooks) <= 1


@pytest.mark.postgres
def test_the_server_drops_the_session_of_a_vanished_node_within_a_minute(postgres_url: str) -> None:
    """The build lock is a session advisory lock, freed when the server ends the session of a
    node that died. A node whose host lost power (or whose network was cut) sends no FIN: the
    server noticed only by its TCP keepalives, after the system's 2 h 11 min, and meanwhile
    every other node found the build "busy" and built nothing. The store's sessions ask the
    server to probe after 30 s of silence, every 10 s, three times."""
    store = open_store(postgres_url)
    try:
        with store.engine.connect() as connection:
            values = [connection.execute(sa.text(f"SHOW {name}")).scalar() for name in
                      ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count")]
    finally:
        store.close()
    assert values == ["30", "10", "3"]


def test_a_round_that_outlives_its_lease_keeps_its_feeds(
        tmp_path: Path, db_url: str, feed_server: Any) -> None:
    """A node leased a round's feeds for AGGREGATOR_LEASE and never renewed them: a round
    longer than that (100 feeds of one slow host: 25 waves of 4 fetches at up to 30 s each,
    beyond 10 minutes) let another node claim the same feeds and ask that host for each of
    them a second time, while the first node was still fetching them. The lease is renewed
    while the round lasts. Here a lease of 3 s and a feed answering in 7 s."""
    feed_server.set("/a.ics", ICS, "text/calendar")
    feed_server.delay("/a.ics", 7)
    now = datetime.now
    lease = DaemonSettings(lease=timedelta(seconds=3))
    nodes = [make_aggregator(dataclasses.replace(make_settings(
        tmp_path, (make_source("lab", feed_server.url("/a.ics")),), db_url), daemon=lease),
        clock=lambda: now(timezone.utc)) for _ in range(2)]
    first = threading.Thread(target=nodes[0].refresh_round, args=("node-a",))
    try:
        first.start()
        deadline = time.monotonic() + 30
        while feed_server.hits["/a.ics"] == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(4.5)  # past the lease: node A still waits for the answer
        assert nodes[1].refresh_round("node-b").outcomes == ()
        assert feed_server.hits["/a.ics"] == 1
    finally:
        first.join(30)
        for node in nodes:
            node.close()


def test_outputs_built_before_today_are_built_again(
        tmp_path: Path, db_url: str, feed_server: Any) -> None:
    """The daemon built only when a feed's records changed: with feeds that did not change
    for days, index.html went on listing the days since as upcoming (and the events and news
    windows did not move). A build of an earlier day is due again."""
    feed_server.set("/a.ics", ICS, "text/calendar")
    node = _one_feed_node(tmp_path, db_url, feed_server, lambda: datetime.now(timezone.utc))
    try:
        node.refresh()
        assert node.build_once("node-a") == "built"
        assert node.build_once("node-a") == "current"
        calendar = tmp_path / "output" / "calendar.ics"
        yesterday = time.time() - 86_400 - 60
        os.utime(calendar, (yesterday, yesterday))
        assert node.build_once("node-a") == "built"
        assert calendar.stat().st_mtime > yesterday + 86_400
        assert node.build_once("node-a") == "current"
    finally:
        node.close()
