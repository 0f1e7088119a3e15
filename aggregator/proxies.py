"""The operator's outgoing proxy, from the variables curl, pip and httpx read: which feeds go
through it, which go direct.

``HTTPS_PROXY`` carries https:// feeds (a CONNECT tunnel, TLS still ours end to end),
``HTTP_PROXY`` http:// ones, ``ALL_PROXY`` both when its own is unset; the lower-case name
wins over the upper-case one, as in curl and Python's urllib (``https_proxy=`` set empty
turns ``HTTPS_PROXY`` off). ``NO_PROXY`` lists the hosts reached directly: ``*`` for all, a
name for itself and every name under it (``example.org``, ``.example.org``; ``bücher.example``
and ``xn--bcher-kva.example`` name each other), an address or a network (``10.0.0.0/8``) for
hosts written as addresses, each optionally with ``:port``; this machine's own names and
addresses always are.

:mod:`aggregator.config` reads them (it alone reads the environment); the fetcher asks
:func:`proxy_for` for each hop.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna

SCHEMES = ("http", "https")
"""A proxy is spoken to in plain HTTP or over TLS; SOCKS is not supported."""


@dataclass(frozen=True, slots=True)
class Proxy:
    """One proxy: its URL (credentials in it, if any, become Proxy-Authorization) and the
    variable that named it, which every message about it gives."""

    url: str
    variable: str

    @property
    def has_credentials(self) -> bool:
        return "@" in urlsplit(self.url).netloc

    @property
    def shown(self) -> str:
        """The URL as logs may say it: credentials masked."""
        return masked_url(self.url)


@dataclass(frozen=True, slots=True)
class Proxies:
    """The proxy of each scheme (None: direct) and the hosts that bypass them."""

    http: Proxy | None = None
    https: Proxy | None = None
    no_proxy: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.http is not None or self.https is not None


NO_PROXIES = Proxies()


def from_environment(env: Mapping[str, str]) -> Proxies:
    """The proxies the environment names, as curl and httpx's ``trust_env`` read them.

    Raises:
        ValueError: a proxy URL we cannot use (a SOCKS one, no host); the message names
            the variable.
    """
    def named(scheme: str) -> tuple[str, str] | None:
        for variable in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY"):
            if variable in env:
                value = env[variable].strip()
                return (value, variable) if value else None
        return None

    everything = named("all")
    found = {scheme: named(scheme) or everything for scheme in SCHEMES}
    listed = named("no")
    no_proxy = tuple(entry.strip().lower() for entry in (listed[0] if listed else "")
                     .replace(" ", ",").split(",") if entry.strip())
    http, https = (_proxy(*given) if given else None for given in found.values())
    return Proxies(http=http, https=https, no_proxy=no_proxy)


def _proxy(value: str, variable: str) -> Proxy:
    url = value if "://" in value else f"http://{value}"  # "proxy:3128", as curl reads it
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise ValueError(f"{variable}={masked_url(value)!r}: the aggregator speaks to an http:// "
                         "or https:// proxy only (not socks); give one, or unset it for the "
                         "aggregator")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValueError(f"{variable}={masked_url(value)!r}: its port is not a number") from None
    if not parts.hostname:
        raise ValueError(f"{variable}={masked_url(value)!r}: no host; give the proxy's address, "
                         "as http://proxy.example.org:3128")
    if any(character.isspace() or not character.isprintable() for character in url):
        # each request reads it again (fetch/session.py): a tab pasted in broke a whole refresh
        raise ValueError(f"{variable}={masked_url(value)!r}: not a usable address (it holds a "
                         "space or a control character); give the proxy's address, as "
                         "http://proxy.example.org:3128")
    return Proxy(url=url, variable=variable)


def masked_url(value: str) -> str:
    """``value`` with the credentials it may hold as ``***`` (``http://***@proxy:3128``):
    logs and error messages are pasted into tickets and chats."""
    head, at, tail = value.rpartition("@")
    if not at:
        return value
    scheme, sep, _ = head.partition("://")
    return f"{scheme}://***@{tail}" if sep else f"***@{tail}"


def proxy_for(proxies: Proxies, scheme: str, host: str, port: int) -> Proxy | None:
    """The proxy a request to ``scheme://host:port`` goes through; None: directly."""
    proxy = proxies.https if scheme == "https" else proxies.http
    if proxy is None or bypassed(proxies.no_proxy, host, port):
        return None
    return proxy


def bypassed(no_proxy: tuple[str, ...], host: str, port: int) -> bool:
    """Whether NO_PROXY's ``entries`` name this host (and port, when an entry gives one).
    This machine (``localhost``, ``127.0.0.0/8``, ``::1``) is always reached directly, as
    browsers do: a proxy's loopback is its own, and the demo's feeds live on ours."""
    name = _ascii(host.strip("[]").rstrip(".").lower())
    address = _address(name)
    if name == "localhost" or name.endswith(".localhost") or (
            address is not None and address.is_loopback):
        return True
    for entry in no_proxy:
        if entry == "*":
            return True
        entry = entry.partition("://")[2] or entry  # "http://intranet" as httpx allows
        entry, wanted = _split_port(entry)
        if wanted is not None and wanted != port:
            continue
        if address is not None:
            network = _network(entry)
            if network is not None and address in network:
                return True
            continue
        domain = _ascii(entry.lstrip("*").lstrip(".").rstrip("."))
        if domain and (name == domain or name.endswith(f".{domain}")):
            return True
    return False


def _split_port(entry: str) -> tuple[str, int | None]:
    """``host:port`` apart ("::1" and "[::1]" keep their colons)."""
    if entry.startswith("["):
        inside, _, after = entry[1:].partition("]")
        return inside, int(after[1:]) if after[1:].isdigit() else None
    head, colon, tail = entry.rpartition(":")
    if colon and tail.isdigit() and ":" not in head:
        return head, int(tail)
    return entry, None


def _ascii(name: str) -> str:
    """A host name, or a NO_PROXY entry, as the request carries it: IDNA 2008, as httpx
    writes it (addresses.ascii_name, which a data module may not import). NO_PROXY=bücher.example
    was compared as written with the feed's ASCII name, and Python's IDNA 2003 codec wrote
    straße.example "strasse.example", another domain than the one asked; a name IDNA refuses
    is compared as written."""
    try:
        return name if name.isascii() else idna.encode(name.lower()).decode("ascii")
    except UnicodeError:  # idna.IDNAError is one
        return name


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def described(proxies: Proxies) -> str:
    """What the daemon's start says of the way out, credentials masked: ``proxy
    https=http://***@proxy.example.org:3128 (HTTPS_PROXY) http=direct no_proxy=.example.org``."""
    if not proxies:
        return "proxy=none: feeds are fetched directly (no HTTPS_PROXY, HTTP_PROXY or ALL_PROXY)"
    ways = [f"{scheme}={proxy.shown} ({proxy.variable})" if proxy else f"{scheme}=direct"
            for scheme, proxy in (("https", proxies.https), ("http", proxies.http))]
    bypass = f" no_proxy={','.join(proxies.no_proxy)}" if proxies.no_proxy else ""
    return f"proxy {' '.join(ways)}{bypass}"
