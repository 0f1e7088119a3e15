"""Hostile text in feeds (issue 7): HTML sanitised wherever rendered (agenda page, Atom, JSON,
web pages), text escaped in calendar.ics, and CR/LF never reaching an email header.

The digest email is the subscribers issue's (5) to test; the registration emails are here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import feedparser
import httpx
import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.config import SmtpSettings
from aggregator.core import Aggregator, make_aggregator
from aggregator.models import FeedRef
from aggregator.registrations import RegistrationError
from conftest import make_settings, make_source
from mailsink import Sink, smtp_server  # noqa: F401
from sites import SOON
from webapp import running

STAMP = SOON.strftime("%Y%m%dT%H%M%SZ")
EVIL_ICS = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//evil//EN", "BEGIN:VEVENT", "UID:evil-1@test",
    f"DTSTART:{STAMP}", "SUMMARY:<script>evil_js()</script>Evil <b>talk</b>\\; part\\, two",
    "DESCRIPTION:<img src=x onerror=evil_onerror()>Intro\\nATTACH:https://evil.example/x\\nEND:VEVENT",
    "LOCATION:<iframe src=https://evil.example></iframe>Metz",
    "URL:javascript:evil_href()", "END:VEVENT", "END:VCALENDAR", "",
]).encode()
EVIL_RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Evil</title><link>https://e.example/</link>'
    "<item><title>&lt;script&gt;evil_js()&lt;/script&gt;Evil news</title>"
    "<link>https://e.example/1</link><guid>https://e.example/1</guid>"
    "<description>&lt;p onclick=evil_onclick()&gt;Body&lt;/p&gt;&lt;a href=\"javascript:evil_href()\"&gt;x&lt;/a&gt;"
    "&lt;img src=x onerror=evil_onerror()&gt;&lt;style&gt;body{}&lt;/style&gt;&lt;iframe src=https://evil.example&gt;&lt;/iframe&gt;"
    "</description></item></channel></rss>"
).encode()
LIVE_MARKUP = [
    re.compile(r"<script[^>]*>[^<]*evil_js", re.I), re.compile(r"\bon(error|click)\s*=", re.I),
    re.compile(r"javascript:", re.I), re.compile(r"<iframe", re.I), re.compile(r"<style>body", re.I),
]


def assert_inert(text: str, where: str) -> None:
    for pattern in LIVE_MARKUP:
        assert not pattern.search(text), f"{where}: {pattern.pattern}"


@pytest.fixture
def app(feed_server: Any, tmp_path: Path, smtp_server: Sink) -> Iterator[Aggregator]:  # noqa: F811
    feed_server.set("/evil.ics", EVIL_ICS, "text/calendar")
    feed_server.set("/evil.xml", EVIL_RSS, "application/rss+xml")
    source = make_source("evil", feed_server.url("/evil.ics"), feed_server.url("/evil.xml"),
                         website="https://e.example/")
    settings = make_settings(tmp_path, (source,), admin_token="t0ken-for-tests",
                             smtp=SmtpSettings(host=smtp_server.host, port=smtp_server.port))
    aggregator = make_aggregator(settings)
    aggregator.refresh()
    aggregator.build()
    yield aggregator
    aggregator.close()


def test_html_is_inert_in_every_output_file(app: Aggregator, tmp_path: Path) -> None:
    out = tmp_path / "output"
    for name in ("index.html", "news.atom", "news.json", "events.json"):
        assert_inert((out / name).read_text(), name)
    assert "Evil" in (out / "index.html").read_text()
    [entry] = feedparser.parse((out / "news.atom").read_bytes()).entries
    assert "Body" in entry.summary and "evil" not in entry.summary
    [event] = json.loads((out / "events.json").read_text())["events"]
    assert "<" not in event["title"] + event["description"] + event["location"]


def test_text_is_escaped_in_the_calendar(app: Aggregator, tmp_path: Path) -> None:
    calendar = icalendar.Calendar.from_ical((tmp_path / "output/calendar.ics").read_bytes())
    [event] = calendar.walk("VEVENT")
    assert "ATTACH" not in event and "URL" not in event
    assert "; part, two" in str(event["SUMMARY"])
    assert "ATTACH:https://evil.example/x" in str(event["DESCRIPTION"])  # text, not a property
    for line in (tmp_path / "output/calendar.ics").read_bytes().split(b"\r\n"):
        assert not line.startswith((b"ATTACH", b"END:VEVENT\\"))


def test_web_pages_show_the_text_without_its_markup(app: Aggregator) -> None:
    with running(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        for path in ("/", "/embed", "/sources", "/sources/evil", "/calendars", "/admin/events",
                     "/news", "/admin/news", f"/?from={date.today() - timedelta(days=3)}"):
            page = client.get(path, headers={"Authorization": "Bearer t0ken-for-tests"})
            assert page.status_code == 200, path
            assert_inert(page.text, path)


def test_cr_lf_never_reaches_an_email_header(app: Aggregator, smtp_server: Sink) -> None:  # noqa: F811
    registration, problem = app.register_source(
        name="Evil\r\nBcc: victim@example.org\r\nSubject: hijacked", kind="association",
        city="Metz\nX-Injected: yes", website="https://e.example/", contact="owner@example.org",
        feeds=[FeedRef("https://e.example/feed.ics")],
    )
    assert problem is None
    app.approve_registration(registration.id)
    assert len(smtp_server.messages) == 2
    for message, (_, recipients) in zip(smtp_server.messages, smtp_server.envelopes, strict=True):
        assert recipients == ["owner@example.org"]
        assert "Bcc" not in message and "X-Injected" not in message
        assert len(message.get_all("Subject") or []) == 1 and "\n" not in str(message["Subject"])
    with pytest.raises(RegistrationError, match="contact"):
        app.register_source(name="Evil", kind="association", city="Metz", website="",
                            contact="owner@example.org\r\nBcc: victim@example.org",
                            feeds=[FeedRef("https://e.example/feed.ics")])


def test_a_stored_javascript_link_never_becomes_a_link() -> None:
    """Records stored before the parser dropped such URLs are still in databases."""
    from aggregator.dedup import merge_events
    from aggregator.models import Event

    stored = Event(uid="old@test", title="Old", start=SOON, url="javascript:evil_href()",
                   source_id="evil", feed_url="https://e.example/f.ics")
    other = Event(uid="other@test", title="Other", start=SOON, url="JAVASCRIPT://x/%0aalert(1)",
                  source_id="evil", feed_url="https://e.example/f.ics")
    merged = merge_events([stored, other], {"evil": make_source("evil")}).events
    assert [e.url for e in merged] == ["", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["http://", "HTTPS://", "https://", "ftp://", "http:/", ""]),
    st.text(st.sampled_from(list("ab.:@/?#[]\t\n 1%")), max_size=12)), min_size=1, max_size=3))
def test_a_merged_event_links_to_the_first_member_url_with_an_http_host(
        urls: list[tuple[str, str]]) -> None:
    """The link is the first member URL (representative first) that is http(s) with a host,
    as urlsplit reads it: IPv6 brackets (closed or not), tabs and newlines included."""
    from urllib.parse import urlsplit

    from aggregator.dedup.policy import merge_event
    from aggregator.models import Event

    def is_link(url: str) -> bool:
        try:
            return url.lower().startswith(("http://", "https://")) and bool(urlsplit(url).netloc)
        except ValueError:
            return False

    members = [Event(uid=f"m{i}@test", title="Meetup", start=SOON, url=scheme + rest,
                     source_id="lab", feed_url="https://lab.example/f.ics")
               for i, (scheme, rest) in enumerate(urls)]
    merged = merge_event("uid@test", members, (), {"lab": make_source("lab")})
    assert merged.url == next((m.url for m in members if is_link(m.url)), "")
