"""Personal data, second pass: the operator can prove what a subscriber consented to (GDPR
article 7(1): when, and to which words), and its logs do not spread the addresses it keeps.

Real HTTP (uvicorn on loopback), real SMTP (aiosmtpd), SQLite and PostgreSQL; logs as the
``logging`` module hands them to its handlers (pytest's caplog)."""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.core import make_aggregator
from aggregator.models import FeedRef
from aggregator.store import open_store
from aggregator.store.subscriber_tables import subscribers
from conftest import make_source, schema_at
from digest_site import (OPEN, Clock, cli_environment, close_apps, digest_app,  # noqa: F401
                         digest_settings)
from mailsink import Sink, smtp_server  # noqa: F401
from test_review_privacy import OPERATOR, POLICY, noticed  # noqa: F401
from test_web_subscribe import CSRF
from webapp import running


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


@pytest.mark.empty_database
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


# --- addresses and secrets in the operator's logs --------------------------------------------

def test_a_sign_up_whose_confirmation_is_refused_is_logged_by_id_not_address(
    tmp_path: Path, smtp_server: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    """The warning quoted the relay's answer, "mail to ana@example.org not sent: …": every
    address typed into a failing form stayed in the log, after its sign-up was forgotten."""
    smtp_server.hard.add("ana@example.org")
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'l.db'}", smtp_server.port,
                     base_url="http://agenda.example.org")
    with caplog.at_level(logging.WARNING), running(app) as url, httpx.Client(
            base_url=url, timeout=30) as client:
        token = CSRF.search(client.get("/subscribe").text).group(1)  # type: ignore[union-attr]
        answer = client.post("/subscribe", data={"csrf_token": token, "email": "ana@example.org"})
        assert answer.status_code == 503
    ana = app.store.subscriber(email="ana@example.org")
    assert ana is not None
    [record] = [r for r in caplog.records if "confirmation email not sent" in r.getMessage()]
    assert f"subscriber {ana.id}" in record.getMessage()
    assert "a***@example.org" in record.getMessage() and "550 5.1.1" in record.getMessage()
    assert "ana@example.org" not in caplog.text


def test_a_lost_link_that_cannot_go_is_logged_by_registration_not_contact(
    tmp_path: Path, smtp_server: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.hard.add("team@fablab.example.org")
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'r.db'}", smtp_server.port)
    registration, _ = app.register_source(
        name="Fablab", kind="association", city="Épinal", website="",
        contact="team@fablab.example.org", feeds=[FeedRef("https://fablab.example.org/a.ics")])
    with caplog.at_level(logging.WARNING, logger="aggregator.registrations"):
        assert app.send_manage_links("team@fablab.example.org") == 1
    [record] = [r for r in caplog.records if r.name == "aggregator.registrations"]
    assert f"registration {registration.id}" in record.getMessage()
    assert "t***@fablab.example.org" in record.getMessage()
    assert "team@fablab.example.org" not in caplog.text


def test_a_feed_contact_whose_mailbox_refuses_is_not_named_in_the_health_log(
    feed_server: Any, tmp_path: Path, smtp_server: Sink
) -> None:
    """What the daemon's health job logs for each notice (``mail=…``) is what this returns."""
    smtp_server.hard.add("events@lab.example.org")
    feed_server.fail("/a.ics", 503)
    source = make_source("lab", feed_server.url("/a.ics"), contact="events@lab.example.org")
    clock = Clock()
    app = make_aggregator(replace(digest_settings(tmp_path, f"sqlite:///{tmp_path / 'h.db'}",
                                                  smtp_server.port), sources=(source,)),
                          clock=clock)
    OPEN.append(app)
    told = []
    for hours in (0, 2, 25):  # seen failing, then failing for a day
        clock.now += timedelta(hours=hours)
        app.refresh_round("a")
        told += app.watch_health()
    [(notice, _, said)] = told
    assert notice == "down" and "e***@lab.example.org" in said and "550 5.1.1" in said
    assert "events@lab.example.org" not in said


def test_a_failure_on_a_subscribers_page_is_logged_without_its_secret(
    tmp_path: Path, smtp_server: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    """"GET /preferences/<token>/data answered 503": whoever reads the log could open the
    subscriber's page, change its choices, read its address, or erase it."""
    db_url = f"sqlite:///{tmp_path / 's.db'}"
    app = digest_app(tmp_path, db_url, smtp_server.port)
    ana, _ = app.add_subscriber("ana@example.org", confirmed=True)
    engine = sa.create_engine(db_url)
    with engine.begin() as connection:  # the database breaking under the page
        connection.execute(sa.text("DROP TABLE digest_deliveries"))
    engine.dispose()
    with caplog.at_level(logging.WARNING), running(app) as url:
        assert httpx.get(f"{url}/preferences/{ana.token}/data", timeout=30).status_code == 503
    [record] = [r for r in caplog.records if "answered 503" in r.getMessage()]
    assert record.getMessage().startswith("GET /preferences/{token}/data answered 503")
    assert ana.token not in caplog.text
