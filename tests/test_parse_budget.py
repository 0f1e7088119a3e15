"""A feed whose parse would hold a worker for minutes is stopped at its CPU budget, with a
reason its organiser reads, and the other feeds of the refresh are stored as usual."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from aggregator.core import make_aggregator
from aggregator.errors import ParseError
from aggregator.fetch import FetchLimits
from aggregator.intake import parse_job
from aggregator.models import ParsedFeed
from conftest import make_settings, make_source

URL = "https://news.example.org/feed.xml"


def rss(title: str, n: int = 1) -> bytes:
    """An RSS feed; feedparser reads a title dense in unclosed tags at about 12 µs a byte."""
    return ("<?xml version='1.0'?><rss version='2.0'><channel><title>Site</title>"
            "<link>https://news.example.org/</link>"
            + "".join(f"<item><title>{title} {i}</title><link>https://news.example.org/{i}"
                      f"</link><description>{title}</description></item>" for i in range(n))
            + "</channel></rss>").encode()


HOSTILE = rss("<a " * 150_000)  # 450 KB: some 5 s of CPU, 2 minutes at the 10 MB cap
BUDGET = 0.5


def cpu_seconds() -> float:
    return time.process_time()


def test_a_parse_over_its_budget_stops_with_a_reason() -> None:
    started = cpu_seconds()
    result = parse_job((HOSTILE, "rss", URL, "Europe/Paris", BUDGET))
    assert cpu_seconds() - started < BUDGET + 1.0
    assert isinstance(result, ParseError)
    assert result.reason.startswith("reading the body took over 0.5 s of processor time: "
                                    "stopped")
    # the timer is off afterwards: more CPU work in this process is not interrupted
    deadline = cpu_seconds() + BUDGET * 2
    while cpu_seconds() < deadline:
        sum(range(10_000))
    honest = parse_job((rss("Meetup Python", 25), "rss", URL, "Europe/Paris", BUDGET))
    assert isinstance(honest, ParsedFeed) and len(honest.items) == 25


def test_a_parse_on_another_thread_is_held_to_its_budget_too() -> None:
    """The register form's preview parses on a server thread, where no signal arrives: a
    hostile URL (30 previews a client per ten minutes, ten URLs each) held it for minutes."""
    results: list[ParsedFeed | ParseError] = []
    spent: list[float] = []

    def preview() -> None:
        started = time.thread_time()
        results.append(parse_job((HOSTILE, "rss", URL, "Europe/Paris", BUDGET)))
        results.append(parse_job((rss("Meetup Python", 25), "rss", URL, "Europe/Paris", 5)))
        spent.append(time.thread_time() - started)

    worker = threading.Thread(target=preview)
    worker.start()
    worker.join(timeout=60)
    hostile, honest = results
    assert isinstance(hostile, ParseError) and "of processor time: stopped" in hostile.reason
    assert isinstance(honest, ParsedFeed) and len(honest.items) == 25
    assert spent[0] < BUDGET + 1.0


def test_one_feed_over_its_budget_does_not_stop_the_refresh(feed_server: Any,
                                                            tmp_path: Path) -> None:
    """Eight feeds or more are parsed in the process pool, where the budget holds too."""
    feed_server.set("/hostile.xml", HOSTILE, "application/rss+xml")
    for n in range(8):
        feed_server.set(f"/news-{n}.xml", rss(f"Nouvelles {n}", 3), "application/rss+xml")
    sources = (make_source("hostile", feed_server.url("/hostile.xml")),
               *(make_source(f"club-{n}", feed_server.url(f"/news-{n}.xml")) for n in range(8)))
    aggregator = make_aggregator(make_settings(tmp_path, sources),
                                 limits=FetchLimits(parse_seconds=2))
    try:
        aggregator.refresh()
        health = {h.source: h for h in aggregator.feed_health()}
    finally:
        aggregator.close()
    assert health["hostile"].status == "error"
    assert "of processor time: stopped" in (health["hostile"].last_error or "")
    assert {health[f"club-{n}"].status for n in range(8)} == {"ok"}
    assert [health[f"club-{n}"].items for n in range(8)] == [3] * 8
