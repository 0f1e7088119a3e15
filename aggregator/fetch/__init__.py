"""Download feeds: the one package that imports httpx (and aiohttp, its transport here).

Polite and safe by construction: conditional GET (ETag / Last-Modified), bounded concurrency
overall and per host, redirects followed by hand (each hop checked by :mod:`netguard`, at most
five, a leading 301/308 reported so the stored URL can move), bodies capped while streaming
(after decoding every Content-Encoding, so a gzip bomb stops at the cap: :mod:`.inflate`), and
a deadline for the whole response so a server dripping one byte a second cannot hold a worker.
Every failure is a :class:`FetchError` value in the result list, never an exception that stops
the other feeds.

Requests are httpx requests sent through the aiohttp transport of httpx's maintainer
(``httpx-aiohttp``): aiohttp's connection pool and C HTTP parser in place of httpcore's pure
Python h11 and anyio streams. A warm refresh is hundreds of conditional GETs answered 304, and
httpcore's own work per request was 0.5 ms, more than all of ours (issue 8, bench/httpx_floor.py:
600 304s took 0.27-0.33 s through httpx's own transport, 0.12 s through this one).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import aiohttp
import httpx
import uvloop
from httpx_aiohttp import AiohttpTransport

from .. import USER_AGENT
from ..cpulimit import PARSE_CPU_SECONDS
from ..errors import FetchError
from ..models import FetchResult
from ..netguard import Resolver, resolve_all_checked, split_target, system_resolver
from ..proxies import NO_PROXIES, Proxies, Proxy, proxy_for
from .inflate import CappedBody, codings
from .reasons import proxy_error, proxy_status, status_reason, transport_error
from .session import proxy_authorization, through, tls_context, transport
from .target import pinned, redirect_target, sendable

REDIRECT_CODES = (301, 302, 303, 307, 308)
PERMANENT_REDIRECT_CODES = (301, 308)
PROXY_STATUSES = (407, 502, 504)
"""An http:// request's answers that come from the proxy (407) or may (502, 504); an https://
one's come from the site, inside the proxy's tunnel (the proxy's own fail the CONNECT)."""
ADDRESSES_TRIED = 4
"""A host's addresses tried in turn when one takes no connection (all within the deadline)."""
ACCEPT = (
    "text/calendar, application/rss+xml, application/atom+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """One feed to fetch, with the validators stored from its last successful fetch."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Bounds on every fetch (issue 2: 10 MB, 5 redirects, connect 10 s, whole response 30 s)
    and on the parse of its body (``parse_seconds`` of CPU time, see cpulimit.py)."""

    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    concurrency: int = 32
    per_host: int = 4
    parse_seconds: float = PARSE_CPU_SECONDS


DEFAULT_LIMITS = FetchLimits()
Done = Callable[[FetchRequest, "FetchResult | FetchError"], None]


class _Fetcher:
    """Holds the transport, the limits and the per-host semaphores of one batch.

    Requests go to the transport (its connection pool) directly, not through an
    ``AsyncClient``: what the client adds per request is what we must not or need not have.
    Its redirects are ours (each hop checked by netguard), its cookie jar would carry a feed
    server's cookies into the next request, and its auth and event hooks are unused. Those
    layers were a quarter of a warm refresh's CPU, 600 to 6,000 requests answered 304
    (issue 8). Timeouts and headers are set on each request as the client would set them.
    """

    def __init__(
        self, transport: AiohttpTransport, limits: FetchLimits, resolver: Resolver,
        allow_private: bool, trusted: frozenset[str] = frozenset(), user_agent: str = USER_AGENT,
        told_to_wait: dict[str, FetchError] | None = None, proxies: Proxies = NO_PROXIES,
    ) -> None:
        self.trusted = trusted
        self.transport = transport
        self.proxies = proxies or None  # None: no proxy to ask about (most instances)
        self.proxied: dict[str, tuple[AiohttpTransport, str | None]] = {}
        """The session's transport through each proxy, made when first needed, and its
        credentials' Proxy-Authorization."""
        self.headers = {"User-Agent": user_agent, "Accept": ACCEPT,
                        "Accept-Encoding": "gzip, deflate"}
        self.timeout = httpx.Timeout(
            limits.total_timeout, connect=limits.connect_timeout
        ).as_dict()
        self.limits = limits
        self.resolver = resolver
        self.allow_private = allow_private
        self.overall = asyncio.Semaphore(limits.concurrency)
        self.hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(limits.per_host)
        )
        self.dead: set[tuple[str, int]] = set()
        """Addresses (and ports) that took no connection in this batch."""
        self.told_to_wait = {} if told_to_wait is None else told_to_wait
        """Hosts that answered 429 (or 503 with Retry-After) in this batch (or the daemon's
        tick: :class:`Wire`), by their answer: their other feeds are not asked again."""

    async def fetch(self, request: FetchRequest) -> FetchResult | FetchError:
        try:
            _, host, _ = split_target(request.url)  # an unreadable URL fails its feed alone
        except FetchError as error:
            return error
        # The host's slot first: a fetch queued for a busy host holds no overall slot, which
        # the other hosts' feeds would wait for behind the whole of that host's queue.
        async with self.hosts[host.lower()], self.overall:
            waiting = self.told_to_wait.get(host.lower())
            if waiting is not None:
                return FetchError(request.url, waiting.reason, waiting.status_code,
                                  retry_after=waiting.retry_after)
            started = time.monotonic()
            try:
                async with asyncio.timeout(self.limits.total_timeout):
                    result = await self._follow(request)
            except TimeoutError:
                failure = FetchError(
                    request.url, f"no complete answer within {self.limits.total_timeout:g} s: "
                                 "the site's server is too slow; we will try again"
                )
            except FetchError as failed:
                failure = failed
                if _asks_to_wait(failed):
                    self.told_to_wait[host.lower()] = failed
            else:
                return _with_elapsed(result, time.monotonic() - started)
            failure.elapsed = time.monotonic() - started
            return failure

    async def _follow(self, request: FetchRequest) -> FetchResult:
        url, permanent, moved_to = request.url, True, None
        for _ in range(self.limits.max_redirects + 1):
            response_or_location = await self._hop(url, request)
            if isinstance(response_or_location, FetchResult):
                return _with_redirect(response_or_location, moved_to)
            status, location = response_or_location
            permanent = permanent and status in PERMANENT_REDIRECT_CODES
            url = redirect_target(url, status, location)
            if permanent:
                moved_to = url
        raise FetchError(request.url, f"more than {self.limits.max_redirects} redirects: open "
                                      "the address in a browser and give us the one it ends at")

    async def _hop(self, url: str, request: FetchRequest) -> FetchResult | tuple[int, str]:
        """One request, to the host's first checked address that takes the connection (a
        stale AAAA record or one dead server of two failed the feed; browsers go on), or
        through the operator's proxy, asked for the name once the name's addresses passed
        the check (the proxy resolves it again: there the guard is best effort)."""
        proxy = None if self.proxies is None else proxy_for(self.proxies, *split_target(url))
        if proxy is not None:
            if not self.allow_private:  # else only the proxy need resolve it
                await resolve_all_checked(url, self.resolver, False, self.trusted)
            return await self._send(url, None, request, fallback=False, proxy=proxy)
        addresses = (await resolve_all_checked(url, self.resolver, self.allow_private,
                                               self.trusted))[:ADDRESSES_TRIED]
        # An address that took no connection is not tried again in this batch: each feed of
        # its host waited out the connect timeout there. All of them dead: the last is.
        port = split_target(url)[2]
        *others, last = [a for a in addresses if (a, port) not in self.dead] or addresses[-1:]
        for address in others:
            with contextlib.suppress(_NotConnected):
                return await self._send(url, address, request, fallback=True)
        return await self._send(url, last, request, fallback=False)

    def _request(self, url: str, address: str | None, request: FetchRequest,
                 proxy_authorization: str | None = None) -> tuple[httpx.Request, bool]:
        """The GET of one hop, to ``address`` (None: the name, for a proxy), and whether it
        is conditional."""
        try:
            target, extensions, headers = pinned(url, address)
        except httpx.InvalidURL as error:  # e.g. a tab pasted into the address
            raise FetchError(url, f"invalid URL: {error}") from None
        headers.update(self.headers)
        if proxy_authorization and target.scheme == "http":  # never inside an https tunnel
            headers["Proxy-Authorization"] = proxy_authorization
        # The validators go with every hop: they came from the last hop's answer, and a
        # feed behind a 302 (http:// to https://) was downloaded whole every round.
        etag, last_modified = sendable(request.etag), sendable(request.last_modified)
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        extensions["timeout"] = self.timeout
        return (httpx.Request("GET", target, headers=headers, extensions=extensions),
                bool(etag or last_modified))

    def _wire(self, proxy: Proxy) -> tuple[AiohttpTransport, str | None]:
        if proxy.url not in self.proxied:
            self.proxied[proxy.url] = (through(self.transport, proxy.url),
                                       proxy_authorization(proxy.url))
        return self.proxied[proxy.url]

    async def _send(self, url: str, address: str | None, request: FetchRequest,
                    fallback: bool, proxy: Proxy | None = None) -> FetchResult | tuple[int, str]:
        wire, authorization = (self.transport, None) if proxy is None else self._wire(proxy)
        sent, conditional = self._request(url, address, request, authorization)
        try:
            response = await wire.handle_async_request(sent)
            try:
                if (proxy is not None and sent.url.scheme == "http"  # in a tunnel: the site's
                        and response.status_code in PROXY_STATUSES):
                    raise proxy_status(url, proxy.variable, response.status_code,
                                       response.reason_phrase, proxy.has_credentials,
                                       tunnel=False)
                return await self._read(url, response, conditional)
            finally:
                await response.aclose()
        except (httpx.HTTPError, aiohttp.ClientError, TimeoutError) as error:
            if proxy is not None:
                raise proxy_error(url, error, proxy.variable, proxy.has_credentials) from None
            if address is not None and _not_connected(error):
                self.dead.add((address, split_target(url)[2]))
                if fallback:
                    raise _NotConnected from None
            raise transport_error(url, error) from None
        except UnicodeError:  # the transport re-encodes the reason phrase: Latin-1 fails
            raise FetchError(url, "not a valid HTTP answer: its status line is not text") from None

    async def _read(self, url: str, response: httpx.Response,
                    conditional: bool) -> FetchResult | tuple[int, str]:
        status = response.status_code
        if status in REDIRECT_CODES:
            location = response.headers.get("location")
            if not location:
                raise FetchError(url, f"HTTP {status} without a Location header", status)
            return status, location
        if status == 304 and not conditional:  # a broken cache: "ok" with nothing, forever
            raise FetchError(url, "HTTP 304 Not Modified to a request that held no cached copy: "
                                  "the site's server (or a cache in front of it) must send the "
                                  "feed itself; tell the site", status)
        if status == 304:  # no body: aiohttp returns the connection to the pool by itself
            # It may name the validators the server now knows the feed by (RFC 9110 15.4.5):
            # kept, or a server that changed its ETags never matches ours again.
            return FetchResult(url=url, status_code=304,
                               etag=response.headers.get("etag"),
                               last_modified=response.headers.get("last-modified"),
                               cache_control=response.headers.get("cache-control"))
        if status >= 400 or status < 200:
            raise FetchError(url, status_reason(status, response.reason_phrase), status,
                             retry_after=response.headers.get("retry-after"))
        body = await self._capped_body(url, response)
        return FetchResult(
            url=url,
            status_code=status,
            body=body,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            content_type=response.headers.get("content-type", ""),
            cache_control=response.headers.get("cache-control"),
        )

    async def _capped_body(self, url: str, response: httpx.Response) -> bytes:
        cap = self.limits.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(url, f"body of {int(declared):,} bytes exceeds the {cap:,}-byte cap: "
                                  "the feed is too large; ask its publisher for a shorter one")
        listed = response.headers.get_list("content-encoding", split_commas=True)
        decoded = CappedBody(url, cap, codings(url, listed))
        async for raw in response.aiter_raw():  # never httpx's decoding: it has no cap
            decoded.feed(raw)
        return decoded.body()


class _NotConnected(Exception):
    """This address took no connection: the host's next one is tried."""


def _not_connected(error: BaseException) -> bool:
    """Refused, unreachable or timed out while connecting (not a TLS refusal: every
    address of the host would give the same certificate)."""
    cause = error.__cause__ if isinstance(error, httpx.HTTPError) else error
    return (isinstance(cause, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)
            and not isinstance(cause, aiohttp.ClientSSLError))


def _asks_to_wait(failure: FetchError) -> bool:
    """A 429, or a 503 saying when to come back: the site asks us to stop for now."""
    return failure.status_code == 429 or (failure.status_code == 503
                                          and failure.retry_after is not None)


def _with_elapsed(result: FetchResult, elapsed: float) -> FetchResult:
    return dataclasses.replace(result, elapsed=elapsed)


def _with_redirect(result: FetchResult, moved_to: str | None) -> FetchResult:
    if moved_to is None:
        return result
    return dataclasses.replace(result, permanent_redirect=moved_to)


async def fetch_many(
    requests: Sequence[FetchRequest],
    *,
    allow_private: bool = False,
    limits: FetchLimits = DEFAULT_LIMITS,
    resolver: Resolver = system_resolver,
    user_agent: str = USER_AGENT,
    on_done: Done | None = None,
    trusted: frozenset[str] = frozenset(),
    wire: AiohttpTransport | None = None,
    told_to_wait: dict[str, FetchError] | None = None,
    proxies: Proxies = NO_PROXIES,
) -> list[FetchResult | FetchError]:
    """Fetch every request concurrently; results come back in request order.

    ``trusted``: addresses let through although private (tests only; see netguard). ``wire``:
    a transport kept open by the caller (:class:`Wire`), else one for this batch.
    ``told_to_wait``: the hosts that asked us to stop (429), kept by the caller over batches.
    ``proxies``: the operator's outgoing proxy (the settings' :class:`~aggregator.proxies.Proxies`).
    """
    if wire is None:
        async with transport(limits) as own:
            return await fetch_many(requests, allow_private=allow_private, limits=limits,
                                    resolver=resolver, user_agent=user_agent, on_done=on_done,
                                    trusted=trusted, wire=own, told_to_wait=told_to_wait,
                                    proxies=proxies)
    fetcher = _Fetcher(wire, limits, once_per_batch(resolver), allow_private, trusted,
                       user_agent, told_to_wait, proxies)

    async def one(request: FetchRequest) -> FetchResult | FetchError:
        result = await fetcher.fetch(request)
        if on_done is not None:
            on_done(request, result)
        return result

    return list(await asyncio.gather(*(one(r) for r in requests)))


def user_agent(site: str | None = None) -> str:
    """Our User-Agent, naming first the public site (``AGGREGATOR_BASE_URL``) of the instance
    that fetches: the owner of a polled server sees whose calendar reads it and where to
    reach its operator, not only the project's address."""
    return USER_AGENT.replace("(+", f"(+{site}; ", 1) if site else USER_AGENT


def once_per_batch(resolver: Resolver) -> Resolver:
    """``resolver`` asked once per host and port in a batch, every feed of the host sharing the
    answer (and its checks: each connection still goes to that checked address).

    A warm refresh is hundreds of 304s, often from a few hosts; a resolution each went through
    the resolver's thread pool every time (issue 8). One answer per batch is also one view of
    the host: DNS cannot rebind between two feeds of the same refresh."""
    answers: dict[tuple[str, int], asyncio.Future[list[str]]] = {}

    async def resolve(host: str, port: int) -> list[str]:
        key = (host.lower(), port)
        if key not in answers:
            answers[key] = asyncio.ensure_future(resolver(host, port))
        return list(await asyncio.shield(answers[key]))

    return resolve


def fetch_feeds(requests: Sequence[FetchRequest], wire: Wire | None = None,
                **options: object) -> list[FetchResult | FetchError]:
    """Synchronous entry point for the rest of the (synchronous) application: through
    ``wire`` when the caller keeps one for several batches, else a loop and session of its own."""
    if wire is not None:
        return wire.fetch(requests, **options)
    # uvloop: a warm refresh is ~600 conditional GETs answered 304, where the event loop's
    # own cost shows (bench/pipeline.py N=300: about a fifth less).
    return uvloop.run(fetch_many(requests, **options))  # type: ignore[arg-type]


class Wire:
    """One event loop and one HTTP session (its connections kept alive) for several batches
    in a row, in one thread: a daemon's tick runs rounds of 100 due feeds, and each round
    started a loop, a session and new connections of its own (issue 8: a tick of every feed
    cost 5.3-5.8 % of a cold refresh where one refresh of them costs 3.0-4.8 %). Close it."""

    def __init__(self, limits: FetchLimits) -> None:
        self.limits = limits
        self._runner: asyncio.Runner | None = None
        self._transport: AiohttpTransport | None = None
        self._open = contextlib.AsyncExitStack()
        self._told_to_wait: dict[str, FetchError] = {}  # a tick's rounds: a 429 holds its host

    def fetch(self, requests: Sequence[FetchRequest],
              **options: object) -> list[FetchResult | FetchError]:
        if self._runner is None:
            self._runner = asyncio.Runner(loop_factory=uvloop.new_event_loop)
        return self._runner.run(self._fetch(requests, options))

    async def _fetch(self, requests: Sequence[FetchRequest],
                     options: dict[str, object]) -> list[FetchResult | FetchError]:
        if self._transport is None:  # made inside the loop it serves
            self._transport = await self._open.enter_async_context(transport(self.limits))
        options = {"limits": self.limits, **options, "wire": self._transport,
                   "told_to_wait": self._told_to_wait}
        return await fetch_many(requests, **options)  # type: ignore[arg-type]

    def close(self) -> None:
        if self._runner is None:
            return
        self._runner.run(self._open.aclose())
        self._runner.close()
        self._runner = self._transport = None
