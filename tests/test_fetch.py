"""The fetcher against a real loopback server: politeness, limits and failures as values."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from aggregator.demo.server import FeedServer
from aggregator.errors import BlockedAddressError, FetchError
from aggregator.fetch import FetchLimits, FetchRequest, fetch_feeds
from aggregator.models import FetchResult
from aggregator.reasons import reason_in
from misbehaving import MisbehavingServer, body, drip, endless, gzip_bomb, misbehaving_server, redirect

CAL = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with misbehaving_server() as running:
        yield running


def fetch_one(url: str, *, allow_private: bool = True, **limits: float) -> FetchResult | FetchError:
    [result] = fetch_feeds([FetchRequest(url)], allow_private=allow_private, limits=FetchLimits(**limits))  # type: ignore[arg-type]
    return result


def test_plain_fetch_returns_body_and_validators(server: MisbehavingServer) -> None:
    url = server.route("/cal.ics", body(CAL, ETag='"abc"', Last_Modified="Tue, 01 Dec 2026 08:00:00 GMT"))
    result = fetch_one(url)
    assert isinstance(result, FetchResult)
    assert result.body == CAL and result.etag == '"abc"'
    assert result.last_modified == "Tue, 01 Dec 2026 08:00:00 GMT"


def test_loopback_is_refused_unless_allowed(server: MisbehavingServer) -> None:
    url = server.route("/cal.ics", body(CAL))
    result = fetch_one(url, allow_private=False)
    assert isinstance(result, BlockedAddressError)
    assert server.hits("/cal.ics") == 0


def test_permanent_redirect_is_followed_and_reported(server: MisbehavingServer) -> None:
    server.route("/new.ics", body(CAL))
    old = server.route("/old.ics", redirect(301, "/new.ics"))
    result = fetch_one(old)
    assert isinstance(result, FetchResult) and result.body == CAL
    assert result.permanent_redirect == server.url("/new.ics")


def test_temporary_redirect_does_not_move_the_feed(server: MisbehavingServer) -> None:
    server.route("/new.ics", body(CAL))
    old = server.route("/old.ics", redirect(302, "/new.ics"))
    result = fetch_one(old)
    assert isinstance(result, FetchResult) and result.permanent_redirect is None


def test_redirect_loop_stops_after_five_hops(server: MisbehavingServer) -> None:
    url = server.route("/loop", redirect(302, "/loop"))
    result = fetch_one(url)
    assert isinstance(result, FetchError) and "more than 5 redirects" in result.reason
    assert server.hits("/loop") == 6


def test_redirect_to_a_private_address_is_refused_at_that_hop(server: MisbehavingServer) -> None:
    # The first hop is allowed by a resolver seam that calls the test host public.
    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"] if host == "public.test" else ["10.0.0.1"]

    url = server.route("/jump", redirect(302, "http://intranet.test/admin"))
    [result] = fetch_feeds(
        [FetchRequest(url.replace("127.0.0.1", "public.test"))],
        allow_private=False, resolver=resolver, trusted=frozenset({"127.0.0.1"}),
    )
    assert isinstance(result, BlockedAddressError) and "intranet.test resolves to 10.0.0.1" in result.reason
    assert server.hits("/jump") == 1  # the first hop really was fetched


@pytest.mark.parametrize(("status", "line", "french"), [
    (404, "HTTP 404 Not Found", "aucun flux à cette adresse ; vérifiez-la"),
    (500, "HTTP 500 Internal Server Error", "le serveur du site a échoué ; nous réessaierons"),
    (410, "HTTP 410 Gone", "ce flux a définitivement disparu ; donnez-nous sa nouvelle adresse"),
    (403, "HTTP 403 Forbidden", "s'il est privé, donnez-nous son adresse publique"),
    (429, "HTTP 429 Too Many Requests", "revenir plus tard ; nous le ferons"),
    (418, "HTTP 418", ""),
])
def test_http_errors_are_values_that_say_what_to_do(
    server: MisbehavingServer, status: int, line: str, french: str
) -> None:
    """The status line as the server sent it, then what the organiser can do about it, in
    the health page's language (the reasons catalogue)."""
    url = server.route("/x", body(b"nope", "text/plain", status))
    result = fetch_one(url)
    assert isinstance(result, FetchError) and result.status_code == status
    assert result.reason.startswith(line)
    translated = reason_in(result.reason, "fr")
    assert translated.startswith(line) and french in translated
    assert (translated == result.reason) == (not french)


def test_declared_huge_body_is_refused_before_download(server: MisbehavingServer) -> None:
    url = server.route("/huge", endless(declare_length=True))
    result = fetch_one(url)
    assert isinstance(result, FetchError) and "exceeds the 10,485,760-byte cap" in result.reason


def test_streamed_huge_body_is_cut_at_the_cap(server: MisbehavingServer) -> None:
    url = server.route("/huge", endless())
    started = time.monotonic()
    result = fetch_one(url, max_bytes=1_000_000)
    assert isinstance(result, FetchError) and "exceeds the 1,000,000-byte cap" in result.reason
    assert time.monotonic() - started < 10


def test_gzip_bomb_is_capped_after_decompression(server: MisbehavingServer) -> None:
    url = server.route("/bomb", gzip_bomb())
    result = fetch_one(url)
    assert isinstance(result, FetchError) and "cap" in result.reason


def test_dripping_server_hits_the_whole_response_deadline(server: MisbehavingServer) -> None:
    url = server.route("/drip", drip(total=1000, every=0.2))
    started = time.monotonic()
    result = fetch_one(url, total_timeout=1.5)
    assert isinstance(result, FetchError) and "no complete answer within 1.5 s" in result.reason
    assert time.monotonic() - started < 5


def test_connection_refused_is_a_value_and_others_go_on(server: MisbehavingServer) -> None:
    good = server.route("/cal.ics", body(CAL))
    results = fetch_feeds([FetchRequest("http://127.0.0.1:9/"), FetchRequest(good)], allow_private=True)
    assert isinstance(results[0], FetchError)
    assert "cannot connect: Connection refused; " in results[0].reason
    assert results[0].reason.endswith("if the feed has moved, give us its new address")
    assert isinstance(results[1], FetchResult) and results[1].body == CAL


@contextlib.contextmanager
def _raw_server(answer: bytes | None) -> Iterator[str]:
    """A socket server on loopback that reads a request and writes ``answer`` (None: hangs
    up without a word): what no HTTP server library would send."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                if answer is not None:
                    connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/feed.ics"
    finally:
        listener.close()


WIRE_FAULTS = {
    "hangs up": (None, "incomplete answer"),
    "not HTTP": (b"BEGIN:VCALENDAR\r\n", "not a valid HTTP answer"),
    "short body": (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nBEGIN",
                   "incomplete answer"),
    "bad length": (b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
                   "not a valid HTTP answer"),
}


@pytest.mark.parametrize("fault", WIRE_FAULTS, ids=WIRE_FAULTS.keys())
def test_a_broken_answer_is_one_clear_line_for_the_feed(fault: str) -> None:
    """What the organiser reads on the feed's health page: what was wrong, on one line, not
    the HTTP library's repr with the quoted line and a caret under it on several."""
    answer, reason = WIRE_FAULTS[fault]
    with _raw_server(answer) as url:
        result = fetch_one(url)
    assert isinstance(result, FetchError) and reason in result.reason, result
    assert "\n" not in result.reason and "^" not in result.reason


def test_a_long_header_line_is_read(server: MisbehavingServer) -> None:
    """Sites send long Content-Security-Policy or Set-Cookie lines; 20 KB is still a feed."""
    url = server.route("/csp.ics", body(CAL, Content_Security_Policy="a" * 20_000))
    result = fetch_one(url)
    assert isinstance(result, FetchResult) and result.body == CAL


def test_not_modified_answers_reuse_one_connection() -> None:
    """A warm refresh is hundreds of 304s: each must leave its connection to the next request,
    not open a new one (a new TCP handshake per feed, and TIME_WAIT sockets piling up)."""
    feeds = {f"/same-{i}.ics": (CAL, "text/calendar") for i in range(12)}
    with FeedServer(feeds) as feed_server:
        requests = [FetchRequest(feed_server.url(target)) for target in feeds]
        first = fetch_feeds(requests, allow_private=True, limits=FetchLimits(per_host=1))
        validated = [FetchRequest(r.url, etag=result.etag)
                     for r, result in zip(requests, first, strict=True)
                     if isinstance(result, FetchResult)]
        opened = feed_server.connections_opened
        again = fetch_feeds(validated, allow_private=True, limits=FetchLimits(per_host=1))
        assert len(again) == 12
        assert all(isinstance(r, FetchResult) and r.status_code == 304 for r in again)
        assert feed_server.connections_opened - opened == 1


def test_an_unreadable_url_fails_its_feed_alone(server: MisbehavingServer) -> None:
    good = server.route("/cal.ics", body(CAL))
    results = fetch_feeds([FetchRequest("http://[::1/feed.ics"), FetchRequest(good)],
                          allow_private=True)
    assert isinstance(results[0], FetchError) and "invalid URL" in results[0].reason
    assert isinstance(results[1], FetchResult) and results[1].body == CAL


def test_user_agent_names_the_aggregator(server: MisbehavingServer) -> None:
    seen: dict[str, str] = {}

    def record(handler):  # type: ignore[no-untyped-def]
        seen.update((name.title(), value) for name, value in handler.headers.items())
        body(CAL)(handler)

    url = server.route("/ua", record)
    fetch_one(url)
    assert seen["User-Agent"].startswith("aggregator/")
    assert "gzip" in seen["Accept-Encoding"]


def test_cookies_a_feed_sets_are_never_sent_back(server: MisbehavingServer) -> None:
    """A feed server's Set-Cookie must not follow us to its other feeds or the next hop: the
    fetcher keeps no cookie jar, within a batch or across redirects."""
    seen: list[str | None] = []

    def record(handler):  # type: ignore[no-untyped-def]
        seen.append(handler.headers.get("Cookie"))
        body(CAL, Set_Cookie="session=abc; Path=/")(handler)

    first, second = server.route("/a.ics", record), server.route("/b.ics", record)
    hop = server.route("/moved.ics", redirect(302, "/b.ics"))
    results = fetch_feeds([FetchRequest(first)], allow_private=True)
    results += fetch_feeds([FetchRequest(hop), FetchRequest(second)], allow_private=True,
                           limits=FetchLimits(per_host=1))
    assert all(isinstance(r, FetchResult) and r.body == CAL for r in results)
    assert seen == [None, None, None]


def test_credentials_in_the_url_are_sent_as_basic_auth(server: MisbehavingServer) -> None:
    """A private calendar given as https://user:secret@host/feed.ics (ownCloud, WordPress
    behind basic auth) is fetched with those credentials, not refused with a 401."""
    import base64

    seen: dict[str, str] = {}

    def record(handler):  # type: ignore[no-untyped-def]
        seen.update((name.title(), value) for name, value in handler.headers.items())
        body(CAL)(handler)

    url = server.route("/private.ics", record).replace("http://", "http://team%40lab:s3cr%C3%A9t@")
    result = fetch_one(url)
    assert isinstance(result, FetchResult) and result.body == CAL
    assert base64.b64decode(seen["Authorization"].removeprefix("Basic ")) == "team@lab:s3crét".encode()
    assert seen["Host"].startswith("127.0.0.1:")


UNASKED_304 = ("HTTP 304 Not Modified to a request that held no cached copy: the site's server (or a "
               "cache in front of it) must send the feed itself; tell the site")


def test_a_304_nobody_asked_for_is_an_error_and_one_asked_for_is_not(server: MisbehavingServer) -> None:
    """A 304 to a request without If-None-Match / If-Modified-Since (a broken cache) left a
    feed that never delivered anything "ok" with nothing, and `sources check` asserting."""
    url = server.route("/nm.ics", body(b"", status=304))
    unasked = fetch_one(url)
    assert isinstance(unasked, FetchError) and unasked.reason == UNASKED_304
    assert unasked.status_code == 304
    assert reason_in(unasked.reason, "fr").startswith("HTTP 304 Not Modified à une demande sans copie")
    for asked in (FetchRequest(url, etag='"v1"'), FetchRequest(url, last_modified="Mon, 07 Dec 2026 06:00:00 GMT")):
        [result] = fetch_feeds([asked], allow_private=True)
        assert isinstance(result, FetchResult) and result.status_code == 304, result
    moved = server.route("/old.ics", redirect(302, url))  # validators go with every hop
    [result] = fetch_feeds([FetchRequest(moved, etag='"v1"')], allow_private=True)
    assert isinstance(result, FetchResult) and result.status_code == 304, result
    [result] = fetch_feeds([FetchRequest(moved)], allow_private=True)
    assert isinstance(result, FetchError) and result.reason == UNASKED_304
