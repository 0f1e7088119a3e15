"""Security review of the day's changes (proxy, district filter, registration retention):
what an unauthenticated visitor can make the server do, and what housekeeping may delete.
Real HTTP (uvicorn, the loopback feed server), real SQLite and PostgreSQL."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from aggregator.core import make_aggregator
from aggregator.models import FeedRef, Source
from conftest import make_settings
from sites import SOON
from webapp import running

SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
CITIES = ("Metz", "Nancy", "Luxembourg", "Esch-sur-Alzette", "Thionville", "Épinal")
EVENTS = 20_000


def corpus_places() -> list[str]:
    """The LOCATION lines of the conformance corpus's calendars: the region's real places."""
    found: list[str] = []
    for path in sorted(SHARED_CORPUS.glob("**/*.ics")):
        text = re.sub(r"\r?\n[ \t]", "", path.read_text(encoding="utf-8", errors="replace"))
        found += re.findall(r"^LOCATION[^:]*:(.*)$", text, re.M)
    return found


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A built site of EVENTS events at the corpus's places, in six cities, and its web app."""
    from aggregator.demo.server import FeedServer

    places = corpus_places()
    assert len(places) > 500, "the conformance corpus (../shared/corpus) is missing"
    random.seed(36)
    tmp_path = tmp_path_factory.mktemp("big")
    with FeedServer({}) as server:
        sources = []
        for f in range(len(CITIES)):
            lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//sec36//EN"]
            for n in range(EVENTS // len(CITIES)):
                start = SOON + timedelta(days=n % 200, hours=n % 9)
                lines += ["BEGIN:VEVENT", f"UID:e{f}-{n}@sec36", f"SUMMARY:Meetup {n}",
                          f"DTSTART:{start.strftime('%Y%m%dT%H%M%SZ')}",
                          "DTSTAMP:20260101T000000Z", f"LOCATION:{random.choice(places)}",
                          "END:VEVENT"]
            server.set(f"/f{f}.ics", "\r\n".join([*lines, "END:VCALENDAR", ""]).encode(),
                       "text/calendar")
            sources.append(Source(id=f"org{f}", name=f"Org {f}", kind="association",
                                  city=CITIES[f], country="FR",
                                  feeds=(FeedRef(f"{server.base_url}/f{f}.ics"),)))
        aggregator = make_aggregator(make_settings(tmp_path, tuple(sources)))
        aggregator.refresh(force=True)
        aggregator.build()
        with running(aggregator) as url, httpx.Client(base_url=url, timeout=120) as client:
            client.get("/").raise_for_status()
            yield client
        aggregator.close()


def cpu_of(client: httpx.Client, paths: list[str]) -> float:
    """The server's CPU time (it runs in this process) for these requests, each asked once."""
    began = time.process_time()
    for path in paths:
        assert client.get(path).status_code in (200, 404), path
    return time.process_time() - began


def test_a_made_up_place_costs_no_more_than_any_other_unknown_filter(
        big_site: httpx.Client) -> None:
    """Any word as ?city= (or /calendars/WORD.ics) is read as a place every event's location
    may name, and a visitor may send a new one at each request, uncached. One of short words
    found in most locations ("n", "r e") cost 0.7 to 0.9 s a request at 50,000 events, four
    times what an unknown kind or a search costs (0.2 s): each event's place was folded anew
    at each scan, three scans a page. It must cost about what those do."""
    for warm in ("/?kind=warm", "/?city=warm", "/calendars/warm.ics"):
        big_site.get(warm)
    words = ["n", "e", "r+e", "t+n", "s", "a+n", "o+e", "i"]
    places = cpu_of(big_site, [f"/?city={w}" for w in words]
                    + [f"/calendars/{w.replace('+', '-')}.ics" for w in words])
    others = cpu_of(big_site, [f"/?kind=zz{n}" for n in range(len(words))]
                    + [f"/calendar.ics?kind=zz{n}" for n in range(len(words))])
    assert places < 2 * others, (places, others)
