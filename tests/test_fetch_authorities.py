"""The operator's own certificate authorities: a site inside the organisation (or a company
proxy that inspects https) whose certificate comes from an authority of the organisation's
own. The operator installs that authority in the machine's store or names it with
SSL_CERT_FILE, as curl, pip and the mailer read it; the public authorities stay trusted.

A real `aggregator sources check` process against a TLS server on loopback whose certificate
comes from a test authority (trustme) no public store holds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tls_servers import calendar_server, server_context

CAL = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//intranet//EN\r\nBEGIN:VEVENT\r\n"
       b"UID:1@intranet\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20261210T180000Z\r\n"
       b"DTEND:20261210T200000Z\r\nSUMMARY:Afterwork du labo\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA(organization_name="Intranet du labo")


@pytest.fixture
def intranet(authority: trustme.CA) -> Iterator[str]:
    """The feed's https address on a server whose certificate the test authority signed."""
    with calendar_server(CAL, server_context(authority.issue_cert("localhost"))) as port:
        yield f"https://localhost:{port}/agenda.ics"


def aggregator(*arguments: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """An aggregator process, with the environment the operator gives it (nothing of the
    test run's own SSL_CERT_* variables)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SSL_CERT_")}
    return subprocess.run([sys.executable, "-m", "aggregator", *arguments], cwd=cwd,
                          env={**base, "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1", **env},
                          capture_output=True, text=True, timeout=60)


def test_a_site_of_the_operators_own_authority_is_read_once_ssl_cert_file_names_it(
        intranet: str, authority: trustme.CA, tmp_path: Path) -> None:
    refused = aggregator("sources", "check", intranet, cwd=tmp_path)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "certificate is not valid" in refused.stdout + refused.stderr

    ours = tmp_path / "intranet-ca.pem"
    authority.cert_pem.write_to_path(str(ours))
    read = aggregator("sources", "check", intranet, cwd=tmp_path, SSL_CERT_FILE=str(ours))
    assert read.returncode == 0, read.stdout + read.stderr
    assert "Afterwork du labo" in read.stdout


def test_the_public_authorities_stay_trusted_beside_the_operators_own(
        authority: trustme.CA, tmp_path: Path) -> None:
    """SSL_CERT_FILE adds the organisation's authority: every public site's feed still reads
    (certifi's roots, which pip and httpx ship, stay in the store)."""
    ours = tmp_path / "intranet-ca.pem"
    authority.cert_pem.write_to_path(str(ours))
    script = ("from aggregator.fetch import tls_context\n"
              "names = {dict(x[0] for x in c['subject']).get('organizationName')\n"
              "         for c in tls_context().get_ca_certs()}\n"
              "print('Intranet du labo' in names, 'Internet Security Research Group' in names)")
    base = {k: v for k, v in os.environ.items() if not k.startswith("SSL_CERT_")}
    shown = subprocess.run([sys.executable, "-c", script], env={**base, "SSL_CERT_FILE": str(ours)},
                           capture_output=True, text=True, timeout=60, check=True)
    assert shown.stdout.split() == ["True", "True"]
