"""What the daemon asks of the Aggregator, safe when several nodes share one database.

Each method is one scheduled job's work: a refresh round over the feeds this node managed to
lease, a build that runs on one node at a time and only when the data moved on, the health
emails to feed contacts (one per outage, one on recovery, whichever node notices first), the
week's digest under a lease, and pruning. The policy lives in :mod:`cadence`; the coordination
(leases, locks, marks) in the store; this mixin only sequences them.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from . import cadence
from .config import Settings
from .errors import PublishError, StoreError
from .publish import directory_id
from .mailer import notify_contact
from .observe import CONTENT_TYPE, Metrics
from .models import FeedOutcome, FeedState, Source, StoredUpdate
from .fetch import FetchLimits, Wire
from .instants import utc_minute
from .netguard import Resolver
from .node_names import default_node, process_gone, this_host
from .notices import MESSAGES, what_to_do
from .reasons import reason_in
from .redact import masked
from .store import Store

log = logging.getLogger("aggregator.daemon")
LEDGER_RETENTION = timedelta(days=400)
"""Digest ledger rows are kept a year and a bit (who got which week, for the operator); so are
unsubscribed and hard-bounced addresses after their last digest, and declined registrations."""
PENDING_RETENTION = timedelta(days=30)
"""A sign-up never confirmed is deleted after this (its confirmation link stops working)."""
NEWS_RETENTION = timedelta(days=90)  # core.NEWS_WINDOW: older news never reaches the exports
DATA_MARK = "data"


@dataclass(frozen=True, slots=True)
class RoundPlan:
    """What a tick's refresh rounds share: the sources (by id), their feeds' rows made sure
    of, and the keys of the feeds to claim from (each round claims the due ones among them)."""

    sources: Mapping[str, Source]
    candidates: Sequence[int]


@dataclass(frozen=True, slots=True)
class Round:
    """One refresh round of one node: what it fetched and whether the records moved."""

    outcomes: tuple[FeedOutcome, ...]
    changed: bool


BuildResult = Literal["built", "current", "busy"]
BUSY_POLL_SECONDS = 0.2
"""How often a build asked for by hand looks whether another build is over."""
Writing = Callable[[], AbstractContextManager[object]]
"""Held around every write, so a stopping daemon can wait for the one in flight."""


class ClusterMixin:
    """Methods of Aggregator behind `aggregator run`'s jobs."""

    settings: Settings
    store: Store
    clock: Callable[[], datetime]
    resolver: Resolver
    limits: FetchLimits

    # provided by Aggregator (the last three by its registrations)
    def current_sources(self) -> tuple[Source, ...]: raise NotImplementedError
    def configured_ids(self) -> frozenset[str]: raise NotImplementedError
    def manage_link(self, source_id: str) -> str | None: raise NotImplementedError
    def registrations_housekeeping(self, now: datetime) -> dict[str, int]: raise NotImplementedError

    def _fetch_and_store(
        self, states: Sequence[FeedState], *, force: bool, sources: Mapping[str, Source],
        report: Callable[[str, int, int], None], writing: Writing = nullcontext,
        wire: Wire | None = None,
    ) -> list[StoredUpdate]:
        raise NotImplementedError  # provided by Aggregator

    def build(self) -> object:
        raise NotImplementedError  # provided by Aggregator

    _metrics: Metrics | None = None

    @property
    def metrics(self) -> Metrics:
        if self._metrics is None:
            self._metrics = Metrics()
        return self._metrics

    # --- refresh ---------------------------------------------------------------------------

    def round_plan(self) -> RoundPlan:
        """The sources and their feeds' keys, read once for a tick's rounds: reading every
        feed's state twice a round made a cycle of N / batch rounds quadratic in the feeds
        (issue 8: 6,000 feeds all due, 60 rounds of 100, 19.8 s where one refresh takes 1.6 s)."""
        every = self.current_sources()
        self.store.sync_feeds(every, self.configured_ids())
        return RoundPlan({source.id: source for source in every}, self.store.feed_ids(every))

    def refresh_round(self, node: str, writing: Writing = nullcontext,
                      plan: RoundPlan | None = None, wire: Wire | None = None) -> Round:
        """Lease up to a batch of due feeds (none another live node holds), fetch them, store
        what changed, give the leases back. A node that dies mid-round loses nothing: its
        leases expire and another node takes the feeds. ``plan``: the tick's, else read now.
        The claim keeps the due feeds among the plan's (in SQL); only the batch leased is read.
        ``wire``: the tick's (:meth:`tick_wire`), else a loop and connections of the round's."""
        plan = plan or self.round_plan()
        now = self.clock()
        self.free_leases_of_dead_processes()
        daemon = self.settings.daemon
        claimed = self.store.claim_feeds(plan.candidates, node, now, daemon.lease, daemon.batch,
                                         horizon=cadence.MAX_INTERVAL)
        if not claimed:
            return Round((), False)
        try:
            states = self.store.feed_states_of(claimed)
            with self.store.feeds_kept(claimed, node, self.clock, daemon.lease):
                updates = self._fetch_and_store(
                    states, force=False, sources=plan.sources,
                    report=lambda step, done, total: None, writing=writing, wire=wire,
                )
        finally:
            self.store.release_feeds(claimed, node)
        for update in updates:
            self.metrics.fetches.labels(update.outcome.result).observe(update.outcome.elapsed)
        changed = any(_changes_outputs(u, s) for u, s in zip(updates, states, strict=True))
        if changed:
            self.store.bump_mark(DATA_MARK)
        return Round(tuple(u.outcome for u in updates), changed)

    def tick_wire(self) -> closing[Wire]:
        """One event loop and HTTP session for a tick's rounds, closed at the end of the
        ``with`` (see :class:`aggregator.fetch.Wire`)."""
        return closing(Wire(self.limits))

    def release_leases(self, node: str) -> None:  # at once when stopping: not when they expire
        self.store.release_owner(node)

    def free_leases_of_dead_processes(self) -> None:
        """Give back at once the leases of a process of this host that is gone (SIGKILL, the
        OOM killer), rather than let its feeds, build or digest wait AGGREGATOR_LEASE for
        them to expire. Only default owner names (host:pid) tell their process; a node named
        by AGGREGATOR_NODE keeps the expiry (so do not name one like this host and a pid).
        Hosts sharing a database need distinct names."""
        host = this_host()
        for owner in self.store.lease_holders():
            if process_gone(owner, host):
                log.warning("giving back the leases of %s: that process is gone", owner)
                self.store.release_owner(owner)

    def node_name(self) -> str:  # in leases and logs: AGGREGATOR_NODE, else host:pid
        return self.settings.daemon.node or default_node()

    @contextmanager
    def leased_by_hand(self, feed_ids: Sequence[int]
                       ) -> Iterator[tuple[set[int], dict[int, str]]]:
        """Lease ``feed_ids`` for a refresh asked for by hand (`aggregator refresh`, the admin's
        "refresh now"), due or not, under an owner of its own. Yields the ids leased (read
        their state once leased: another node may just have stored a newer one) and, by feed
        id, who holds each of the others: a daemon's round or another refresh fetching it
        right now, which this refresh skips, since two fetches of one feed at once would ask
        its server twice, and whichever is stored last, maybe the older answer, would win.
        The leases are given back at the end."""
        owner = f"{self.node_name()}/refresh-{secrets.token_hex(4)}"
        self.free_leases_of_dead_processes()
        ids = self.store.claim_feeds(list(feed_ids), owner, self.clock(),
                                     self.settings.daemon.lease, due_only=False,
                                     horizon=cadence.MAX_INTERVAL)
        try:
            leased = set(ids)
            holders = self.store.feed_lease_owners() if len(leased) < len(feed_ids) else {}
            with self.store.feeds_kept(ids, owner, self.clock, self.settings.daemon.lease):
                yield leased, {key: holders.get(key) or "another node"
                               for key in feed_ids if key not in leased}
        finally:
            self.store.release_feeds(ids, owner)

    # --- build -----------------------------------------------------------------------------

    def build_needed(self) -> bool:
        """The data moved on since this output directory was last built (by any node), or
        it was built before today: what the outputs show depends on the day too (the upcoming
        days of index.html, the events and news windows), and unchanged feeds left index.html
        listing last week's events as upcoming."""
        try:
            built_at = (self.settings.output_dir / "calendar.ics").stat().st_mtime
        except OSError:
            return True
        zone = ZoneInfo(self.settings.timezone)
        if datetime.fromtimestamp(built_at, zone).date() < datetime.now(zone).date():
            return True
        built = self.store.read_mark(self._built_mark())
        return built is None or built < (self.store.read_mark(DATA_MARK) or 0)

    def build_once(self, node: str, writing: Writing = nullcontext) -> BuildResult:
        """Build if needed, one node at a time: "busy" when another node is building now
        (try again later: it may have started before our changes)."""
        if not self.build_needed():
            return "current"
        self.free_leases_of_dead_processes()
        with self.store.exclusive("build", node, self.clock(), self.settings.daemon.lease) as mine:
            if not mine:
                return "busy"
            if not self.build_needed():
                return "current"
            with self._marking_built(), writing():
                self.build()
        return "built"

    @contextmanager
    def _marking_built(self) -> Iterator[None]:
        """Around a build that holds the build lock: once it succeeds, this output directory
        is marked built up to the data it started from (a refresh stored meanwhile still
        calls for the next one) and the build is counted in /metrics."""
        data = self.store.read_mark(DATA_MARK) or 0
        started = time.monotonic()
        yield
        self.metrics.builds.observe(time.monotonic() - started)
        self.metrics.built(time.time())
        self.store.set_mark(self._built_mark(), data)

    @contextmanager
    def building_alone(self, waiting: Callable[[timedelta], None] = lambda most: None
                       ) -> Iterator[None]:
        """Around a build someone asked for (`aggregator build`, the admin's actions): wait
        while another node, or this process's daemon, builds, since two builds at once would
        each save the publication against the same last one (a change's SEQUENCE raised twice,
        or a withdrawn event never published CANCELLED); then mark this output directory
        built, so that the daemon does not build it again for nothing, and count the build in
        /metrics as the daemon's. ``waiting`` is told
        once, with the longest wait, when another build is in progress.

        Raises:
            PublishError: another build has held the lock for AGGREGATOR_LEASE.
        """
        owner = f"{self.node_name()}/build-{secrets.token_hex(4)}"
        lease = self.settings.daemon.lease
        deadline = time.monotonic() + lease.total_seconds()
        told = False
        while True:
            self.free_leases_of_dead_processes()
            with self.store.exclusive("build", owner, self.clock(), lease) as mine:
                if mine:
                    with self._marking_built():
                        yield
                    return
            if time.monotonic() >= deadline:
                raise PublishError(
                    f"another build has held the build lock for {lease} (AGGREGATOR_LEASE): "
                    "wait for it to end, or stop the node that runs it, then build again")
            if not told:
                waiting(lease)
                told = True
            time.sleep(BUSY_POLL_SECONDS)

    def _built_mark(self) -> str:
        """Named after the output directory's own id, not its path: nodes on several hosts
        with their own ``./output`` at one path were one mark, and only the first node to
        build after a change did; the others served their old outputs for ever."""
        return f"built:{directory_id(self.settings.output_dir)}"

    # --- feed health -----------------------------------------------------------------------

    def watch_health(self) -> list[tuple[str, str, str]]:
        """Mail feed contacts: once when a feed has failed for a day, once when it recovers,
        once when its server says it is gone (410).
        Returns (notice, feed URL, what happened to the email) per email due."""
        sources = {source.id: source for source in self.current_sources()}
        outages = self.store.load_outages()
        now = self.clock()
        sent: list[tuple[str, str, str]] = []
        for state in self.store.feed_states(tuple(sources.values())):
            record = outages.get(state.feed_id)
            before = cadence.Outage(state.feed_id, *record) if record else None
            step = cadence.check_health(state, before, now)
            if step.outage is not None and before is None:
                self.store.save_outage(state.feed_id, step.outage.failing_since)
            if step.notice in ("down", "gone") and self.store.claim_outage_notice(
                    state.feed_id, now):
                result = self._mail_contact(sources[state.source_id], state, step.notice,
                                            step.outage.failing_since if step.outage else None)
                sent.append((step.notice, state.url, result))
            elif step.outage is None and before is not None and self.store.end_outage(state.feed_id):
                if step.notice == "recovered":
                    result = self._mail_contact(sources[state.source_id], state, "recovered")
                    sent.append(("recovered", state.url, result))
        return sent

    def _mail_contact(self, source: Source, state: FeedState, notice: str,
                      failing_since: datetime | None = None) -> str:
        """``failing_since``: the outage's start, which a feed that never worked has too."""
        self.metrics.health_emails.labels(notice).inc()
        if not source.contact:
            return "no contact address in sources.yaml"
        start = failing_since or state.last_success
        since = utc_minute(start) if start else "?"
        base = self.settings.base_url
        fix = what_to_do(source.language, self.manage_link(source.id), gone=notice == "gone")
        error = reason_in(state.last_error or "", source.language)  # in the contact's language
        fields: dict[str, object] = {"name": source.name, "url": state.url, "error": error,
                                     "since": since, "base_url": base,
                                     "page": f"{base}/sources/{source.id}", "fix": fix}
        problem = notify_contact(self.settings, source.contact, source.language,
                                 MESSAGES[notice], fields)
        return "sent" if problem is None else masked(problem)  # for the log: no address

    # --- digest and housekeeping -----------------------------------------------------------

    def digest_round(self, node: str, week: str, *, retries_only: bool = False,
                     stop: Callable[[], bool] | None = None) -> str:  # stop: daemon stopping
        """Send ``week``'s digest (or only its due retries) under a cluster-wide lease; the
        subscribers' ledger (issue 5) makes each send happen once even if two nodes ran it.
        A run that started the week and never ended (its node killed midway: the scheduler
        had already moved the weekly job to next week) is finished by the next retries-only
        run, the hourly job, on any node; once a run ended, none starts anyone's week."""
        send = getattr(self, "send_digest", None)
        if send is None:
            return "skipped: this version has no digest sending (Aggregator.send_digest)"
        name = f"digest:{week}"
        self.free_leases_of_dead_processes()
        if not self.store.try_lease(name, node, self.clock(), timedelta(hours=1)):
            return "skipped: another node is sending it"
        try:
            if retries_only and self.store.read_mark(f"{name}:started") is not None:
                retries_only = self.store.read_mark(f"{name}:ended") is not None
            if not retries_only:
                self.store.set_mark(f"{name}:started", 1)
            paced = self.settings.daemon  # as `digest send --per-minute --connections`
            report = send(week, retries_only=retries_only, stop=stop, any_week=True,
                          per_minute=paced.digest_per_minute,
                          connections=paced.digest_connections)
            if not retries_only and not getattr(report, "interrupted", False):
                self.store.set_mark(f"{name}:ended", 1)
        finally:
            self.store.release_lease(name, node)
        counts = {key: len(getattr(report, key, ())) for key in ("sent", "retry", "failed")}
        for key, value in counts.items():
            self.metrics.digests.labels(key).inc(value)
        problems = getattr(report, "problems", ())
        return " ".join(f"{key}={value}" for key, value in counts.items()) + (
            f" skipped={getattr(report, 'skipped', 0)}") + (
            f" problem={problems[0]!r}" if problems else "") + (
            f" problem={report.warning!r}" if getattr(report, "warning", "") else "") + (
            " interrupted by the stop: the hourly job sends the others"
            if getattr(report, "interrupted", False) else "")

    # --- observability -------------------------------------------------------------------

    def health_report(self) -> dict[str, object]:
        """/healthz: the database answers and a build has been published (with its age)."""
        report: dict[str, object] = {"status": "ok", "database": "ok"}
        try:
            self.store.ping()
        except StoreError as error:
            report.update(status="unavailable", database=str(error))
        built = self._built_at()
        report["last_build_age_seconds"] = built and round(max(time.time() - built, 0.0), 1)
        if built is None and report["status"] == "ok":
            report["status"] = "not built yet"
        return report

    def _built_at(self) -> float | None:  # when the outputs it serves were built, by anyone
        with suppress(OSError):
            return (self.settings.output_dir / "calendar.ics").stat().st_mtime
        return None

    def metrics_text(self) -> tuple[bytes, str]:
        """/metrics (Prometheus text) and its content type; with the database down, all but
        the feeds (it was a 503: "node down"). The last build is the outputs', not 0."""
        counts: Counter[str] | None = None
        with suppress(StoreError):
            counts = Counter(f.status for f in self.store.feed_states(self.current_sources()))
        return self.metrics.render(counts, self._built_at()), CONTENT_TYPE

    def housekeeping(self) -> dict[str, int]:
        """Delete records past the retention window: no build would publish them again; then
        the registrations' turn (:mod:`registration_retention`)."""
        now = self.clock()
        return self.store.prune(now - timedelta(days=self.settings.past_days), now - NEWS_RETENTION,
                                now, now - LEDGER_RETENTION, now - PENDING_RETENTION
                                ) | self.registrations_housekeeping(now)


def _changes_outputs(update: StoredUpdate, before: FeedState) -> bool:
    return update.replaced or update.state.url != before.url
