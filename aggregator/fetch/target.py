"""What one hop sends: the address it goes to (the checked one, or the name when a proxy
resolves it), its Host, its credentials, its validators, and where a redirect sends it next."""

from __future__ import annotations

import base64
import functools
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from ..errors import FetchError, one_line
from ..netguard import split_target


def sendable(validator: str | None) -> str | None:
    """A stored ETag / Last-Modified that can go in a header: printable ASCII. One a server
    gave in other bytes (``"été"``) raised out of the fetcher at every refresh after; it is
    left out, and the feed fetched whole, as one without validators."""
    if validator and validator.isascii() and validator.isprintable():
        return validator
    return None


def redirect_target(url: str, status: int, location: str) -> str:
    """The address a redirect sends us to, or a FetchError for this feed alone: a broken
    Location (``http://[::1``, a control character) raised out of the whole batch."""
    try:
        target = _same_host_credentials(url, urljoin(url, location))
        httpx.URL(target)
    except (ValueError, httpx.InvalidURL) as error:
        raise FetchError(url, f"HTTP {status} redirects to an address we cannot read: "
                              f"{one_line(str(error))}; tell the site", status) from None
    return target


def _same_host_credentials(url: str, target: str) -> str:
    """``target`` with the credentials of ``url`` (``https://user:secret@host/…``) when it
    is on the same host and names none: a private calendar sent from http:// to https://
    lost them (a 401 at every round); another host never gets them, nor a hop from https://
    to plain http://, where anyone on the way would read them."""
    before, after = urlsplit(url), urlsplit(target)
    if "@" not in before.netloc or "@" in after.netloc or before.hostname != after.hostname:
        return target
    if before.scheme.lower() == "https" and after.scheme.lower() != "https":
        return target
    userinfo = before.netloc.rpartition("@")[0]
    return urlunsplit(after._replace(netloc=f"{userinfo}@{after.netloc}"))


def pinned(url: str, address: str | None
           ) -> tuple[httpx.URL, dict[str, object], dict[str, str]]:
    """Point the request at the checked address, keeping Host and TLS server name; credentials
    in the URL (``https://user:secret@host/feed.ics``) become Basic auth, as a browser does.
    ``address`` None: the name stays, for a proxy to resolve (it is asked for the name: a
    proxy's rules name sites, and a site behind an address alone is often not the one named).
    Fresh dicts each time (the caller adds to them) around a cached, immutable URL."""
    target, extensions, headers = _pinned_parts(url, address)
    return target, dict(extensions), dict(headers)


@functools.lru_cache(maxsize=16_384)
def _pinned_parts(url: str, address: str | None
                  ) -> tuple[httpx.URL, tuple[tuple[str, object], ...], tuple[tuple[str, str], ...]]:
    """:func:`pinned`, parsed once per feed and address: a daemon asks the same feeds every
    round, and parsing each URL twice was a twentieth of a warm refresh (issue 8)."""
    scheme = split_target(url)[0]
    original = httpx.URL(url)
    # The name as it goes on the wire: its ASCII form (exämple.com is xn--exmple-cua.com),
    # an IPv6 literal in brackets, the port when not the scheme's own.
    host = original.raw_host.decode("ascii")
    headers = {"Host": original.netloc.decode("ascii")}
    if original.userinfo:
        credentials = f"{original.username}:{original.password}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(credentials).decode("ascii")
    if address is None:
        return original.copy_with(username=None, password=None), (), tuple(headers.items())
    extensions = (("sni_hostname", host),) if scheme == "https" else ()
    target = original.copy_with(host=address, username=None, password=None)
    return target, extensions, tuple(headers.items())
