"""Personal data as a European operator answering to the GDPR sees it: what the forms say when
they collect an address (article 13), how long addresses are kept once they serve nothing
(article 5(1)(e)), and what a subscriber can read of what is kept about it (article 15).

Real HTTP (uvicorn on loopback), real SMTP (aiosmtpd), SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from aggregator.config import build_settings
from aggregator.core import make_aggregator
from aggregator.errors import ConfigError
from aggregator.models import FeedRef, Source
from digest_site import (OPEN, WEEK, Clock, close_apps, digest_app, digest_settings,  # noqa: F401
                         on_mondays, write_site)
from mailsink import Sink, smtp_server  # noqa: F401
from webapp import running

POLICY = "https://asso.example.org/confidentialite"
OPERATOR = "dpo@asso.example.org"


@pytest.fixture
def noticed(smtp_server: Sink, tmp_path: Path) -> Iterator[httpx.Client]:
    """The site of an operator who gives its contact address and its privacy policy."""
    settings = replace(digest_settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}",
                                       smtp_server.port),
                       operator_email=OPERATOR, privacy_url=POLICY)
    write_site(settings.output_dir)
    app = make_aggregator(settings, clock=Clock())
    OPEN.append(app)
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.mark.parametrize("lang, kept, erase", [
    ("fr", "30 jours", "effacer"), ("en", "30 days", "delete"), ("de", "30 Tagen", "löschen")])
def test_sign_up_form_says_who_keeps_what_for_how_long(
    noticed: httpx.Client, lang: str, kept: str, erase: str
) -> None:
    page = noticed.get(f"/subscribe?lang={lang}").text
    notice = re.search(r'<p class="privacy">(.*?)</p>', page, re.S)
    assert notice, "the sign-up form says nothing of what becomes of the address"
    text = notice.group(1)
    assert kept in text and "400" in text and erase in text
    assert f'href="mailto:{OPERATOR}"' in text and f'href="{POLICY}"' in text


def test_registration_form_says_what_becomes_of_the_contact(noticed: httpx.Client) -> None:
    page = noticed.get("/register?lang=en").text
    notice = re.search(r'<p class="privacy">(.*?)</p>', page, re.S)
    assert notice, "the registration form says nothing of what becomes of the contact"
    assert "never published" in notice.group(1) and "400 days" in notice.group(1)
    assert f'href="{POLICY}"' in notice.group(1)


def test_privacy_policy_address_is_read_from_the_environment_and_checked() -> None:
    settings = build_settings((), None, {"AGGREGATOR_PRIVACY_URL": POLICY})
    assert settings.privacy_url == POLICY
    with pytest.raises(ConfigError, match="AGGREGATOR_PRIVACY_URL='confidentialite.html'"):
        build_settings((), None, {"AGGREGATOR_PRIVACY_URL": "confidentialite.html"})


def test_hard_bounced_addresses_and_declined_registrations_are_not_kept_forever(
    tmp_path: Path, db_url: str, smtp_server: Sink
) -> None:
    clock = Clock()
    app = digest_app(tmp_path, db_url, smtp_server.port, clock=clock)
    store, then = app.store, clock.now
    for name in ("bounced", "recent", "reader"):  # suspended 420 and 20 days ago; confirmed
        who = store.insert_subscriber(f"{name}@example.org", "fr", [], [], [], "confirmed",
                                      (name * 8)[:32], then - timedelta(days=900))
        assert store.claim_delivery(
            who.id, "2024-W40", then - timedelta(days=20 if name == "recent" else 420), "n")
        if name != "reader":
            store.update_subscriber(who.id, status="suspended")
    for name, days in (("declined", 500), ("waiting", 10)):  # undecided: test_review_regret
        store.add_registration(Source(
            id=name, name=name.title(), kind="association", city="Metz", country="FR",
            contact=f"{name}@asso.example.org",
            feeds=(FeedRef(f"https://{name}.example.org/a.ics"),)), then - timedelta(days=days))
    [declined] = [r for r in app.registrations() if r.source.id == "declined"]
    clock.now = then - timedelta(days=450)
    app.reject_registration(declined.id, "not an organisation of the region")
    clock.now = then

    app.housekeeping()

    assert sorted(s.email for s in store.subscribers()) == [
        "reader@example.org", "recent@example.org"]
    assert [r.source.contact for r in app.registrations()] == ["waiting@asso.example.org"]


def test_a_subscriber_downloads_what_is_kept_about_it(
    tmp_path: Path, smtp_server: Sink
) -> None:
    clock = Clock()
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'd.db'}", smtp_server.port, clock=clock)
    app.add_subscriber("ana@example.org", language="en", cities=["Metz"], confirmed=True)
    on_mondays(app, clock, WEEK)
    ana = app.store.subscriber(email="ana@example.org")
    assert ana is not None
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        page = client.get(f"/preferences/{ana.token}").text
        link = re.search(r'href="([^"]*/preferences/[^"]+/data)"', page)
        assert link, "the preferences page offers no copy of what is kept"
        answer = client.get(f"/preferences/{ana.token}/data")
        assert client.get("/preferences/not-a-token/data").status_code == 404
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.headers["cache-control"] == "no-store"
    data = json.loads(answer.text)
    assert (data["email"], data["language"], data["status"]) == (
        "ana@example.org", "en", "confirmed")
    assert data["cities"] == ["Metz"] and data["created_at"].startswith("2026-12-0")
    assert [(d["week"], d["state"]) for d in data["deliveries"]] == [(WEEK, "sent")]
    assert ana.token not in answer.text  # the secret stays in the link, not in a saved file
