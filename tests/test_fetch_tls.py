"""HTTPS for real: a TLS server on loopback with certificates from a test authority (trustme).

The fetcher connects to the address it checked (netguard), not to the name, so the TLS
handshake must still send and verify the feed's host name (SNI). These tests prove that the
certificate is verified against that name, that an untrusted or misnamed certificate is a
clear per-feed error, and that the one certificate store the process shares works.
"""

from __future__ import annotations

import gc
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from http.server import ThreadingHTTPServer

import pytest
import trustme

from aggregator.errors import FetchError
from aggregator.fetch import FetchRequest, fetch_feeds, tls_context
from aggregator.models import FetchResult
from aggregator.reasons import reason_in
from tls_servers import calendar_server, lingering_server, serve_calendar, server_context, stop

CAL = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


def _serve(certificate: trustme.LeafCert) -> tuple[ThreadingHTTPServer, int]:
    return serve_calendar(CAL, server_context(certificate))


@pytest.fixture
def feeds_example(authority: trustme.CA) -> Iterator[int]:
    """A server whose certificate names feeds.example, as its port."""
    with calendar_server(CAL, server_context(authority.issue_cert("feeds.example"))) as port:
        yield port


async def _loopback(host: str, port: int) -> list[str]:
    return ["127.0.0.1"]  # every name is this machine, as DNS would say it is


def fetch(url: str) -> FetchResult | Exception:
    [result] = fetch_feeds([FetchRequest(url)], allow_private=True, resolver=_loopback)
    return result


def _fetch_once(served: tuple[ThreadingHTTPServer, int]) -> FetchResult | Exception:
    """feeds.example's calendar from ``served`` (the server, its port), then the server stops."""
    server, port = served
    try:
        return fetch(f"https://feeds.example:{port}/cal.ics")
    finally:
        stop(server)


def test_untrusted_certificate_is_a_clear_error_for_that_feed() -> None:
    result = _fetch_once(_serve(trustme.CA().issue_cert("feeds.example")))  # nobody trusts it
    assert isinstance(result, FetchError) and str(result).startswith("https://feeds.example:")
    assert result.reason.startswith("the site's TLS certificate is not valid: unable to get "
                                    "local issuer")
    assert "public authority" in str(result)  # what the organiser must fix
    assert reason_in(result.reason, "fr").startswith(
        "le certificat TLS du site n'est pas valide : certificat de l'autorité émettrice "
        "introuvable ; le site doit présenter")


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
    assert "falscher Hostname: das Zertifikat ist nicht für 'other.example' gültig" in \
        reason_in(misnamed.reason, "de")  # type: ignore[union-attr]
    by_address = fetch(f"https://127.0.0.1:{feeds_example}/cal.ics")
    assert "adresse IP différente : le certificat n'est pas valide pour '127.0.0.1'" in \
        reason_in(by_address.reason, "fr")  # type: ignore[union-attr]


def test_expired_and_self_signed_certificates_are_named_in_the_organisers_language(
    trusted: trustme.CA, tmp_path: Path
) -> None:
    """The two mistakes a small organisation's server makes most, as the organiser reads
    them on its feed's page: the system's words translated (aggregator/reasons/system.py)."""
    expired = trusted.issue_cert("feeds.example", not_before=datetime(2020, 1, 1, tzinfo=UTC),
                                 not_after=datetime(2021, 1, 1, tzinfo=UTC))
    result = _fetch_once(_serve(expired))
    assert isinstance(result, FetchError) and "certificate has expired" in result.reason
    assert "le certificat a expiré" in reason_in(result.reason, "fr")
    assert "das Zertifikat ist abgelaufen" in reason_in(result.reason, "de")

    alone = trustme.CA()  # a certificate signed by itself, which the server presents as its own
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    alone.cert_pem.write_to_path(str(tmp_path / "cert.pem"))
    alone.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    result = _fetch_once(serve_calendar(CAL, context))
    assert isinstance(result, FetchError) and "self-signed certificate" in result.reason
    assert "certificat auto-signé" in reason_in(result.reason, "fr")


def test_https_asked_of_an_http_only_server_says_so() -> None:
    """A webcal:// address is fetched as https://; on a site that serves http only, the
    handshake fails, and the reason read "cannot connect: Operation not permitted" (the system's
    words for the TLS error's code 1)."""
    with calendar_server(CAL) as port:  # plain http
        result = fetch(f"https://feeds.example:{port}/cal.ics")
    assert isinstance(result, FetchError)
    assert result.reason == ("the TLS (https) handshake with the site failed: wrong version "
                             "number; if the site serves its feed over http only, give its "
                             "http:// address")
    assert reason_in(result.reason, "de").startswith(
        "der TLS-Verbindungsaufbau (https) mit der Website ist gescheitert: wrong version number")


@pytest.fixture
def lingering(trusted: trustme.CA) -> Iterator[int]:
    """feeds.example answering ``Connection: close``, then keeping its side open a moment, as
    a far server's close arrives a round trip later: its port."""
    with lingering_server(CAL, server_context(trusted.issue_cert("feeds.example"))) as port:
        yield port


def test_a_site_slow_to_close_its_tls_connection_leaves_nothing_open(lingering: int) -> None:
    """A site answering ``Connection: close`` over TLS is closed politely (our close_notify,
    then the site's); `refresh`, `sources check` and the register form's preview end their
    event loop right after the last answer. A connection still closing there was left open:
    a ResourceWarning, and "OSError: [Errno 16] Device or resource busy" raised out of the
    whole refresh when the site's close arrived as the loop closed (seen through a proxy,
    one hop further, about one refresh in seven). Such connections are cut at the end."""
    for _ in range(3):
        result = fetch(f"https://feeds.example:{lingering}/cal.ics")
        assert isinstance(result, FetchResult) and result.body == CAL, result
        gc.collect()  # a transport left open says so now, in this test
