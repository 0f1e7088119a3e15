"""`aggregator run` as operators run it: real processes, the demo feeds on a real HTTP server."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from mailsink import Sink, smtp_server  # noqa: F401

from aggregator import config
from aggregator.core import make_aggregator
from aggregator.demo.feeds import build_demo

STOP_LIMIT = 15.0  # issue 4: SIGTERM exits 0 within 15 s


@pytest.fixture
def demo(feed_server: Any, tmp_path: Path) -> Any:
    """The demo sources, served by the test's feed server; returns the feed targets."""
    site = build_demo(date.today(), feed_server.base_url)
    for target, demo_file in site.files.items():
        feed_server.set(target, demo_file.body, demo_file.content_type)
    (tmp_path / "sources.yaml").write_text(site.sources_yaml, encoding="utf-8")
    settings = config.load(tmp_path / "sources.yaml")
    base = feed_server.base_url
    return [ref.url.removeprefix(base) for source in settings.sources for ref in source.feeds]


class Node:
    """One `aggregator run` process; ``url`` once it serves."""

    def __init__(self, cwd: Path, name: str, wait: bool = True, **env: str) -> None:
        self.log_path = cwd / f"{name}.log"
        self.log: IO[str] = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aggregator", "run", "--port", "0"], cwd=cwd,
            stdout=subprocess.PIPE, stderr=self.log, text=True,
            env={**os.environ, "COLUMNS": "200", "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1",
                 "AGGREGATOR_CONFIG": str(cwd / "sources.yaml"), "AGGREGATOR_TICK": "1s",
                 "AGGREGATOR_BUILD_DELAY": "1s", "AGGREGATOR_NODE": name, **env},
        )
        self.url = ""
        if wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert found, f"{line!r} {self.log_path.read_text()}"
        self.url = found.group(0)

    def logs(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> tuple[int, float]:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=STOP_LIMIT + 5)
        return code, time.monotonic() - started

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.log.close()


@pytest.fixture
def nodes() -> Iterator[list[Node]]:
    started: list[Node] = []
    yield started
    for node in started:
        node.close()


def wait_for_calendar(url: str, limit: float = 60.0) -> bytes:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        response = httpx.get(url + "/calendar.ics", timeout=10)
        if response.status_code == 200 and b"BEGIN:VEVENT" in response.content:
            return response.content
        time.sleep(0.2)
    raise AssertionError(f"{url} served no calendar within {limit} s")


def uids(calendar: bytes) -> set[str]:
    return set(re.findall(rb"^UID:(.+?)\r$", calendar, re.M))


def test_run_fetches_every_feed_builds_serves_and_stops_on_sigterm(
    demo: list[str], feed_server: Any, tmp_path: Path, nodes: list[Node]
) -> None:
    started = time.monotonic()
    node = Node(tmp_path, "solo", AGGREGATOR_DB=f"sqlite:///{tmp_path / 'aggregator.db'}",
                AGGREGATOR_OUTPUT=str(tmp_path / "output"))
    nodes.append(node)
    calendar = wait_for_calendar(node.url)
    assert time.monotonic() - started < 60
    assert calendar == (tmp_path / "output" / "calendar.ics").read_bytes()
    assert len(uids(calendar)) > 20
    assert all(feed_server.hits[target] == 1 for target in demo), dict(feed_server.hits)
    assert "Agenda" in httpx.get(node.url + "/", timeout=10).text
    assert httpx.get(node.url + "/healthz", timeout=10).json()["status"] == "ok"
    metrics = httpx.get(node.url + "/metrics", timeout=10).text
    assert f'aggregator_fetch_duration_seconds_count{{result="updated"}} {len(demo)}.0' in metrics
    code, took = node.stop()
    assert code == 0 and took < STOP_LIMIT
    assert not [p for p in (tmp_path / "output").rglob("*") if p.name.endswith(".tmp")]
    logs = node.logs()
    assert re.search(r"job=refresh node=solo feeds=\d+ .*updated=\d+", logs), logs
    assert "job=build node=solo result=built" in logs
    assert "Traceback" not in logs


def test_the_daemon_log_names_each_feed_that_fails_and_why(
    demo: list[str], feed_server: Any, tmp_path: Path, nodes: list[Node]
) -> None:
    """It logged "error=1" and nothing else: the operator could not tell which feed."""
    feed_server.fail(demo[0], 503)
    node = Node(tmp_path, "solo", AGGREGATOR_DB=f"sqlite:///{tmp_path / 'aggregator.db'}",
                AGGREGATOR_OUTPUT=str(tmp_path / "output"))
    nodes.append(node)
    wait_for_calendar(node.url)
    node.stop()
    failed = re.findall(r"WARNING aggregator\.daemon job=refresh node=solo source=\S+ "
                        r"feed=(\S+) error=(.*)", node.logs())
    assert [(url, "HTTP 503" in error) for url, error in failed] == [
        (feed_server.base_url + demo[0], True)], node.logs()


@pytest.mark.postgres
def test_two_nodes_on_postgresql_fetch_every_feed_and_send_every_digest_exactly_once(
    demo: list[str], feed_server: Any, tmp_path: Path, postgres_url: str, nodes: list[Node],
    smtp_server: Sink,
) -> None:
    for target in demo:  # slow feeds, so that both nodes are at work during the cycle
        feed_server.delay(target, 0.3)
    readers = [f"reader{i}@example.org" for i in range(3)]
    aggregator = make_aggregator(config.load(tmp_path / "sources.yaml", {"AGGREGATOR_DB": postgres_url}))
    for address in readers:
        aggregator.add_subscriber(address, confirmed=True)
    aggregator.close()
    for name in ("north", "south"):
        nodes.append(Node(  # both start at once, so that both share the first cycle
            tmp_path, name, wait=False, AGGREGATOR_DB=postgres_url, AGGREGATOR_FEED_BATCH="2",
            AGGREGATOR_OUTPUT=str(tmp_path / f"output-{name}"),
            AGGREGATOR_SMTP_HOST=smtp_server.host, AGGREGATOR_SMTP_PORT=str(smtp_server.port),
            AGGREGATOR_DIGEST_CRON="*/2 * * * * *",  # the digest job fires again and again
        ))
    for node in nodes:
        node.wait_ready()
    calendars = [wait_for_calendar(node.url) for node in nodes]
    deadline = time.monotonic() + 30
    while sum(feed_server.hits[t] for t in demo) < len(demo) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.5)  # more ticks: nothing may be fetched twice
    assert {t: feed_server.hits[t] for t in demo} == {t: 1 for t in demo}
    shares = [sum(map(int, re.findall(r"job=refresh node=\w+ feeds=(\d+)", node.logs())))
              for node in nodes]
    assert sum(shares) == len(demo) and min(shares) > 0, shares
    # Each node builds its own output directory from the shared database.
    deadline = time.monotonic() + 10
    while True:
        calendars = [wait_for_calendar(node.url) for node in nodes]
        if uids(calendars[0]) == uids(calendars[1]) or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert uids(calendars[0]) == uids(calendars[1]) and len(uids(calendars[0])) > 20
    deadline = time.monotonic() + 20
    while len(smtp_server.messages) < len(readers) and time.monotonic() < deadline:
        time.sleep(0.1)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and min(
            node.logs().count("job=digest node=") for node in nodes) < 2:
        time.sleep(0.2)  # both nodes ran the digest job, more than once: nobody gets a second
    assert sorted(r for _, rcpts in smtp_server.envelopes for r in rcpts) == readers
    for node in nodes:
        code, took = node.stop()
        assert code == 0 and took < STOP_LIMIT
        assert "Traceback" not in node.logs()


@pytest.mark.postgres
def test_a_node_killed_mid_cycle_loses_no_feed(
    demo: list[str], feed_server: Any, tmp_path: Path, postgres_url: str, nodes: list[Node]
) -> None:
    for target in demo:  # the first node hangs on its fetches...
        feed_server.delay(target, 8)
    shared = {"AGGREGATOR_DB": postgres_url, "AGGREGATOR_LEASE": "2s"}
    doomed = Node(tmp_path, "doomed", AGGREGATOR_OUTPUT=str(tmp_path / "out-doomed"), **shared)
    nodes.append(doomed)
    deadline = time.monotonic() + 15
    while not sum(feed_server.hits[t] for t in demo) and time.monotonic() < deadline:
        time.sleep(0.05)
    doomed.process.kill()  # ...and dies mid-cycle holding the leases of every feed
    doomed.process.wait()
    reached = sum(feed_server.hits[t] for t in demo)
    assert reached > 0
    for target in demo:
        feed_server.restore(target)
    survivor = Node(tmp_path, "survivor", AGGREGATOR_OUTPUT=str(tmp_path / "out-survivor"), **shared)
    nodes.append(survivor)
    assert len(uids(wait_for_calendar(survivor.url, 30))) > 20
    deadline = time.monotonic() + 15
    fetched = 0
    while fetched < len(demo) and time.monotonic() < deadline:
        fetched = sum(map(int, re.findall(r"job=refresh node=survivor feeds=(\d+)", survivor.logs())))
        time.sleep(0.1)
    assert fetched == len(demo)
    assert all(feed_server.hits[t] >= 1 for t in demo)
    assert sum(feed_server.hits[t] for t in demo) == len(demo) + reached
    code, _ = survivor.stop()
    assert code == 0


def test_sigterm_during_slow_fetches_exits_0_in_time_and_gives_the_leases_back(
    demo: list[str], feed_server: Any, tmp_path: Path, nodes: list[Node]
) -> None:
    for target in demo:
        feed_server.delay(target, 25)  # longer than the whole stop may take
    db = tmp_path / "aggregator.db"
    node = Node(tmp_path, "slow", AGGREGATOR_DB=f"sqlite:///{db}",
                AGGREGATOR_OUTPUT=str(tmp_path / "output"))
    nodes.append(node)
    deadline = time.monotonic() + 15
    while not sum(feed_server.hits[t] for t in demo) and time.monotonic() < deadline:
        time.sleep(0.05)
    code, took = node.stop()
    assert code == 0 and took < STOP_LIMIT
    assert "abandoned_jobs=1" in node.logs()
    aggregator = make_aggregator(config.load(tmp_path / "sources.yaml", {"AGGREGATOR_DB": f"sqlite:///{db}"}))
    assert set(aggregator.store.feed_lease_owners().values()) == {None}
    assert {h.status for h in aggregator.feed_health()} == {"pending"}  # nothing half-stored
    aggregator.close()
