"""Fetching feeds through an operator's outgoing proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).

Inside a company's or a university's network the only way out is a forward proxy, which curl,
pip and httpx reach through the standard variables. The fetcher resolved every host itself and
connected to it, so there every feed failed. These tests put a real forward proxy on loopback
(tests/forward_proxy.py) and feeds on hosts named ``*.invalid``, which no DNS resolves: a feed
read at all was read through the proxy, and the proxy's log says which requests it carried.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import socket
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import trustme

from aggregator import config
from aggregator.cadence import HealthStep, Outage, check_health, is_our_proxys_failure
from aggregator.core import make_aggregator
from aggregator.errors import FetchError, PrivateAddressError
from aggregator.fetch import FetchLimits, FetchRequest, fetch_feeds, tls_context
from aggregator.models import FeedState, FetchResult, ParsedFeed
from aggregator.netguard import system_resolver
from aggregator.proxies import Proxy, described, from_environment, proxy_for
from aggregator.reasons import reason_in
from conftest import make_settings, make_source
from forward_proxy import ForwardProxy
from sites import SOON, ics, run
from tls_servers import calendar_server, lingering_server, server_context
from test_daemon import Node, nodes, wait_for_calendar  # noqa: F401  (nodes: a fixture)

CAL = ics("talk-1@lab", "Rencontre IA", SOON)
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy",
                   "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def no_proxy_of_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine running the tests may have proxy variables of its own."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    with ForwardProxy().running() as running:
        yield running


@pytest.fixture
def tls_feed() -> Iterator[int]:
    """An https server on loopback whose certificate names secure.invalid: its port."""
    authority = trustme.CA()
    authority.configure_trust(tls_context())
    with calendar_server(CAL, server_context(authority.issue_cert("secure.invalid"))) as port:
        yield port
    tls_context.cache_clear()  # the process's store as it was, without the test authority


def port_of(feed_server: Any) -> int:
    return int(feed_server.base_url.rpartition(":")[2])


@pytest.fixture
def lingering_tls_feed() -> Iterator[int]:
    """An https server (secure.invalid) that answers with ``Connection: close`` and keeps its
    side open a moment after, as a far server's close arrives an RTT later: its port."""
    authority = trustme.CA()
    authority.configure_trust(tls_context())
    with lingering_server(CAL, server_context(authority.issue_cert("secure.invalid"))) as port:
        yield port
    tls_context.cache_clear()  # the process's store as it was, without the test authority


def write_sources(tmp_path: Path, *urls: str) -> None:
    feeds = ", ".join(f'{{url: "{url}"}}' for url in urls)
    (tmp_path / "sources.yaml").write_text(
        f"sources:\n  - {{id: lab, name: Le Lab, kind: lab, city: Nancy, country: FR, "
        f"feeds: [{feeds}]}}\n", encoding="utf-8")


def test_refresh_fetches_http_and_https_feeds_through_the_proxy(
        feed_server: Any, tls_feed: int, proxy: ForwardProxy, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTP_PROXY carries an http:// feed as an absolute-URI GET, HTTPS_PROXY an https://
    one as a CONNECT tunnel (TLS still verified against the feed's name, end to end)."""
    feed_server.set("/lab.ics", CAL, "text/calendar")
    proxy.hosts.update({"feeds.invalid": "127.0.0.1", "secure.invalid": "127.0.0.1"})
    plain = f"http://feeds.invalid:{port_of(feed_server)}/lab.ics"
    secure = f"https://secure.invalid:{tls_feed}/cal.ics"
    write_sources(tmp_path, plain, secure)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)

    result = run("--config", "sources.yaml", "refresh")
    assert result.exit_code == 0, result.output
    listed = json.loads(run("--config", "sources.yaml", "sources", "list", "--json").output)
    assert {(f["url"], f["status"], f["last_error"]) for f in listed} == {
        (plain, "ok", None), (secure, "ok", None)}
    assert f"GET {plain}" in proxy.targets()
    assert f"CONNECT secure.invalid:{tls_feed}" in proxy.targets()


def test_sources_check_goes_through_the_proxy(
        feed_server: Any, proxy: ForwardProxy, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    feed_server.set("/lab.ics", CAL, "text/calendar")
    proxy.hosts["feeds.invalid"] = "127.0.0.1"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("http_proxy", proxy.url)
    url = f"http://feeds.invalid:{port_of(feed_server)}/lab.ics"

    result = run("sources", "check", url)
    assert result.exit_code == 0, result.output
    assert "Rencontre IA" in result.output
    assert proxy.targets() == [f"GET {url}"]


def test_an_https_server_slow_to_close_leaves_nothing_open_through_the_proxy(
        lingering_tls_feed: int, proxy: ForwardProxy) -> None:
    """As test_fetch_tls's test of a site slow to close, one hop further: the site's close
    comes through the tunnel (this is where "Device or resource busy" was first seen)."""
    proxy.hosts["secure.invalid"] = "127.0.0.1"
    proxies = from_environment({"HTTPS_PROXY": proxy.url})

    async def here(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    for _ in range(3):
        [read] = fetch_feeds([FetchRequest(f"https://secure.invalid:{lingering_tls_feed}/c")],
                             allow_private=True, resolver=here, proxies=proxies)
        assert isinstance(read, FetchResult) and read.body == CAL, read
        gc.collect()  # a transport left open says so now, in this test
    assert len(proxy.seen) == 3


# --- the private-network guard still applies, before the proxy is asked -----------------------

def resolving(names: dict[str, list[str]]) -> Any:
    """A resolver answering as DNS would for these names (the feed server stands in for a
    public host: the proxy, not us, connects to it)."""
    async def resolve(host: str, port: int) -> list[str]:
        return names[host] if host in names else await system_resolver(host, port)
    return resolve


PUBLIC_AND_INTRANET = resolving({"public.invalid": ["93.184.216.34"],
                                 "intranet.invalid": ["10.0.0.7"]})


def proxied_app(tmp_path: Path, proxy: ForwardProxy, *urls: str, resolver: Any = None,
                limits: FetchLimits | None = None, **environ: str) -> Any:
    """An Aggregator whose settings read HTTP(S)_PROXY from ``environ`` as config does,
    private networks refused as in production unless the test says otherwise."""
    env = {"HTTP_PROXY": proxy.url, "HTTPS_PROXY": proxy.url, **environ}
    settings = dataclasses.replace(
        make_settings(tmp_path, (make_source("lab", *urls),)),
        proxies=config.build_settings((), None, env).proxies,
        allow_private_networks=resolver is None)
    options: dict[str, Any] = {"limits": limits} if limits else {}
    return make_aggregator(settings, resolver=resolver or PUBLIC_AND_INTRANET, **options)


def test_a_feed_inside_the_network_is_refused_before_the_proxy_is_asked(
        feed_server: Any, proxy: ForwardProxy, tmp_path: Path) -> None:
    """The guard resolves the feed's name and checks every address as it does without a
    proxy; the proxy is asked for the name only once it passed. The proxy's own address is
    private (127.0.0.1): that is no reason to refuse."""
    feed_server.set("/cal.ics", CAL, "text/calendar")
    proxy.hosts.update({"public.invalid": "127.0.0.1", "intranet.invalid": "127.0.0.1"})
    port = port_of(feed_server)
    public = f"http://public.invalid:{port}/cal.ics"
    app = proxied_app(tmp_path, proxy, resolver=PUBLIC_AND_INTRANET)

    read, inside, here = app.check_feeds(
        [public, f"http://intranet.invalid:{port}/cal.ics", f"https://localhost:{port}/x"])
    assert isinstance(read, ParsedFeed) and read.events[0].title == "Rencontre IA"
    assert isinstance(inside, PrivateAddressError) and "10.0.0.7" in inside.reason
    assert isinstance(here, PrivateAddressError) and "names this machine" in here.reason
    assert proxy.targets() == [f"GET {public}"]


def test_each_redirect_hop_is_checked_before_the_proxy_follows_it(
        feed_server: Any, proxy: ForwardProxy, tmp_path: Path) -> None:
    port = port_of(feed_server)
    feed_server.redirect("/first", f"http://intranet.invalid:{port}/cal.ics", 302)
    proxy.hosts.update({"public.invalid": "127.0.0.1", "intranet.invalid": "127.0.0.1"})
    app = proxied_app(tmp_path, proxy, resolver=PUBLIC_AND_INTRANET)

    [refused] = app.check_feeds([f"http://public.invalid:{port}/first"])
    assert isinstance(refused, PrivateAddressError) and "10.0.0.7" in refused.reason
    assert proxy.targets() == [f"GET http://public.invalid:{port}/first"]


# --- what a fetch promises holds through the proxy --------------------------------------------

def test_conditional_get_and_the_size_cap_hold_through_the_proxy(
        feed_server: Any, proxy: ForwardProxy, tmp_path: Path) -> None:
    feed_server.set("/cal.ics", CAL, "text/calendar")
    feed_server.set("/big.ics", CAL + b"X" * 5000, "text/calendar")
    proxy.hosts["feeds.invalid"] = "127.0.0.1"
    base = f"http://feeds.invalid:{port_of(feed_server)}"
    app = proxied_app(tmp_path, proxy, f"{base}/cal.ics", f"{base}/big.ics",
                      limits=FetchLimits(max_bytes=len(CAL) + 100))

    first = {o.url: o for o in app.refresh()}
    second = {o.url: o for o in app.refresh()}
    assert first[f"{base}/cal.ics"].result == "updated"
    assert second[f"{base}/cal.ics"].result == "not_modified"
    assert feed_server.not_modified_hits["/cal.ics"] == 1
    assert "exceeds the" in (second[f"{base}/big.ics"].error or "")
    assert proxy.targets().count(f"GET {base}/cal.ics") == 2
    assert "if-none-match" in proxy.seen[-1].headers or "if-none-match" in proxy.seen[-2].headers


def test_the_deadline_and_the_per_host_bound_hold_through_the_proxy(
        feed_server: Any, proxy: ForwardProxy, tmp_path: Path) -> None:
    """Through one proxy every feed shares its address: the bound is still per site (at most
    ``per_host`` at once to feeds.invalid), and a site too slow still fails alone."""
    paths = [f"/f{n}.ics" for n in range(6)]
    for path in paths:
        feed_server.set(path, CAL, "text/calendar")
        feed_server.delay(path, 0.3)
    feed_server.set("/slow.ics", CAL, "text/calendar")
    feed_server.delay("/slow.ics", 5)
    proxy.hosts.update({"feeds.invalid": "127.0.0.1", "slow.invalid": "127.0.0.1"})
    port = port_of(feed_server)
    urls = [f"http://feeds.invalid:{port}{p}" for p in paths]
    app = proxied_app(tmp_path, proxy, limits=FetchLimits(per_host=2, total_timeout=1.5))

    started = time.monotonic()
    *read, slow = app.check_feeds([*urls, f"http://slow.invalid:{port}/slow.ics"])
    assert all(isinstance(r, ParsedFeed) for r in read), read
    assert isinstance(slow, FetchError) and "no complete answer within 1.5 s" in slow.reason
    assert time.monotonic() - started < 4
    assert proxy.most_tunnels <= 3  # two to feeds.invalid at a time, and the slow one
    assert len(proxy.seen) == 7


# --- a proxy that refuses: one clear line per feed, in the organiser's language ---------------

def reason_of(app: Any, url: str) -> str:
    [failed] = app.check_feeds([url])
    assert isinstance(failed, FetchError), failed
    return failed.reason


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_proxy_asking_for_credentials_says_where_to_give_them(
        scheme: str, proxy: ForwardProxy, tmp_path: Path) -> None:
    proxy.credentials = ("alice", "s3cret")
    variable = f"{scheme.upper()}_PROXY"
    app = proxied_app(tmp_path, proxy)
    reason = reason_of(app, f"{scheme}://feeds.invalid/cal.ics")
    assert reason.startswith(f"our proxy ({variable}) asks for credentials (HTTP 407 Proxy "
                             f"Authentication Required): the operator must give them in "
                             f"{variable}"), reason
    for lang in ("fr", "de"):
        translated = reason_in(reason, lang)
        assert translated != reason and variable in translated and "407" in translated

    wrong = proxied_app(tmp_path, proxy, **{variable: proxy.url.replace("//", "//alice:no@")})
    reason = reason_of(wrong, f"{scheme}://feeds.invalid/cal.ics")
    assert reason.startswith(f"our proxy ({variable}) refused its credentials"), reason
    assert "no@" not in reason and "127.0.0.1" not in reason
    assert reason_in(reason, "de") != reason


@pytest.mark.parametrize("with_proxy", [False, True])
def test_a_site_answering_407_itself_is_not_said_to_be_our_proxy(
        with_proxy: bool, feed_server: Any, proxy: ForwardProxy, tmp_path: Path) -> None:
    """A feed's own server answering 407 Proxy Authentication Required (no proxy in the
    environment, or one this feed does not go through: here this machine, always direct)
    was reported as the bare status line, which organiser and operator read as a proxy of
    ours asking for a password. It now says the site answered it, no proxy of ours being on
    the way, and what to do; a proxy that was used is still named (the test above)."""
    feed_server.set("/cal.ics", CAL, "text/calendar")
    feed_server.fail("/cal.ics", 407)
    env = {"HTTP_PROXY": proxy.url, "HTTPS_PROXY": proxy.url} if with_proxy else {}
    settings = dataclasses.replace(
        make_settings(tmp_path, (make_source("lab", feed_server.url("/cal.ics")),)),
        proxies=config.build_settings((), None, env).proxies, allow_private_networks=True)
    reason = reason_of(make_aggregator(settings), feed_server.url("/cal.ics"))
    assert reason.startswith("HTTP 407 Proxy Authentication Required from the site itself, "
                             "not from a proxy of ours:"), reason
    assert "give us the feed's public address" in reason
    assert proxy.seen == [] and not is_our_proxys_failure(reason)
    french, german = reason_in(reason, "fr"), reason_in(reason, "de")
    assert french.startswith("HTTP 407 Proxy Authentication Required envoyé par le site "
                             "lui-même"), french
    assert german.startswith("HTTP 407 Proxy Authentication Required von der Website selbst"), \
        german


def test_a_site_answering_407_inside_the_proxys_tunnel_is_not_said_to_be_our_proxy(
        proxy: ForwardProxy, tmp_path: Path) -> None:
    """An https feed goes through the proxy's tunnel (CONNECT); what answers inside it is the
    site, TLS ours end to end: its 407 was reported as "our proxy (HTTPS_PROXY) asks for
    credentials", and the operator sent to mend a proxy that had let it through."""
    authority = trustme.CA()
    authority.configure_trust(tls_context())
    try:
        with calendar_server(CAL, server_context(authority.issue_cert("secure.invalid")),
                             status=407) as port:
            proxy.hosts["secure.invalid"] = "127.0.0.1"
            reason = reason_of(proxied_app(tmp_path, proxy), f"https://secure.invalid:{port}/")
    finally:
        tls_context.cache_clear()
    assert proxy.targets() == [f"CONNECT secure.invalid:{port}"]
    assert reason.startswith("HTTP 407 Proxy Authentication Required from the site itself, "
                             "not from a proxy of ours:"), reason
    assert not is_our_proxys_failure(reason)


def test_credentials_in_the_proxy_url_are_sent_to_it(
        feed_server: Any, tls_feed: int, proxy: ForwardProxy, tmp_path: Path) -> None:
    feed_server.set("/cal.ics", CAL, "text/calendar")
    proxy.credentials = ("alice", "s3 cret")
    proxy.hosts.update({"feeds.invalid": "127.0.0.1", "secure.invalid": "127.0.0.1"})
    with_credentials = proxy.url.replace("//", "//alice:s3%20cret@")
    app = proxied_app(tmp_path, proxy, HTTP_PROXY=with_credentials, HTTPS_PROXY=with_credentials)
    read = app.check_feeds([f"http://feeds.invalid:{port_of(feed_server)}/cal.ics",
                            f"https://secure.invalid:{tls_feed}/cal.ics"])
    assert all(isinstance(r, ParsedFeed) for r in read), read
    assert len(proxy.seen) == 2


def test_a_proxy_that_cannot_reach_the_site_or_refuses_it_says_so(
        proxy: ForwardProxy, tmp_path: Path) -> None:
    proxy.refused.update({"down.invalid": 502, "banned.invalid": 403})
    app = proxied_app(tmp_path, proxy)
    tunnel = reason_of(app, "https://down.invalid/cal.ics")
    assert tunnel.startswith("our proxy (HTTPS_PROXY) could not reach the site (HTTP 502 Bad "
                             "Gateway)"), tunnel
    plain = reason_of(app, "http://down.invalid/cal.ics")
    assert plain.startswith("HTTP 502 Bad Gateway through our proxy (HTTP_PROXY): the proxy "
                            "could not reach the site"), plain
    banned = reason_of(app, "https://banned.invalid/cal.ics")
    assert banned.startswith("our proxy (HTTPS_PROXY) refuses to reach this site (HTTP 403 "
                             "Forbidden)"), banned
    for reason in (tunnel, plain, banned):
        assert reason_in(reason, "fr") != reason != reason_in(reason, "de")


def test_a_proxy_that_takes_no_connection_names_the_variable_to_check(
        proxy: ForwardProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}"
    app = proxied_app(tmp_path, proxy, HTTPS_PROXY=nowhere)
    reason = reason_of(app, "https://feeds.invalid/cal.ics")
    assert reason == ("cannot connect to our proxy (HTTPS_PROXY): Connection refused; the "
                      "operator must check that the proxy runs and that HTTPS_PROXY gives its "
                      "address and port")
    assert reason_in(reason, "fr").startswith("connexion impossible à notre proxy (HTTPS_PROXY) "
                                              ": connexion refusée ;")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("HTTPS_PROXY", nowhere)
    result = run("sources", "check", "https://feeds.invalid/cal.ics")
    assert result.exit_code == 1
    assert "cannot connect to our proxy (HTTPS_PROXY)" in result.output
    assert "Traceback" not in result.output


def test_a_feed_failing_for_a_day_because_of_our_proxy_does_not_mail_its_contact(
        proxy: ForwardProxy, tmp_path: Path) -> None:
    """A proxy password that expired on Friday failed every feed through the weekend: on
    Saturday each organiser was mailed that its feed had been failing for 24 hours, which
    it could do nothing about. The outage is kept; a feed still failing for its own reasons
    once the proxy is mended mails its contact as before."""
    proxy.credentials = ("alice", "s3cret")
    refused = reason_of(proxied_app(tmp_path, proxy), "https://feeds.invalid/cal.ics")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}"
    unreachable = reason_of(proxied_app(tmp_path, proxy, HTTPS_PROXY=nowhere),
                            "https://feeds.invalid/cal.ics")
    friday = datetime(2026, 12, 4, 18, tzinfo=timezone.utc)
    monday = friday + timedelta(days=3)
    for reason in (refused, unreachable):
        failing = FeedState(url="https://feeds.invalid/cal.ics", source_id="lab", status="error",
                            last_success=friday, last_attempt=monday, last_error=reason,
                            consecutive_failures=30, feed_id=7)
        step = check_health(failing, Outage(7, friday), monday)
        assert step == HealthStep(Outage(7, friday)), reason
    own = dataclasses.replace(failing, last_error="HTTP 404 Not Found: no feed at this address; "
                                                  "check it, or give us the feed's new one")
    assert check_health(own, Outage(7, friday), monday).notice == "down"


# --- NO_PROXY, and what config reads -----------------------------------------------------------

def test_feeds_on_this_machine_never_go_through_the_proxy(
        feed_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`aggregator demo` serves its feeds on 127.0.0.1: with the company's proxy in the
    environment (and no NO_PROXY), they were asked of the proxy, whose loopback is its own,
    and every one failed; this machine is always reached directly, as browsers do."""
    feed_server.set("/cal.ics", CAL, "text/calendar")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{closed.getsockname()[1]}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("HTTP_PROXY", nowhere)
    result = run("sources", "check", feed_server.url("/cal.ics"))
    assert result.exit_code == 0, result.output
    assert "Rencontre IA" in result.output


def test_no_proxy_hosts_are_fetched_directly(
        feed_server: Any, proxy: ForwardProxy, tmp_path: Path) -> None:
    """A host NO_PROXY names is resolved and reached by us (direct.invalid resolves nowhere:
    its failure says so), the others through the proxy."""
    feed_server.set("/cal.ics", CAL, "text/calendar")
    proxy.hosts.update({"feeds.invalid": "127.0.0.1", "direct.invalid": "127.0.0.1"})
    port = port_of(feed_server)
    app = proxied_app(tmp_path, proxy, NO_PROXY="intranet.example, .direct.invalid")
    direct, proxied = app.check_feeds([f"http://direct.invalid:{port}/cal.ics",
                                       f"http://feeds.invalid:{port}/cal.ics"])
    assert isinstance(direct, FetchError) and "cannot resolve direct.invalid" in direct.reason
    assert isinstance(proxied, ParsedFeed), proxied
    assert proxy.targets() == [f"GET http://feeds.invalid:{port}/cal.ics"]


IDN_HOSTS = resolving({"xn--bcher-kva.invalid": ["127.0.0.1"],
                       "xn--strae-oqa.invalid": ["127.0.0.1"]})
"""Our side's DNS for the accented names (as resolvers are asked: in their xn-- form); the
proxy resolves only feeds.invalid, so a feed read through it by mistake fails."""


@pytest.mark.parametrize("no_proxy", ["bücher.invalid, straße.invalid",
                                      "xn--bcher-kva.invalid,xn--strae-oqa.invalid",
                                      ".BÜCHER.invalid,*.Straße.invalid"])
def test_no_proxy_names_an_accented_host_in_either_of_its_forms(
        no_proxy: str, feed_server: Any, proxy: ForwardProxy, tmp_path: Path) -> None:
    """NO_PROXY=bücher.invalid sent the feed at http://bücher.invalid/ (and its xn-- form)
    to the proxy all the same: the feed's name was compared in ASCII, the entry as written.
    Either form of the entry now names either form of the host, ß as IDNA 2008 writes it
    (xn--strae-oqa, where Python's codec says "strasse", another domain)."""
    feed_server.set("/cal.ics", CAL, "text/calendar")
    proxy.hosts.update({"feeds.invalid": "127.0.0.1"})
    port = port_of(feed_server)
    urls = [f"http://{host}:{port}/cal.ics" for host in (
        "bücher.invalid", "xn--bcher-kva.invalid", "straße.invalid", "xn--strae-oqa.invalid",
        "feeds.invalid")]
    env = {"HTTP_PROXY": proxy.url, "NO_PROXY": no_proxy}
    settings = dataclasses.replace(make_settings(tmp_path, (make_source("lab", *urls),)),
                                   proxies=config.build_settings((), None, env).proxies,
                                   allow_private_networks=True)  # our DNS gives loopback
    read = make_aggregator(settings, resolver=IDN_HOSTS).check_feeds(urls)
    assert all(isinstance(r, ParsedFeed) for r in read), read
    assert proxy.targets() == [f"GET http://feeds.invalid:{port}/cal.ics"]


@pytest.mark.parametrize(("entries", "host", "port", "direct"), [
    ("*", "anything.example", 443, True),
    ("example.org", "example.org", 443, True),
    ("example.org", "feeds.example.org", 443, True),
    (".example.org", "feeds.example.org", 443, True),
    ("*.example.org", "example.org", 443, True),
    ("example.org", "notexample.org", 443, False),
    ("10.0.0.0/8", "10.1.2.3", 80, True),
    ("10.0.0.0/8", "ten.example", 80, False),
    ("192.168.1.5", "192.168.1.5", 80, True),
    ("::1", "[::1]", 80, True),
    ("intranet:8080", "intranet", 8080, True),
    ("intranet:8080", "intranet", 443, False),
    ("", "example.org", 443, False),
    ("", "localhost", 8000, True),
    ("", "feeds.localhost", 8000, True),
    ("", "127.0.0.1", 8000, True),
    ("", "[::1]", 8000, True),
    ("xn--strae-oqa.example", "straße.example", 443, True),
    ("strasse.example", "straße.example", 443, False),  # IDNA 2003's spelling: another domain
    ("bücher.example", "bucher.example", 443, False),
])
def test_no_proxy_reads_as_curl_and_httpx_read_it(entries: str, host: str, port: int,
                                                   direct: bool) -> None:
    proxies = from_environment({"HTTPS_PROXY": "proxy.example:3128", "NO_PROXY": entries})
    assert (proxy_for(proxies, "https", host, port) is None) is direct


def test_config_reads_the_standard_variables_as_curl_does() -> None:
    read = from_environment({"HTTPS_PROXY": "http://UPPER:3128", "https_proxy": "lower:3128",
                             "ALL_PROXY": "http://all:8080"})
    assert read.https == Proxy("http://lower:3128", "https_proxy")
    assert read.http == Proxy("http://all:8080", "ALL_PROXY")
    assert not from_environment({"HTTPS_PROXY": "http://proxy:3128", "https_proxy": ""})
    assert not from_environment({})


def test_a_socks_proxy_is_refused_at_start_without_its_password(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_sources(tmp_path, "https://feeds.invalid/cal.ics")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ALL_PROXY", "socks5h://bob:hunter2@gate.example:1080")
    result = run("--config", "sources.yaml", "refresh")
    assert result.exit_code == 2
    assert "ALL_PROXY='socks5h://***@gate.example:1080'" in result.output
    assert "http:// or https:// proxy only" in result.output
    assert "hunter2" not in result.output


@pytest.mark.parametrize("url", ["http://proxy\t.example:3128", "http://pro xy.example:3128",
                                 "http://bob:hunter2@proxy.example:3128/\x7f"])
def test_a_proxy_address_no_request_can_use_is_refused_at_start(
        url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A tab or a space pasted into HTTPS_PROXY passed the start and broke the whole refresh
    at its first feed, with a traceback (the proxy's address is read again per request)."""
    write_sources(tmp_path, "https://feeds.invalid/cal.ics")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("HTTPS_PROXY", url)
    result = run("--config", "sources.yaml", "refresh")
    assert result.exit_code == 2, result.output
    assert "HTTPS_PROXY=" in result.output and "not a usable address" in result.output
    assert "Traceback" not in result.output and "hunter2" not in result.output


def test_the_daemon_says_at_start_which_proxy_it_uses_without_its_password(
        feed_server: Any, proxy: ForwardProxy, tmp_path: Path, nodes: list[Node]) -> None:
    """The operator reading `aggregator run`'s log sees the way out it took (a proxy set in
    the shell but not in the unit file is the usual surprise); the password is not written."""
    feed_server.set("/cal.ics", CAL, "text/calendar")
    proxy.credentials = ("alice", "s3cret")
    proxy.hosts["feeds.invalid"] = "127.0.0.1"
    write_sources(tmp_path, f"http://feeds.invalid:{port_of(feed_server)}/cal.ics")
    with_credentials = proxy.url.replace("//", "//alice:s3cret@")
    node = Node(tmp_path, "solo", AGGREGATOR_DB=f"sqlite:///{tmp_path / 'aggregator.db'}",
                AGGREGATOR_OUTPUT=str(tmp_path / "output"), HTTP_PROXY=with_credentials,
                NO_PROXY="localhost,127.0.0.1")
    nodes.append(node)
    assert b"Rencontre IA" in wait_for_calendar(node.url)
    node.stop()
    logs = node.logs()
    assert (f"node=solo proxy https=direct http=http://***@127.0.0.1:{proxy.port} (HTTP_PROXY) "
            "no_proxy=localhost,127.0.0.1") in logs, logs
    assert "s3cret" not in logs
    assert proxy.seen and all("proxy-authorization" in s.headers for s in proxy.seen)


def test_the_daemon_says_when_it_uses_no_proxy() -> None:
    assert described(from_environment({})) == (
        "proxy=none: feeds are fetched directly (no HTTPS_PROXY, HTTP_PROXY or ALL_PROXY)")
