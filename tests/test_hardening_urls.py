"""Hostile feed URLs (issue 7): every spelling of an inside address is refused before connecting.

The loopback test server listens on a real port; each refused URL points at that port, so if the
guard were removed the request would reach the server and ``hits`` would show it. Names go
through the resolver seam; ``trusted`` lets the test server stand in for a public host so that
a redirect's *later* hop is the one refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator

import pytest

from aggregator.errors import BlockedAddressError, FetchError
from aggregator.fetch import FetchRequest, fetch_feeds
from aggregator.models import FetchResult
from aggregator.netguard import is_public_address, resolve_checked, system_resolver
from misbehaving import MisbehavingServer, body, misbehaving_server, redirect

CAL = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
LOOPBACK = frozenset({"127.0.0.1"})

# One address per range the issue lists, plus the IPv4-mapped and NAT64 wrappings of them.
INSIDE = {
    "cgnat": "100.64.0.1", "cgnat-top": "100.127.255.254", "multicast": "239.255.255.250",
    "multicast-v6": "ff05::1", "reserved": "240.1.2.3", "broadcast": "255.255.255.255",
    "unspecified": "0.0.0.0", "unspecified-v6": "::", "loopback": "127.0.0.1",
    "loopback-other": "127.255.0.9", "loopback-v6": "::1", "private-10": "10.9.8.7",
    "private-172": "172.31.255.1", "private-192": "192.168.0.10", "link-local": "169.254.169.254",
    "link-local-v6": "fe80::1", "ula": "fd00::1", "ula-fc": "fc00::5", "mapped-loopback": "::ffff:127.0.0.1",
    "mapped-metadata": "::ffff:169.254.169.254", "mapped-cgnat": "::ffff:100.64.0.1",
    "mapped-hex": "::ffff:7f00:1", "nat64-loopback": "64:ff9b::7f00:1", "sixtofour-private": "2002:a00:1::",
    "benchmark": "198.18.0.1", "ietf-protocol": "192.0.0.8", "documentation": "192.0.2.1",
    "site-local-v6": "fec0::1", "this-network": "0.1.2.3",
}


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with misbehaving_server() as running:
        yield running


def resolving(mapping: dict[str, list[str]], calls: list[str] | None = None):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        if host not in mapping:  # IP literals and localhost: what the system makes of them
            return await system_resolver(host, port)
        return mapping[host]
    return resolve


def fetch(url: str, *, resolver=system_resolver, trusted: frozenset[str] = frozenset()):  # type: ignore[no-untyped-def]
    [result] = fetch_feeds([FetchRequest(url)], allow_private=False, resolver=resolver, trusted=trusted)
    return result


@pytest.mark.parametrize("address", INSIDE.values(), ids=INSIDE.keys())
def test_every_inside_range_is_not_public(address: str) -> None:
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", INSIDE.values(), ids=INSIDE.keys())
def test_a_name_resolving_into_any_inside_range_is_refused(address: str) -> None:
    resolver = resolving({"events.example.org": ["93.184.216.34", address]})
    with pytest.raises(BlockedAddressError, match="non-public address; refused"):
        asyncio.run(resolve_checked("https://events.example.org/feed.ics", resolver, False))


SPELLINGS = [
    "http://127.0.0.1:{port}/cal.ics", "http://2130706433:{port}/cal.ics",
    "http://0x7f000001:{port}/cal.ics", "http://0x7f.0.0.1:{port}/cal.ics",
    "http://0177.0.0.1:{port}/cal.ics", "http://017700000001:{port}/cal.ics",
    "http://127.1:{port}/cal.ics", "http://127.0.1:{port}/cal.ics", "http://0:{port}/cal.ics",
    "http://0.0.0.0:{port}/cal.ics", "http://[::1]:{port}/cal.ics",
    "http://[0:0:0:0:0:0:0:1]:{port}/cal.ics", "http://[::ffff:127.0.0.1]:{port}/cal.ics",
    "http://[::ffff:7f00:1]:{port}/cal.ics", "http://localhost:{port}/cal.ics",
    "http://LOCALHOST:{port}/cal.ics", "http://localhost.:{port}/cal.ics",
    "http://feeds.localhost:{port}/cal.ics", "http://public.example@127.0.0.1:{port}/cal.ics",
    "HTTP://127.0.0.1:{port}/cal.ics",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_loopback_spellings_never_reach_the_server(server: MisbehavingServer, spelling: str) -> None:
    server.route("/cal.ics", body(CAL))
    port = server.server.server_address[1]
    result = fetch(spelling.format(port=port))
    assert isinstance(result, BlockedAddressError), result
    assert "refused" in result.reason and "\n" not in result.reason
    assert server.hits("/cal.ics") == 0


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://example.org/f.ics", "gopher://127.0.0.1:70/", "dict://127.0.0.1:11211/",
    "ldap://127.0.0.1/", "data:text/calendar,BEGIN:VCALENDAR", "ws://example.org/", "jar:http://x/!/",
    "//127.0.0.1/cal.ics", "webcal://example.org/cal.ics",
])
def test_every_scheme_but_http_and_https_is_refused(url: str) -> None:
    result = fetch(url, resolver=resolving({}))
    assert isinstance(result, BlockedAddressError) and "only http and https" in result.reason


HOPS = {
    "metadata": "http://169.254.169.254/latest/meta-data/",
    "private-name": "http://intranet.test/admin",
    "loopback-v6": "http://[::1]:{port}/cal.ics",
    "loopback-decimal": "http://2130708226:{port}/cal.ics",  # 127.0.8.2
    "localhost": "http://localhost:{port}/cal.ics",
    "file": "file:///etc/passwd",
    "cgnat": "http://100.64.1.1/",
}


@pytest.mark.parametrize("target", HOPS.values(), ids=HOPS.keys())
def test_a_redirect_hop_into_the_network_is_refused(server: MisbehavingServer, target: str) -> None:
    port = server.server.server_address[1]
    server.route("/cal.ics", body(CAL))
    server.route("/third", redirect(302, target.format(port=port)))
    server.route("/second", redirect(301, "/third"))
    server.route("/first", redirect(302, f"http://public.test:{port}/second"))
    resolver = resolving({"public.test": ["127.0.0.1"], "intranet.test": ["10.0.0.1"]})
    result = fetch(f"http://public.test:{port}/first", resolver=resolver, trusted=LOOPBACK)
    assert isinstance(result, BlockedAddressError), result
    assert [server.hits(p) for p in ("/first", "/second", "/third")] == [1, 1, 1]
    assert server.hits("/cal.ics") == 0


def test_the_trusted_stand_in_really_fetches(server: MisbehavingServer) -> None:
    """Control for the test above: the same chain ending on the public host succeeds."""
    port = server.server.server_address[1]
    server.route("/cal.ics", body(CAL))
    server.route("/first", redirect(302, f"http://public.test:{port}/cal.ics"))
    resolver = resolving({"public.test": ["127.0.0.1"]})
    result = fetch(f"http://public.test:{port}/first", resolver=resolver, trusted=LOOPBACK)
    assert isinstance(result, FetchResult) and result.body == CAL


def test_the_name_is_resolved_once_per_hop_and_the_checked_address_is_used(server: MisbehavingServer) -> None:
    """No DNS rebinding: a second answer (inside) is never asked for, the first is connected to."""
    port = server.server.server_address[1]
    seen: dict[str, str] = {}

    def record(handler):  # type: ignore[no-untyped-def]
        seen["host"] = handler.headers["Host"]
        body(CAL)(handler)

    server.route("/cal.ics", record)
    calls: list[str] = []
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])

    async def rebinding(host: str, port_: int) -> list[str]:
        calls.append(host)
        return next(answers)

    result = fetch(f"http://rebind.test:{port}/cal.ics", resolver=rebinding, trusted=LOOPBACK)
    assert isinstance(result, FetchResult) and result.body == CAL
    assert calls == ["rebind.test"] and seen["host"] == f"rebind.test:{port}"


def test_a_batch_asks_dns_once_per_host_and_every_feed_uses_that_answer(
    server: MisbehavingServer,
) -> None:
    """Twelve feeds on one host in one refresh: one DNS question (not twelve), and no feed of
    the batch can be sent to another address by a later answer (rebinding inside a batch)."""
    port = server.server.server_address[1]
    for n in range(12):
        server.route(f"/cal-{n}.ics", body(CAL))
    calls: list[str] = []
    answers = iter([["127.0.0.1"]] + [["10.0.0.1"]] * 20)

    async def rebinding(host: str, port_: int) -> list[str]:
        calls.append(host)
        return next(answers)

    results = fetch_feeds([FetchRequest(f"http://feeds.test:{port}/cal-{n}.ics") for n in range(12)],
                          allow_private=False, resolver=rebinding, trusted=LOOPBACK)
    assert all(isinstance(r, FetchResult) and r.body == CAL for r in results)
    assert calls == ["feeds.test"]
    again = fetch_feeds([FetchRequest(f"http://feeds.test:{port}/cal-0.ics")],
                        allow_private=False, resolver=rebinding, trusted=LOOPBACK)
    assert isinstance(again[0], BlockedAddressError)  # the next batch asks again, and refuses
    assert calls == ["feeds.test", "feeds.test"]


def test_an_unresolvable_name_is_a_clear_error() -> None:
    result = fetch("https://nowhere.invalid/cal.ics")
    assert isinstance(result, FetchError) and "cannot resolve nowhere.invalid" in result.reason
