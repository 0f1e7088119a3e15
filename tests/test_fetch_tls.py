"""HTTPS for real: a TLS server on loopback with certificates from a test authority (trustme).

The fetcher connects to the address it checked (netguard), not to the name, so the TLS
handshake must still send and verify the feed's host name (SNI). These tests prove that the
certificate is verified against that name, that an untrusted or misnamed certificate is a
clear per-feed error, and that the one certificate store the process shares works.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import trustme

from aggregator.fetch import FetchRequest, fetch_feeds, tls_context
from aggregator.models import FetchResult

CAL = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


class _Calendar(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(CAL)))
        self.end_headers()
        self.wfile.write(CAL)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def _serve(certificate: trustme.LeafCert) -> tuple[ThreadingHTTPServer, int]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Calendar)
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    return server, server.server_address[1]


@pytest.fixture
def feeds_example(authority: trustme.CA) -> Iterator[int]:
    """A server whose certificate names feeds.example, as its port."""
    server, port = _serve(authority.issue_cert("feeds.example"))
    yield port
    server.shutdown()
    server.server_close()


async def _loopback(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]  # every name is this machine, as DNS would say it is


def fetch(url: str) -> FetchResult | Exception:
    [result] = fetch_feeds([FetchRequest(url)], allow_private=True, resolver=_loopback)
    return result


def test_untrusted_certificate_is_a_clear_error_for_that_feed() -> None:
    server, port = _serve(trustme.CA().issue_cert("feeds.example"))  # an authority nobody trusts
    try:
        result = fetch(f"https://feeds.example:{port}/cal.ics")
    finally:
        server.shutdown()
        server.server_close()
    assert not isinstance(result, FetchResult)
    assert str(result).startswith(f"https://feeds.example:{port}/cal.ics: the site's "
                                  "TLS certificate is not valid: unable to get local issuer")
    assert "public authority" in str(result)  # what the organiser must fix


@pytest.fixture
def trusted(authority: trustme.CA) -> Iterator[trustme.CA]:
    """The test authority trusted by the process's certificate store, as an operator's system
    store would trust it; the store is loaded afresh after the test, as it was."""
    authority.configure_trust(tls_context())
    yield authority
    tls_context.cache_clear()


def test_trusted_certificate_is_verified_against_the_feed_name_not_the_address(
    trusted: trustme.CA, feeds_example: int
) -> None:
    result = fetch(f"https://feeds.example:{feeds_example}/cal.ics")
    assert isinstance(result, FetchResult) and result.body == CAL
    misnamed = fetch(f"https://other.example:{feeds_example}/cal.ics")  # same server and CA
    assert not isinstance(misnamed, FetchResult)
    assert "TLS certificate is not valid" in str(misnamed)
    assert "not valid for 'other.example'" in str(misnamed)
