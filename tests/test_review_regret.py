"""Personal data of the organisers who register their feeds, as a European operator answering
to the GDPR sees it: how long a contact's address is kept once it serves nothing (article
5(1)(e)) when the organisation withdrew or when nobody ever decided its registration, what the
contact can read of what is kept about it (article 15), and what the form says of it
(article 13).

Real SMTP (aiosmtpd), real HTTP (uvicorn on loopback, the feeds' server), SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.core import Aggregator, RegistrationError, make_aggregator
from aggregator.models import FeedRef
from aggregator.contacts import Registration
from aggregator.registration_retention import (REMINDER_AFTER, UNDECIDED_RETENTION,
                                               WITHDRAWN_RETENTION)
from aggregator.render.text import long_day
from aggregator.store import open_store
from aggregator.store.registration_tables import registration_feeds, registrations
from conftest import make_settings, schema_at
from digest_site import BASE_URL, MAIL_FROM, Clock, cli_environment
from mailsink import Sink, smtp_server  # noqa: F401
from sites import ics
from webapp import ADMIN_TOKEN, running

OLD = datetime(2026, 10, 1, 7, tzinfo=timezone.utc)  # 67 days before Clock()
OPERATOR = "moderation@agenda.example.org"
CONTACT = "team@fablab.example.org"


@contextmanager
def organisers(tmp_path: Path, db_url: str, port: int, clock: Clock, **extra: Any
               ) -> Iterator[Aggregator]:
    """A site without sources.yaml sources, whose operator reads its mail."""
    settings = make_settings(tmp_path, (), db_url, base_url=BASE_URL, **extra)
    settings = replace(settings, operator_email=OPERATOR, smtp=replace(
        settings.smtp, host="127.0.0.1", port=port, mail_from=MAIL_FROM))
    app = make_aggregator(settings, clock=clock)
    try:
        yield app
    finally:
        app.close()


def register(app: Aggregator, url: str = "https://fablab.example.org/a.ics",
             language: str = "en", contact: str = CONTACT) -> Registration:
    registration, problem = app.register_source(
        name="Fablab Épinal", kind="association", city="Épinal",
        website="https://fablab.example.org", contact=contact, feeds=[FeedRef(url)], language=language)
    assert problem is None
    return registration


# --- a withdrawn organisation ------------------------------------------------------------------

def test_a_withdrawn_organisation_keeps_its_id_but_not_its_contact_for_ever(
    feed_server: Any, tmp_path: Path, db_url: str, smtp_server: Sink  # noqa: F811
) -> None:
    """Withdrawn, a registration kept its contact's address, its private link and its
    website for ever. Its address and link now go WITHDRAWN_RETENTION after the withdrawal;
    its id stays, so that its events still leave the outputs rather than come back CANCELLED,
    and no other organisation takes its page's and calendars' addresses."""
    feed_server.set("/a.ics", ics("far@fablab", "Repair café 2030",
                                  datetime(2030, 5, 4, 14, tzinfo=timezone.utc)), "text/calendar")
    clock = Clock()
    with organisers(tmp_path, db_url, smtp_server.port, clock) as app:
        registration = register(app, feed_server.url("/a.ics"))
        app.approve_registration(registration.id)
        app.refresh(force=True)
        app.build()
        calendar = tmp_path / "output" / "calendar.ics"
        assert "Repair café 2030" in calendar.read_text()
        app.withdraw_registration(registration.token)
        withdrawn_mail = smtp_server.messages[-1].get_content()
        assert f"{WITHDRAWN_RETENTION.days} days" in withdrawn_mail  # how long the link works

        clock.now += WITHDRAWN_RETENTION - timedelta(days=1)
        assert app.housekeeping()["withdrawn_registrations_erased"] == 0
        assert app.registration_by_token(registration.token).source.contact == CONTACT
        clock.now += timedelta(days=2)
        assert app.housekeeping()["withdrawn_registrations_erased"] == 1
        assert app.housekeeping()["withdrawn_registrations_erased"] == 0  # once

        [kept] = app.registrations()
        assert (kept.source.id, kept.status) == (registration.source.id, "withdrawn")
        assert (kept.source.contact, kept.source.website, kept.token) == ("", "", "")
        assert kept.source.name == registration.source.id  # not the name it gave
        with pytest.raises(RegistrationError):
            app.registration_by_token(registration.token)
        assert app.withdrawn_sources() == {registration.source.id}
        assert app.send_manage_links(CONTACT) == 0
        app.build()  # its first build since: its events leave, not CANCELLED
        assert "Repair café 2030" not in calendar.read_text()
        assert "CANCELLED" not in calendar.read_text()
        again = register(app, feed_server.url("/a.ics"))  # registering anew: a new id
        assert again.status == "pending" and again.source.id != registration.source.id
    engine = sa.create_engine(db_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.select(registrations.c.contact)
                                  .order_by(registrations.c.id)).scalars().all()
        feeds = connection.execute(sa.select(registration_feeds.c.registration_id)).all()
    engine.dispose()
    assert rows == ["", CONTACT] and feeds == [(again.id,)]


@pytest.mark.parametrize("lang, words", [
    ("fr", "Ce lien fonctionne jusqu’au 11 janvier 2028"),
    ("en", "This link works until 11 January 2028"),
    ("de", "Dieser Link funktioniert bis zum 11. Januar 2028")])
def test_the_come_back_email_says_until_when_its_link_works(
    tmp_path: Path, smtp_server: Sink, lang: str, words: str  # noqa: F811
) -> None:
    """A withdrawn organisation that registers again, or asks for its lost link, is emailed
    the link to come back; the email did not say that it stops working WITHDRAWN_RETENTION
    after the withdrawal, though the withdrawal email and the private page do."""
    clock = Clock()
    with organisers(tmp_path, f"sqlite:///{tmp_path / 'c.db'}", smtp_server.port,
                    clock) as app:
        registration = register(app, language=lang)
        app.withdraw_registration(registration.token)
        assert (registration.created_at + WITHDRAWN_RETENTION).date().isoformat() == (
            "2028-01-11")
        clock.now += timedelta(days=100)  # the same day, whenever it is asked
        register(app, language="en")  # registers again: the same feeds, the same contact
        assert app.send_manage_links(CONTACT) == 1  # or asks for its lost link
        for mail in smtp_server.to(CONTACT)[-2:]:
            body = mail.get_content()
            assert f"/manage/{registration.token}" in body
            assert words in body, body


# --- a registration nobody decides -------------------------------------------------------------

def test_a_registration_nobody_decides_is_reminded_then_deleted_with_its_contact_told(
    tmp_path: Path, db_url: str, smtp_server: Sink  # noqa: F811
) -> None:
    """A registration the operator never decided kept its contact's address for ever. The
    operator is reminded once, REMINDER_AFTER it became pending; UNDECIDED_RETENTION after,
    it is deleted and its contact told, in its language."""
    clock = Clock()
    with organisers(tmp_path, db_url, smtp_server.port, clock) as app:
        waiting = register(app, language="de")
        came_back = register(app, "https://lab.example.org/b.ics", contact="lab@example.org")
        app.withdraw_registration(came_back.token)
        clock.now += timedelta(days=20)
        app.rejoin_registration(came_back.token)  # pending again, 20 days later
        sent = len(smtp_server.messages)

        clock.now += REMINDER_AFTER - timedelta(days=20, hours=1)
        assert app.housekeeping()["undecided_registrations_reminded"] == 0
        clock.now += timedelta(hours=2)
        assert app.housekeeping()["undecided_registrations_reminded"] == 1
        assert app.housekeeping()["undecided_registrations_reminded"] == 0  # once
        # what is kept of it says so too: the contact's own copy names the day (GDPR art. 15)
        assert datetime.fromisoformat(app.registration_data(waiting.token)["reminded_at"]) == clock.now
        assert app.registration_data(came_back.token)["reminded_at"] is None
        [reminder] = smtp_server.messages[sent:]
        assert str(reminder["To"]) == OPERATOR
        body = reminder.get_content()
        assert "Fablab Épinal" in body and f"#{waiting.id}" in body
        until = long_day(waiting.created_at + UNDECIDED_RETENTION,
                         ZoneInfo(app.settings.timezone), "fr")  # as /admin names it
        assert until in body and f"{BASE_URL}/admin#pending" in body

        clock.now = waiting.created_at + UNDECIDED_RETENTION + timedelta(hours=1)
        counts = app.housekeeping()
        assert (counts["undecided_registrations_expired"],
                counts["undecided_registrations_reminded"]) == (1, 1)  # the other's turn
        assert [r.id for r in app.registrations()] == [came_back.id]
        with pytest.raises(RegistrationError):
            app.registration_by_token(waiting.token)
        told = smtp_server.to(CONTACT)[-1]
        assert str(told["Subject"]) == "Anmeldung nicht bearbeitet: Fablab Épinal"
        assert f"{UNDECIDED_RETENTION.days} Tagen" in told.get_content()
        assert f"{BASE_URL}/register" in told.get_content()

        clock.now += timedelta(days=20)  # the one that came back: back to withdrawn, erased
        assert app.housekeeping()["undecided_registrations_expired"] == 1
        [kept] = app.registrations()
        assert (kept.status, kept.source.contact) == ("withdrawn", "")
        assert app.withdrawn_sources() == {came_back.source.id}
        assert str(smtp_server.messages[-1]["To"]) == "lab@example.org"


def test_the_operators_page_says_when_each_undecided_registration_is_deleted(
    tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    """/admin listed the pending registrations without a word of their deletion: the
    operator learnt it from the reminder's email alone. Each now says on which day it is
    deleted if nobody decides it, and whether the operator was reminded; the nearest first
    (one that came back after a withdrawal is newer than its id says)."""
    clock, db_url = Clock(), f"sqlite:///{tmp_path / 'a.db'}"
    with organisers(tmp_path, db_url, smtp_server.port, clock,
                    admin_token=ADMIN_TOKEN) as app:
        came_back = register(app, "https://lab.example.org/b.ics", contact="lab@example.org")
        waiting = register(app)
        app.withdraw_registration(came_back.token)
        clock.now += timedelta(days=20)
        app.rejoin_registration(came_back.token)  # pending again, 20 days later
        clock.now = waiting.created_at + REMINDER_AFTER + timedelta(hours=1)
        assert app.housekeeping()["undecided_registrations_reminded"] == 1
        with running(app) as url:
            pages = {lang: httpx.get(f"{url}/admin", params={"lang": lang}, timeout=30,
                                     headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).text
                     for lang in ("en", "fr", "de")}
    blocks = re.findall(r'<div class="preview" id="registration-(\d+)">(.*?)</div>',
                        pages["en"], re.S)
    assert [int(key) for key, _ in blocks] == [waiting.id, came_back.id]  # nearest first
    first, second = (block for _, block in blocks)
    assert "If nobody decides it, it is deleted on 7 March 2027 (in 29 days)" in first
    assert "Reminded on 5 February 2027." in first
    assert "deleted on 27 March 2027 (in 49 days)" in second and "Reminded" not in second
    assert "supprimée le 7 mars 2027 (dans 29 jours)" in pages["fr"]
    assert "Rappel fait le 5 février 2027." in pages["fr"]
    assert "am 7. März 2027 gelöscht (in 29 Tagen)" in pages["de"]


def test_a_registration_decided_meanwhile_is_neither_reminded_nor_expired(
    tmp_path: Path, smtp_server: Sink  # noqa: F811
) -> None:
    clock, db_url = Clock(), f"sqlite:///{tmp_path / 'd.db'}"
    with organisers(tmp_path, db_url, smtp_server.port, clock) as app:
        registration = register(app)
        listed = CliRunner().invoke(cli, ["registrations", "list", "--json"],
                                    env=cli_environment(tmp_path, db_url, smtp_server.port))
        [shown] = json.loads(listed.output)  # the operator sees until when too
        assert datetime.fromisoformat(shown["kept_until"]) == (
            registration.created_at + UNDECIDED_RETENTION)
        app.approve_registration(registration.id)
        sent = len(smtp_server.messages)
        clock.now += UNDECIDED_RETENTION * 2
        counts = app.housekeeping()
        assert (counts["undecided_registrations_reminded"],
                counts["undecided_registrations_expired"]) == (0, 0)
        assert len(smtp_server.messages) == sent
        assert app.registration_by_token(registration.token).source.contact == CONTACT


@pytest.mark.empty_database
def test_a_database_of_the_previous_version_keeps_its_registrations(
    tmp_path: Path, db_url: str, smtp_server: Sink  # noqa: F811
) -> None:
    """The reminder's time is a new column (migration 0012): rows stored before it are
    reminded as any other."""
    with schema_at(db_url, "0006_registration_tokens") as connection:
        key = connection.execute(registrations.insert().values(
            source_id="old-lab", name="Old Lab", kind="association", city="Metz", country="FR",
            language="fr", website="", contact="old@lab.example.org", status="pending",
            created_at=OLD, note="",
            manage_token="o" * 32)).inserted_primary_key[0]
        connection.execute(registration_feeds.insert().values(
            registration_id=key, url="https://lab.example.org/old.ics", type="auto"))
    open_store(db_url).close()
    clock = Clock()
    with organisers(tmp_path, db_url, smtp_server.port, clock) as app:
        [old] = app.registrations()
        assert (old.source.contact, old.source.feeds) == (
            "old@lab.example.org", (FeedRef("https://lab.example.org/old.ics"),))
        assert app.housekeeping()["undecided_registrations_reminded"] == 1  # 67 days
        clock.now = OLD + UNDECIDED_RETENTION
        assert app.housekeeping()["undecided_registrations_expired"] == 0  # the same instant
        clock.now += timedelta(seconds=1)
        assert app.housekeeping()["undecided_registrations_expired"] == 1
        assert app.registrations() == []


# --- what the contact can read, and what the form says -----------------------------------------

def test_the_contact_downloads_what_is_kept_about_its_registration_and_sees_until_when(
    tmp_path: Path, db_url: str, smtp_server: Sink  # noqa: F811
) -> None:
    """A subscriber could download what is kept about it; an organisation's contact, whose
    address is kept as long, could not."""
    clock = Clock()
    with organisers(tmp_path, db_url, smtp_server.port, clock) as app:
        registration = register(app, language="fr")
        with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
            page = client.get(f"/manage/{registration.token}", params={"lang": "en"}).text
            link = re.search(r'<a href="([^"]*/manage/[^"]+/data)" download>([^<]+)</a>', page)
            assert link, "the organiser's page offers no copy of what is kept"
            assert link.group(2) == "Download all that is kept about this registration (JSON)"
            answer = client.get(link.group(1))
            assert client.get("/manage/not-a-real-secret-token-at-all/data").status_code == 404
            assert "If it is still undecided on 7 March 2027, it is deleted" in page
            app.withdraw_registration(registration.token)
            page = client.get(f"/manage/{registration.token}", params={"lang": "de"}).text
            assert "Dieser Link funktioniert bis zum 11. Januar 2028" in page  # 400 days on
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    assert "attachment" in answer.headers["content-disposition"]
    assert answer.headers["cache-control"] == "no-store"
    assert registration.token not in answer.text  # the secret stays in the link
    data = json.loads(answer.text)
    assert (data["contact"], data["name"], data["status"], data["language"]) == (
        CONTACT, "Fablab Épinal", "pending", "fr")
    assert data["feeds"] == [{"url": "https://fablab.example.org/a.ics", "type": "auto"}]
    assert data["website"] == "https://fablab.example.org" and data["city"] == "Épinal"
    assert datetime.fromisoformat(data["created_at"]) == registration.created_at
    assert datetime.fromisoformat(data["kept_until"]) == (
        registration.created_at + UNDECIDED_RETENTION)


@pytest.mark.parametrize("lang, days", [("fr", "jours"), ("en", "days"), ("de", "Tage")])
def test_the_registration_form_states_every_retention_applied(
    tmp_path: Path, smtp_server: Sink, lang: str, days: str  # noqa: F811
) -> None:
    with organisers(tmp_path, f"sqlite:///{tmp_path / 'f.db'}", smtp_server.port,
                    Clock()) as app, running(app) as url:
        page = httpx.get(f"{url}/register", params={"lang": lang}, timeout=30).text
    notice = re.search(r'<p class="privacy">(.*?)</p>', page, re.S)
    assert notice
    said = notice.group(1)
    for period in (UNDECIDED_RETENTION, WITHDRAWN_RETENTION):
        assert re.search(rf"\b{period.days} {days}", said), (period, said)
    assert {"fr": "retir", "en": "withdraw", "de": "zurückgezogen"}[lang] in said
    assert {"fr": "télécharger", "en": "download", "de": "herunterladen"}[lang] in said
