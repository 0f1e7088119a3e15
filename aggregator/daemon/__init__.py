"""`aggregator run`: the scheduled jobs and the web server in one process.

APScheduler runs the jobs in background threads while uvicorn serves the web app on the main
thread. Two kinds of jobs, in two job stores:

* per node, in memory: the refresh tick (lease the due feeds, fetch, store, check feed
  health) and the debounced build. Every node runs its own; leases share the feeds out.
* cluster-wide, in the database (table ``apscheduler_jobs``): the weekly digest and the
  nightly housekeeping. They survive restarts, and coalescing plus a misfire grace time make a
  node that was down at the digest hour send that week's digest once when it comes back.
  Another node may run the same job too: the digest's lease and ledger, and pruning being
  idempotent, make that harmless.

SIGTERM or Ctrl-C stops uvicorn, waits for the write in flight (a store transaction or a
build) and returns; fetches still in progress are abandoned, their leases given back.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from contextlib import contextmanager
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import ConflictingIdError, JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from ..cluster import RoundPlan
from ..core import Aggregator, Wire
from ..errors import AggregatorError, ConfigError
from ..gcpause import release_free_memory
from ..proxies import described
from ..redact import masked
from ..web.server import WebServer
from . import jobs
from .reload import ConfigWatch

log = logging.getLogger("aggregator.daemon")
STOP_WAIT = 12.0  # seconds a stop waits for the write in flight: exit within 15 s (issue 4)
REQUEST_WAIT = 5
"""Seconds a stop waits for the web requests in progress (meanwhile, for the writes too)."""
DIGEST_GRACE = timedelta(days=6)
"""A digest missed on Monday 07:00 is still sent until Sunday, within the same ISO week."""
HOUSEKEEPING_GRACE = timedelta(days=1)
JOB_TABLE = "apscheduler_jobs"


def retry_trigger(zone: ZoneInfo) -> CronTrigger:
    """Hourly: the week's digests that met a transient SMTP refusal are tried again."""
    return CronTrigger(minute=17, timezone=zone)


class Stopped(AggregatorError):
    """The daemon is stopping: a write that had not started yet is not started."""


class Daemon:
    """One node: scheduler plus web server, on one Aggregator."""

    def __init__(self, aggregator: Aggregator, host: str = "127.0.0.1", port: int = 8000) -> None:
        self.aggregator = aggregator
        self.settings = aggregator.settings
        options = self.settings.daemon
        self.node = aggregator.node_name()
        self.zone = ZoneInfo(self.settings.timezone)
        self.digest_trigger = cron_trigger(options.digest_cron, self.zone)
        self.housekeeping_trigger = cron_trigger(options.housekeeping_cron, self.zone)
        self.scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore(),
                       "shared": _job_store(self.settings.db_url)},
            executors={"default": ThreadPoolExecutor(4)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
            timezone=self.zone,
        )
        _one_line_store_errors(logging.getLogger("apscheduler.scheduler"))
        self.web = WebServer(aggregator, host, port, graceful=REQUEST_WAIT,
                             on_exit=self._signalled)
        self.stopping = threading.Event()
        self.stop_asked: float | None = None
        """When the stop was asked (monotonic): its waits count from then, not from the end
        of the requests' own wait, which made them 22 s in all."""
        self.closed = False
        self.lock = threading.Lock()
        """Held by every write (store transaction, build) and by the stop that waits for it."""
        self.running = 0
        self.counter_lock = threading.Lock()
        self.mailing = 0
        """Digest runs in progress: a stop waits for the message each has in flight."""
        self.mailed = threading.Condition(self.counter_lock)
        self.ticking = threading.Lock()
        self.building = threading.Lock()
        """Held by the tick and the build running: one more asked for meanwhile (a round or
        a build longer than the tick) returns at once, where APScheduler, left to skip it,
        logged a warning each time that paged operators for the daemon working as designed."""
        self.config_watch = ConfigWatch(aggregator)

    @property
    def url(self) -> str:
        return self.web.url

    @property
    def busy(self) -> bool:
        """Jobs still running (a fetch the stop abandoned)."""
        return self.running > 0

    # --- lifecycle -------------------------------------------------------------------------

    def run(self, on_ready: Callable[[], None] | None = None) -> None:
        """Start the jobs, serve until SIGTERM/Ctrl-C (or stop()), then stop gracefully."""
        jobs.register(self)
        try:
            self.scheduler.start(paused=True)
            self._install_jobs()
            self.scheduler.resume()
            hangup = _on_signal(signal.SIGHUP, self._hangup)
            log.info("node=%s started url=%s tick=%ss digest=%r", self.node, self.url,
                     self.settings.daemon.tick.total_seconds(), self.settings.daemon.digest_cron)
            log.info("node=%s %s", self.node, described(self.settings.proxies))
            try:
                self.web.serve(on_ready)
            finally:
                _on_signal(signal.SIGHUP, hangup)
        finally:
            self._shutdown()
            jobs.unregister(self)

    def stop(self) -> None:
        """Ask the daemon to stop (from another thread); run() returns once it has."""
        self._signalled()
        self.web.stop()

    def _signalled(self) -> None:
        """SIGTERM or Ctrl-C (or stop()): no job starts a round, a build or a message more,
        while the web server gives its requests REQUEST_WAIT seconds."""
        if self.stop_asked is None:
            self.stop_asked = time.monotonic()
        self.stopping.set()

    def _hangup(self, signum: int, frame: object) -> None:
        """SIGHUP (`systemctl reload`): reread sources.yaml now rather than at the next tick
        (from a thread: the handler interrupts the web server's loop)."""
        self.config_watch.asked = True
        threading.Thread(target=self._refresh_now, name="sighup", daemon=True).start()

    def _refresh_now(self) -> None:
        try:
            self.scheduler.modify_job("refresh", next_run_time=datetime.now(self.zone))
        except JobLookupError:
            pass  # stopping

    def _shutdown(self) -> None:
        self._signalled()
        started = self.stop_asked or time.monotonic()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        finished = self.lock.acquire(timeout=max(STOP_WAIT - (time.monotonic() - started), 0))
        self.closed = True
        if finished:
            self.lock.release()
        else:
            log.warning("node=%s stop: a write still runs after %.0f s", self.node, STOP_WAIT)
        with self.mailed:  # a digest run ends after its message in flight (see weekly_digest)
            left = max(STOP_WAIT - (time.monotonic() - started), 0.0)
            if not self.mailed.wait_for(lambda: self.mailing == 0, timeout=left):
                log.warning("node=%s stop: a digest message is still being sent after %.0f s; "
                            "its ledger row stays 'sending' (not sent again)", self.node,
                            STOP_WAIT)
        try:
            self.aggregator.release_leases(self.node)
        except AggregatorError as error:
            log.warning("node=%s stop: could not release leases: %s", self.node, error)
        log.info("node=%s stopped in %.2fs abandoned_jobs=%d", self.node,
                 time.monotonic() - started, self.running)

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self.lock:
            if self.closed:
                raise Stopped("the daemon is stopping")
            yield

    # --- jobs ------------------------------------------------------------------------------

    def _install_jobs(self) -> None:
        tick = self.settings.daemon.tick
        self.scheduler.add_job(self.refresh, "interval", seconds=max(tick.total_seconds(), 0.2),
                               id="refresh", next_run_time=datetime.now(self.zone),
                               max_instances=2)
        self._keep_shared_job("weekly-digest", jobs.DIGEST, self.digest_trigger, DIGEST_GRACE)
        self._keep_shared_job("housekeeping", jobs.HOUSEKEEPING, self.housekeeping_trigger,
                              HOUSEKEEPING_GRACE)
        self._keep_shared_job("digest-retries", jobs.DIGEST_RETRIES, retry_trigger(self.zone),
                              timedelta(minutes=30))

    def _keep_shared_job(self, job_id: str, func: str, trigger: CronTrigger,
                         grace: timedelta) -> None:
        """Add a cluster-wide job unless it is stored already: re-adding would move its next
        run past a missed one, and the missed digest would never be sent."""
        existing = self.scheduler.get_job(job_id, jobstore="shared")
        if existing is not None:  # repr, not str: str leaves the time zone out
            if repr(existing.trigger) != repr(trigger):
                self.scheduler.reschedule_job(job_id, jobstore="shared", trigger=trigger)
            return
        try:
            self.scheduler.add_job(func, trigger, id=job_id, jobstore="shared",
                                   misfire_grace_time=int(grace.total_seconds()), coalesce=True)
        except ConflictingIdError:
            pass  # another node added it at the same moment

    @contextmanager
    def _job(self, name: str) -> Iterator[None]:
        with self.counter_lock:
            self.running += 1
        started = time.monotonic()
        try:
            yield
        except Stopped:
            log.info("job=%s node=%s interrupted by stop", name, self.node)
        except AggregatorError as error:
            log.error("job=%s node=%s failed duration=%.2fs error=%r", name, self.node,
                      time.monotonic() - started, masked(str(error)))
        finally:
            with self.counter_lock:
                self.running -= 1

    def refresh(self) -> None:
        """The tick: refresh rounds until no due feed is left to lease, then health mails;
        nothing while the last tick still runs (its rounds take the feeds due meanwhile)."""
        if not self.ticking.acquire(blocking=False):
            return
        try:
            self._tick()
        finally:
            self.ticking.release()

    def _tick(self) -> None:
        with self._job("refresh"):
            self.config_watch.check()  # an edited sources.yaml: its new feeds are due now
            with self.aggregator.tick_wire() as wire:  # one loop and session for the rounds
                fetched = self._rounds(self.aggregator.round_plan(), wire)
            if fetched:  # the bodies the rounds downloaded are gone: give their pages back
                release_free_memory()
            if fetched and not self.stopping.is_set():
                for notice, url, result in self.aggregator.watch_health():
                    log.info("job=health node=%s notice=%s feed=%s mail=%r", self.node, notice,
                             url, result)
            if not self.stopping.is_set() and self.aggregator.build_needed():
                self._request_build()

    def _rounds(self, plan: RoundPlan, wire: Wire) -> int:
        """Refresh rounds from ``plan`` until no due feed is left to lease: feeds fetched."""
        fetched = 0
        while not self.stopping.is_set():
            started = time.monotonic()
            round_ = self.aggregator.refresh_round(self.node, self.writing, plan, wire)
            if not round_.outcomes:
                break
            fetched += len(round_.outcomes)
            counts: dict[str, int] = {}
            for outcome in round_.outcomes:
                counts[outcome.result] = counts.get(outcome.result, 0) + 1
            log.info("job=refresh node=%s feeds=%d %s changed=%s duration=%.2fs", self.node,
                     len(round_.outcomes), " ".join(f"{k}={v}" for k, v in sorted(counts.items())),
                     round_.changed, time.monotonic() - started)
            for outcome in round_.outcomes:  # which feed, and why: counts alone said neither
                if outcome.result == "error":  # (once per attempt: a failing feed backs off)
                    log.warning("job=refresh node=%s source=%s feed=%s error=%r", self.node,
                                outcome.source_id, outcome.url, outcome.error)
        return fetched

    def _request_build(self) -> None:
        """Debounce: one build ``build_delay`` after the first change (at once if there are
        no outputs yet); changes meanwhile join that build."""
        if self.scheduler.get_job("build") is not None or self.building.locked():
            return  # a build running now: the next tick asks again if it missed changes
        first = not (self.settings.output_dir / "calendar.ics").exists()
        delay = timedelta(0) if first else self.settings.daemon.build_delay
        try:
            self.scheduler.add_job(self.build, "date", id="build", max_instances=2,
                                   run_date=datetime.now(self.zone) + delay)
        except ConflictingIdError:
            pass

    def build(self, wait: bool = False) -> None:
        """Build if needed; nothing if this node builds already, unless ``wait``: then
        after that build, which will most often have done it."""
        if not self.building.acquire(blocking=wait):
            return
        try:
            self._build()
        finally:
            self.building.release()

    def _build(self) -> None:
        with self._job("build"):
            if self.stopping.is_set():
                return
            started = time.monotonic()
            result = self.aggregator.build_once(self.node, self.writing)
            log.info("job=build node=%s result=%s duration=%.2fs", self.node, result,
                     time.monotonic() - started)
            if result == "busy":  # another node builds: ours may hold newer changes
                self.scheduler.add_job(self.build, "date", id="build", replace_existing=True,
                                       max_instances=2,
                                       run_date=datetime.now(self.zone) + timedelta(seconds=1))

    def weekly_digest(self, retries_only: bool = False) -> None:
        name = "digest-retries" if retries_only else "digest"
        if self.aggregator.published().generated_at is None:
            self.build(wait=True)  # due before this node's first build (started at digest time, a
            # loaded machine): the digest failed, "nothing built yet", and waited a week; the
            # hourly retries, due at the start of a node with empty outputs, logged that ERROR
        with self._job(name), self._mailing():
            started = time.monotonic()
            year, week, _ = datetime.now(self.zone).isocalendar()
            label = f"{year}-W{week:02d}"
            # A stop ends the run between two messages: killed amid one, its subscriber's
            # row stayed "sending", closed as failed and never sent again.
            result = self.aggregator.digest_round(self.node, label, retries_only=retries_only,
                                                  stop=self.stopping.is_set)
            level = logging.WARNING if " problem=" in result else logging.INFO  # the operator
            log.log(level, "job=%s node=%s week=%s %s duration=%.2fs", name, self.node, label,
                    masked(result), time.monotonic() - started)  # a relay's reply: an address

    @contextmanager
    def _mailing(self) -> Iterator[None]:
        with self.mailed:
            self.mailing += 1
        try:
            yield
        finally:
            with self.mailed:
                self.mailing -= 1
                self.mailed.notify_all()

    def digest_retries(self) -> None:
        self.weekly_digest(retries_only=True)

    def housekeeping(self) -> None:
        with self._job("housekeeping"):
            started = time.monotonic()
            counts = self.aggregator.housekeeping()
            log.info("job=housekeeping node=%s %s duration=%.2fs", self.node,
                     " ".join(f"{k}={v}" for k, v in counts.items()), time.monotonic() - started)


def _on_signal(number: int, handler: Any) -> Any:
    """Install ``handler`` for a signal and return the one it replaces (None where signals
    cannot be set: off the main thread, as in tests that run the daemon in a thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(number, handler) if handler is not None else None


class _StoreUnreachable(logging.Filter):
    """APScheduler's warning that it cannot read the job store in the database, six lines
    every 10 s (driver's message, SQL, parameters, a link), as one line saying what waits."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if record.msg == "Error getting due jobs from job store %r: %s" and len(args) == 2:
            text = str(args[1]).strip()
            record.msg = ("job store %r (the database) does not answer: %s; the weekly "
                          "digest, its retries and housekeeping wait for it (tried again "
                          "every 10 s)")
            record.args = (args[0], text.splitlines()[0] if text else type(args[1]).__name__)
        return True


def _one_line_store_errors(logger: logging.Logger) -> None:
    if not any(isinstance(f, _StoreUnreachable) for f in logger.filters):
        logger.addFilter(_StoreUnreachable())


def _job_store(db_url: str) -> SQLAlchemyJobStore:
    """APScheduler's store in the application database; on SQLite it waits for the lock as
    long as the store does (30 s) rather than failing while a refresh writes."""
    options = {"connect_args": {"timeout": 30}} if db_url.startswith("sqlite") else {}
    return SQLAlchemyJobStore(url=db_url, tablename=JOB_TABLE, engine_options=options)


def cron_trigger(expression: str, zone: ZoneInfo) -> CronTrigger:
    """A crontab line (minute hour day month weekday), or six fields with seconds first.

    Raises:
        ConfigError: not a valid crontab expression.
    """
    fields = expression.split()
    try:
        if len(fields) == 6:
            second, minute, hour, day, month, weekday = fields
            return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                               day_of_week=weekday, timezone=zone)
        return CronTrigger.from_crontab(expression, timezone=zone)
    except ValueError as error:
        raise ConfigError(f"digest/housekeeping schedule {expression!r}: {error}") from None


__all__ = ["Daemon", "cron_trigger"]
