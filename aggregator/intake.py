"""Fetch a batch of feeds and parse what changed, parsing while the downloads go on.

Parsing is the unavoidable cost of a refresh (icalendar and feedparser are pure Python), so it
runs in a process pool on every core and starts as soon as each body arrives, not after the
last download: on the 300-source benchmark this overlap and the pool bring a cold refresh close
to the single-process parsing floor (bench/pipeline.py). A body whose hash is unchanged is not
parsed at all. Small batches (the CLI refreshing one source) parse inline: a pool costs more.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass

from . import USER_AGENT
from .aside import usable_cores
from .cpulimit import OverBudget, cpu_budget
from .errors import FeedError, ParseError
from .gcpause import frozen_heap
from .fetch import FetchLimits, FetchRequest, Wire, fetch_feeds
from .models import FeedState, FetchResult, ParsedFeed
from .netguard import Resolver
from .proxies import NO_PROXIES, Proxies
from .parse import parse_body

PARALLEL_PARSE_MIN = 8  # below this many feeds a process pool costs more than it saves
Report = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class Intake:
    """One feed's fetch and, when its body changed, its parse (None: nothing to parse)."""

    state: FeedState
    fetched: FetchResult | FeedError
    parsed: ParsedFeed | ParseError | None
    body_hash: str | None


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


ParseJob = tuple[bytes, str, str, str, float]
"""A body, its declared type, its URL, the default zone and the CPU budget in seconds."""


def parse_job(job: ParseJob) -> ParsedFeed | ParseError:
    """Parse one body within its CPU budget; module-level so a worker process can run it."""
    body, declared_type, url, default_tz, seconds = job
    try:
        with cpu_budget(seconds):
            return parse_body(body, declared_type, url, default_tz)
    except ParseError as error:
        return error
    except OverBudget:
        return ParseError(url, f"reading the body took over {seconds:g} s of processor time: "
                          "stopped (a feed usually takes well under a second); it is too large "
                          "or too malformed, ask its publisher to check it")


def submitted(pool: ProcessPoolExecutor | None,
              job: ParseJob) -> Future[ParsedFeed | ParseError] | ParseJob:
    """``job`` handed to the pool, or kept to parse inline: when the pool has no worker left
    (one killed by the OOM killer while downloads went on), submitting raised out of the
    fetcher, and every feed of the refresh failed with it."""
    if pool is None:
        return job
    try:
        return pool.submit(parse_job, job)
    except BrokenProcessPool:
        return job


def pooled_result(job: Future[ParsedFeed | ParseError], url: str) -> ParsedFeed | ParseError:
    """A worker killed mid-parse (out of memory, a crash in a C library) fails its feeds for
    this refresh, not the refresh: they are retried at their next turn (issue 7)."""
    try:
        return job.result()
    except BrokenProcessPool:
        return ParseError(url, "the parser process died (out of memory?); retried next refresh")


def iter_intakes(
    states: Sequence[FeedState],
    *,
    force: bool,
    allow_private: bool,
    default_tz: str,
    limits: FetchLimits,
    resolver: Resolver,
    report: Report,
    wire: Wire | None = None,
    user_agent: str = USER_AGENT,
    proxies: Proxies = NO_PROXIES,
) -> Generator[tuple[int, Intake], None, None]:
    """Fetch every feed (conditionally unless ``force``) and parse the bodies that changed:
    (index in ``states``, intake) pairs, each as soon as it is ready, first the feeds with
    nothing to parse, then the parses in the order they finish. Close it (``contextlib.closing``)
    to stop the process pool early.

    A refresh stores each batch while the pool goes on parsing the others, instead of writing
    everything after the last parse (the database writes were a one-core tail, issue 8).
    """
    requests = [
        FetchRequest(s.url, None if force else s.etag, None if force else s.last_modified)
        for s in states
    ]
    index_of = {id(request): i for i, request in enumerate(requests)}
    hashes: dict[int, str] = {}
    arrivals = 0
    pending: dict[int, Future[ParsedFeed | ParseError] | ParseJob] = {}
    workers = usable_cores()
    pool = ProcessPoolExecutor(workers) if len(states) >= PARALLEL_PARSE_MIN and workers > 1 else None

    def arrived(request: FetchRequest, result: FetchResult | FeedError) -> None:
        nonlocal arrivals
        arrivals += 1
        index = index_of[id(request)]
        if isinstance(result, FetchResult) and result.body is not None:
            digest = hashes[index] = body_hash(result.body)
            if force or digest != states[index].body_hash:
                job = (result.body, states[index].type, result.url, default_tz,
                       limits.parse_seconds)
                pending[index] = submitted(pool, job)
                result = dataclasses.replace(result, body=None)  # the job holds it until parsed
        fetched[index] = result
        report("fetching", arrivals, len(requests))

    def intake(index: int, parsed: ParsedFeed | ParseError | None) -> tuple[int, Intake]:
        return index, Intake(states[index], fetched.pop(index), parsed, hashes.get(index))

    fetched: dict[int, FetchResult | FeedError] = {}
    # A frozen heap while the pool's forked workers live: see gcpause.frozen_heap.
    with frozen_heap() if pool is not None else nullcontext():
        try:
            fetch_feeds(requests, allow_private=allow_private, limits=limits, resolver=resolver,
                        on_done=arrived, wire=wire, user_agent=user_agent, proxies=proxies)
            for index in range(len(states)):
                if index not in pending:
                    yield intake(index, None)
            total = len(pending)
            report("parsing", 0, total)
            for done, (index, parsed) in enumerate(_parses(pending, states), start=1):
                yield intake(index, parsed)
                report("parsing", done, total)
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)


def _parses(
    pending: dict[int, Future[ParsedFeed | ParseError] | ParseJob],
    states: Sequence[FeedState],
) -> Iterator[tuple[int, ParsedFeed | ParseError]]:
    """Each pending parse as (index, result): the inline jobs in order, then the pool's as they
    finish. Each leaves ``pending`` once handed over: a refresh of 6,000 feeds kept every
    parsed record in its future until the last one, and every body in its job (issue 8)."""
    futures = {job: index for index, job in pending.items() if isinstance(job, Future)}
    for index in sorted(i for i, job in pending.items() if not isinstance(job, Future)):
        yield index, parse_job(pending.pop(index))  # type: ignore[arg-type]
    pending.clear()
    for future in as_completed(futures):
        index = futures.pop(future)
        yield index, pooled_result(future, states[index].url)
