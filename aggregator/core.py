"""The Aggregator facade: what the CLI, the web app and the scheduler call.

Orchestration only: it moves data between the I/O edges (fetch, store, publish) and the pure
core (parse, decide, dedup, render). No rule lives here; each step's rules live in its module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import closing, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from . import cadence, decide
from .building import BuildMixin, BuildReport
from .cluster import DATA_MARK, ClusterMixin, Writing
from .config import DEFAULT_BASE_URL, DEFAULT_REFRESH, Settings
from .curation import CurationMixin
from .digests import DigestError, DigestReport, DigestsMixin
from .errors import AggregatorError, ConfigError, FeedError, ParseError, one_line
from .fetch import DEFAULT_LIMITS, FetchLimits, FetchRequest, Wire, fetch_feeds, user_agent
from .gcpause import release_free_memory
from .intake import Intake, iter_intakes, parse_job
from .models import (FeedOutcome, FeedState, FeedUpdate, FetchResult, ParsedFeed, Source,
                     StoredUpdate, feed_address)
from .netguard import Resolver, system_resolver
from .published import Published, PublishedMixin
from .selection import Selection
from .sessions import SessionsMixin
from .registration_retention import RetentionMixin
from .registrations import RegistrationError, RegistrationsMixin
from .subscribers import SubscriberError, SubscribersMixin
from .render import OutputMemos
from .spill import SpilledBytes
from .store import Store, database_failing, open_store

Clock = Callable[[], datetime]
Progress = Callable[[str, int, int], None]
"""Called as (step description, done, total) while a refresh runs."""
STORE_BATCH = 50
"""Feeds written per transaction: each feed's state and records still change together, and
600 feeds cost 12 commits instead of 600 (bench/pipeline.py, N=300)."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """One line of `sources list`: a feed and how it is doing."""

    source: str
    url: str
    type: str
    status: str
    items: int
    last_success: datetime | None
    last_error: str | None
    flagged: str | None
    warnings: tuple[str, ...]
    consecutive_failures: int

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source, "url": self.url, "type": self.type, "status": self.status,
            "items": self.items,
            "last_success": self.last_success.isoformat() if self.last_success else None,
            "last_error": self.last_error, "flagged": self.flagged,
            "warnings": list(self.warnings), "consecutive_failures": self.consecutive_failures,
        }


class Aggregator(BuildMixin, CurationMixin, RegistrationsMixin, RetentionMixin, PublishedMixin,
                 ClusterMixin, SubscribersMixin, DigestsMixin, SessionsMixin):
    """The application: built once from Settings, then asked to refresh, build, report."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        clock: Clock = utc_now,
        resolver: Resolver = system_resolver,
        limits: FetchLimits = DEFAULT_LIMITS,
    ) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock
        self.resolver = resolver
        self.limits = limits
        self.output_memos = OutputMemos(
            blocks=SpilledBytes(), records=SpilledBytes(), items=SpilledBytes())
        """What this process's next build reuses of the last one (see aggregator/spill.py)."""
        self._init_published()

    def close(self) -> None:
        self.store.close()
        self.output_memos.close()

    def current_sources(self) -> tuple[Source, ...]:
        """The sources to fetch and publish: sources.yaml's (plus approved registrations)."""
        return self.active_sources()

    def use_sources_of(self, settings: Settings) -> None:
        """Take the sources of a sources.yaml edited while the daemon runs: the next round
        fetches the new feeds, and every node builds again (left-out sources leave)."""
        self.settings = settings
        self._sources_changed()

    def source_map(self) -> dict[str, Source]:
        return {source.id: source for source in self.current_sources()}

    def find_source(self, source_id: str) -> Source:
        """Raises ConfigError naming the unknown id."""
        for source in self.current_sources():
            if source.id == source_id:
                return source
        if any(source.id == source_id for source in self.operated_sources()):
            raise ConfigError(f"source {source_id!r} is switched off: `aggregator sources "
                              f"enable {source_id}` first")
        raise ConfigError(f"unknown source {source_id!r}: it is not in sources.yaml")

    # --- refresh -------------------------------------------------------------------------

    def refresh(
        self,
        source_id: str | None = None,
        *,
        force: bool = False,
        progress: Progress | None = None,
    ) -> list[FeedOutcome]:
        """Fetch feeds once, store what changed, and report one outcome per feed.

        ``force`` drops the conditional headers and the body-hash shortcut: everything is
        fetched and parsed again. Disabled feeds are left out unless ``force``. The daemon
        refreshes by rounds instead (:meth:`refresh_round`: due feeds only, in batches).
        """
        every = self.current_sources()
        sources = [self.find_source(source_id)] if source_id else list(every)
        self.store.sync_feeds(every, self.configured_ids())
        wanted = self.store.feed_ids(sources, disabled=force)
        wanted_keys = set(wanted)
        report = progress or (lambda step, done, total: None)
        by_id = {source.id: source for source in every}  # once: 6,000 feeds x 3,000 sources
        with self.leased_by_hand(wanted) as (ids, held):
            # read once leased, not before: another node may just have stored a newer state
            states = [s for s in self.store.feed_states(sources) if s.feed_id in wanted_keys]
            now = self.clock()
            waiting = {} if force else {s.feed_id: why for s in states if s.feed_id in ids
                                        and (why := cadence.told_to_wait(s, now))}
            leased = [s for s in states if s.feed_id in ids and s.feed_id not in waiting]
            updates = self._fetch_and_store(leased, force=force, sources=by_id, report=report)
        if any(update.replaced for update in updates):
            self.store.bump_mark(DATA_MARK)  # a running daemon's nodes rebuild after this
        release_free_memory()
        outcomes = {s.feed_id: u.outcome for s, u in zip(leased, updates, strict=True)}
        for state in states:
            if state.feed_id in waiting:
                outcomes[state.feed_id] = FeedOutcome(
                    state.source_id, state.url, "skipped", state.record_count,
                    waiting[state.feed_id])
            if state.feed_id in held:
                outcomes[state.feed_id] = FeedOutcome(
                    state.source_id, state.url, "skipped",
                    error=f"{held[state.feed_id]} is fetching this feed right now; its answer "
                          "is stored when it is done")
        return [outcomes[s.feed_id] for s in states]

    def _fetch_and_store(
        self, states: Sequence[FeedState], *, force: bool, sources: Mapping[str, Source],
        report: Progress, writing: Writing = nullcontext, wire: Wire | None = None,
    ) -> list[StoredUpdate]:
        """Fetch and parse ``states``, store each batch of STORE_BATCH updates as soon as it is
        ready while the pool parses the rest (inside ``writing``, the daemon's guard), and
        return the updates, without their records, in the order of ``states``. `refresh` and
        the daemon's rounds."""
        updates: dict[int, StoredUpdate] = {}
        batch: list[tuple[int, Intake, FeedUpdate]] = []
        with closing(iter_intakes(
            states, force=force, allow_private=self.settings.allow_private_networks,
            default_tz=self.settings.timezone, limits=self.limits, resolver=self.resolver,
            report=report, wire=wire, user_agent=agent_of(self.settings),
            proxies=self.settings.proxies,
        )) as intakes:
            for index, intake in intakes:
                batch.append((index, intake, self._decide(intake, self.clock(), sources)))
                if len(batch) == STORE_BATCH or len(updates) + len(batch) == len(states):
                    for (index, _, _), update in zip(batch, self._store(batch, writing, sources),
                                                     strict=True):
                        updates[index] = StoredUpdate(update.state, update.outcome,
                                                      replaced=update.replace is not None)
                    batch = []
                    report("storing", len(updates), len(states))
        return [updates[index] for index in range(len(states))]

    def _store(self, batch: Sequence[tuple[int, Intake, FeedUpdate]], writing: Writing,
               sources: Mapping[str, Source]) -> list[FeedUpdate]:
        """Write ``batch`` in one transaction; if that fails, each feed in one of its own, so
        records one feed holds that the database refuses fail that feed alone (its previous
        records kept, the reason on its health line) instead of the batch and the refresh.
        What fails even a feed's state alone (the database is gone) is raised."""
        updates = [update for _, _, update in batch]
        try:
            with writing():
                self.store.apply_updates(updates)
            return updates
        except Exception as error:
            if database_failing(error) or not any(u.replace is not None for u in updates):
                raise
        stored = []
        for _, intake, update in batch:
            try:
                with writing():
                    self.store.apply_updates([update])
            except Exception as error:
                if database_failing(error) or update.replace is None:
                    raise
                update = self._unstorable(intake, error, sources)
                with writing():
                    self.store.apply_updates([update])
            stored.append(update)
        return stored

    def _unstorable(self, intake: Intake, error: Exception,
                    sources: Mapping[str, Source]) -> FeedUpdate:
        """The feed's update when its records could not be stored: an error, like a failed
        fetch, so it is retried with back-off and its organiser learns why."""
        said = str(error) if isinstance(error, AggregatorError) else f"{type(error).__name__}: {error}"
        why = one_line((said.splitlines() or [type(error).__name__])[0], 160)
        reason = f"its records could not be stored: {why}; the previous records are kept"
        elapsed = 0.0 if isinstance(intake.fetched, FeedError) else intake.fetched.elapsed
        return decide.after_error(intake.state, FeedError(intake.state.url, reason), self.clock(),
                                  self._interval(intake.state, sources), elapsed)

    def _decide(self, intake: Intake, now: datetime,
                sources: Mapping[str, Source] | None = None) -> FeedUpdate:
        state, result, parsed = intake.state, intake.fetched, intake.parsed
        interval = self._interval(state, sources)
        if isinstance(result, FeedError):
            return decide.after_error(state, result, now, interval, result.elapsed)
        if isinstance(parsed, ParseError):
            return decide.after_error(state, parsed, now, interval, result.elapsed)
        if parsed is None:
            return decide.after_not_modified(
                state, result, now, interval, same_body=result.body is not None
            )
        assert intake.body_hash is not None
        return decide.after_parse(state, result, parsed, intake.body_hash, now, interval)

    def _interval(self, state: FeedState, sources: Mapping[str, Source] | None = None
                  ) -> timedelta:
        source = (self.source_map() if sources is None else sources).get(state.source_id)
        for ref in source.feeds if source else ():
            if ref.url == state.declared_url and ref.refresh:
                return ref.refresh
        return DEFAULT_REFRESH

    # --- build (its steps are BuildMixin's, in building.py) --------------------------------

    def build_by_hand(self, waiting: Callable[[timedelta], None] = lambda most: None
                      ) -> BuildReport:
        """:meth:`build` for someone who asked for it (CLI, admin pages): after any build
        in progress on any node sharing the database (:meth:`building_alone`, which tells
        ``waiting`` when there is one)."""
        with self.building_alone(waiting):
            return self.build()

    # --- health and checks ---------------------------------------------------------------

    def feed_health(self, source: Source | None = None) -> list[FeedHealth]:
        """Every configured feed with its health (or that source's), in configuration order,
        then the feeds of the sources the operator switched off, "disabled" (the contract's
        status): `sources list` lost them, and with them what had been switched off."""
        sources = self.current_sources() if source is None else (source,)
        self.store.sync_feeds(sources, self.configured_ids())
        states = self.store.feed_states(sources)
        if source is None:
            on = {s.id for s in sources}
            off = tuple(s for s in self.operated_sources() if s.id not in on)
            states += [replace(s, status="disabled")
                       for s in self.store.feed_states(off)] if off else []
        return [
            FeedHealth(
                source=s.source_id, url=s.url, type=s.type, status=s.status,
                items=s.record_count, last_success=s.last_success, last_error=s.last_error,
                flagged=s.flagged, warnings=s.warnings,
                consecutive_failures=s.consecutive_failures,
            )
            for s in states
        ]

    def revive_feed(self, source: Source, url: str) -> bool:
        """Ask the next round to read again ``source``'s feed at ``url`` that a 410 Gone
        disabled (its organiser says it is back); False when it is no such feed."""
        if not any(url in (f.url, f.declared_url) for f in self.store.feed_states((source,))):
            return False  # a feed the source no longer lists keeps its row, unread
        return self.store.revive_feed(source.id, url, self.clock())

    def check_feeds(self, urls: Sequence[str], parse_seconds: float | None = None
                    ) -> list[ParsedFeed | FeedError]:
        """Fetch (all at once) and parse URLs without storing anything (the register form:
        its ten feeds read one after the other held the organiser ten times 30 s), each parse
        held to ``parse_seconds`` of CPU when fewer than the configured limit's."""
        limits = self.limits
        if parse_seconds is not None and parse_seconds < limits.parse_seconds:
            limits = replace(limits, parse_seconds=parse_seconds)
        return check_feeds(self.settings, urls, resolver=self.resolver, limits=limits)


def check_feeds(
    settings: Settings,
    urls: Sequence[str],
    declared_type: str = "auto",
    *,
    resolver: Resolver = system_resolver,
    limits: FetchLimits = DEFAULT_LIMITS,
) -> list[ParsedFeed | FeedError]:
    """Fetch URLs concurrently and parse each, storing nothing; needs no database. Each
    result is what the URL holds or why it cannot be read (a one-line reason)."""
    fetched = fetch_feeds([FetchRequest(feed_address(url)) for url in urls],
                          allow_private=settings.allow_private_networks, limits=limits,
                          resolver=resolver, user_agent=agent_of(settings),
                          proxies=settings.proxies)
    return [_checked(settings, result, declared_type, limits) for result in fetched]


def agent_of(settings: Settings) -> str:
    """The User-Agent naming this instance's public site (none while it is the default)."""
    return user_agent(None if settings.base_url == DEFAULT_BASE_URL else settings.base_url)


def _checked(settings: Settings, result: FetchResult | FeedError, declared_type: str,
             limits: FetchLimits) -> ParsedFeed | FeedError:
    if isinstance(result, FeedError):
        return result
    assert result.body is not None  # a 304 answers only a conditional request: none here
    parsed = parse_job((result.body, declared_type, result.url, settings.timezone,
                        limits.parse_seconds))
    if isinstance(parsed, ParseError):
        return parsed
    return decide.as_read_at(parsed, utc_now())


def check_feed(settings: Settings, url: str, declared_type: str = "auto", *,
               resolver: Resolver = system_resolver,
               limits: FetchLimits = DEFAULT_LIMITS) -> ParsedFeed:
    """Fetch and parse one URL, storing nothing (`sources check`).

    Raises:
        FeedError: unreachable, refused, or not a feed; the reason is one line.
    """
    [result] = check_feeds(settings, [url], declared_type, resolver=resolver, limits=limits)
    if isinstance(result, FeedError):
        raise result
    return result


def make_aggregator(settings: Settings, **options: object) -> Aggregator:
    """Open the store named by the settings and build the Aggregator on it.

    Raises:
        StoreError: the database cannot be opened or migrated.
    """
    return Aggregator(settings, open_store(settings.db_url), **options)  # type: ignore[arg-type]


__all__ = ["Aggregator", "BuildReport", "DigestError", "DigestReport", "FeedHealth", "Published", "RegistrationError", "Selection", "SubscriberError", "Wire", "check_feed", "check_feeds", "make_aggregator"]
