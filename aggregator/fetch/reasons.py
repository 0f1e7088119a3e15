"""Why a fetch failed, in words its organiser can act on.

The fetcher raises :class:`~aggregator.errors.FetchError` with these reasons; they are stored
in English and read back in the organiser's language through the reasons catalogue."""

from __future__ import annotations

import os
import ssl

import aiohttp
import httpx

from ..errors import FetchError, one_line

CERTIFICATE_ADVICE = (
    "the site must serve a certificate for its name from a public authority, with its "
    "intermediate certificates (a self-signed or expired one is refused)"
)


def status_reason(status: int, phrase: str) -> str:
    """Why a feed failed with an HTTP error: the status line as the server sent it, then
    what its organiser can do (the health page and email say it in their language). A 407
    here came from the site: its bare status line ("Proxy Authentication Required") read as
    our proxy's request for a password, which nobody had set."""
    answer = one_line(f"HTTP {status} {phrase}".strip(), 80)
    if status in (401, 403):
        return (f"{answer}: the server refuses to give us the feed; if it is private, give us "
                "its public address")
    if status == 404:
        return f"{answer}: no feed at this address; check it, or give us the feed's new one"
    if status == 407:  # our proxy's is proxy_status's (no proxy, or inside its tunnel: the site)
        return (f"{answer} from the site itself, not from a proxy of ours: a status a feed's "
                "server should not send; the site's server (or a gateway in front of it) asks "
                "for credentials: tell the site, or give us the feed's public address")
    if status == 410:
        return f"{answer}: the site says this feed is gone for good; give us its new address"
    if status == 429:
        return f"{answer}: the server asks us to come back later; we will"
    if status >= 500:
        return f"{answer}: the site's server failed; we will try again"
    return answer


def transport_error(url: str, error: BaseException) -> FetchError:
    """Say what went wrong on the wire, from aiohttp's own exception where there is one.

    httpx-aiohttp maps aiohttp's exceptions to httpx's coarsely (a refused connection or a
    server hanging up becomes ``ConnectTimeout``), so the cause it chains is read instead.
    """
    cause = error.__cause__ if isinstance(error, httpx.HTTPError) else None
    root = cause if isinstance(cause, aiohttp.ClientError) else error
    refused = _certificate_error(error)
    if refused is not None:
        return FetchError(url, f"the site's TLS certificate is not valid: "
                               f"{refused.verify_message.rstrip('.')}; {CERTIFICATE_ADVICE}")
    handshake = _handshake_error(error)
    if handshake is not None:  # os.strerror of its code 1 read "Operation not permitted"
        why = (handshake.reason or type(handshake).__name__).lower().replace("_", " ")
        return FetchError(url, f"the TLS (https) handshake with the site failed: {why}; if the "
                               "site serves its feed over http only, give its http:// address")
    text = _one_line(root)
    if isinstance(root, TimeoutError | httpx.TimeoutException):
        return FetchError(url, "timed out")
    if isinstance(root, httpx.DecodingError):
        return FetchError(url, f"cannot decode the body: {text}")
    if isinstance(root, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError
                  | httpx.RemoteProtocolError):  # e.g. closed before Content-Length was sent
        return FetchError(url, f"incomplete answer: {text}")
    if isinstance(root, aiohttp.ClientResponseError):  # a status line or header we cannot read
        return FetchError(url, f"not a valid HTTP answer: {text}")
    return FetchError(url, f"cannot connect: {text}; the site's server does not answer at "
                           "this address: we will try again; if the feed has moved, give us "
                           "its new address")


def _one_line(error: BaseException) -> str:
    """An error's words for a feed's health page: the system's words for a refused connection
    (not aiohttp's "Connect call failed" with the address), aiohttp's parser message without
    the quoted line and caret it spreads over several lines."""
    if isinstance(error, aiohttp.ClientConnectorError) and error.os_error.errno:
        return os.strerror(error.os_error.errno)
    text = str(error)
    if isinstance(error, aiohttp.ClientResponseError):
        text = error.message
    elif isinstance(error, aiohttp.ClientPayloadError):  # its parser's reason, not its repr
        text = str(getattr(error.__cause__, "message", "") or text)
    return one_line(text).removesuffix(" ^") or type(error).__name__


def _handshake_error(error: BaseException) -> ssl.SSLError | None:
    """The TLS handshake that failed (not a certificate refused) behind the wrappers, if any:
    a server that speaks plain http on the port asked for https (a webcal:// address, read as
    https://, on an http-only site) fails with WRONG_VERSION_NUMBER."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, aiohttp.ClientConnectorError) and isinstance(
                seen.os_error, ssl.SSLError):
            seen = seen.os_error
        if isinstance(seen, ssl.SSLError) and not isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _certificate_error(error: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate check that failed behind httpx's and aiohttp's wrappers, if any."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, aiohttp.ClientConnectorCertificateError):
            seen = seen.certificate_error  # ssl's own error, which says what was wrong
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def proxy_status(url: str, variable: str, status: int, phrase: str, has_credentials: bool,
                 tunnel: bool) -> FetchError:
    """Why a feed failed when the operator's proxy answered instead of the site: asked for
    credentials (407), refused the site (403 to a CONNECT), could not reach it (502-504).
    A plain http:// request's 502 may be the site's own, so it says both. The proxy's address
    is not said (organisers read it on the feed's page): the variable that names it is."""
    answer = one_line(f"HTTP {status} {phrase}".strip(), 80)
    if status == 407 and has_credentials:
        return FetchError(url, f"our proxy ({variable}) refused its credentials ({answer}): the "
                               f"operator must check the user and password in {variable}")
    if status == 407:
        return FetchError(url, f"our proxy ({variable}) asks for credentials ({answer}): the "
                               f"operator must give them in {variable}, as "
                               "http://user:password@host:port")
    if not tunnel:
        return FetchError(url, f"{answer} through our proxy ({variable}): the proxy could not "
                               "reach the site, or the site's server failed; we will try again")
    if status in (502, 503, 504):
        return FetchError(url, f"our proxy ({variable}) could not reach the site ({answer}): "
                               "the site's server does not answer, or the proxy may not reach "
                               "it; we will try again")
    return FetchError(url, f"our proxy ({variable}) refuses to reach this site ({answer}): "
                           "the operator must ask for the site to be let through it")


def proxy_error(url: str, error: BaseException, variable: str,
                has_credentials: bool) -> FetchError:
    """Say what went wrong on the way through the proxy: the proxy refused the tunnel, or no
    connection to the proxy at all (every feed fails so: the operator's to fix); what went
    wrong inside the tunnel (the site's certificate, its answer) is the site's, as direct."""
    cause = error.__cause__ if isinstance(error, httpx.HTTPError) else error
    if isinstance(cause, aiohttp.ClientHttpProxyError):
        return proxy_status(url, variable, cause.status, cause.message, has_credentials,
                            tunnel=True)
    if (isinstance(cause, aiohttp.ClientConnectorError)
            and not isinstance(cause, aiohttp.ClientSSLError)):
        # we connect to nothing but the proxy: a refused or unresolved connection is its
        os_error = cause.os_error
        why = (os.strerror(os_error.errno) if os_error.errno and os_error.errno > 0
               else os_error.strerror or _one_line(cause))
        return FetchError(url, f"cannot connect to our proxy ({variable}): {why}; the operator "
                               f"must check that the proxy runs and that {variable} gives its "
                               "address and port")
    return transport_error(url, error)
