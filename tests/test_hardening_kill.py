"""Processes killed at random points (issue 7): SIGKILL during refresh and build, several times,
then the database and the outputs are consistent: every output parses, all of them belong to
one generation (once the next reader or writer has finished a killed writer's journal of
moves: tests/test_review_daemon.py kills one between two moves), and a final refresh and build
bring everything up to date.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import icalendar
import pytest

from aggregator.demo.server import FeedServer
from aggregator.publish import recover

EVENTS = 300
DAY = datetime.now(timezone.utc).replace(hour=18, minute=0, second=0, microsecond=0) + timedelta(days=1)


def calendar(version: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    for n in range(EVENTS):
        start = (DAY + timedelta(days=n // 5, hours=n % 5)).strftime("%Y%m%dT%H%M%SZ")
        lines += ["BEGIN:VEVENT", f"UID:e{n}@kill", f"DTSTART:{start}", f"SUMMARY:{version} talk {n}",
                  "END:VEVENT"]
    return ("\r\n".join([*lines, "END:VCALENDAR", ""])).encode()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[FeedServer, dict[str, str]]]:
    with FeedServer({"/a.ics": (calendar("v1"), "text/calendar")}) as server:
        (tmp_path / "sources.yaml").write_text(
            "sources:\n  - {id: lab, name: Lab, kind: lab, city: Metz, country: FR, "
            f'feeds: [{{url: "{server.url("/a.ics")}"}}]}}\n', encoding="utf-8")
        env = {**os.environ, "AGGREGATOR_CONFIG": str(tmp_path / "sources.yaml"),
               "AGGREGATOR_DB": f"sqlite:///{tmp_path / 'agg.db'}",
               "AGGREGATOR_OUTPUT": str(tmp_path / "output"), "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1"}
        yield server, env


def start(command: str, env: dict[str, str], errors: int = subprocess.PIPE) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "aggregator", command], env=env,
                            stdout=subprocess.DEVNULL, stderr=errors)


def finish(command: str, env: dict[str, str]) -> float:
    started = time.monotonic()
    process = start(command, env)
    _, error = process.communicate(timeout=120)
    assert process.returncode == 0, error.decode()
    return time.monotonic() - started


def generation(output: Path) -> str:
    """The one version every output shows once a reader starts (``publish.recover``, which
    the web server runs: a writer killed between two of its moves leaves a journal of the
    rest); fails if a file is partial or files disagree."""
    recover(output)
    events = json.loads((output / "events.json").read_text())["events"]
    versions = {e["title"].split()[0] for e in events}
    parsed = icalendar.Calendar.from_ical((output / "calendar.ics").read_bytes())
    versions |= {str(e["SUMMARY"]).split()[0] for e in parsed.walk("VEVENT")}
    page = (output / "index.html").read_text()
    assert page.rstrip().endswith("</html>")
    versions |= {v for v in ("v1", "v2") if f"{v} talk 0" in page}
    assert len(events) == EVENTS and len(versions) == 1, versions
    return versions.pop()


def kill_at_random(command: str, env: dict[str, str], within: float, rng: random.Random) -> None:
    process = start(command, env, subprocess.DEVNULL)
    time.sleep(rng.uniform(0.05, within))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_killed_builds_and_refreshes_leave_consistent_data(
    site: tuple[FeedServer, dict[str, str]], tmp_path: Path
) -> None:
    server, env = site
    rng = random.Random(7)
    output = tmp_path / "output"
    finish("refresh", env)
    build_seconds = finish("build", env)
    assert generation(output) == "v1"

    server.set("/a.ics", calendar("v2"), "text/calendar")
    for _ in range(2):  # refresh killed mid-way: the stored feed is v1 or v2, never half
        kill_at_random("refresh", env, 2.5, rng)
    finish("refresh", env)
    for _ in range(3):
        kill_at_random("build", env, build_seconds * 1.1, rng)
        assert generation(output) in ("v1", "v2")
    finish("build", env)
    assert generation(output) == "v2"
    with sqlite3.connect(tmp_path / "agg.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == EVENTS


def test_a_refresh_killed_while_fetching_does_not_hold_its_feed_until_the_lease_expires(
    site: tuple[FeedServer, dict[str, str]], tmp_path: Path
) -> None:
    """The refresh leases its feeds (so that a daemon does not fetch them at the same time);
    killed (SIGKILL, the OOM killer), it cannot give them back. The next refresh on this host
    sees that the holder's process is gone and takes the feed at once, rather than skipping it
    for AGGREGATOR_LEASE (10 minutes)."""
    server, env = site
    finish("refresh", env)
    server.set("/a.ics", calendar("v2"), "text/calendar")
    server.delay("/a.ics", 30)
    hits = server.hits["/a.ics"]
    process = start("refresh", env, subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while server.hits["/a.ics"] == hits and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.hits["/a.ics"] == hits + 1  # it holds the lease and waits for the answer
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    server.restore("/a.ics")
    finish("refresh", env)
    finish("build", env)
    assert generation(tmp_path / "output") == "v2"


@pytest.mark.parametrize("command", [["refresh"], ["sources", "check"]])
def test_ctrl_c_stops_a_command_with_the_shell_s_code_for_it(
    site: tuple[FeedServer, dict[str, str]], command: list[str]
) -> None:
    """Ctrl-C on `aggregator refresh` (a slow feed) printed Click's "Aborted!" and exited 1,
    the code of a failed run: a script or a timer's unit could not tell "stopped" from
    "broken". It says what stopped and exits 130 (128 + SIGINT), as shells and the digest do;
    what was stored before stays, the next run reads the rest."""
    server, env = site
    server.delay("/a.ics", 30)
    if command[0] == "sources":
        command = [*command, server.url("/a.ics")]
    process = subprocess.Popen([sys.executable, "-m", "aggregator", *command],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not server.hits["/a.ics"] and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    out, error = process.communicate(timeout=30)
    assert process.returncode == 130, (out + error).decode()
    assert "Aborted!" not in error.decode() and "Traceback" not in error.decode()
    assert "interrupted" in error.decode()
