"""The HTTP session every fetch goes through: aiohttp's connection pool behind httpx's
interface, with our certificate store, no cookie jar, and the operator's proxy when the
settings name one (:func:`through`), never one aiohttp would read from the environment."""

from __future__ import annotations

import base64
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


def through(direct: AiohttpTransport, proxy: str) -> AiohttpTransport:
    """``direct``'s session (its pool, its bound on connections, its certificate store) sending
    through the proxy at ``proxy``: absolute-URI requests for http://, a CONNECT tunnel for
    https://, whose TLS is still ours to the site. Credentials in ``proxy`` go with each
    CONNECT (an http:// request carries its own: :func:`proxy_authorization`). aiohttp keeps
    the proxy's connections apart from direct ones; closing ``direct`` closes them."""
    if not isinstance(direct.client, aiohttp.ClientSession):
        direct.client = direct.get_client()
    authorization = proxy_authorization(proxy)
    url = httpx.URL(proxy).copy_with(username=None, password=None)
    headers = {"Proxy-Authorization": authorization} if authorization else None
    return AiohttpTransport(verify=tls_context(), client=direct.client,
                            proxy=httpx.Proxy(url, headers=headers))


def proxy_authorization(proxy: str) -> str | None:
    """The Proxy-Authorization (Basic) of the credentials in a proxy's URL, if any (aiohttp's
    own, from its deprecated BasicAuth, is not used)."""
    url = httpx.URL(proxy)
    if not url.userinfo:
        return None
    pair = f"{url.username}:{url.password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The certificate store, loaded once per process, not once per refresh: reading
    certifi's bundle took 15 to 80 ms, a fifth of a warm refresh of 600 feeds (issue 8).
    An SSLContext may serve many connections and threads at once.

    The public authorities (certifi's, as pip and httpx ship them) and the machine's own
    store beside them, as OpenSSL finds it (SSL_CERT_FILE and SSL_CERT_DIR when set, as curl,
    pip and the mailer read them): a site inside the organisation, or a company proxy that
    inspects https, has a certificate from an authority of the organisation's own, which
    the operator installs there (docs/operating.md); the public sites' feeds still read."""
    context = httpx.create_ssl_context(trust_env=False)
    context.set_default_verify_paths()
    return context
