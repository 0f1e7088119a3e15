"""A small three-source site on the loopback feed server, used by the end-to-end CLI tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from aggregator.cli import cli
from aggregator.core import make_aggregator

SOON = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
STAMP = SOON.strftime("%Y%m%dT%H%M%SZ")


def ics(uid: str, title: str, start: datetime, url: str = "", extra: str = "") -> bytes:
    """A small Google-style calendar with one event per call site."""
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "X-WR-CALNAME:Test", "X-WR-TIMEZONE:Europe/Paris", "BEGIN:VEVENT",
        f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}",
        f"DTEND:{(start + timedelta(hours=2)).strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTAMP:{STAMP}", f"UID:{uid}", f"SUMMARY:{title}",
        "LOCATION:TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz",
    ]
    if url:
        lines.append(f"URL:{url}")
    if extra:
        lines.append(extra)
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines).encode()


def one_calendar(*calendars: bytes) -> bytes:
    """The VEVENTs of several one-event calendars (``sites.ics``) in one calendar."""
    head = calendars[0][:calendars[0].index(b"BEGIN:VEVENT")]
    events = [c[c.index(b"BEGIN:VEVENT"):c.index(b"END:VCALENDAR")] for c in calendars]
    return head + b"".join(events) + b"END:VCALENDAR\r\n"


def rss_feed(items: str, title: str = "News", site: str = "https://news.example.org/") -> bytes:
    """An RSS 2.0 feed called ``title`` of the site ``site`` around ``items`` (<item>s)."""
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{title}</title><link>{site}</link><description>d</description>{items}"
            "</channel></rss>").encode()


def rss_date(when: datetime) -> str:
    """``when`` as RSS's pubDate writes it (RFC 822: "Fri, 04 Dec 2026 16:00:00 +0000")."""
    return format_datetime(when)


def rss(*titles: str) -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>https://news.example.org/{i}</link>"
        f"<guid>https://news.example.org/{i}</guid>"
        f"<pubDate>{rss_date(datetime.now(timezone.utc) - timedelta(days=i + 1))}</pubDate>"
        f"<description>&lt;p&gt;About {t}&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description></item>"
        for i, t in enumerate(titles)
    )
    return rss_feed(items)


@pytest.fixture
def site(feed_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Three sources on the loopback server, one event cross-posted by two of them."""
    feed_server.set("/lab.ics", ics("talk-1@lab", "Rencontre IA", SOON, "https://lab.example.org/talk-1"), "text/calendar")
    feed_server.set("/venue.ics", ics("blida-99@venue", "Rencontre IA", SOON, "https://lab.example.org/talk-1/?utm_source=x"), "text/calendar")
    feed_server.set("/assoc.ics", ics("meetup-7@assoc", "Apéro start-up", SOON + timedelta(days=1)), "text/calendar")
    feed_server.set("/news.xml", rss("Appel à projets", "Nouveau labo"), "application/rss+xml")
    base = feed_server.base_url
    (tmp_path / "sources.yaml").write_text(f"""
sources:
  - {{id: lab, name: Le Lab, kind: lab, city: Nancy, country: FR, tags: [ai],
     feeds: [{{url: "{base}/lab.ics"}}, {{url: "{base}/news.xml"}}]}}
  - {{id: venue, name: La Venue, kind: venue, city: Metz, country: FR,
     feeds: [{{url: "{base}/venue.ics", type: ical}}]}}
  - {{id: assoc, name: L'Asso, kind: association, city: Metz, country: FR, tags: [startup],
     feeds: [{{url: "{base}/assoc.ics"}}]}}
""", encoding="utf-8")
    from conftest import migrated_sqlite  # conftest imports this module

    (tmp_path / "data").mkdir()
    migrated_sqlite(tmp_path / "data" / "aggregator.db")  # where the commands' store is
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.delenv("AGGREGATOR_CONFIG", raising=False)
    monkeypatch.delenv("AGGREGATOR_DB", raising=False)
    monkeypatch.delenv("AGGREGATOR_OUTPUT", raising=False)
    return feed_server


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def one_event_feeds(feed_server: Any, tmp_path: Path, count: int) -> Any:
    """An Aggregator over one source with ``count`` .ics feeds on the loopback server, one
    upcoming event each: from PARALLEL_PARSE_MIN feeds on, a refresh parses in its pool."""
    from conftest import make_settings, make_source  # conftest imports this module

    paths = [f"/feed{n}.ics" for n in range(count)]
    for n, path in enumerate(paths):
        feed_server.set(path, ics(f"e{n}@lab", f"Atelier {n}", SOON), "text/calendar")
    source = make_source("lab", *(feed_server.url(p) for p in paths))
    return make_aggregator(make_settings(tmp_path, (source,)))
