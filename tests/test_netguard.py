"""Feed URLs that point inside our network are refused before any connection is made."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import pytest

from aggregator.errors import BlockedAddressError, FetchError
from aggregator.netguard import is_public_address, resolve_checked, system_resolver

NON_PUBLIC = [
    "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
    "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::",
    "fc00::1", "fd12:3456::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "ff02::1",
    "2002:7f00:1::",  # 6to4 wrapping 127.0.0.1
]
PUBLIC = ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"]


@pytest.mark.parametrize("text", NON_PUBLIC)
def test_non_public_addresses_are_refused(text: str) -> None:
    assert not is_public_address(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_pass(text: str) -> None:
    assert is_public_address(ipaddress.ip_address(text))


def resolver_for(mapping: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    async def resolve(host: str, port: int) -> list[str]:
        if host not in mapping:
            raise OSError(f"unknown host {host}")
        return mapping[host]
    return resolve


def check(url: str, mapping: dict[str, list[str]] | None = None, allow: bool = False) -> str:
    resolver = resolver_for(mapping) if mapping is not None else system_resolver
    return asyncio.run(resolve_checked(url, resolver, allow))


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    with pytest.raises(BlockedAddressError, match="intranet.example.org resolves to 10.0.0.5"):
        check("https://intranet.example.org/feed", {"intranet.example.org": ["10.0.0.5"]})


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    mapping = {"mixed.example.org": ["93.184.216.34", "127.0.0.1"]}
    with pytest.raises(BlockedAddressError):
        check("https://mixed.example.org/feed", mapping)


def test_public_name_returns_the_checked_address() -> None:
    assert check("https://ok.example.org/x", {"ok.example.org": ["93.184.216.34"]}) == "93.184.216.34"


@pytest.mark.parametrize("url", [
    "http://localhost/feed", "http://127.0.0.1:8000/", "http://2130706433/", "http://0x7f.0.0.1/",
    "http://0177.0.0.1/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest",
])
def test_loopback_and_metadata_spellings_are_refused_by_the_real_resolver(url: str) -> None:
    with pytest.raises(BlockedAddressError, match="refused"):
        check(url)


def test_private_networks_can_be_allowed_for_tests_and_the_demo() -> None:
    assert check("http://localhost:1/", allow=True) in ("127.0.0.1", "::1")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/", "javascript:alert(1)"])
def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(BlockedAddressError, match="only http and https"):
        check(url, {})


def test_unresolvable_name_is_a_fetch_error_not_a_crash() -> None:
    with pytest.raises(FetchError, match="cannot resolve nowhere.invalid"):
        check("https://nowhere.invalid/", {})


def test_a_name_that_does_not_resolve_is_said_in_the_resolvers_words() -> None:
    """The resolver's own sentence, which the organiser's page translates, not the
    exception's "[Errno -2] ..." text."""
    async def unknown(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchError) as raised:
        asyncio.run(resolve_checked("https://lab.example/feed.ics", unknown, False))
    assert raised.value.reason == "cannot resolve lab.example: Name or service not known"
