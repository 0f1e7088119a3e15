"""Review of how feeds are pulled, as the operator of a public service and as the owner of a
web server being fetched: real HTTP servers on 127.0.0.1, no mocks."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aggregator.core import check_feed, make_aggregator
from aggregator.errors import FetchError
from aggregator.fetch import FetchLimits, FetchRequest, Wire, fetch_feeds
from aggregator.models import FetchResult
from aggregator.reasons import reason_in
from conftest import make_settings, make_source
from misbehaving import MisbehavingServer, body, drip, misbehaving_server, redirect
from sites import SOON, ics
from test_web_pages import csrf, register
from webapp import Web, running, web  # noqa: F401  (fixture)

CAL = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with misbehaving_server() as running:
        yield running


@pytest.mark.parametrize("location", ["http://[::1", "//[x]/", "/feed\x7f.ics"])
def test_a_redirect_to_an_unreadable_address_fails_its_feed_alone(
    server: MisbehavingServer, location: str
) -> None:
    """A feed server's broken Location header raised out of the fetcher and stopped every
    other feed of the batch (a whole refresh, or each daemon round, for one hostile site)."""
    good = server.route("/cal.ics", body(CAL))
    bad = server.route("/jump", redirect(302, location))
    results = fetch_feeds([FetchRequest(bad), FetchRequest(good)], allow_private=True)
    assert isinstance(results[0], FetchError) and results[0].status_code == 302
    assert results[0].reason.startswith("HTTP 302 redirects to an address we cannot read")
    assert "tell the site" in results[0].reason
    assert "tell the site" not in reason_in(results[0].reason, "fr")
    assert isinstance(results[1], FetchResult) and results[1].body == CAL


def test_a_feed_address_with_a_control_character_fails_alone(server: MisbehavingServer) -> None:
    """An address holding a tab (pasted from a spreadsheet) raised out of the fetcher."""
    good = server.route("/cal.ics", body(CAL))
    results = fetch_feeds([FetchRequest(good + "\t"), FetchRequest(good)], allow_private=True)
    assert isinstance(results[0], FetchError) and results[0].reason.startswith("invalid URL: ")
    assert isinstance(results[1], FetchResult) and results[1].body == CAL



def test_a_feed_on_an_internationalised_domain_is_fetched_by_its_ascii_name(
    server: MisbehavingServer,
) -> None:
    """``https://exämple.com/agenda.ics`` (a French or German site's own name) raised
    UnicodeEncodeError out of the fetcher, stopping every other feed: the Host header must be
    the name's ASCII form (xn--…), as browsers send it."""
    hosts: list[str] = []

    def record(handler):  # type: ignore[no-untyped-def]
        hosts.append(handler.headers["Host"])
        body(CAL)(handler)

    port = server.base_url.rsplit(":", 1)[1]
    server.route("/idn.ics", record)
    good = server.route("/cal.ics", body(CAL))

    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    results = fetch_feeds([FetchRequest(f"http://exämple.com:{port}/idn.ics"), FetchRequest(good)],
                          allow_private=True, resolver=resolver)
    assert isinstance(results[0], FetchResult) and results[0].body == CAL
    assert hosts == [f"xn--exmple-cua.com:{port}"]
    assert isinstance(results[1], FetchResult) and results[1].body == CAL



def test_a_feed_behind_a_temporary_redirect_is_asked_conditionally(
    server: MisbehavingServer,
) -> None:
    """Many sites send http:// to https:// (or /feed to /feed/) with a 302: the validators
    stored from the feed's last answer never reached the address that gave them, so every
    round downloaded the whole feed again. They go with every hop now, and the 304 counts."""
    def cached(handler):  # type: ignore[no-untyped-def]
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.send_header("ETag", '"v1"')
            handler.end_headers()
            return
        body(CAL, ETag='"v1"', Last_Modified="Mon, 07 Dec 2026 00:00:00 GMT")(handler)

    server.route("/cal.ics", cached)
    url = server.route("/feed", redirect(302, "/cal.ics"))
    [first] = fetch_feeds([FetchRequest(url)], allow_private=True)
    assert isinstance(first, FetchResult) and first.status_code == 200 and first.etag == '"v1"'
    [again] = fetch_feeds([FetchRequest(url, first.etag, first.last_modified)], allow_private=True)
    assert isinstance(again, FetchResult) and again.status_code == 304


def test_a_parser_process_killed_while_feeds_still_arrive_fails_no_other_feed(
    server: MisbehavingServer, tmp_path: Path,
) -> None:
    """The OOM killer takes a parse worker while downloads go on: every feed arriving after
    that raised BrokenProcessPool out of the fetcher, and the whole refresh failed, storing
    nothing. The feeds that arrive later are parsed all the same."""
    def calendar(n: int) -> bytes:
        return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n"
                f"UID:e{n}@kill\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20271201T100000Z\r\n"
                f"SUMMARY:Talk {n}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()

    def killer(handler):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 10
        while not multiprocessing.active_children() and time.monotonic() < deadline:
            time.sleep(0.05)
        for worker in multiprocessing.active_children():
            os.kill(worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
        body(calendar(99))(handler)

    def late(n: int):  # type: ignore[no-untyped-def]
        def route(handler):  # type: ignore[no-untyped-def]
            time.sleep(1.5)
            body(calendar(n))(handler)
        return route

    urls = [server.route(f"/early{n}.ics", body(calendar(n))) for n in range(4)]
    urls.append(server.route("/killer.ics", killer))
    urls += [server.route(f"/late{n}.ics", late(n)) for n in range(4, 9)]
    sources = tuple(make_source(f"s{n}", url) for n, url in enumerate(urls))
    aggregator = make_aggregator(make_settings(tmp_path, sources))
    try:
        outcomes = aggregator.refresh()
    finally:
        aggregator.close()
    late_ones = [o for o in outcomes if "/late" in o.url]
    assert [o.result for o in late_ones] == ["updated"] * 5, late_ones


def test_a_feed_whose_etag_is_not_ascii_does_not_stop_the_next_refreshes(
    server: MisbehavingServer, tmp_path: Path,
) -> None:
    """A server answering ``ETag: "été"`` (its bytes as they come): the validator was stored,
    and sending it back raised UnicodeEncodeError out of the fetcher at every refresh after,
    for every feed, until someone edited the database."""
    def accented(handler):  # type: ignore[no-untyped-def]
        body(CAL, ETag='"\u00e9t\u00e9"', Last_Modified="Lundi 7 d\u00e9cembre")(handler)

    feed = server.route("/accent.ics", accented)
    other = server.route("/cal.ics", body(CAL))
    sources = (make_source("accent", feed), make_source("other", other))
    aggregator = make_aggregator(make_settings(tmp_path, sources))
    try:
        for _ in range(2):
            outcomes = aggregator.refresh()
            assert [o.error for o in outcomes] == [None, None], outcomes
    finally:
        aggregator.close()
    assert server.hits("/accent.ics") == 2


def test_a_status_line_that_is_not_text_fails_its_feed_alone(server: MisbehavingServer) -> None:
    """``HTTP/1.1 404 Non trouv\\xe9`` (a reason phrase in Latin-1) raised UnicodeEncodeError
    out of the fetcher, stopping every other feed."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def answer() -> None:
        connection, _ = listener.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 404 Non trouv\xe9\r\nContent-Length: 2\r\n\r\nno")
        connection.close()

    threading.Thread(target=answer, daemon=True).start()
    good = server.route("/cal.ics", body(CAL))
    port = listener.getsockname()[1]
    try:
        results = fetch_feeds([FetchRequest(f"http://127.0.0.1:{port}/feed.ics"),
                               FetchRequest(good)], allow_private=True)
    finally:
        listener.close()
    assert isinstance(results[0], FetchError)
    assert results[0].reason == "not a valid HTTP answer: its status line is not text"
    assert reason_in(results[0].reason, "de") == (
        "keine gültige HTTP-Antwort: ihre Statuszeile ist kein Text")
    assert isinstance(results[1], FetchResult) and results[1].body == CAL


def test_the_register_forms_preview_reads_its_feeds_at_once(
    server: MisbehavingServer, web: Web,
) -> None:
    """The preview read the form's feeds one after the other: ten slow sites held the
    organiser (and a server thread) ten times 30 s. Here each of three feeds answers only
    once all three are asked (else 503, after 5 s): read in turn, none could be."""
    together = threading.Barrier(3, timeout=5)

    def meeting(n: int):  # type: ignore[no-untyped-def]
        def route(handler):  # type: ignore[no-untyped-def]
            try:
                together.wait()
            except threading.BrokenBarrierError:
                body(b"alone", "text/plain", 503)(handler)
                return
            body(ics(f"m{n}@meet", f"Atelier {n}", SOON))(handler)
        return route

    feeds = "\n".join(server.route(f"/meet{n}.ics", meeting(n)) for n in range(3))
    page = register(web, action="preview", feeds=feeds).text
    assert "503" not in page
    assert all(f"Atelier {n}" in page for n in range(3)), page


def test_the_user_agent_names_the_public_site_that_reads_the_feed(
    server: MisbehavingServer, tmp_path: Path,
) -> None:
    """A site's owner seeing our requests in their logs read only the project's address, not
    which instance polls them nor how to reach its operator: the site's own public address
    (AGGREGATOR_BASE_URL) comes first, by refreshes and by the register form's check alike."""
    agents: list[str] = []

    def record(handler):  # type: ignore[no-untyped-def]
        agents.append(handler.headers["User-Agent"])
        body(ics("ua@feed", "Atelier", SOON))(handler)

    url = server.route("/ua.ics", record)
    settings = make_settings(tmp_path, (make_source("ua", url),),
                             base_url="https://agenda.example.org")
    aggregator = make_aggregator(settings)
    try:
        aggregator.refresh()
        aggregator.check_feeds([url])
    finally:
        aggregator.close()
    check_feed(settings, url)
    assert len(agents) == 3 and len(set(agents)) == 1
    assert agents[0].startswith("aggregator/")
    assert "(+https://agenda.example.org; https://github.com/" in agents[0]


def test_a_host_that_asks_us_to_wait_is_not_asked_again_in_the_same_round(
    server: MisbehavingServer,
) -> None:
    """A site with many feeds answers 429 (Retry-After: 600): we went on asking for each of
    its other feeds in the same round, 4 at a time, after it had told us to stop. Its other
    feeds now wait too, each told why and for how long."""
    slow_down = body(b"slow down", "text/plain", 429, Retry_After="600")
    urls = [server.route(f"/busy{n}.ics", slow_down) for n in range(12)]
    other = server.route("/cal.ics", body(CAL))

    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    requests = [FetchRequest(url.replace("127.0.0.1", "busy.test")) for url in urls]
    results = fetch_feeds([*requests, FetchRequest(other.replace("127.0.0.1", "other.test"))],
                          allow_private=True, resolver=resolver, limits=FetchLimits(per_host=2))
    asked = sum(server.hits(f"/busy{n}.ics") for n in range(12))
    assert asked <= 2, asked
    for result in results[:-1]:
        assert isinstance(result, FetchError) and result.status_code == 429
        assert result.retry_after == "600"
        assert result.reason.startswith("HTTP 429 Too Many Requests: the server asks us")
    assert isinstance(results[-1], FetchResult) and results[-1].body == CAL  # another host


def test_a_host_that_asks_us_to_wait_is_not_asked_again_by_the_ticks_next_rounds(
    server: MisbehavingServer,
) -> None:
    """The daemon's tick fetches its due feeds in rounds of 100 on one Wire: a host whose
    feeds spread over several rounds is asked again in none after its 429."""
    slow_down = body(b"slow down", "text/plain", 429, Retry_After="600")
    urls = [server.route(f"/busy{n}.ics", slow_down) for n in range(3)]
    wire = Wire(FetchLimits())
    try:
        rounds = [wire.fetch([FetchRequest(url)], allow_private=True) for url in urls]
    finally:
        wire.close()
    assert sum(server.hits(f"/busy{n}.ics") for n in range(3)) == 1
    assert all(isinstance(r, FetchError) and r.retry_after == "600" for [r] in rounds)


def test_a_site_whose_first_address_is_dead_is_read_at_its_next(
    server: MisbehavingServer,
) -> None:
    """A name with a dead address beside a live one (a stale AAAA record, one server of two
    down): browsers try the next address, we failed with "cannot connect" at every round.
    Here the name resolves to 127.0.0.2 first, where nothing listens, then 127.0.0.1."""
    good = server.route("/cal.ics", body(CAL))

    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.2", "127.0.0.1"]

    [result] = fetch_feeds([FetchRequest(good.replace("127.0.0.1", "two.test"))],
                           allow_private=True, resolver=resolver)
    assert isinstance(result, FetchResult) and result.body == CAL

    async def dead(host: str, port: int) -> list[str]:
        return ["127.0.0.2", "127.0.0.3"]

    [result] = fetch_feeds([FetchRequest(good.replace("127.0.0.1", "two.test"))],
                           allow_private=True, resolver=dead)
    assert isinstance(result, FetchError)
    assert result.reason.startswith("cannot connect: Connection refused; ")


def test_the_fetch_errors_an_organiser_can_act_on_say_what_to_do(
    server: MisbehavingServer,
) -> None:
    """"more than 5 redirects", "body exceeds the cap", "no complete answer within 30 s" said
    what failed, not what the organiser reading their feed's health could do about it."""
    loop = server.route("/loop", redirect(302, "/loop"))
    big = server.route("/big.ics", body(b"x" * 2_000))
    slow = server.route("/slow.ics", drip(total=100, every=0.2))
    [looping] = fetch_feeds([FetchRequest(loop)], allow_private=True)
    [large] = fetch_feeds([FetchRequest(big)], allow_private=True, limits=FetchLimits(max_bytes=1_000))
    [stalled] = fetch_feeds([FetchRequest(slow)], allow_private=True,
                            limits=FetchLimits(total_timeout=1))
    said = {error.reason for error in (looping, large, stalled)}  # type: ignore[union-attr]
    assert said == {
        "more than 5 redirects: open the address in a browser and give us the one it ends at",
        "body of 2,000 bytes exceeds the 1,000-byte cap: the feed is too large; ask its "
        "publisher for a shorter one",
        "no complete answer within 1 s: the site's server is too slow; we will try again",
    }
    french = {reason_in(text, "fr") for text in said}
    assert any("navigateur" in text for text in french)
    assert any("trop volumineux" in text for text in french)
    assert any("trop lent" in text for text in french)


def test_credentials_in_the_url_follow_a_redirect_on_the_same_host_only(
    server: MisbehavingServer,
) -> None:
    """A private calendar given as http://user:secret@host/cal.ics whose server sends it to
    https:// (or /cal.ics to /cal.ics/) with a 301 lost its credentials at the next hop: a 401
    at every round, and the moved address stored without them. They follow the feed on its
    own host, and never to another."""
    import base64

    expected = "Basic " + base64.b64encode(b"team:s3cret").decode()
    leaked: list[str] = []

    def private(handler):  # type: ignore[no-untyped-def]
        if handler.headers.get("Authorization") != expected:
            body(b"who are you?", "text/plain", 401)(handler)
            return
        body(CAL)(handler)

    def elsewhere(handler):  # type: ignore[no-untyped-def]
        leaked.append(handler.headers.get("Authorization", ""))
        body(CAL)(handler)

    new = server.route("/new/cal.ics", private)
    server.route("/old/cal.ics", redirect(301, new))
    server.route("/other.ics", elsewhere)
    away = server.route("/away.ics", redirect(302, server.url("/other.ics").replace(
        "127.0.0.1", "other.test")))

    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    with_credentials = server.url("/old/cal.ics").replace("http://", "http://team:s3cret@")
    [moved] = fetch_feeds([FetchRequest(with_credentials)], allow_private=True)
    assert isinstance(moved, FetchResult) and moved.body == CAL, moved
    assert moved.permanent_redirect == new.replace("http://", "http://team:s3cret@")
    [other] = fetch_feeds([FetchRequest(away.replace("http://", "http://team:s3cret@"))],
                          allow_private=True, resolver=resolver)
    assert isinstance(other, FetchResult) and leaked == [""]


def test_the_public_preview_does_not_tell_a_stranger_our_inside_addresses(
    tmp_path: Path,
) -> None:
    """Anyone may type an address into the register form: "intranet.corp resolves to
    10.1.2.3 ... (set AGGREGATOR_ALLOW_PRIVATE_NETWORKS=1 to allow it)" mapped the operator's
    internal DNS for them, and told an organiser of a setting they cannot touch. The form
    says the address is not public; the operator's logs and CLI keep the details."""
    async def resolver(host: str, port: int) -> list[str]:
        return ["10.1.2.3"]

    settings = dataclasses.replace(make_settings(tmp_path, ()), allow_private_networks=False)
    aggregator = make_aggregator(settings, resolver=resolver)
    try:
        with running(aggregator) as url, httpx.Client(base_url=url, timeout=30) as client:
            for lang, said in (("en", "not a public address"), ("fr", "pas une adresse publique"),
                               ("de", "keine öffentliche Adresse")):
                page = client.post(f"/register?lang={lang}", data={
                    "csrf_token": csrf(client, "/register"), "action": "preview",
                    "feeds": "https://intranet.corp/agenda.ics"}).text
                assert "10.1.2.3" not in page and "AGGREGATOR_ALLOW" not in page
                assert said in page
    finally:
        aggregator.close()
    with pytest.raises(FetchError, match="intranet.corp resolves to 10.1.2.3"):
        check_feed(settings, "https://intranet.corp/agenda.ics", resolver=resolver)


def test_a_dead_address_is_tried_once_per_round_not_once_per_feed(
    server: MisbehavingServer,
) -> None:
    """A host with many feeds whose first address takes no connection (a stale AAAA record
    that drops packets): each feed waited out the connect timeout on it before the next
    address, the round held for feeds x timeout / 4. It is tried once per round now."""
    port = int(server.base_url.rsplit(":", 1)[1])
    blackhole = socket.socket()
    blackhole.bind(("127.0.0.2", port))
    blackhole.listen(0)
    filler = socket.create_connection(("127.0.0.2", port))  # the backlog full: SYNs dropped
    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.2", "127.0.0.1"]

    requests = [FetchRequest(server.route(f"/cal{n}.ics", body(CAL)).replace(
        "127.0.0.1", "two.test")) for n in range(8)]
    started = time.monotonic()
    try:
        results = fetch_feeds(requests, allow_private=True, resolver=resolver,
                              limits=FetchLimits(connect_timeout=1.0, per_host=2))
    finally:
        filler.close()
        blackhole.close()
    elapsed = time.monotonic() - started
    assert all(isinstance(r, FetchResult) and r.body == CAL for r in results), results
    assert elapsed < 3.0, elapsed  # 4 s when every feed waited on the dead address


def test_a_304_that_names_a_new_etag_is_remembered(
    server: MisbehavingServer, tmp_path: Path,
) -> None:
    """A 304 may carry the validator the server now knows the same feed by (RFC 9110 15.4.5: a
    CDN changing its ETag scheme, an nginx switching to weak tags). It was dropped: we kept
    asking with the old one, which such a server no longer matches, and downloaded the whole
    feed every other round."""
    def rotating(handler):  # type: ignore[no-untyped-def]
        asked = handler.headers.get("If-None-Match")
        if asked in ('"v1"', '"v2"') and not (asked == '"v1"' and server.hits("/r.ics") > 2):
            handler.send_response(304)
            handler.send_header("ETag", '"v2"')
            handler.end_headers()
            return
        body(CAL, ETag='"v1"')(handler)

    url = server.route("/r.ics", rotating)
    aggregator = make_aggregator(make_settings(tmp_path, (make_source("r", url),)))
    try:
        results = [aggregator.refresh()[0].result for _ in range(4)]
    finally:
        aggregator.close()
    assert results == ["updated", "not_modified", "not_modified", "not_modified"], results


def test_refresh_from_cron_leaves_a_site_alone_that_asked_us_to_wait(
    server: MisbehavingServer, tmp_path: Path,
) -> None:
    """`aggregator refresh` from cron every 15 minutes asked a site that answered 429 with
    Retry-After: 3600 again at each run: the daemon waited, cron did not. It now skips the
    feed until then and says so; --force asks at once."""
    url = server.route("/busy.ics", body(b"slow down", "text/plain", 429, Retry_After="3600"))
    fine = server.route("/cal.ics", body(CAL))
    sources = (make_source("busy", url), make_source("fine", fine))
    aggregator = make_aggregator(make_settings(tmp_path, sources))
    try:
        first = aggregator.refresh()
        second = aggregator.refresh()
        assert server.hits("/busy.ics") == 1 and server.hits("/cal.ics") == 2
        assert [o.result for o in first] == ["error", "updated"], first
        assert second[0].result == "skipped", second
        assert "HTTP 429" in (second[0].error or "") and "--force" in (second[0].error or "")
        assert second[1].result in ("not_modified", "unchanged")
        [forced] = aggregator.refresh("busy", force=True)
        assert forced.result == "error" and server.hits("/busy.ics") == 2
        # a feed failing for another reason is asked at every run, as before
        server.route("/busy.ics", body(b"gone", "text/plain", 404))
        aggregator.refresh("busy", force=True)
        aggregator.refresh()
        assert server.hits("/busy.ics") == 4
    finally:
        aggregator.close()


def test_a_domain_with_an_eszett_is_resolved_by_the_name_its_host_header_carries(
    server: MisbehavingServer,
) -> None:
    """``straße.example`` is its own domain (xn--strae-oqa, IDNA 2008, as browsers and the
    Host header write it). The resolver was asked by Python's IDNA 2003, which writes it
    ``strasse.example``: another domain, maybe another owner's server, was asked for the feed
    with the first one's Host header."""
    asked: list[str] = []
    port = server.base_url.rsplit(":", 1)[1]
    url = server.route("/cal.ics", body(CAL))

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    [result] = fetch_feeds([FetchRequest(f"http://straße.example:{port}/cal.ics")],
                           allow_private=True, resolver=resolver)
    assert isinstance(result, FetchResult), result
    assert asked == ["xn--strae-oqa.example"]
    assert server.hits("/cal.ics") == 1 and url


def test_links_and_mail_carry_an_eszett_domain_as_browsers_write_it() -> None:
    from aggregator.addresses import ascii_sender, ascii_url

    assert ascii_url("https://agenda.straße.example/") == "https://agenda.xn--strae-oqa.example/"
    assert ascii_sender("Agenda <digest@straße.example>") == "Agenda <digest@xn--strae-oqa.example>"
