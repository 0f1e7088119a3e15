"""The weekly digest over a real SMTP server (aiosmtpd), on SQLite and PostgreSQL.

One message per confirmed subscriber, in their language and with their filters, both parts,
the RFC 8058 headers, never twice in a week, retries after a 4xx, suspension after 5xx."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from aggregator.digest.render import calendar_key
from aggregator.core import Aggregator
from aggregator.errors import PublishError
from digest_site import (BASE_URL, WEEK, Clock, digest_app, close_apps,  # noqa: F401
                         on_mondays, write_site)
from mailsink import Sink, smtp_server  # noqa: F401


def parts(message: EmailMessage) -> tuple[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def digests(sink: Sink) -> list[EmailMessage]:
    return [m for m in sink.messages if m["List-Id"]]


def subscribe(app: Aggregator, email: str, **options: object) -> None:
    app.add_subscriber(email, confirmed=True, **options)  # type: ignore[arg-type]


def test_each_confirmed_subscriber_gets_one_digest_in_their_language(
    smtp_server: Sink, tmp_path: Path, db_url: str
) -> None:
    app = digest_app(tmp_path, db_url, smtp_server.port)
    subscribe(app, "ana@example.org")
    subscribe(app, "bob@example.org", language="en", cities=["Metz"])
    subscribe(app, "clara@example.org", language="de", kinds=["company"])
    app.add_subscriber("pending@example.org")  # gets the confirmation email only
    subscribe(app, "gone@example.org")
    gone = app.store.subscriber(email="gone@example.org")
    assert gone is not None
    app.store.update_subscriber(gone.id, status="suspended")

    report = app.send_digest(WEEK)

    assert sorted(report.sent) == ["ana@example.org", "bob@example.org", "clara@example.org"]
    received = {m["To"]: m for m in digests(smtp_server)}
    assert sorted(received) == ["ana@example.org", "bob@example.org", "clara@example.org"]
    ana_text, ana_html = parts(received["ana@example.org"])
    assert received["ana@example.org"]["Subject"] == (
        "4 événements cette semaine à Nancy, Luxembourg, Metz · 2 actualités")
    assert "lundi 7 décembre" in ana_text and "18 h 30 – 20 h" in ana_text
    assert "Rencontre IA" in ana_html and "aussi publié par La Venue" in ana_text
    assert "ANNULÉ" in ana_text and "Atelier impression 3D" in ana_text
    assert ana_text.count("Café code") == 2  # the weekly series, expanded over 14 days
    assert "Salon de l'emploi" not in ana_text  # three weeks ahead
    assert "Appel à projets IA" in ana_text and "Vieille nouvelle" not in ana_text
    assert "<style" in ana_html and 'style="' in ana_html  # CSS inlined, media query kept
    assert "<script" not in ana_html and "&lt;script&gt;" in ana_html

    bob_text, _ = parts(received["bob@example.org"])
    assert received["bob@example.org"]["Subject"].startswith("1 event this week in Metz")
    assert "Tuesday 8 December" in bob_text and "7:00 pm" in bob_text
    assert "Apéro start-up" in bob_text and "Rencontre IA" not in bob_text
    assert "Café code" not in bob_text and "Nouveau local à Metz" in bob_text

    clara_text, _ = parts(received["clara@example.org"])
    assert "Dienstag, 8. Dezember" in clara_text and "12:00 – 13:00" in clara_text
    assert "Café code" in clara_text and "Apéro" not in clara_text
    assert received["clara@example.org"]["Subject"].startswith("1 Veranstaltung diese Woche")

    again = app.send_digest(WEEK)
    assert again.sent == () and again.skipped == 3
    assert len(digests(smtp_server)) == 3


def test_headers_for_inbox_providers_and_no_injection(smtp_server: Sink, tmp_path: Path) -> None:
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", smtp_server.port)
    subscribe(app, "ana@example.org")
    app.send_digest(WEEK)
    [message] = digests(smtp_server)
    token = app.store.subscriber(email="ana@example.org").token  # type: ignore[union-attr]
    # https only: a mailto went to an address nothing reads, the subscriber still subscribed
    assert message["List-Unsubscribe"] == f"<{BASE_URL}/unsubscribe/{token}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "Agenda numérique <digest.agenda.example.org>"
    assert message["Message-ID"].endswith("@agenda.example.org>") and message["Date"]
    assert message["Reply-To"] == message["From"] == "Agenda numérique <digest@agenda.example.org>"
    assert "Bcc" not in message and "victim@example.org" in parts(message)[0]
    assert smtp_server.envelopes[0][1] == ["ana@example.org"]
    text, html = parts(message)
    assert f"{BASE_URL}/unsubscribe/{token}" in text and f"{BASE_URL}/preferences/{token}" in html
    assert f"{BASE_URL}/events/rencontre-ia.ics" in html
    # "add to my calendar" is the subscriber's own calendar, under a key that is not its token
    key = calendar_key(token)
    assert f"webcal://agenda.example.org/calendars/mine/{key}.ics" in text and key != token
    assert f"webcal://agenda.example.org/calendars/mine/{key}.ics" in html


def test_transient_failures_are_retried_later_and_only_then(
    smtp_server: Sink, tmp_path: Path, db_url: str
) -> None:
    clock = Clock()
    app = digest_app(tmp_path, db_url, smtp_server.port, clock)
    subscribe(app, "grey@example.org")
    subscribe(app, "ok@example.org")
    smtp_server.soft.add("grey@example.org")
    first = app.send_digest(WEEK)
    assert first.sent == ("ok@example.org",) and first.retry == ("grey@example.org",)
    assert app.send_digest(WEEK).sent == ()  # the retry is not due yet
    assert app.send_digest(WEEK, dry_run=True).planned == ()  # nor does a dry run list it
    smtp_server.soft.clear()
    clock.now += timedelta(minutes=31)
    planned = app.send_digest(WEEK, dry_run=True, retries_only=True).planned
    assert [p.email for p in planned] == ["grey@example.org"]
    assert app.send_digest(WEEK, retries_only=True).sent == ("grey@example.org",)
    assert app.send_digest(WEEK).sent == ()
    assert sorted(m["To"] for m in digests(smtp_server)) == ["grey@example.org", "ok@example.org"]
    states = {d.email: (d.state, d.attempts) for d in app.store.deliveries(WEEK)}
    assert states == {"grey@example.org": ("sent", 2), "ok@example.org": ("sent", 1)}


def test_repeated_hard_bounces_suspend_the_address(
    smtp_server: Sink, tmp_path: Path, db_url: str
) -> None:
    clock = Clock()
    app = digest_app(tmp_path, db_url, smtp_server.port, clock)
    subscribe(app, "gone@example.org")
    smtp_server.hard.add("gone@example.org")
    reports = on_mondays(app, clock, "2026-W50", "2026-W51", "2026-W52")
    assert [r.failed for r in reports] == [("gone@example.org",)] * 3
    assert [r.suspended for r in reports] == [(), (), ("gone@example.org",)]
    subscriber = app.store.subscriber(email="gone@example.org")
    assert subscriber is not None and subscriber.status == "suspended"
    assert "550" in (subscriber.last_error or "")
    assert on_mondays(app, clock, "2026-W53")[0].failed == ()  # no longer tried


def test_dry_run_sends_and_records_nothing(smtp_server: Sink, tmp_path: Path) -> None:
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", smtp_server.port)
    subscribe(app, "ana@example.org")
    subscribe(app, "bob@example.org", language="en", cities=["Metz"])
    report = app.send_digest(WEEK, dry_run=True)
    assert [(p.email, p.language, p.events) for p in report.planned] == [
        ("ana@example.org", "fr", 6), ("bob@example.org", "en", 2)]
    assert smtp_server.messages == [] and app.store.deliveries(WEEK) == []
    assert app.send_digest(WEEK).sent == ("ana@example.org", "bob@example.org")


def test_preview_writes_the_public_archive_without_personal_data(tmp_path: Path) -> None:
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", 25)
    subscribe(app, "ana@example.org")
    paths = app.digest_preview(WEEK)
    assert [p.name for p in paths] == [f"{WEEK}.html", f"{WEEK}.txt"]
    html, text = (p.read_text(encoding="utf-8") for p in paths)
    token = app.store.subscriber(email="ana@example.org").token  # type: ignore[union-attr]
    for body in (html, text):
        assert token not in body and "ana@" not in body and "/unsubscribe/" not in body
        assert "/calendars/mine/" not in body and "PLACEHOLDER" not in body
        assert f"{BASE_URL}/subscribe" in body and "Rencontre IA" in body


def test_nothing_is_sent_or_previewed_before_the_first_build(
        smtp_server: Sink, tmp_path: Path) -> None:
    """A cron `digest send` run before the first build mailed everyone "nothing planned this
    week", counted as their digest of the week: the real one could not follow."""
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", smtp_server.port)
    subscribe(app, "ana@example.org")
    for name in ("events.json", "news.json"):
        (app.settings.output_dir / name).unlink()
    for attempt in (lambda: app.send_digest(WEEK), lambda: app.send_digest(WEEK, dry_run=True),
                    lambda: app.digest_preview(WEEK)):
        with pytest.raises(PublishError, match=r"nothing built yet in .*: run `aggregator "
                                               r"build` first"):
            attempt()
    assert smtp_server.messages == [] and app.store.deliveries(WEEK) == []
    write_site(app.settings.output_dir)  # the build comes
    assert app.send_digest(WEEK).sent == ("ana@example.org",)


def test_an_unknown_week_is_refused(tmp_path: Path) -> None:
    from aggregator.core import DigestError

    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", 25)
    with pytest.raises(DigestError, match="ISO week"):
        app.send_digest("2026-W60")
