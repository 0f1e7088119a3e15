"""Hostile bodies (issue 7): one refresh over every attack, each a clear per-feed error or a
clean read, in bounded time, while the good feed next to them goes on; then a build over what
was stored. Nothing from a file an external entity points at ever reaches an output.
"""

from __future__ import annotations

import gzip
import json
import pickle
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aggregator.core import Aggregator, make_aggregator
from aggregator.errors import FetchError, ParseError
from aggregator.fetch import FetchLimits, FetchRequest, fetch_feeds
from aggregator.models import FetchResult
from aggregator.intake import pooled_result
from conftest import make_settings, make_source
from hostile import (
    HTML_PAGE, SECRET, absurd_rrules, billion_laughs, external_entity, external_entity_atom,
    good_ics, gzip_without_header, invalid_utf8, latin1_labelled_utf8, many_dates, many_events,
    nested_components, nested_xml,
)
from misbehaving import MisbehavingServer, body, drip, endless, gzip_bomb, misbehaving_server, redirect

START = (datetime.now(timezone.utc) + timedelta(days=2)).strftime("%Y%m%dT100000Z")
DEADLINE = 2.0
"""The whole-response deadline for this test (30 s in production): the drip stops here."""

# path -> (status after the refresh, what its error or warnings must say)
EXPECTED = {
    "/good.ics": ("ok", ""),
    "/laughs.xml": ("ok", "amplification"),
    "/xxe.xml": ("ok", ""),
    "/xxe.atom": ("ok", ""),
    "/huge": ("error", "exceeds the 10,485,760-byte cap"),
    "/huge-declared": ("error", "exceeds the 10,485,760-byte cap"),
    "/bomb": ("error", "exceeds the 10,485,760-byte cap"),
    "/bomb-raw": ("error", "gzip body inflates past 32 MB"),
    "/drip": ("error", f"no complete answer within {DEADLINE:g} s"),
    "/loop": ("error", "more than 5 redirects"),
    "/page.html": ("error", "got an HTML page, not a feed: 'Our events'"),
    "/many.ics": ("ok", "200000 VEVENTs: read the first 20000"),
    "/dates.ics": ("ok", "40 RDATE/EXDATE lists of more than 10,000 values: kept the latest 1,000"),
    "/rrules.ics": ("ok", "RRULE 'FREQ=MONTHLY;INTERVAL=0': INTERVAL=0 is not a positive number: "
                          "read as a single event"),
    "/nested.ics": ("error", "nested more than 12 deep"),
    "/nested.xml": ("error", "nested more than 200 deep"),
    "/bytes.ics": ("ok", "not UTF-8"),
    "/latin.xml": ("ok", "encoding"),
}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MisbehavingServer]:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    with misbehaving_server() as running:
        for path, data, kind in [
            ("/good.ics", good_ics(START), "text/calendar"),
            ("/laughs.xml", billion_laughs(), "application/rss+xml"),
            ("/xxe.xml", external_entity(str(secret)), "application/rss+xml"),
            ("/xxe.atom", external_entity_atom(str(secret)), "application/atom+xml"),
            ("/bomb-raw", gzip_without_header(), "application/rss+xml"),
            ("/page.html", HTML_PAGE, "text/html"),
            ("/many.ics", many_events(), "text/calendar"),
            ("/dates.ics", many_dates(), "text/calendar"),
            ("/rrules.ics", absurd_rrules(START), "text/calendar"),
            ("/nested.ics", nested_components(), "text/calendar"),
            ("/nested.xml", nested_xml(), "application/rss+xml"),
            ("/bytes.ics", invalid_utf8(START), "text/calendar"),
            ("/latin.xml", latin1_labelled_utf8(), "application/rss+xml"),
        ]:
            running.route(path, body(data, kind))
        running.route("/huge", endless())
        running.route("/huge-declared", endless(declare_length=True))
        running.route("/bomb", gzip_bomb())
        running.route("/drip", drip(total=1000, every=1.0))
        running.route("/loop", redirect(302, "/loop"))
        yield running


@pytest.fixture
def aggregator(server: MisbehavingServer, tmp_path: Path) -> Iterator[Aggregator]:
    sources = tuple(
        make_source(f"feed-{n}", server.url(path)) for n, path in enumerate(EXPECTED)
    )
    app = make_aggregator(make_settings(tmp_path, sources), limits=FetchLimits(total_timeout=DEADLINE))
    yield app
    app.close()


def test_one_refresh_survives_every_hostile_body(aggregator: Aggregator, tmp_path: Path) -> None:
    started = time.monotonic()
    outcomes = aggregator.refresh()
    refresh_seconds = time.monotonic() - started
    health = {h.url.rsplit(":", 1)[1].split("/", 1)[1]: h for h in aggregator.feed_health()}
    for path, (status, said) in EXPECTED.items():
        feed = health[path.lstrip("/")]
        assert feed.status == status, (path, feed.last_error)
        text = feed.last_error if status == "error" else " ".join(feed.warnings)
        assert said in (text or ""), (path, text)
        assert "\n" not in (feed.last_error or "") and "Traceback" not in (feed.last_error or "")
    assert health["good.ics"].items == 1
    # one outcome per feed, in configuration order, although parses finish in any order
    assert [o.source_id for o in outcomes] == [f"feed-{n}" for n in range(len(EXPECTED))]
    assert refresh_seconds < 45, refresh_seconds

    started = time.monotonic()
    aggregator.build()
    assert time.monotonic() - started < 60
    out = tmp_path / "output"
    events = json.loads((out / "events.json").read_text())["events"]
    titles = {e["title"] for e in events}
    assert {"Good event", "Sane event", "Every second since 1900", "Never, daily", "Interval zero",
            "Odd hours, even steps", "Hebrew calendar"} <= titles
    singles = {e["title"]: e["rrule"] for e in events if e["title"] in (
        "Never, daily", "Interval zero", "Odd hours, even steps", "Hebrew calendar")}
    assert singles == dict.fromkeys(singles, None), singles  # each its DTSTART alone
    listed = [len(e["rdates"]) for e in events if e["title"].startswith("Dates ")]
    assert len(listed) == 50 and max(listed) == 1_000 and sum(listed) == 20_000, listed
    for file in [*out.rglob("*"), tmp_path / "aggregator.db"]:
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes(), file
    laughs = next(i for i in json.loads((out / "news.json").read_text())["items"] if "Laughs" in i["title"])
    assert len(laughs["title"]) < 100  # the entities were not expanded


def test_a_parser_process_that_dies_fails_its_feed_not_the_refresh() -> None:
    job: Future[object] = Future()
    job.set_exception(BrokenProcessPool("killed by the OOM killer"))
    result = pooled_result(job, "https://feeds.example.org/big.ics")  # type: ignore[arg-type]
    assert isinstance(result, ParseError) and "parser process died" in result.reason


def test_a_parse_error_survives_the_trip_back_from_a_worker_process() -> None:
    for error in (ParseError("https://x.example/f", "nested too deep"),
                  FetchError("https://x.example/f", "HTTP 503", 503, retry_after="120")):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and vars(back) == vars(error) and str(back) == str(error)


ENCODED = {
    "gzip": gzip.compress(good_ics("20271201T100000Z")),
    "x-gzip": gzip.compress(good_ics("20271201T100000Z")),
    "deflate": zlib.compress(good_ics("20271201T100000Z")),
    "raw-deflate": zlib.compress(good_ics("20271201T100000Z"))[2:-4],
}


@pytest.fixture
def plain_server() -> Iterator[MisbehavingServer]:
    with misbehaving_server() as running:
        yield running


@pytest.mark.parametrize("encoding", ENCODED)
def test_compressed_bodies_are_decoded(plain_server: MisbehavingServer, encoding: str) -> None:
    server = plain_server
    header = "deflate" if encoding == "raw-deflate" else encoding
    url = server.route(f"/{encoding}", body(ENCODED[encoding], Content_Encoding=header))
    [result] = fetch_feeds([FetchRequest(url)], allow_private=True)
    assert isinstance(result, FetchResult) and result.body == good_ics("20271201T100000Z")


def test_a_gzip_bomb_never_holds_much_more_than_the_cap(plain_server: MisbehavingServer) -> None:
    """httpx inflates a whole network chunk at once: 64 KB of this bomb would be 64 MB."""
    assert_stopped_at_the_cap(plain_server.route("/bomb-memory", gzip_bomb(128 * 1024 * 1024)))


def assert_stopped_at_the_cap(url: str) -> None:
    """The body at ``url`` is refused at a 4 MB cap, and fetching it never held 20 MB."""
    tracemalloc.start()
    try:
        [result] = fetch_feeds([FetchRequest(url)], allow_private=True, limits=FetchLimits(max_bytes=4_000_000))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(result, FetchError) and "exceeds the 4,000,000-byte cap" in result.reason
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB"


STACKED = {  # Content-Encoding as sent -> the body, its codings applied in that order
    "gzip, gzip": gzip.compress(gzip.compress(good_ics("20271201T100000Z"))),
    "deflate, gzip": gzip.compress(zlib.compress(good_ics("20271201T100000Z"))),
    "gzip,identity": gzip.compress(good_ics("20271201T100000Z")),
    "identity, deflate": zlib.compress(good_ics("20271201T100000Z"))[2:-4],
    "utf-8": good_ics("20271201T100000Z"),  # no coding at all: some servers send their charset
}


@pytest.mark.parametrize("header", STACKED)
def test_a_chain_of_content_codings_is_undone_in_reverse(plain_server: MisbehavingServer, header: str) -> None:
    url = plain_server.route("/stacked", body(STACKED[header], Content_Encoding=header))
    [result] = fetch_feeds([FetchRequest(url)], allow_private=True)
    assert isinstance(result, FetchResult) and result.body == good_ics("20271201T100000Z")


def _bomb(header: str) -> bytes:
    """256 MB of zeros behind every coding ``header`` lists: a few KB on the wire."""
    data = b"\0" * (256 * 1024 * 1024)
    for coding in header.split(","):
        coding = coding.strip()
        data = gzip.compress(data, 9) if coding == "gzip" else zlib.compress(data, 9) if coding == "deflate" else data
    return data


@pytest.mark.parametrize("header", ["gzip, gzip", "gzip,identity", "identity, gzip", "deflate, gzip"])
def test_a_bomb_behind_a_chain_of_codings_stops_at_the_cap(plain_server: MisbehavingServer, header: str) -> None:
    """httpx decoded any chain but a lone gzip/deflate itself, each chunk whole: 591 bytes of
    ``gzip, gzip`` became 557 MB before the cap looked."""
    assert_stopped_at_the_cap(plain_server.route(
        "/stacked-bomb", body(_bomb(header), "application/rss+xml", Content_Encoding=header)))


@pytest.mark.parametrize("header, reason", [
    ("br", "the server compressed the feed with 'br', which we do not read: it must send it plain, gzip or deflate"),
    ("gzip, zstd", "the server compressed the feed with 'zstd', which we do not read"),
    ("gzip, gzip, gzip, gzip", "Content-Encoding lists 4 compressions; we read at most 3"),
    ("gzip, gzip", "cannot decode the body: "),  # declared twice, compressed once
])
def test_a_coding_we_cannot_undo_is_a_clear_error(plain_server: MisbehavingServer, header: str, reason: str) -> None:
    url = plain_server.route("/unreadable", body(gzip.compress(good_ics("20271201T100000Z")), Content_Encoding=header))
    [result] = fetch_feeds([FetchRequest(url)], allow_private=True)
    assert isinstance(result, FetchError) and reason in result.reason, result
