"""Refuse feed URLs that point inside our own network (server-side request forgery guard).

Organisers type URLs into a public form; without this guard anyone could make the server fetch
``http://169.254.169.254/`` or an admin page on loopback. The address test is pure; resolution
goes through one seam (:data:`Resolver`) so tests can feed names that resolve to private
addresses. Callers connect to the address that was checked, never resolve twice.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from .addresses import ascii_name
from .errors import BlockedAddressError, FetchError, PrivateAddressError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]
ALLOWED_SCHEMES = ("http", "https")

# Ranges no public feed lives in, beyond what the ipaddress flags already say (CGNAT, 6to4 relays).
_EXTRA_BLOCKED = (
    ipaddress.ip_network("100.64.0.0/10"),
    ipaddress.ip_network("192.0.0.0/24"),
    ipaddress.ip_network("198.18.0.0/15"),
    ipaddress.ip_network("64:ff9b::/96"),
)


def is_public_address(address: IPAddress) -> bool:
    """True when the address is globally routable unicast (pure)."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return is_public_address(mapped)
        if address.is_site_local:  # fec0::/10: deprecated, yet still routed inside some networks
            return False
    if (
        address.is_loopback or address.is_private or address.is_link_local
        or address.is_multicast or address.is_reserved or address.is_unspecified
        or not address.is_global
    ):
        return False
    return not any(address in network for network in _EXTRA_BLOCKED)


def is_localhost_name(host: str) -> bool:
    """RFC 6761: ``localhost`` and every name under it are this machine, whatever DNS says."""
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system (getaddrinfo), all families."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@functools.lru_cache(maxsize=16_384)  # asked twice a request, for the same feeds every round
def split_target(url: str) -> tuple[str, str, int]:
    """Return (scheme, host, port) or raise FetchError for a URL we never fetch."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchError(url, f"invalid URL: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedAddressError(url, f"scheme {scheme or '(none)'!r} refused: only http and https")
    host = parts.hostname
    if not host:
        raise FetchError(url, "invalid URL: no host")
    return scheme, host, port or (443 if scheme == "https" else 80)


async def resolve_checked(
    url: str, resolver: Resolver, allow_private: bool, trusted: frozenset[str] = frozenset()
) -> str:
    """The first of :func:`resolve_all_checked`'s addresses."""
    return (await resolve_all_checked(url, resolver, allow_private, trusted))[0]


async def resolve_all_checked(
    url: str, resolver: Resolver, allow_private: bool, trusted: frozenset[str] = frozenset()
) -> list[str]:
    """Resolve the URL's host once and return the addresses to connect to, in order.

    ``trusted`` addresses pass even when private: the tests' loopback server standing in for a
    public host, so a redirect's later hop is what gets refused.

    Raises:
        BlockedAddressError: the scheme is not http(s), or an address is not public and
            private networks are not allowed.
        FetchError: the name does not resolve.
    """
    _, host, port = split_target(url)
    if not allow_private and is_localhost_name(host):
        raise PrivateAddressError(
            url, f"{host} names this machine; refused (set AGGREGATOR_ALLOW_PRIVATE_NETWORKS=1 to allow it)"
        )
    try:
        addresses = await resolver(ascii_name(host), port)
    except (OSError, UnicodeError) as error:  # the resolver's words, not "[Errno -2] ..."
        why = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise FetchError(url, f"cannot resolve {host}: {why}") from None
    if not addresses:
        raise FetchError(url, f"cannot resolve {host}: no address")
    if not allow_private:
        for text in addresses:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            if text not in trusted and not is_public_address(address):
                raise PrivateAddressError(
                    url,
                    f"{host} resolves to {address}, a non-public address; refused "
                    "(set AGGREGATOR_ALLOW_PRIVATE_NETWORKS=1 to allow it)",
                )
    return addresses
