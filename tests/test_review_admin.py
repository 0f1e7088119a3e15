"""Adversarial review: the operator's admin pages, the CLI against CONTRACT.md, digest sending.

Each test states what a user would meet; they fail on the code as reviewed. Nothing is mocked:
the web app runs under uvicorn on 127.0.0.1, the store is a real SQLite file, mail goes to a
real aiosmtpd server on loopback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from aggregator.core import make_aggregator
from digest_site import WEEK, Clock, close_apps, digest_app, digest_settings  # noqa: F401
from mailsink import Sink, free_port, smtp_server  # noqa: F401
from sites import SOON, ics, run
from test_web_pages import csrf
from webapp import ADMIN_TOKEN, Web, web  # noqa: F401


# --- digest sending ----------------------------------------------------------------------


class ActingSink(Sink):
    """The mail sink, which runs ``on_first`` when the first digest reaches it: what another
    person does (on the web, or the operator at a terminal) while a run is sending."""

    on_first: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        if self.on_first is not None:
            action, self.on_first = self.on_first, None
            action()
        return answer


def acting_sink() -> tuple[ActingSink, Controller]:
    sink = ActingSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    return sink, controller


def test_a_subscriber_erasing_their_address_mid_run_does_not_stop_the_weekly_run(
    tmp_path: Path, db_url: str,
) -> None:
    """A subscriber who deletes its address (/forget/TOKEN, or the operator's `subscribers
    remove` on an erasure request) while the Monday run is sending: the run's list still
    holds it, its ledger claim violates the foreign key, and the whole run dies: everyone
    after it in the list gets no digest that week (the daemon's job does not run again
    before next Monday; the hourly retry job only takes rows in ``retry``)."""
    sink, controller = acting_sink()
    try:
        app = digest_app(tmp_path, db_url, sink.port)
        for address in ("ana@example.org", "bob@example.org", "clara@example.org"):
            app.add_subscriber(address, confirmed=True)
        other = make_aggregator(app.settings)  # the web app's process, or a terminal
        sink.on_first = lambda: other.remove_subscriber("bob@example.org")
        try:
            report = app.send_digest(WEEK)
        finally:
            other.close()
        assert "clara@example.org" in report.sent
        assert "clara@example.org" in {m["To"] for m in sink.messages}
    finally:
        controller.stop()


def test_a_subscriber_who_unsubscribes_while_the_digest_is_sending_gets_none(
    tmp_path: Path, db_url: str,
) -> None:
    """10,000 digests take a minute; one who clicks "unsubscribe" in last week's digest
    during that minute still gets this week's: the run sends to the list it read at its
    start, and the ledger claim does not look at the subscriber's state."""
    sink, controller = acting_sink()
    try:
        app = digest_app(tmp_path, db_url, sink.port)
        for address in ("ana@example.org", "bob@example.org"):
            app.add_subscriber(address, confirmed=True)
        bob = app.store.subscriber(email="bob@example.org")
        assert bob is not None
        other = make_aggregator(app.settings)
        sink.on_first = lambda: other.unsubscribe(bob.token)
        try:
            report = app.send_digest(WEEK)
        finally:
            other.close()
        assert "bob@example.org" not in {m["To"] for m in sink.messages}
        assert report.sent == ("ana@example.org",)
    finally:
        controller.stop()


class SenderRefusingSink(Sink):
    """A relay that refuses our envelope sender (a MAIL_FROM domain it does not relay for,
    authentication it requires): a problem of our settings, not of any recipient."""

    refuse_sender: bool = True

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: Any) -> str:
        if self.refuse_sender:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        return "250 OK"


def test_a_relay_refusing_our_sender_is_not_counted_as_every_subscribers_hard_bounce(
    tmp_path: Path,
) -> None:
    """AGGREGATOR_SMTP_USER forgotten, or a From: domain the relay does not accept: the relay
    answers 5xx to MAIL FROM. Every subscriber's digest of the week is recorded ``failed``
    (so it is never sent, even once the operator fixes the setting) and counted as a hard
    bounce of that subscriber's address: three such Mondays suspend every subscriber."""
    sink = SenderRefusingSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        clock = Clock()
        app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'aggregator.db'}", sink.port,
                         clock=clock)
        app.add_subscriber("ana@example.org", confirmed=True)
        weeks = [WEEK, "2026-W51", "2026-W52"]
        for number, week in enumerate(weeks):
            clock.now = Clock().now + timedelta(weeks=number)
            app.send_digest(week)
        ana = app.store.subscriber(email="ana@example.org")
        assert ana is not None
        assert (ana.status, ana.hard_bounces) == ("confirmed", 0)
        # the operator fixes the relay; this week's digest still goes out
        sink.refuse_sender = False
        clock.now += timedelta(hours=2)
        report = app.send_digest(weeks[-1])
        assert report.sent == ("ana@example.org",)
    finally:
        controller.stop()


@pytest.mark.parametrize("week", ["0001-W01", "9999-W52"])
def test_a_week_at_the_ends_of_the_calendar_is_a_clear_error_not_a_traceback(
    tmp_path: Path, week: str
) -> None:
    """`digest preview --week 0001-W01` (a typo for 2026-W01) passes the week check, then
    ends in "OverflowError: date value out of range" with a traceback; CONTRACT.md's CLI
    turns every bad input into one line and exit 2, as `--week 2026-W60` does."""
    settings = digest_settings(tmp_path, f"sqlite:///{tmp_path / 'aggregator.db'}")
    from digest_site import write_site

    write_site(settings.output_dir)
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    env = {**os.environ, "AGGREGATOR_DB": settings.db_url,
           "AGGREGATOR_OUTPUT": str(settings.output_dir),
           "AGGREGATOR_CONFIG": str(tmp_path / "sources.yaml")}
    done = subprocess.run([sys.executable, "-m", "aggregator", "digest", "preview", "--week",
                           week], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)
    assert "Traceback" not in done.stderr, done.stderr[-400:]
    assert done.returncode == 2


# --- the command line --------------------------------------------------------------------


def _registered_and_approved(site: Any, smtp: Sink, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGGREGATOR_SMTP_HOST", smtp.host)
    monkeypatch.setenv("AGGREGATOR_SMTP_PORT", str(smtp.port))
    site.set("/fablab.ics", ics("f1@fablab", "Atelier Arduino", SOON), "text/calendar")
    done = run("sources", "register", site.url("/fablab.ics"), "--name", "Fablab",
               "--kind", "association", "--city", "Épinal", "--contact", "hello@fablab.example.org")
    assert done.exit_code == 0, done.output
    assert run("registrations", "approve", "1").exit_code == 0
    run("refresh")
    run("build")
    assert "Atelier Arduino" in Path("output/calendar.ics").read_text(encoding="utf-8")


def test_cli_reject_of_an_approved_registration_does_not_unpublish_it_silently(
    site: Any, smtp_server: Sink, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    """`registrations reject 1` on an organisation published for months (a wrong number,
    a list printed last week): it leaves the outputs and its contact is told it was
    declined. The admin page refuses this very case (409 "already approved: reload the
    page"); the CLI, "as on /admin", does it without a word."""
    _registered_and_approved(site, smtp_server, monkeypatch)
    before = len(smtp_server.messages)
    refused = run("registrations", "reject", "1", "--note", "spam")
    assert refused.exit_code != 0
    assert "already approved" in refused.output
    [registration] = json.loads(run("registrations", "list", "--json").output)
    assert registration["status"] == "approved"
    assert len(smtp_server.messages) == before  # the contact was not told "declined"


def test_cli_approve_twice_does_not_email_the_contact_twice(
    site: Any, smtp_server: Sink, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    """Approving an already approved registration (a script run twice, a shell history
    replay) emails the contact "approved" again and prints "#1: approved" as if it were new."""
    _registered_and_approved(site, smtp_server, monkeypatch)
    before = len(smtp_server.messages)
    again = run("registrations", "approve", "1")
    assert len(smtp_server.messages) == before
    assert "already approved" in again.output


def test_cli_approve_of_a_withdrawn_organisation_does_not_publish_it_again(
    site: Any, smtp_server: Sink, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    """The contact withdrew its organisation from its private link; README: it comes back
    only when it asks to (pending again). `registrations approve N` publishes it again
    anyway, against its contact's decision."""
    _registered_and_approved(site, smtp_server, monkeypatch)
    from aggregator import config

    app = make_aggregator(config.load(None))
    try:
        [registration] = app.registrations()
        app.withdraw_registration(registration.token)
    finally:
        app.close()
    result = run("registrations", "approve", "1")
    assert result.exit_code != 0
    [after] = json.loads(run("registrations", "list", "--json").output)
    assert after["status"] == "withdrawn"


def test_cli_approve_of_several_ids_does_not_stop_at_the_first_unknown_one(
    site: Any, smtp_server: Sink, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
) -> None:
    """`registrations approve 7 1` (a typo first): exit 2 at #7, and #1, a valid pending
    registration, is silently left pending; nothing says it was not handled."""
    monkeypatch.setenv("AGGREGATOR_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("AGGREGATOR_SMTP_PORT", str(smtp_server.port))
    site.set("/fablab.ics", ics("f1@fablab", "Atelier Arduino", SOON), "text/calendar")
    assert run("sources", "register", site.url("/fablab.ics"), "--name", "Fablab", "--kind",
               "association", "--city", "Épinal", "--contact", "hello@fablab.example.org"
               ).exit_code == 0
    result = run("registrations", "approve", "7", "1")
    [registration] = json.loads(run("registrations", "list", "--json").output)
    assert registration["status"] == "approved" or "#1" in result.output


# --- the admin pages ---------------------------------------------------------------------


def _log_in(web: Web) -> None:
    token = csrf(web.client, "/admin/login")
    done = web.client.post("/admin/login", data={"csrf_token": token, "password": ADMIN_TOKEN})
    assert done.status_code == 303


def test_admin_behind_a_basic_auth_proxy_answers_the_browser_with_pages_not_204(
    web: Web,  # noqa: F811
) -> None:
    """The usual way to put an admin behind nginx is `auth_basic`: the browser then sends
    `Authorization: Basic …` with every request. The admin takes any Authorization header
    for a script's: every button (approve, disable, hide…) answers 204 No Content, so the
    browser stays on the page with no sign anything happened; and /admin without the
    session answers a bare 401 instead of the login form."""
    basic = {"Authorization": "Basic b3BlcmF0b3I6cHJveHktcGFzc3dvcmQ="}
    login = web.client.get("/admin", headers=basic)
    assert login.status_code == 303 and login.headers["location"] == "/admin/login"
    _log_in(web)
    token = csrf(web.client, "/admin")
    switched = web.client.post("/admin/sources/assoc/disable", data={"csrf_token": token},
                               headers=basic)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/admin?disabled=assoc"


def test_log_out_ends_the_admin_session(web: Web) -> None:  # noqa: F811
    """"Log out" only asks the browser to drop its cookie: the signed cookie stays valid for
    the rest of its 8 hours, so a copy of it (a shared machine's cookie store, a proxy log)
    still opens /admin after the operator logged out."""
    _log_in(web)
    session = web.client.cookies.get("admin_session", path="/admin")
    assert session
    token = csrf(web.client, "/admin")
    web.client.post("/admin/logout", data={"csrf_token": token})
    web.client.cookies.set("admin_session", session, path="/admin")
    assert web.client.get("/admin").status_code == 303  # back to the login form


def test_show_again_sent_twice_does_not_tell_the_web_operator_to_run_a_command(
    web: Web,  # noqa: F811
) -> None:
    """A double click on "Show again" (or the hidden list left open in two tabs): the
    second answers 422 "events unhide: nothing hidden has #1 (see `aggregator events
    hidden`)": a shell command for an operator in a browser, where the registrations' same
    case says "already approved: reload the page" (409)."""
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    [apero] = [e for e in web.aggregator.published().events if e.title == "Apéro start-up"]
    web.client.post("/admin/events/hide", data={"uid": apero.uid}, headers=bearer)
    [(hidden_id, _, _, _)] = web.aggregator.hidden_events()
    _log_in(web)
    token = csrf(web.client, "/admin/events")
    first = web.client.post("/admin/events/unhide", data={"csrf_token": token, "id": str(hidden_id)})
    assert first.status_code == 303
    second = web.client.post("/admin/events/unhide?lang=en",
                             data={"csrf_token": token, "id": str(hidden_id)})
    assert "`aggregator" not in second.text, second.text[-600:]
    assert second.status_code in (303, 409)


class SessionLimitSink(Sink):
    """A relay that takes one message per session, then answers 421 and closes (Exchange
    Online, Gmail and many providers cap messages per connection)."""

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: Any) -> str:
        served = getattr(session, "served", 0)
        session.served = served + 1
        if served >= 1:
            return "421 4.7.0 Too many messages for this session, reconnect"
        envelope.mail_from = address
        return "250 OK"


def test_a_relay_closing_the_session_defers_only_the_message_it_refused(
    tmp_path: Path,
) -> None:
    """After a 421 the mailer keeps the connection it believes alive; smtplib has closed it,
    so the next subscriber's digest fails with "connection lost" without being tried and
    waits 30 minutes too: one subscriber in two deferred on a relay that takes one message
    a session (every 101st on one that takes 100)."""
    sink = SessionLimitSink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'aggregator.db'}", sink.port)
        for address in ("ana@example.org", "bob@example.org", "clara@example.org"):
            app.add_subscriber(address, confirmed=True)
        report = app.send_digest(WEEK)
        # ana goes out, bob meets the 421; clara should get a new session, not a dead one
        assert report.retry == ("bob@example.org",), report
        assert set(report.sent) == {"ana@example.org", "clara@example.org"}
    finally:
        controller.stop()


def test_a_dry_run_of_the_retries_lists_what_the_retries_would_send(
    smtp_server: Sink, tmp_path: Path,  # noqa: F811
) -> None:
    """`digest send --retries-only --dry-run` ignores --retries-only: before the Monday run
    it says "would send 2" while `digest send --retries-only` sends none (it never starts a
    week); the operator checking what the hourly retry will do is told the wrong thing."""
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'aggregator.db'}", smtp_server.port)
    app.add_subscriber("ana@example.org", confirmed=True)
    app.add_subscriber("bob@example.org", confirmed=True)
    planned = app.send_digest(WEEK, dry_run=True, retries_only=True)
    sent = app.send_digest(WEEK, retries_only=True)
    assert len(planned.planned) == len(sent.sent) == 0
