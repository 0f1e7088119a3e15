"""Security review from an attacker's side: anyone may send the registration and sign-up forms
and name any address as a feed. Each test is a real attempt against the web app under
uvicorn on a loopback port, with feeds served by the loopback feed server."""

from __future__ import annotations

import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import trustme

from aggregator.core import Aggregator
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from test_review_organiser import mailed, send  # noqa: F401  (fixture: the site, mailing)
from test_fetch_tls import _loopback, authority, trusted  # noqa: F401  (fixtures)
from test_web_pages import csrf
from test_web_subscribe import site  # noqa: F401  (fixture: the sign-up site, mail to smtp_server)
from webapp import Web, site as site_of, web  # noqa: F401  (fixture)


def test_previews_of_slow_feeds_from_many_addresses_leave_the_site_answering(
        web: Web) -> None:  # noqa: F811
    """The form's preview reads a stranger's feed in one of the server's threads (40 in all)
    until the feed's site answers: 45 previews of an address that answers slowly, sent from
    as many addresses (a rate limit per address does not see them), held every thread, and
    the organisations' page waited 12 s for one. Previews now read a few at a time; the
    others wait without a thread, or are told to come back."""
    web.feeds.set("/slow.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    web.feeds.delay("/slow.ics", 10)
    token = csrf(web.client, "/register")
    cookies = dict(web.client.cookies)
    answers: list[int] = []

    def preview(n: int) -> None:
        with httpx.Client(base_url=web.url, timeout=120, cookies=cookies) as client:
            answer = client.post("/register", headers={"X-Forwarded-For": f"198.51.100.{n}"},
                                 data={"csrf_token": token, "action": "preview",
                                       "feeds": f"{web.feeds.base_url}/slow.ics"})
            answers.append(answer.status_code)

    attackers = [threading.Thread(target=preview, args=(n,)) for n in range(1, 46)]
    for thread in attackers:
        thread.start()
    try:
        time.sleep(2)  # every preview is in, waiting on the slow site
        started = time.monotonic()
        page = web.client.get("/sources")
        waited = time.monotonic() - started
        assert page.status_code == 200
        assert waited < 3, f"the organisations' page took {waited:.1f} s"
    finally:
        for thread in attackers:
            thread.join(120)
    assert len(answers) == 45 and set(answers) <= {200, 429}, sorted(answers)
    assert 200 in answers


def test_an_ipv6_visitor_does_not_get_a_new_budget_with_each_address_of_its_network(
        web: Web) -> None:  # noqa: F811
    """A home or a server on IPv6 is handed a /64, 2^64 addresses it may use in turn: the
    admin login's ten guesses per ten minutes, counted per address, were ten per guess for
    anyone guessing the admin token from one IPv6 network. Its network is now one budget."""
    token = csrf(web.client, "/admin/login")
    codes = [web.client.post("/admin/login", data={"csrf_token": token, "password": f"guess{n}"},
                             headers={"X-Forwarded-For": f"2001:db8:7:9::{n + 1:x}"}
                             ).status_code for n in range(12)]
    assert codes == [401] * 10 + [429] * 2
    elsewhere = {"X-Forwarded-For": "2001:db8:7:a::1"}  # the next network: its own budget
    assert web.client.post("/admin/login", headers=elsewhere, data={
        "csrf_token": token, "password": "guess"}).status_code == 401


def test_a_strangers_mailbox_cannot_be_flooded_from_many_addresses(
        site: tuple[Aggregator, httpx.Client], smtp_server: Sink) -> None:  # noqa: F811
    """The sign-up form emails the address it is given: sent from a new address each time
    (a botnet, an IPv6 block), each per-address budget was fresh, and a victim's mailbox got
    one message of ours per request, as spam signed by the site. An address now gets at most
    three such messages an hour, whoever asks; the form answers as always (it tells nobody
    what was sent)."""
    app, client = site
    token = csrf(client, "/subscribe")
    for n in range(6):
        answer = client.post("/subscribe", data={"csrf_token": token,
                                                 "email": "Victim@example.org" if n % 2
                                                 else "victim@example.org"},
                             headers={"X-Forwarded-For": f"198.51.100.{n + 1}"})
        assert answer.status_code == 200
        assert "confirmez avec le lien envoyé à votre adresse" in answer.text
    assert len(smtp_server.to("victim@example.org")) == 3
    client.post("/subscribe", data={"csrf_token": token, "email": "other@example.org"},
                headers={"X-Forwarded-For": "198.51.100.99"})
    assert len(smtp_server.to("other@example.org")) == 1  # another mailbox: its own three


def test_a_feed_that_takes_long_to_parse_holds_a_preview_seconds_not_a_minute(
        web: Web) -> None:  # noqa: F811
    """A preview parses its feeds in the web server's own process, one of the few reads at
    once: a 10 MB body of ``<a `` (the size cap lets it through) held it for a minute of
    processor time, ten such addresses for ten, so that four forms kept every organiser from
    previewing or registering. A form's feed now gets ten seconds, far more than a real feed
    takes, and the organiser reads why it was stopped."""
    hostile = b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
    web.feeds.set("/tags.xml", hostile + b"<a " * 3_300_000, "application/rss+xml")
    token = csrf(web.client, "/register?lang=en")
    started = time.monotonic()
    answer = web.client.post("/register?lang=en", timeout=300, data={
        "csrf_token": token, "action": "preview", "feeds": f"{web.feeds.base_url}/tags.xml"})
    took = time.monotonic() - started
    assert answer.status_code == 200
    assert "reading the body took over 10 s of processor time" in answer.text, answer.text
    assert took < 30, f"the preview took {took:.0f} s"  # ten seconds of its thread's time


def test_credentials_of_an_https_feed_never_follow_a_redirect_to_plain_http(
        trusted: trustme.CA) -> None:  # noqa: F811
    """A private calendar given as https://user:secret@host/cal.ics whose server (or a
    misconfigured proxy in front of it) answers 301 to http:// on the same host: the
    credentials went with the next hop, in clear text for anyone on the way to read. They
    follow a redirect on the same host only while it stays encrypted; the plain hop is asked
    without them (and answers 401, as it should)."""
    from aggregator.fetch import FetchRequest, fetch_feeds
    from aggregator.models import FetchResult
    from misbehaving import body, misbehaving_server

    leaked: list[str] = []
    with misbehaving_server() as plain:
        def private(handler):  # type: ignore[no-untyped-def]
            leaked.append(handler.headers.get("Authorization", ""))
            body(b"who are you?", "text/plain", 401)(handler)

        plain.route("/cal.ics", private)
        port = plain.server.server_address[1]

        class _Moved(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                self.send_response(301)
                self.send_header("Location", f"http://feeds.example:{port}/cal.ics")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return None

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        trusted.issue_cert("feeds.example").configure_cert(context)
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Moved)
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        try:
            url = f"https://team:s3cret@feeds.example:{server.server_address[1]}/cal.ics"
            [result] = fetch_feeds([FetchRequest(url)], allow_private=True, resolver=_loopback)
        finally:
            server.shutdown()
            server.server_close()
    assert leaked == [""], leaked  # the plain hop was asked, without the credentials
    assert not isinstance(result, FetchResult) and result.status_code == 401


def test_a_contacts_mailbox_cannot_be_flooded_through_the_lost_link_form(
        mailed: Web, smtp_server: Sink) -> None:  # noqa: F811
    """'I lost my link' emails the private link to the contact of every registration with
    the address typed: asked from a new address each time, an organisation's contact got one
    email per request. It now gets at most three an hour, whoever asks; the form answers the
    same, registered or not."""
    assert send(mailed, "/register").status_code == 200
    contact = "hello@asso.example.org"
    before = len(smtp_server.to(contact))
    token = csrf(mailed.client, "/manage")
    for n in range(6):
        answer = mailed.client.post("/manage", data={"csrf_token": token, "email": contact},
                                    headers={"X-Forwarded-For": f"198.51.100.{n + 1}"})
        assert answer.status_code == 200
    assert len(smtp_server.to(contact)) - before == 3


def test_a_feed_of_series_slow_to_walk_holds_a_preview_seconds_not_minutes(
        web: Web) -> None:  # noqa: F811
    """The preview shows a feed's next three dates, which asks every series of the feed for
    its next date, outside the parse's budget: 600 daily series since 1600 that fall only on
    a Monday 29 February (valid, rare: 2044) took 160 s of the web server's processor time,
    the 20,000 a feed may hold hours. The dates are now looked for within the same ten
    seconds; the feed is still found, without next dates."""
    series = "".join(
        f"BEGIN:VEVENT\r\nUID:s{n}@x\r\nDTSTART:16000101T100000Z\r\nSUMMARY:Rare {n}\r\n"
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO\r\nEND:VEVENT\r\n"
        for n in range(600))
    web.feeds.set("/rare.ics", f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\n{series}"
                  "END:VCALENDAR\r\n".encode(), "text/calendar")
    token = csrf(web.client, "/register?lang=en")
    started = time.monotonic()
    answer = web.client.post("/register?lang=en", timeout=600, data={
        "csrf_token": token, "action": "preview", "feeds": f"{web.feeds.base_url}/rare.ics"})
    took = time.monotonic() - started
    assert answer.status_code == 200 and "600 events" in answer.text, answer.text
    assert took < 60, f"the preview took {took:.0f} s"  # ten seconds of its own thread's time


def test_a_site_served_over_https_tells_browsers_to_keep_to_https(
        feed_server: Any, tmp_path: Path, web: Web) -> None:  # noqa: F811
    """Behind https:// (AGGREGATOR_BASE_URL), the pages never said to stay on it: a visitor
    typing the address, or following an old http:// link, on a café's network could be held
    on plain http:// by whoever runs it and read the admin's password as it is typed.
    Every answer now says Strict-Transport-Security for a year (not for other subdomains,
    which are not ours to bind); a site on plain http:// says nothing."""
    with site_of(feed_server, tmp_path / "tls", base_url="https://agenda.example.org") as secure:
        for path in ("/", "/embed", "/admin/login", "/calendar.ics", "/no-such-page"):
            answer = secure.client.get(path)
            assert answer.headers.get("strict-transport-security") == "max-age=31536000", path
    assert "strict-transport-security" not in web.client.get("/").headers
