"""The daemon's persistent schedule: a restart keeps it, and a missed digest runs exactly once."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from conftest import make_settings
from mailsink import Sink, smtp_server  # noqa: F401

from aggregator.config import DaemonSettings, Settings, SmtpSettings
from aggregator.core import make_aggregator
from aggregator.daemon import Daemon, cron_trigger
from aggregator.errors import ConfigError

PARIS = ZoneInfo("Europe/Paris")


@contextmanager
def running(settings: Settings) -> Iterator[Daemon]:
    aggregator = make_aggregator(settings)
    daemon = Daemon(aggregator, "127.0.0.1", 0)
    thread = threading.Thread(target=daemon.run)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not daemon.web.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        yield daemon
    finally:
        daemon.stop()
        thread.join(15)
        assert not thread.is_alive()
        aggregator.close()


def digest_runs(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("job=digest node=")]


def stored_jobs(db_url: str) -> dict[str, float]:
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, next_run_time FROM apscheduler_jobs"))
        jobs = {row.id: row.next_run_time for row in rows}
    engine.dispose()
    return jobs


def test_a_digest_missed_while_down_is_sent_once_after_a_restart(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, smtp_server: Sink
) -> None:
    caplog.set_level(logging.INFO, logger="aggregator.daemon")
    at = (datetime.now(PARIS) + timedelta(seconds=4)).replace(microsecond=0)
    cron = f"{at.second} {at.minute} {at.hour} * * *"
    settings = make_settings(tmp_path, (), smtp=SmtpSettings(host=smtp_server.host,
                                                             port=smtp_server.port))
    settings = dataclasses.replace(settings, daemon=DaemonSettings(digest_cron=cron, tick=timedelta(seconds=1)))
    aggregator = make_aggregator(settings)
    aggregator.add_subscriber("reader@example.org", confirmed=True)
    aggregator.close()
    with running(settings) as first:
        job = first.scheduler.get_job("weekly-digest", jobstore="shared")
        assert job is not None and job.next_run_time == at
    jobs = stored_jobs(settings.db_url)
    assert set(jobs) == {"weekly-digest", "digest-retries", "housekeeping"}
    assert jobs["weekly-digest"] == at.timestamp()
    while datetime.now(PARIS) < at + timedelta(seconds=1):  # the machine is down at digest time
        time.sleep(0.1)
    assert digest_runs(caplog) == [] and smtp_server.messages == []
    with running(settings):
        deadline = time.monotonic() + 5
        while not digest_runs(caplog) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
    year, week, _ = at.isocalendar()
    [line] = digest_runs(caplog)
    assert f"week={year}-W{week:02d}" in line
    assert stored_jobs(settings.db_url)["weekly-digest"] == (at + timedelta(days=1)).timestamp()
    with running(settings):  # and a third start sends nothing more
        time.sleep(0.5)
    assert len(digest_runs(caplog)) == 1
    assert [rcpts for _, rcpts in smtp_server.envelopes] == [["reader@example.org"]]


def test_a_changed_digest_time_reschedules_the_stored_job(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, ())
    with running(settings) as daemon:
        job = daemon.scheduler.get_job("weekly-digest", jobstore="shared")
        assert job is not None and job.next_run_time.weekday() == 0
        assert (job.next_run_time.hour, job.next_run_time.minute) == (7, 0)
    friday = dataclasses.replace(settings, daemon=DaemonSettings(digest_cron="30 17 * * fri"))
    with running(friday) as daemon:
        job = daemon.scheduler.get_job("weekly-digest", jobstore="shared")
        assert job is not None and job.next_run_time.weekday() == 4
        assert (job.next_run_time.hour, job.next_run_time.minute) == (17, 30)


def test_a_bad_digest_schedule_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="digest"):
        cron_trigger("every monday", PARIS)
    assert str(cron_trigger("0 7 * * mon", PARIS).fields[4]) == "mon"
