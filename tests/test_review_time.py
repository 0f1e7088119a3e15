"""Time and recurrence review: what subscribers and organisers meet around time zones,
daylight-saving changes and recurring series, end to end (the feed served on loopback,
refreshed into a real SQLite store, built, then the agenda, the event and organisation pages,
calendar.ics read by recurring-ical-events, events.json and the digest)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from aggregator.core import Aggregator, make_aggregator
from aggregator.digest.select import week_of
from conftest import make_settings, make_source
from webapp import running

PARIS = ZoneInfo("Europe/Paris")


def calendar(*events: str) -> bytes:
    """A calendar of VEVENT bodies (lines joined by newlines), as CRLF bytes."""
    blocks = "".join(f"BEGIN:VEVENT\n{body}\nEND:VEVENT\n" for body in events)
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{blocks}END:VCALENDAR\n"
    return text.replace("\n", "\r\n").encode()


def local(moment: datetime) -> str:
    """A Paris wall-clock time as a TZID value."""
    return moment.astimezone(PARIS).strftime("%Y%m%dT%H%M%S")


@contextmanager
def built(feed_server: Any, tmp_path: Path, feeds: dict[str, bytes],
          clock: Any = None) -> Iterator[tuple[Aggregator, httpx.Client]]:
    """One organisation per feed (its id the feed's name), refreshed and built, and a client
    of the web app serving the build."""
    sources = []
    for name, body in feeds.items():
        feed_server.set(f"/{name}.ics", body, "text/calendar")
        sources.append(make_source(name, feed_server.url(f"/{name}.ics"), kind="lab"))
    options = {"clock": clock} if clock is not None else {}
    aggregator = make_aggregator(make_settings(tmp_path, tuple(sources)), **options)
    try:
        aggregator.refresh(force=True)
        aggregator.build()
        with running(aggregator) as url, httpx.Client(base_url=url, timeout=600) as client:
            yield aggregator, client
    finally:
        aggregator.close()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_feed_of_rare_series_holds_the_build_and_each_page_a_second_not_minutes(
        feed_server: Any, tmp_path: Path) -> None:
    """A daily series since 1600 that meets only on a Monday 29 February (valid, rare: the
    next one is in 2044) is walked 155,000 days to find it has no date in the coming weeks,
    0.17 s, within the per-series budget; a feed of 100 of them held the build and each of
    the agenda, the organisation page, events.json's window and the digest for 20 s to a
    minute each (300 of them, minutes). Each organisation's series now share one budget,
    its cheapest walked first: its weekly club is still on every page."""
    first = (datetime.now(UTC) - timedelta(days=20)).astimezone(PARIS).replace(
        hour=19, minute=0, second=0, microsecond=0)
    club = (f"UID:club@lab\nSUMMARY:Club Python\nLOCATION:TCRM-Blida, Metz\n"
            f"DTSTART;TZID=Europe/Paris:{local(first)}\n"
            f"DTEND;TZID=Europe/Paris:{local(first + timedelta(hours=2))}\nRRULE:FREQ=WEEKLY")
    rare = [f"UID:rare{n}@lab\nSUMMARY:Bissextile {n}\nDTSTART:16000101T100000Z\n"
            "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO" for n in range(100)]
    started = time.process_time()
    with built(feed_server, tmp_path, {"lab": calendar(club, *rare)}) as (aggregator, client):
        now = datetime.now(UTC)
        window = f"from={now.date()}&to={(now + timedelta(days=14)).date()}"
        pages = {path: client.get(path) for path in (
            "/", "/sources/lab", f"/events.json?{window}")}
        week = week_of(now, PARIS)
        (html, _) = aggregator.digest_preview(week)
        took = time.process_time() - started
    assert all(page.status_code == 200 for page in pages.values())
    assert text_of(pages["/"].text).count("Club Python") >= 2  # its coming Tuesdays
    assert "Club Python" in text_of(pages["/sources/lab"].text)
    assert "club@lab" in pages[f"/events.json?{window}"].text
    assert "Club Python" in html.read_text(encoding="utf-8")
    assert took < 40, f"the build and four pages took {took:.0f} s of processor time"
