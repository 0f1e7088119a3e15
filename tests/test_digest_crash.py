"""A digest run killed midway (SIGKILL, as the OOM killer or a deploy would) and restarted:
every subscriber ends with exactly one digest, on SQLite and PostgreSQL."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from aggregator.cli import cli
from digest_site import (BASE_URL, WEEK, Clock, cli_environment, close_apps,  # noqa: F401
                         digest_app)
from mailsink import Sink, free_port, smtp_server  # noqa: F401

REPO = Path(__file__).resolve().parents[1]
SUBSCRIBERS = [f"reader{n:02d}@example.org" for n in range(30)]


def killed_midway(argv: list[str], tmp_path: Path, db_url: str, smtp_server: Sink) -> int:
    """Run ``argv`` (a digest run of its own process), SIGKILL it once eight messages are
    handed over (each takes a while, so the kill lands mid-run) and return how many were."""
    smtp_server.delay = 0.05
    process = subprocess.Popen(argv, env=cli_environment(tmp_path, db_url, smtp_server.port),
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while smtp_server.count < 8 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    _, error = process.communicate()
    served = smtp_server.count
    assert 8 <= served < len(SUBSCRIBERS), f"the kill should land midway: {error.decode()}"
    return served


def test_a_killed_send_resumes_without_sending_anyone_twice(
    smtp_server: Sink, tmp_path: Path, db_url: str
) -> None:
    app = digest_app(tmp_path, db_url, smtp_server.port, Clock())
    for address in SUBSCRIBERS:
        app.add_subscriber(address, confirmed=True)
    served_before = killed_midway(
        [sys.executable, "-m", "aggregator", "digest", "send", "--week", WEEK,
         "--any-week"],
        tmp_path, db_url, smtp_server)

    smtp_server.delay = 0
    report = app.send_digest(WEEK)

    counts = Counter(m["To"] for m in smtp_server.messages)
    assert sorted(counts) == SUBSCRIBERS and set(counts.values()) == {1}
    assert len(report.sent) == len(SUBSCRIBERS) - served_before
    assert app.send_digest(WEEK).sent == ()


@pytest.mark.postgres
@pytest.mark.parametrize("change", [
    "UPDATE subscribers SET status = 'unsubscribed' WHERE email = 'bob@example.org'",
    "DELETE FROM subscribers WHERE email = 'bob@example.org'",
])
def test_a_claim_waits_for_an_unsubscribe_in_progress_and_then_sees_it(
    smtp_server: Sink, tmp_path: Path, postgres_url: str, change: str,
) -> None:
    """On PostgreSQL the web app's unsubscribe (or erasure) may be in its transaction at the
    moment the run claims that subscriber: the claim must wait for it and then take nothing,
    not claim from the state before it (an erasure then broke the foreign key)."""
    app = digest_app(tmp_path, postgres_url, smtp_server.port, Clock())
    bob, _ = app.add_subscriber("bob@example.org", confirmed=True)
    claims: list[int] = []
    with app.store.engine.connect() as other:
        other.execute(sa.text(change))  # not committed yet
        claiming = threading.Thread(target=lambda: claims.append(app.store.claim_delivery(
            bob.id, WEEK, datetime.now(UTC), "node")))
        claiming.start()
        time.sleep(0.5)
        assert claiming.is_alive(), "the claim did not wait for the change in progress"
        other.commit()
    claiming.join(timeout=30)
    assert claims == [0]
    assert app.store.deliveries(WEEK) == []


def test_the_cli_sends_previews_and_lists(smtp_server: Sink, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"
    app = digest_app(tmp_path, db_url, smtp_server.port)  # writes the site
    env = cli_environment(tmp_path, db_url, smtp_server.port)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    assert "pending" in run("subscribers", "add", "New@Example.org", "--lang", "en")
    [confirmation] = smtp_server.messages
    assert confirmation["To"] == "new@example.org"
    assert f"{BASE_URL}/confirm/" in confirmation.get_content()
    run("subscribers", "add", "ops@example.org", "--confirmed", "--city", "Metz", "--lang", "de")
    listing = run("subscribers", "list")
    assert "new@example.org" in listing and "ops@example.org" in listing and "Metz" in listing
    dry = run("digest", "send", "--week", WEEK, "--dry-run")
    assert "ops@example.org" in dry and "new@example.org" not in dry and "would send 1" in dry
    assert len(smtp_server.messages) == 1
    assert "sent 1" in run("digest", "send", "--week", WEEK, "--any-week")
    assert "sent 0" in run("digest", "send", "--week", WEEK, "--any-week")
    paths = run("digest", "preview", "--week", WEEK).split()
    assert [Path(p).name for p in paths] == [f"{WEEK}.html", f"{WEEK}.txt"]
    assert "removed" in run("subscribers", "remove", "ops@example.org")
    result = runner.invoke(cli, ["subscribers", "remove", "ops@example.org"], env=env)
    assert result.exit_code == 2 and "not subscribed" in result.output
    bad = runner.invoke(cli, ["digest", "send", "--week", "2026-50"], env=env)
    assert bad.exit_code == 2 and "ISO week" in bad.output
    app.close()


def test_the_cli_says_why_no_digest_went_out(tmp_path: Path) -> None:
    """With the mail server unreachable it printed "sent 0, to retry 1" and exited 0: the
    reason was nowhere, and a cron job saw success week after week."""
    db_url, port = f"sqlite:///{tmp_path / 'cli.db'}", free_port()  # nothing listens there
    app = digest_app(tmp_path, db_url, port)
    app.add_subscriber("ana@example.org", confirmed=True)
    app.close()
    env = cli_environment(tmp_path, db_url, port)
    result = CliRunner().invoke(cli, ["digest", "send", "--week", WEEK, "--any-week"],
                                env=env)
    assert result.exit_code == 1, result.output
    assert f"{WEEK}: sent 0, to retry 1" in result.output
    assert f"stopped: SMTP server 127.0.0.1:{port} unreachable: " in result.output
    assert f"1 digest of {WEEK} kept to retry" in result.output
    assert "check AGGREGATOR_SMTP_HOST and AGGREGATOR_SMTP_PORT" in result.output


class SenderRefusingSink(Sink):
    """A relay that wants a login before it takes anything: it refuses our MAIL FROM."""

    refusal = "530 5.7.0 Authentication required"

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: Any) -> str:
        if self.refusal:
            return self.refusal
        envelope.mail_from = address
        return "250 OK"


@pytest.mark.parametrize("connections", ["1", "2"])
def test_a_relay_refusing_our_sender_stops_the_run_and_says_which_setting(
    tmp_path: Path, db_url: str, connections: str,
) -> None:
    """AGGREGATOR_SMTP_USER forgotten: the relay answers 530 to MAIL FROM. The run stops at
    the first refusal with exit 1 and names the setting; every digest of the week is kept to
    retry with no attempt used and no bounce counted, and goes once the relay takes it."""
    sink = SenderRefusingSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        app = digest_app(tmp_path, db_url, sink.port, Clock())
        for address in SUBSCRIBERS[:5]:
            app.add_subscriber(address, confirmed=True)
        env = cli_environment(tmp_path, db_url, sink.port)
        result = CliRunner().invoke(
            cli, ["digest", "send", "--week", WEEK, "--any-week", "--connections", connections],
            env=env)
        assert result.exit_code == 1, result.output
        assert "530 5.7.0 Authentication required" in result.output
        assert "set AGGREGATOR_SMTP_USER and AGGREGATOR_SMTP_PASSWORD" in result.output
        assert "5 digests of 2026-W50 kept to retry" in result.output
        ledger = app.store.deliveries(WEEK)
        assert {(d.state, d.attempts) for d in ledger} == {("retry", 0)} and len(ledger) == 5
        assert {(s.status, s.hard_bounces, s.last_error) for s in app.store.subscribers()} == {
            ("confirmed", 0, None)}
        sink.refusal = ""  # the operator set the login: the hourly retry sends them all
        done = CliRunner().invoke(
            cli, ["digest", "send", "--week", WEEK, "--any-week", "--retries-only"], env=env)
        assert done.exit_code == 0, done.output
        assert sorted(m["To"] for m in sink.messages) == SUBSCRIBERS[:5]
    finally:
        controller.stop()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_during_a_send_finishes_the_message_in_flight_and_loses_nobody(
    smtp_server: Sink, tmp_path: Path, db_url: str, signum: int
) -> None:
    """Ctrl-C on `aggregator digest send` (or a timer's unit stopped: SIGTERM) cut one
    subscriber's SMTP exchange: its claim stayed "sending", later closed as not sent again,
    and that subscriber had no digest that week. The first signal now ends the run once the
    message in flight is sent and recorded; it says so and exits 128 + the signal, and the
    next run sends the others, each once."""
    app = digest_app(tmp_path, db_url, smtp_server.port, Clock())
    for address in SUBSCRIBERS:
        app.add_subscriber(address, confirmed=True)
    smtp_server.delay = 0.4  # each message takes a while: the signal lands mid-exchange
    process = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "digest", "send", "--week", WEEK,
         "--any-week"],
        env=cli_environment(tmp_path, db_url, smtp_server.port), cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while smtp_server.count < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    time.sleep(0.2)  # into the next exchange
    process.send_signal(signum)
    out, error = process.communicate(timeout=30)
    assert process.returncode == 128 + signum, error.decode()
    assert "interrupted" in out.decode() + error.decode()
    ledger = app.digest_ledger(WEEK)
    assert 3 <= len(ledger) < len(SUBSCRIBERS)
    assert {d.state for d in ledger} == {"sent"}, [(d.email, d.state) for d in ledger]

    smtp_server.delay = 0
    app.send_digest(WEEK)
    counts = Counter(m["To"] for m in smtp_server.messages)
    assert sorted(counts) == SUBSCRIBERS and set(counts.values()) == {1}
