"""A subscriber's mail as its mail client and its operator meet it: the digest's headers, and
an SMTP relay that refuses our settings (login, TLS) over a real aiosmtpd server, the CLI
run as its own process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from aiosmtpd.smtp import AuthResult, LoginPassword

from aggregator.cli import cli
from digest_site import WEEK, Clock, digest_app, close_apps  # noqa: F401
from mailsink import Sink, free_port, smtp_server  # noqa: F401
from digest_site import cli_environment, on_mondays

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def aggregator(*args: str, env: dict[str, str | None], process: bool = False) -> Ran:
    """The CLI; ``process``: in a process of its own, as a cron job runs it (3 s to start
    on a loaded machine: the other runs go through click's runner, in this process)."""
    if process:
        done = subprocess.run([sys.executable, "-m", "aggregator", *args], cwd=REPO,
                              env={k: v for k, v in env.items() if v is not None},
                              capture_output=True, text=True, timeout=120)
        return Ran(done.returncode, done.stdout, done.stderr)
    result = CliRunner().invoke(cli, list(args), env=env)
    return Ran(result.exit_code, result.stdout, result.stderr)


def accept_only(login: bytes, password: bytes) -> Any:
    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                     data: LoginPassword) -> AuthResult:
        return AuthResult(success=(data.login, data.password) == (login, password),
                          handled=False)
    return authenticate


@pytest.fixture
def login_relay() -> Iterator[Sink]:
    """A relay that takes mail from the login ``digest``/``right`` alone (no TLS: loopback)."""
    sink = Sink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port,
                            authenticator=accept_only(b"digest", b"right"),
                            auth_require_tls=False)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.mark.parametrize(("setting", "told"), [
    ({"AGGREGATOR_SMTP_PASSWORD": "wrong"},
     "refused the login of digest: 535 5.7.8 Authentication credentials invalid: check "
     "AGGREGATOR_SMTP_USER and AGGREGATOR_SMTP_PASSWORD"),
    ({"AGGREGATOR_SMTP_SECURITY": "starttls"},
     "does not offer STARTTLS (STARTTLS extension not supported by server.): set "
     "AGGREGATOR_SMTP_SECURITY to tls"),
    ({"AGGREGATOR_SMTP_SECURITY": "tls"},
     "does not speak TLS from the start"),
])
def test_a_relay_refusing_our_login_or_tls_stops_the_run_and_names_the_setting(
    login_relay: Sink, tmp_path: Path, setting: dict[str, str], told: str,
) -> None:
    """A wrong password (or TLS mode) was each subscriber's "unreachable" retry: the run went
    on claiming everyone, each rerun (the hourly retry job's too) used an attempt, and after
    six the week's digest was lost for all, the operator never told which setting to fix."""
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = digest_app(tmp_path, db_url, login_relay.port, Clock())
    for address in ("ana@example.org", "bob@example.org", "clara@example.org"):
        app.add_subscriber(address, confirmed=True)
    env = cli_environment(tmp_path, db_url, login_relay.port) | {
        "AGGREGATOR_SMTP_USER": "digest", "AGGREGATOR_SMTP_PASSWORD": "right"} | setting

    for rerun in (False, True):  # the hourly retry job meets the same refusal
        run = aggregator("digest", "send", "--week", WEEK, "--any-week", env=env,
                         process=not rerun and "AGGREGATOR_SMTP_PASSWORD" in setting)
        assert run.returncode == 1, run.stderr
        assert f"stopped: SMTP server 127.0.0.1:{login_relay.port} {told}" in run.stderr
        assert f"3 digests of {WEEK} kept to retry, none counted as failed" in run.stderr, run.stderr
        ledger = app.store.deliveries(WEEK)
        assert sorted((d.state, d.attempts) for d in ledger) == [("retry", 0)] * 3
        assert {(s.status, s.hard_bounces) for s in app.store.subscribers()} == {
            ("confirmed", 0)}
    signup = aggregator("subscribers", "add", "dan@example.org", env=env)
    assert signup.returncode == 0 and told in " ".join(signup.stderr.split())

    fixed = env | {"AGGREGATOR_SMTP_PASSWORD": "right", "AGGREGATOR_SMTP_SECURITY": "none"}
    done = aggregator("digest", "send", "--week", WEEK, "--any-week", "--retries-only",
                      env=fixed)
    assert done.returncode == 0, done.stderr
    assert sorted(m["To"] for m in login_relay.messages) == [
        "ana@example.org", "bob@example.org", "clara@example.org"]


class RawSink(Sink):
    """The sink, keeping each message's bytes as they came over the wire too."""

    raw: list[bytes]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.content)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def raw_sink() -> Iterator[RawSink]:
    sink = RawSink()
    sink.raw, sink.port = [], free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


def test_each_message_says_its_language_and_that_no_one_should_answer_it(
    raw_sink: RawSink, tmp_path: Path,
) -> None:
    """Vacation responders answered every digest ("I am away until…", to our From): they
    skip mail marked Precedence: bulk, which it was not; nor did a message say its language
    (Content-Language), which mail clients' "translate this message" and screen readers read.
    The links stay absolute under a base URL with a path, and every line within 998 octets."""
    base = "https://example.org/agenda"
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", raw_sink.port,
                     base_url=base)
    for address, language in (("ana@example.org", "fr"), ("bob@example.org", "en"),
                              ("clara@example.org", "de")):
        app.add_subscriber(address, language=language, confirmed=True)
    app.add_subscriber("dan@example.org", language="de")  # its confirmation email
    assert len(app.send_digest(WEEK).sent) == 3

    by_address = {m["To"]: m for m in raw_sink.messages}
    confirmation = by_address["dan@example.org"]
    assert confirmation["Content-Language"] == "de"
    assert confirmation["Auto-Submitted"] == "auto-generated"
    assert confirmation["Subject"] == "Bestätigen Sie Ihr Abonnement der Wochenagenda"
    assert f"{base}/confirm/" in confirmation.get_content()
    for address, language in (("ana@example.org", "fr"), ("bob@example.org", "en"),
                              ("clara@example.org", "de")):
        digest = by_address[address]
        assert digest["Content-Language"] == language
        assert digest["Precedence"] == "bulk" and digest["Auto-Submitted"] == "auto-generated"
        text = digest.get_body(("plain",))
        assert text is not None
        assert f"{base}/unsubscribe/" in text.get_content()
        assert "webcal://example.org/agenda/calendars/mine/" in text.get_content()
    for raw in raw_sink.raw:
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert head.isascii() and max(map(len, raw.split(b"\r\n"))) <= 998


class DataRefusingSink(Sink):
    """A relay that takes the recipient, then refuses the message after DATA."""

    answers: dict[str, str]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for address in envelope.rcpt_tos:
            if address in self.answers:
                return self.answers[address]
        return await super().handle_DATA(server, session, envelope)


def test_a_message_refused_after_data_is_not_the_subscribers_bounce(tmp_path: Path) -> None:
    """Amazon SES answers "554 Message rejected: Email address is not verified" after DATA,
    a spam filter "554 5.7.1": the message, or our account, is refused, not the address.
    Each counted as the subscriber's hard bounce, and three Mondays suspended the whole list.
    A refusal naming the mailbox (5.1.1, 5.2.x) still counts."""
    sink = DataRefusingSink()
    sink.port, sink.answers = free_port(), {
        "ana@example.org": "554 Message rejected: Email address is not verified.",
        "bob@example.org": "554 5.7.1 Message rejected as spam",
        "gone@example.org": "550 5.1.1 <gone@example.org>: user unknown"}
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        clock = Clock()
        app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", sink.port, clock)
        for address in ("ana@example.org", "bob@example.org", "gone@example.org",
                        "clara@example.org"):
            app.add_subscriber(address, confirmed=True)
        reports = on_mondays(app, clock, "2026-W50", "2026-W51", "2026-W52")
        assert [r.sent for r in reports] == [("clara@example.org",)] * 3
        assert [r.suspended for r in reports] == [(), (), ("gone@example.org",)]
        assert "554 Message rejected: Email address is not verified. (1 digest)" in (
            reports[0].problems)
        state = {s.email: (s.status, s.hard_bounces) for s in app.store.subscribers()}
        assert state == {"ana@example.org": ("confirmed", 0), "bob@example.org": ("confirmed", 0),
                         "gone@example.org": ("suspended", 3),
                         "clara@example.org": ("confirmed", 0)}
        sink.answers = {}  # the account verified, the filter mended
        assert on_mondays(app, clock, "2026-W53")[0].sent == (
            "ana@example.org", "bob@example.org", "clara@example.org")
    finally:
        controller.stop()


def test_a_reader_suspended_after_bounces_signs_up_again_from_the_form(
    smtp_server: Sink, tmp_path: Path,
) -> None:
    """Its mailbox was full three Mondays running, then mended: the form answered "check
    your mail" and sent nothing, and no digest came either, with no way back but an old
    digest's link. It gets the confirmation link, and the digest once it confirms."""
    import re

    import httpx

    from webapp import running

    clock = Clock()
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", smtp_server.port,
                     clock, base_url="http://agenda.example.org")
    app.add_subscriber("ana@example.org", language="en", confirmed=True)
    smtp_server.hard.add("ana@example.org")
    on_mondays(app, clock, "2026-W50", "2026-W51", "2026-W52")
    assert app.store.subscriber(email="ana@example.org").status == "suspended"  # type: ignore[union-attr]
    smtp_server.hard.clear()

    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        form = client.get("/subscribe?lang=en").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        answer = client.post("/subscribe?lang=en", data={
            "csrf_token": token, "email": "ana@example.org", "language": "en"})
        assert answer.status_code == 200 and "Almost done" in answer.text
        [mail] = smtp_server.to("ana@example.org")
        link = re.search(r"http://agenda\.example\.org(/confirm/\S+)", mail.get_content())
        assert link
        done = client.post(link.group(1), data={"csrf_token": token})
        assert done.status_code == 200
    assert on_mondays(app, clock, "2026-W53")[0].sent == ("ana@example.org",)


def test_a_confirmation_link_left_30_days_stops_working_and_a_new_sign_up_revives_it(
    smtp_server: Sink, tmp_path: Path,
) -> None:
    """README and docs/operating.md promise that an unconfirmed sign-up's link stops working after 30 days;
    only the daemon's nightly housekeeping made it so, and under `serve` and a cron job a
    link confirmed an address months later. Signing up again sends a link that works."""
    import re
    from datetime import timedelta

    import httpx

    from webapp import running

    clock = Clock()
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", smtp_server.port,
                     clock, base_url="http://agenda.example.org")
    app.add_subscriber("ana@example.org", language="de")
    [mail] = smtp_server.messages
    link = re.search(r"http://agenda\.example\.org(/confirm/\S+)", mail.get_content())
    assert link
    clock.now += timedelta(days=31)
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        page = client.get(link.group(1))
        assert page.status_code == 404 and "<button" not in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"',  # type: ignore[union-attr]
                          client.get("/subscribe").text).group(1)
        assert client.post(link.group(1), data={"csrf_token": token}).status_code == 404
        assert app.store.subscriber(email="ana@example.org").status == "pending"  # type: ignore[union-attr]
        app.add_subscriber("ana@example.org", language="de")  # signs up again
        assert len(smtp_server.messages) == 2
        assert client.post(link.group(1), data={"csrf_token": token}).status_code == 200
    assert app.store.subscriber(email="ana@example.org").status == "confirmed"  # type: ignore[union-attr]


def test_a_dead_link_says_so_in_german(smtp_server: Sink, tmp_path: Path) -> None:
    """"Dieser Link ist (nicht mehr) gültig" reads "this link is valid" without its
    parenthesis: a German reader of an old digest's link was told it worked."""
    import httpx

    from webapp import running

    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", smtp_server.port)
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        for path in ("/unsubscribe/", "/preferences/", "/confirm/"):
            page = client.get(f"{path}no-such-token-anywhere?lang=de")
            assert page.status_code == 404 and "Dieser Link ist nicht (mehr) gültig." in page.text


def test_a_sign_up_whose_confirmation_cannot_go_is_logged_for_the_operator(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, login_relay: Sink,
) -> None:
    """With the relay refusing our login, each visitor was asked to try again, and the
    operator's log (`serve`, `run`) said nothing: sign-ups failed for days unnoticed."""
    import dataclasses
    import logging
    import re

    import httpx

    from webapp import running

    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", login_relay.port,
                     base_url="http://agenda.example.org")
    app.settings = dataclasses.replace(app.settings, smtp=dataclasses.replace(
        app.settings.smtp, user="digest", password="wrong"))
    with caplog.at_level(logging.WARNING), running(app) as url, httpx.Client(
            base_url=url, timeout=30) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"',  # type: ignore[union-attr]
                          client.get("/subscribe").text).group(1)
        answer = client.post("/subscribe", data={"csrf_token": token,
                                                 "email": "ana@example.org"})
        assert answer.status_code == 503
    [record] = [r for r in caplog.records if "confirmation email not sent" in r.getMessage()]
    assert record.levelno == logging.WARNING
    assert "check AGGREGATOR_SMTP_USER and AGGREGATOR_SMTP_PASSWORD" in record.getMessage()


def test_the_operator_reads_which_address_was_refused_and_why(
    smtp_server: Sink, tmp_path: Path,
) -> None:
    """"failed: a@…", "failed: b@…", then "not sent: 550 …" and "not sent: 552 …": which
    address met which refusal was nowhere (nor in `subscribers list`)."""
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = digest_app(tmp_path, db_url, smtp_server.port)
    for address in ("ok@example.org", "grey@example.org", "gone@example.org"):
        app.add_subscriber(address, confirmed=True)
    smtp_server.soft.add("grey@example.org")
    smtp_server.hard.add("gone@example.org")
    run = aggregator("digest", "send", "--week", WEEK, "--any-week",
                     env=cli_environment(tmp_path, db_url, smtp_server.port))
    assert run.returncode == 0, run.stderr
    assert f"{WEEK}: sent 1, to retry 1, failed 1" in run.stdout
    assert "failed: gone@example.org: 550 5.1.1 no such mailbox\n" in run.stderr
    assert [m["To"] for m in smtp_server.messages] == ["ok@example.org"]
    # the greylisted one: an operator whose cron job runs `digest send` weekly never sent it
    assert ("1 to retry after a temporary refusal: they go with a `digest send` run from 30 "
            "minutes on") in run.stderr


@pytest.mark.parametrize(("base_url", "told"), [
    (None, "AGGREGATOR_BASE_URL is http://127.0.0.1:8000: every link of the digest, its "
           "unsubscribe link too, leads to this machine"),
    ("http://agenda.example.org", "AGGREGATOR_BASE_URL is http://agenda.example.org: mail "
                                  "providers (Gmail, Yahoo) offer their one-click unsubscribe "
                                  "only for an https address"),
])
def test_the_operator_is_warned_when_the_digests_links_cannot_serve_its_readers(
    smtp_server: Sink, tmp_path: Path, base_url: str | None, told: str,
) -> None:
    """AGGREGATOR_BASE_URL forgotten, every digest went out with its unsubscribe link, its
    List-Unsubscribe and every event's link at http://127.0.0.1:8000, and not a word said."""
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = digest_app(tmp_path, db_url, smtp_server.port)
    app.add_subscriber("ana@example.org", confirmed=True)
    env = cli_environment(tmp_path, db_url, smtp_server.port)
    env["AGGREGATOR_BASE_URL"] = base_url  # None: unset
    for dry in (["--dry-run"], []):
        run = aggregator("digest", "send", "--week", WEEK, "--any-week", *dry, env=env)
        assert run.returncode == 0 and f"warning: {told}" in run.stderr, run.stderr
    https = cli_environment(tmp_path, db_url, smtp_server.port)  # https://agenda.example.org
    sent = aggregator("digest", "send", "--week", WEEK, "--any-week", env=https)
    assert "warning" not in sent.stderr


def test_a_relay_whose_certificate_we_cannot_trust_says_how_to_trust_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An internal relay with its own authority: "unreachable: certificate verify failed",
    every digest's attempt used; the run stops and says which settings make it trusted, and
    once SSL_CERT_FILE names that authority (OpenSSL reads it) the digests go."""
    import dataclasses
    import ssl

    import trustme

    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    relay = Sink()
    relay.port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=relay.port,
                            tls_context=server_context, require_starttls=True)
    controller.start()
    try:
        app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", relay.port)
        app.settings = dataclasses.replace(app.settings, smtp=dataclasses.replace(
            app.settings.smtp, security="starttls"))
        app.add_subscriber("ana@example.org", confirmed=True)
        report = app.send_digest(WEEK)
        assert "has a certificate we cannot trust ([SSL: CERTIFICATE_VERIFY_FAILED]" in (
            report.stopped)
        assert "set SSL_CERT_FILE to that authority's certificate" in report.stopped
        assert [(d.state, d.attempts) for d in app.store.deliveries(WEEK)] == [("retry", 0)]
        with authority.cert_pem.tempfile() as ca_file:
            monkeypatch.setenv("SSL_CERT_FILE", ca_file)
            assert app.send_digest(WEEK).sent == ("ana@example.org",)
    finally:
        controller.stop()


@pytest.mark.parametrize("language", ["fr", "en", "de"])
def test_the_confirmation_email_names_the_button_the_page_shows(
    smtp_server: Sink, tmp_path: Path, language: str,
) -> None:
    """The email said to press « Confirmer », "Confirm", „Bestätigen“; the page's button
    reads "Confirmer mon abonnement", "Confirm my subscription", "Abonnement bestätigen"."""
    import re

    import httpx

    from webapp import running

    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", smtp_server.port,
                     base_url="http://agenda.example.org")
    app.add_subscriber("ana@example.org", language=language)
    [mail] = smtp_server.messages
    body = mail.get_content()
    link = re.search(r"http://agenda\.example\.org(/confirm/\S+)", body)
    assert link
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        page = client.get(link.group(1)).text
    button = re.search(r"<button[^>]*>\s*([^<]+?)\s*</button>", page)
    assert button and button.group(1) in body, (button, body)


def test_a_base_url_with_accents_gives_links_every_mail_client_follows(
    smtp_server: Sink, tmp_path: Path,
) -> None:
    """AGGREGATOR_BASE_URL=https://agenda.épinal.fr/événements: the List-Unsubscribe header
    could not be written, the run died at its first subscriber with a traceback, and its
    claim, left "sending", was closed as failed: one reader's week lost at each run."""
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", smtp_server.port,
                     base_url="https://agenda.épinal.fr/événements")
    subscriber, _ = app.add_subscriber("ana@example.org", confirmed=True)
    assert app.send_digest(WEEK).sent == ("ana@example.org",)
    [digest] = smtp_server.messages
    base = "https://agenda.xn--pinal-9ra.fr/%C3%A9v%C3%A9nements"
    assert digest["List-Unsubscribe"] == f"<{base}/unsubscribe/{subscriber.token}>"
    text = digest.get_body(("plain",))
    assert text is not None and f"{base}/preferences/{subscriber.token}" in text.get_content()


def test_a_sender_at_an_accented_domain_sends(smtp_server: Sink, tmp_path: Path) -> None:
    """AGGREGATOR_MAIL_FROM="Agenda d'Épinal <digest@épinal.fr>": the From header could not
    be written (and smtplib cannot say MAIL FROM with it): the run died at its first reader."""
    db_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = digest_app(tmp_path, db_url, smtp_server.port)
    app.add_subscriber("ana@example.org", confirmed=True)
    env = cli_environment(tmp_path, db_url, smtp_server.port) | {
        "AGGREGATOR_MAIL_FROM": "Agenda d'Épinal <digest@épinal.fr>"}
    assert aggregator("subscribers", "add", "bob@example.org", env=env).returncode == 0
    run = aggregator("digest", "send", "--week", WEEK, "--any-week", env=env)
    assert run.returncode == 0 and f"{WEEK}: sent 1" in run.stdout, run.stderr
    assert [sender for sender, _ in smtp_server.envelopes] == ["digest@xn--pinal-9ra.fr"] * 2
    assert {str(m["From"]) for m in smtp_server.messages} == {
        "Agenda d'Épinal <digest@xn--pinal-9ra.fr>"}
    from aggregator.config import build_settings
    from aggregator.errors import ConfigError

    with pytest.raises(ConfigError, match="the part before @ must be ASCII"):
        build_settings((), None, {"AGGREGATOR_MAIL_FROM": "agenda-épinal@example.org"})


def test_a_relay_down_for_a_day_loses_nobodys_digest_of_the_week(tmp_path: Path) -> None:
    """The relay unreachable (restarted, its host down): each run, and each hourly retry,
    used one attempt of every subscriber's, and after the sixth, 7.5 hours on, the week's
    digest was "failed" for the whole list although no message ever left. Now the run stops
    at the first unreachable connection, uses nobody's attempt, and the digests go once the
    relay answers, later the same week."""
    port = free_port()  # nothing listens there yet
    clock = Clock()
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", port, clock)
    for address in ("ana@example.org", "bob@example.org", "clara@example.org"):
        app.add_subscriber(address, confirmed=True)

    first = app.send_digest(WEEK)
    assert first.sent == () and first.failed == ()
    assert f"SMTP server 127.0.0.1:{port} unreachable" in first.stopped
    assert f"3 digests of {WEEK} kept to retry, none counted as failed" in first.stopped
    assert "tries again every hour" in first.stopped
    for _ in range(24):  # a day of the daemon's hourly retries against the dead relay
        clock.now += timedelta(hours=1)
        again = app.send_digest(WEEK, retries_only=True)
        assert again.failed == () and again.stopped, again
    assert sorted((d.state, d.attempts) for d in app.store.deliveries(WEEK)) == [
        ("retry", 0)] * 3

    sink = Sink()
    sink.port = port
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        clock.now += timedelta(hours=1)
        back = app.send_digest(WEEK, retries_only=True)
    finally:
        controller.stop()
    assert sorted(back.sent) == ["ana@example.org", "bob@example.org", "clara@example.org"]
    assert not back.stopped and len(sink.messages) == 3
