"""A small published site for the digest tests: events.json and news.json as a build writes them.

Week 2026-W50 starts on Monday 7 December 2026. Nancy, Metz and Luxembourg sources; one event
posted by two sources, one cancelled, one weekly series, one too far ahead, one hostile title.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from aggregator.config import Settings
from aggregator.core import Aggregator, make_aggregator
from aggregator.digest import parse_week
from aggregator.digests import DigestReport
from aggregator.models import FeedRef, Source
from conftest import command_line_environment, make_settings

WEEK = "2026-W50"
"""The site's week. The CLI reads the real clock, to which this week is as far as the day the
suite runs: a test that sends it through the CLI says `--any-week`."""
MONDAY_MORNING = datetime.fromisoformat("2026-12-07T07:00:00+01:00")
BASE_URL = "https://agenda.example.org"
MAIL_FROM = "Agenda numérique <digest@agenda.example.org>"

SOURCES = (
    Source(id="lab", name="Le Lab", kind="lab", city="Nancy", country="FR", tags=("ai",),
           feeds=(FeedRef("https://lab.example.org/events.ics"),)),
    Source(id="venue", name="La Venue", kind="venue", city="Metz", country="FR",
           feeds=(FeedRef("https://venue.example.org/events.ics"),)),
    Source(id="assoc", name="L'Asso", kind="association", city="Metz", country="FR",
           tags=("startup",), feeds=(FeedRef("https://assoc.example.org/events.ics"),)),
    Source(id="lux", name="Lux Tech", kind="company", city="Luxembourg", country="LU",
           feeds=(FeedRef("https://lux.example.org/events.ics"),)),
)


def event(uid: str, title: str, start: str, end: str | None, city: str, *sources: str,
          status: str = "CONFIRMED", rrule: str | None = None, location: str = "") -> dict[str, Any]:
    return {
        "uid": uid, "title": title, "start": start, "end": end, "all_day": len(start) == 10,
        "timezone": "Europe/Paris", "location": location or f"Centre, {city}", "city": city,
        "url": f"https://example.org/{uid}", "description": "", "status": status,
        "categories": [], "rrule": rrule,
        "sources": [{"source": s, "feed": f"https://{s}.example.org/events.ics",
                     "uid": f"{uid}@{s}", "url": f"https://example.org/{uid}"} for s in sources],
    }


EVENTS = [
    event("rencontre-ia", "Rencontre IA", "2026-12-07T18:30:00+01:00", "2026-12-07T20:00:00+01:00",
          "Nancy", "lab", "venue"),
    event("apero", "Apéro start-up", "2026-12-08T19:00:00+01:00", None, "Metz", "assoc"),
    event("atelier", "Atelier impression 3D", "2026-12-09T14:00:00+01:00", None, "Metz", "venue",
          status="CANCELLED"),
    event("cafe-code", "Café code", "2026-11-03T12:00:00+01:00", "2026-11-03T13:00:00+01:00",
          "Luxembourg", "lux", rrule="FREQ=WEEKLY;COUNT=10"),
    event("salon", "Salon de l'emploi", "2026-12-28", "2026-12-29", "Metz", "venue"),
    event("evil", "Evil\r\nBcc: victim@example.org <script>alert(1)</script>",
          "2026-12-10T10:00:00+01:00", None, "Nancy", "lab"),
]

NEWS = [
    {"id": "n1", "title": "Appel à projets IA", "link": "https://lab.example.org/news/1",
     "published": "2026-12-03T09:00:00+00:00", "summary": "<p>Déposez vos <b>projets</b>.</p>",
     "sources": [{"source": "lab", "feed": "https://lab.example.org/news.xml", "guid": "1",
                  "link": "https://lab.example.org/news/1"}]},
    {"id": "n2", "title": "Vieille nouvelle", "link": "https://lab.example.org/news/0",
     "published": "2026-11-20T09:00:00+00:00", "summary": "",
     "sources": [{"source": "lab", "feed": "https://lab.example.org/news.xml", "guid": "0",
                  "link": "https://lab.example.org/news/0"}]},
    {"id": "n3", "title": "Nouveau local à Metz", "link": "https://assoc.example.org/local",
     "published": "2026-12-05T09:00:00+00:00", "summary": "",
     "sources": [{"source": "assoc", "feed": "https://assoc.example.org/news.xml", "guid": "3",
                  "link": "https://assoc.example.org/local"}]},
]


def write_site(output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    stamp = "2026-12-06T12:00:00+00:00"
    (output / "events.json").write_text(json.dumps({"generated_at": stamp, "events": EVENTS}))
    (output / "news.json").write_text(json.dumps({"generated_at": stamp, "items": NEWS}))


class Clock:
    """A settable clock: retries and bounces are tested across weeks without waiting."""

    def __init__(self, now: datetime = MONDAY_MORNING) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def digest_settings(tmp_path: Path, db_url: str, smtp_port: int = 25,
                    base_url: str = BASE_URL) -> Settings:
    settings = make_settings(tmp_path, SOURCES, db_url, base_url=base_url)
    from dataclasses import replace

    return replace(settings, smtp=replace(settings.smtp, host="127.0.0.1", port=smtp_port,
                                          mail_from=MAIL_FROM))


def on_mondays(app: Aggregator, clock: Clock, *weeks: str) -> list[DigestReport]:
    """Each week's digest sent on its own Monday morning, as the daemon does: ``clock`` moves
    (`digest send` refuses a week that is neither this one nor the one before)."""
    reports = []
    for week in weeks:
        clock.now = datetime.combine(parse_week(week), MONDAY_MORNING.timetz())
        reports.append(app.send_digest(week))
    return reports


OPEN: list[Aggregator] = []


def digest_app(tmp_path: Path, db_url: str, smtp_port: int, clock: Clock | None = None,
               base_url: str = BASE_URL) -> Aggregator:
    """An Aggregator on the small site; closed after the test by ``close_apps``."""
    settings = digest_settings(tmp_path, db_url, smtp_port, base_url)
    write_site(settings.output_dir)
    app = make_aggregator(settings, clock=clock or Clock())
    OPEN.append(app)
    return app


@pytest.fixture(autouse=True)
def close_apps() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()


def cli_environment(tmp_path: Path, db_url: str, port: int) -> dict[str, str]:
    """The environment of the CLI run as its own process on this site: sources.yaml of
    :data:`SOURCES`, the database, the output, the SMTP server on ``port``."""
    return {**os.environ, **command_line_environment(tmp_path, SOURCES, db_url, port),
            "AGGREGATOR_BASE_URL": BASE_URL, "AGGREGATOR_MAIL_FROM": MAIL_FROM}
