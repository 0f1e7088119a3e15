"""Personal data, second pass: the operator can prove what a subscriber consented to (GDPR
article 7(1): when, and to which words), and its logs do not spread the addresses it keeps.

Real HTTP (uvicorn on loopback), real SMTP (aiosmtpd), SQLite and PostgreSQL; logs as the
``logging`` module hands them to its handlers (pytest's caplog)."""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import httpx
import sqlalchemy as sa
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.store import open_store
from aggregator.store.subscriber_tables import subscribers
from conftest import schema_at
from digest_site import cli_environment, close_apps, digest_app  # noqa: F401
from mailsink import Sink, smtp_server  # noqa: F401
from test_review_privacy import OPERATOR, POLICY, noticed  # noqa: F401

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_the_words_a_subscriber_agreed_to_are_kept_with_its_confirmation(
    noticed: httpx.Client, smtp_server: Sink
) -> None:
    """Only the time of confirmation was kept: asked to prove a consent (article 7(1)), the
    operator could not say what the person had been told, nor in which language."""
    form = noticed.get("/subscribe?lang=de").text
    shown = re.search(r'<p class="privacy">(.*?)</p>', form, re.S)
    action = re.search(r'<form method="post" action="([^"]+)"', form)
    token = CSRF.search(form)
    assert shown and action and token
    noticed.cookies.set("csrf", token.group(1))  # sent back over https only: the site's is
    answer = noticed.post(html.unescape(action.group(1)), data={
        "csrf_token": token.group(1), "email": "ana@example.org", "language": "en"})
    assert answer.status_code == 200
    [mail] = smtp_server.messages
    confirm = re.search(r"https?://[^/\s]+(/confirm/(\S+))", mail.get_content())
    assert confirm
    assert noticed.post(confirm.group(1), data={"csrf_token": token.group(1)}).status_code == 200

    data = noticed.get(f"/preferences/{confirm.group(2)}/data").json()
    words = html.unescape(re.sub(r"<[^>]+>", "", shown.group(1)))
    said = words.split(" Fragen zu Ihren Daten")[0]
    assert data["consent_notice"].startswith(said), "not the words the form showed"
    assert said.startswith("Was wir speichern")  # the page's language, not the digest's
    assert OPERATOR in data["consent_notice"] and POLICY in data["consent_notice"]
    assert data["created_at"] and data["confirmed_at"] >= data["created_at"]


def test_a_database_of_the_previous_version_keeps_its_subscribers_and_records_consents(
    db_url: str, tmp_path: Path, smtp_server: Sink
) -> None:
    """An existing subscriber has no recorded words (they were not kept), and new ones do."""
    with schema_at(db_url, "0009_subscriber_changed") as connection:
        connection.execute(subscribers.insert().values(
            email="old@example.org", language="fr", status="confirmed", token="o" * 32,
            created_at=datetime(2025, 3, 1, tzinfo=timezone.utc)))
    open_store(db_url).close()
    app = digest_app(tmp_path, db_url, smtp_server.port)
    app.add_subscriber("new@example.org", language="en", consent_notice="What we keep: …")
    found = {s.email: s.consent_notice for s in app.store.subscribers()}
    assert found == {"old@example.org": None, "new@example.org": "What we keep: …"}


def test_the_operator_sees_what_a_subscriber_agreed_to(tmp_path: Path, smtp_server: Sink) -> None:
    db_url = f"sqlite:///{tmp_path / 'show.db'}"
    app = digest_app(tmp_path, db_url, smtp_server.port)
    app.add_subscriber("ana@example.org", language="en", consent_notice="What we keep: …")
    env = cli_environment(tmp_path, db_url, smtp_server.port)
    shown = CliRunner().invoke(cli, ["subscribers", "show", "Ana@example.org"], env=env)
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert (data["email"], data["status"], data["consent_notice"]) == (
        "ana@example.org", "pending", "What we keep: …")
    missing = CliRunner().invoke(cli, ["subscribers", "show", "bob@example.org"], env=env)
    assert missing.exit_code == 2 and "bob@example.org is not subscribed" in missing.output
    with sa.create_engine(db_url).connect() as connection:  # the secret is not printed
        assert connection.execute(sa.select(subscribers.c.token)).scalar() not in shown.output
