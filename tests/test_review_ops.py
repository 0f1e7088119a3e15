"""Review of the daemon as an operator runs it for months: stops in the middle of work,
restarts, /metrics after a restart, the database gone for a while. Real processes, a real
SMTP server, real databases."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa
import yaml
from conftest import make_settings, make_source
from mailsink import Sink, smtp_server  # noqa: F401
from test_daemon import STOP_LIMIT, Node, nodes  # noqa: F401
from test_daemon_schedule import running

from aggregator import config
from aggregator.config import DaemonSettings
from aggregator.core import make_aggregator
from aggregator.daemon import Daemon
from aggregator.errors import StoreError
from aggregator.store import open_store

CALENDAR = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@lab\r\nSUMMARY:Talk\r\n"
            b"DTSTART:20300101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
LAST_BUILD = "aggregator_last_build_timestamp_seconds"
READERS = [f"reader{n:02d}@example.org" for n in range(30)]


def _this_week() -> str:
    year, week, _ = datetime.now(ZoneInfo("Europe/Paris")).isocalendar()
    return f"{year}-W{week:02d}"


def _digest_node(tmp_path: Path, db_url: str, sink: Sink, name: str) -> Node:
    return Node(tmp_path, name, AGGREGATOR_DB=db_url, AGGREGATOR_OUTPUT=str(tmp_path / "output"),
                AGGREGATOR_SMTP_HOST=sink.host, AGGREGATOR_SMTP_PORT=str(sink.port),
                AGGREGATOR_DIGEST_CRON="* * * * * *")  # due at once, and again every second


def test_sigterm_during_the_weekly_digest_finishes_the_message_in_flight_and_loses_nobody(
    tmp_path: Path, smtp_server: Sink, nodes: list[Node],  # noqa: F811
) -> None:
    """`systemctl stop` on Monday morning while the digest went out: the daemon exited at
    once, in the middle of one subscriber's SMTP exchange, and that subscriber's ledger row
    stayed "sending", closed later as "interrupted while sending: not sent again" (though it
    may never have left, it was never sent again). A graceful stop now claims nobody more,
    finishes and records the message in flight, and the next run sends the others, once."""
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [{
        "id": "lab", "name": "Le Lab", "kind": "lab", "city": "Metz", "country": "FR",
        "feeds": [{"url": "http://127.0.0.1:9/events.ics"}]}]}))
    db_url = f"sqlite:///{tmp_path / 'aggregator.db'}"
    aggregator = make_aggregator(config.load(tmp_path / "sources.yaml", {"AGGREGATOR_DB": db_url}))
    for address in READERS:
        aggregator.add_subscriber(address, confirmed=True)
    smtp_server.delay = 0.4  # each message takes a while: the stop lands mid-exchange
    node = _digest_node(tmp_path, db_url, smtp_server, "mailer")
    nodes.append(node)
    deadline = time.monotonic() + 60
    while smtp_server.count < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert smtp_server.count >= 5, node.logs()
    code, took = node.stop()
    assert code == 0 and took < STOP_LIMIT, node.logs()
    week = _this_week()
    ledger = aggregator.digest_ledger(week)
    assert [d.email for d in ledger if d.state != "sent"] == [], (
        [(d.email, d.state) for d in ledger], node.logs())
    assert sorted(d.email for d in ledger) == sorted(
        r for _, rcpts in smtp_server.envelopes for r in rcpts)
    assert len(ledger) < len(READERS), "the stop should land midway"
    assert "interrupted by the stop" in node.logs()

    smtp_server.delay = 0
    again = _digest_node(tmp_path, db_url, smtp_server, "again")
    nodes.append(again)
    deadline = time.monotonic() + 30
    while smtp_server.count < len(READERS) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)  # the job fires again every second: nobody may get a second one
    again.stop()
    counts: Counter[str] = Counter(r for _, rcpts in smtp_server.envelopes for r in rcpts)
    assert sorted(counts) == READERS and set(counts.values()) == {1}, counts
    assert {d.state for d in aggregator.digest_ledger(week)} == {"sent"}
    aggregator.close()



def _gauge(text: bytes, name: str) -> float:
    [value] = re.findall(rf"^{name} (\S+)$", text.decode(), re.M)
    return float(value)


def test_after_a_restart_metrics_say_when_the_served_outputs_were_built(
    feed_server: Any, tmp_path: Path,
) -> None:
    """An alert on `time() - aggregator_last_build_timestamp_seconds` fired after every
    restart: a node whose outputs were current did not build again until the data moved, and
    said 0 (1970) meanwhile; so did, for ever, every node but the builder sharing one output
    directory. The gauge now says when the outputs this node serves were built."""
    feed_server.set("/a.ics", CALENDAR, "text/calendar")
    settings = make_settings(tmp_path, (make_source("lab", feed_server.url("/a.ics")),))
    first = make_aggregator(settings)
    first.refresh_round("node")
    assert first.build_once("node") == "built"
    built = (tmp_path / "output" / "calendar.ics").stat().st_mtime
    assert abs(_gauge(first.metrics_text()[0], LAST_BUILD) - built) < 2
    first.close()
    restarted = make_aggregator(settings)
    assert restarted.build_once("node") == "current"  # nothing to build after the restart
    assert _gauge(restarted.metrics_text()[0], LAST_BUILD) == built
    restarted.close()
    fresh = make_aggregator(make_settings(tmp_path / "other", (), settings.db_url))
    assert _gauge(fresh.metrics_text()[0], LAST_BUILD) == 0  # nothing built there yet
    fresh.close()


class DatabaseLink:
    """A TCP relay to PostgreSQL on 127.0.0.1 that the test cuts (every connection dropped,
    new ones refused: the server down, the network cut) and restores."""

    def __init__(self, port: int = 5432) -> None:
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = False
        self.open: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, postgres_url: str) -> str:
        return sa.engine.make_url(postgres_url).set(port=self.port).render_as_string(False)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.target))
            with self.lock:
                self.open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def cut(self) -> None:
        self.down = True
        with self.lock:
            for end in self.open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            self.open.clear()

    def close(self) -> None:
        """Also collects, here, the driver's connections the cut left for the garbage
        collector (their sockets dead), whose ResourceWarning failed a later test."""
        self.cut()
        self.listener.close()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


@pytest.mark.postgres
def test_a_database_gone_for_a_while_is_said_in_one_line_with_what_to_check(
    postgres_url: str, tmp_path: Path,
) -> None:
    """Every tick of a daemon whose PostgreSQL had gone logged a 700-character line that said
    the driver's message twice ("database unavailable: X (OperationalError: X This probably
    means… Background on this error at: https://sqlalche.me/…)") and nothing of what to do;
    /healthz said the same. It is now one line naming the setting to check, and the store
    works again once the server is back."""
    link = DatabaseLink()
    try:
        store = open_store(link.url(postgres_url))
        store.ping()
        link.cut()
        with pytest.raises(StoreError) as raised:
            store.ping()
        message = str(raised.value)
        assert "\n" not in message and "sqlalche.me" not in message, message
        assert message.count("server closed the connection") <= 1, message
        assert "AGGREGATOR_DB" in message and "server" in message, message
        assert len(message) < 400, message
        link.down = False  # the server is back
        store.ping()
        store.close()
    finally:
        link.close()


def test_a_tick_or_build_outlasting_the_next_one_is_no_warning(
    feed_server: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    """A refresh round longer than the tick (slow hosts, thousands of feeds) or a build
    still running when the next tick asked for one made APScheduler log, each minute,
    'WARNING … skipped: maximum number of running instances reached (1)': an operator
    alerting on warnings was paged for the daemon working as designed."""
    caplog.set_level(logging.INFO)
    feed_server.set("/a.ics", CALENDAR, "text/calendar")
    feed_server.delay("/a.ics", 1.5)  # one tick's round outlasts several ticks
    settings = dataclasses.replace(
        make_settings(tmp_path, (make_source("lab", feed_server.url("/a.ics")),)),
        daemon=DaemonSettings(tick=timedelta(seconds=0.3), build_delay=timedelta(0)))
    with running(settings):
        deadline = time.monotonic() + 20
        while not (tmp_path / "output" / "calendar.ics").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1)
    assert (tmp_path / "output" / "calendar.ics").exists()
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == []


def test_sigterm_during_a_long_admin_refresh_still_exits_0_in_time_without_a_traceback(
    feed_server: Any, tmp_path: Path, nodes: list[Node],  # noqa: F811
) -> None:
    """The admin's "refresh now" was fetching a slow feed when systemd stopped the daemon:
    uvicorn waited 10 s for that request, cancelled it with a traceback in the log, then the
    interpreter waited for the fetch's thread: 24 s in all, where 15 are promised (and
    Docker's stop kills at 10). The daemon stops its jobs at the signal, gives requests a
    few seconds, says in one line which it cancelled, and exits 0 within 15 s."""
    feed_server.set("/a.ics", CALENDAR, "text/calendar")
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [{
        "id": "lab", "name": "Le Lab", "kind": "lab", "city": "Metz", "country": "FR",
        "feeds": [{"url": feed_server.url("/a.ics")}]}]}))
    token = "an-operator-token-long-enough"
    node = Node(tmp_path, "solo", AGGREGATOR_DB=f"sqlite:///{tmp_path / 'aggregator.db'}",
                AGGREGATOR_OUTPUT=str(tmp_path / "output"), AGGREGATOR_ADMIN_TOKEN=token)
    nodes.append(node)
    deadline = time.monotonic() + 30
    while not (tmp_path / "output" / "calendar.ics").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    feed_server.delay("/a.ics", 28)
    answers: list[object] = []

    def refresh_now() -> None:
        try:
            answers.append(httpx.post(node.url + "/admin/refresh", timeout=60,
                                      headers={"Authorization": f"Bearer {token}"}).status_code)
        except httpx.HTTPError as error:
            answers.append(error)

    asking = threading.Thread(target=refresh_now)
    asking.start()
    deadline = time.monotonic() + 10
    while not feed_server.hits["/a.ics"] > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    code, took = node.stop()
    asking.join(30)
    assert code == 0 and took < STOP_LIMIT, (took, node.logs())
    assert "Traceback" not in node.logs(), node.logs()
    assert "cancelled" in node.logs(), node.logs()


def test_a_lease_of_no_time_is_refused_at_start(tmp_path: Path) -> None:
    """AGGREGATOR_LEASE=0s was taken: every claimed feed was free again at once (two nodes
    fetched it together), and the thread that renews a round's leases every third of the
    lease renewed them in a loop without pause, one UPDATE after another, for every round."""
    (tmp_path / "sources.yaml").write_text("sources: []\n")
    done = subprocess.run(
        [sys.executable, "-m", "aggregator", "run", "--port", "0"], cwd=tmp_path,
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "AGGREGATOR_CONFIG": str(tmp_path / "sources.yaml"),
             "AGGREGATOR_DB": f"sqlite:///{tmp_path / 'a.db'}", "AGGREGATOR_LEASE": "0s"})
    assert done.returncode == 2, done.stderr
    assert "AGGREGATOR_LEASE='0s'" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.postgres
def test_metrics_keep_answering_while_the_database_is_down_and_say_so(
    feed_server: Any, postgres_url: str, tmp_path: Path,
) -> None:
    """/metrics answered 503 while PostgreSQL was down: Prometheus marked the node itself
    down (`up == 0`, the wrong alert), and lost its build time and counters for the outage.
    It now answers with them, without the feed counts it cannot read, and
    aggregator_database_up 0."""
    feed_server.set("/a.ics", CALENDAR, "text/calendar")
    link = DatabaseLink()
    try:
        settings = make_settings(tmp_path, (make_source("lab", feed_server.url("/a.ics")),),
                                 link.url(postgres_url))
        aggregator = make_aggregator(settings)
        aggregator.refresh_round("node")
        assert aggregator.build_once("node") == "built"
        text = aggregator.metrics_text()[0]
        assert _gauge(text, "aggregator_database_up") == 1
        assert b'aggregator_feeds{status="ok"} 1.0' in text
        link.cut()
        text = aggregator.metrics_text()[0]
        assert _gauge(text, "aggregator_database_up") == 0
        assert _gauge(text, LAST_BUILD) > 0
        assert b"aggregator_build_duration_seconds_count 1.0" in text
        assert b"aggregator_feeds{" not in text  # unknown, not the last values seen
        link.down = False
        assert _gauge(aggregator.metrics_text()[0], "aggregator_database_up") == 1
        aggregator.close()
    finally:
        link.close()


def test_the_shared_job_store_unreachable_is_one_line_of_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    """While PostgreSQL was down, APScheduler logged every 10 s a warning of six lines (the
    driver's message, the SQL, its parameters, a link), beside the daemon's own line of each
    tick: log shippers cut it into fragments. It is now one line saying what waits."""
    caplog.set_level(logging.INFO)
    aggregator = make_aggregator(make_settings(tmp_path, ()))
    daemon = Daemon(aggregator, "127.0.0.1", 0)  # as `aggregator run` starts
    daemon.web.socket.close()
    engine = sa.create_engine("postgresql+psycopg://postgres@127.0.0.1:1/gone")
    with pytest.raises(sa.exc.OperationalError) as refused:
        engine.connect()
    engine.dispose()
    # what APScheduler logs when it cannot read its job store (BaseScheduler._process_jobs)
    logging.getLogger("apscheduler.scheduler").warning(
        "Error getting due jobs from job store %r: %s", "shared", refused.value)
    aggregator.close()
    [shown] = [r.getMessage() for r in caplog.records if r.name == "apscheduler.scheduler"]
    assert "\n" not in shown and "sqlalche.me" not in shown, shown
    assert shown.startswith("job store 'shared' (the database) does not answer: "), shown
    assert "weekly digest" in shown, shown


def test_the_hourly_digest_retries_on_a_node_with_nothing_built_yet_is_no_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    """A node started with an empty output directory (a new container) within half an hour
    of the hourly retry job's time ran that job at once and logged an ERROR, "nothing built
    yet … run `aggregator build` first", on every such start; the weekly run built first,
    the retries did not. Both now build first."""
    caplog.set_level(logging.INFO, logger="aggregator.daemon")
    settings = dataclasses.replace(make_settings(tmp_path, ()),
                                   daemon=DaemonSettings(tick=timedelta(hours=1)))
    with running(settings) as daemon:
        daemon.digest_retries()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    assert any(r.getMessage().startswith("job=digest-retries ") for r in caplog.records)


def test_the_daemons_weekly_digest_is_paced_as_the_operator_set_it(
    tmp_path: Path, smtp_server: Sink, nodes: list[Node],  # noqa: F811
) -> None:
    """Issue 5: sending is "throttled (messages per minute configurable)"; only `digest send
    --per-minute` was: `aggregator run`, which sends the weekly digest on Monday morning,
    sent every message at once whatever the relay's limit, and nothing could pace it.
    AGGREGATOR_DIGEST_PER_MINUTE now paces the daemon's sends too."""
    (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"sources": [{
        "id": "lab", "name": "Le Lab", "kind": "lab", "city": "Metz", "country": "FR",
        "feeds": [{"url": "http://127.0.0.1:9/events.ics"}]}]}))
    db_url = f"sqlite:///{tmp_path / 'aggregator.db'}"
    aggregator = make_aggregator(config.load(tmp_path / "sources.yaml", {"AGGREGATOR_DB": db_url}))
    for address in READERS[:4]:
        aggregator.add_subscriber(address, confirmed=True)
    aggregator.close()
    node = Node(tmp_path, "paced", AGGREGATOR_DB=db_url, AGGREGATOR_SMTP_HOST=smtp_server.host,
                AGGREGATOR_OUTPUT=str(tmp_path / "output"),
                AGGREGATOR_SMTP_PORT=str(smtp_server.port), AGGREGATOR_DIGEST_CRON="* * * * * *",
                AGGREGATOR_DIGEST_PER_MINUTE="40")  # one each 1.5 s
    nodes.append(node)
    arrivals: list[float] = []
    deadline = time.monotonic() + 60
    while len(arrivals) < 4 and time.monotonic() < deadline:
        arrivals += [time.monotonic()] * (smtp_server.count - len(arrivals))
        time.sleep(0.02)
    node.stop()
    assert len(arrivals) == 4, node.logs()
    assert arrivals[-1] - arrivals[0] >= 3 * 1.5 * 0.9, [t - arrivals[0] for t in arrivals]
