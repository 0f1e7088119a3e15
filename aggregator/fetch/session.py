"""The HTTP session every fetch goes through: aiohttp's connection pool behind httpx's
interface, with our certificate store, no cookie jar and no proxy from the environment."""

from __future__ import annotations

import functools
import ssl
from typing import TYPE_CHECKING

import aiohttp
import httpx
from aiohttp.connector import NEEDS_CLEANUP_CLOSED
from httpx_aiohttp import AiohttpTransport

if TYPE_CHECKING:
    from . import FetchLimits

HEADER_LINE_MAX = 32 * 1024
"""Longest response header line we read: aiohttp's 8 KB default refused real sites' long
Content-Security-Policy or Set-Cookie headers, which httpcore read (up to 16 KB in all)."""


def transport(limits: FetchLimits) -> AiohttpTransport:
    """httpx's interface over one aiohttp session: ``limits.concurrency`` connections kept
    alive between feeds, our certificate store, no cookie jar (a feed server's cookies must not
    ride along to the next feed), no proxy from the environment. Bodies come raw (the transport
    turns aiohttp's decompression off), so the cap applies to what they inflate to."""

    def session() -> aiohttp.ClientSession:
        # A TLS connection a site closed (Connection: close) waits for the site's own close;
        # one still waiting when the batch's loop ended was left open (a ResourceWarning, or
        # "Device or resource busy" out of the refresh): kept, and cut at the session's close
        # (aiohttp's cleanup of closed TLS transports, needed before Python 3.12.8).
        connector = aiohttp.TCPConnector(limit=limits.concurrency, ssl=tls_context(),
                                         enable_cleanup_closed=NEEDS_CLEANUP_CLOSED)
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                     trust_env=False, max_line_size=HEADER_LINE_MAX,
                                     max_field_size=HEADER_LINE_MAX)

    return AiohttpTransport(verify=tls_context(), client=session)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The certificate store, loaded once per process, not once per refresh: reading
    certifi's bundle took 15 to 80 ms, a fifth of a warm refresh of 600 feeds (issue 8).
    An SSLContext may serve many connections and threads at once."""
    return httpx.create_ssl_context(trust_env=False)
