"""Time and recurrence review: what subscribers and organisers meet around time zones,
daylight-saving changes and recurring series, end to end (the feed served on loopback,
refreshed into a real SQLite store, built, then the agenda, the event and organisation pages,
calendar.ics read by recurring-ical-events, events.json and the digest)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import icalendar
import recurring_ical_events

from aggregator.core import Aggregator, make_aggregator
from aggregator.instants import two_readings
from aggregator.digest.select import week_of
from conftest import make_settings, make_source
from test_render_icaljs import read_by_icaljs
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


@contextmanager
def outputs(feed_server: Any, tmp_path: Path, body: bytes, now: datetime
            ) -> Iterator[tuple[Aggregator, Path]]:
    """One organisation's feed refreshed and built at ``now``: the aggregator and its
    output directory."""
    feed_server.set("/lab.ics", body, "text/calendar")
    source = make_source("lab", feed_server.url("/lab.ics"), kind="lab")
    aggregator = make_aggregator(make_settings(tmp_path, (source,)), clock=lambda: now)
    try:
        aggregator.refresh(force=True)
        aggregator.build()
        yield aggregator, tmp_path / "output"
    finally:
        aggregator.close()


def calendar_instants(output: Path, start: datetime, end: datetime
                      ) -> dict[str, tuple[datetime, datetime | None]]:
    """calendar.ics as recurring-ical-events reads it: each title's (start, end) in UTC."""
    read = icalendar.Calendar.from_ical((output / "calendar.ics").read_bytes())
    found = {}
    for occurrence in recurring_ical_events.of(read).between(start, end):
        ends = occurrence.decoded("DTEND") if "DTEND" in occurrence else None
        found[str(occurrence["SUMMARY"])] = (occurrence.decoded("DTSTART").astimezone(UTC),
                                             ends.astimezone(UTC) if ends else None)
    return found


def test_an_event_in_the_hour_that_happens_twice_keeps_its_time_and_its_end(
        feed_server: Any, tmp_path: Path) -> None:
    """The night clocks go back (31 October 2027 in Paris, 02:00-03:00 twice), a Google
    calendar (times in UTC, X-WR-TIMEZONE:Europe/Paris) posts a coding night's second part
    at 02:30 winter time (01:30 UTC): stored without saying which 02:30, it was published
    at the first one, in events.json (02:30+02:00) and calendar.ics (TZID 02:30), an hour
    early for every subscriber; its first part, 02:00 summer time to 02:30 winter time,
    lost its end everywhere and its organiser was told 'DTEND before DTSTART'."""
    body = calendar(
        "UID:part2@lab\nSUMMARY:Nuit du code, deuxième partie\nLOCATION:TCRM-Blida, Metz\n"
        "DTSTART:20271031T013000Z\nDTEND:20271031T030000Z",
        "UID:part1@lab\nSUMMARY:Nuit du code, première partie\nLOCATION:TCRM-Blida, Metz\n"
        "DTSTART:20271031T000000Z\nDTEND:20271031T013000Z",
    ).replace(b"PRODID:-//test//EN", b"PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
              b"X-WR-TIMEZONE:Europe/Paris")
    now = datetime(2027, 10, 20, 9, tzinfo=UTC)
    with outputs(feed_server, tmp_path, body, now) as (aggregator, output):
        warnings = [w for health in aggregator.feed_health() for w in health.warnings]
        events = {e["uid"]: e for e in json.loads((output / "events.json").read_text())["events"]}
        agenda = text_of((output / "index.html").read_text(encoding="utf-8"))
        read = calendar_instants(output, datetime(2027, 10, 30), datetime(2027, 11, 2))
        (thunderbird,) = read_by_icaljs([output / "calendar.ics"])
    second = [e for e in events.values() if e["title"].endswith("deuxième partie")][0]
    first = [e for e in events.values() if e["title"].endswith("première partie")][0]
    assert (second["start"], second["end"]) == ("2027-10-31T02:30:00+01:00",
                                                "2027-10-31T04:00:00+01:00")
    assert (first["start"], first["end"]) == ("2027-10-31T02:00:00+02:00",
                                              "2027-10-31T02:30:00+01:00")
    assert read["Nuit du code, deuxième partie"] == (datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
                                                     datetime(2027, 10, 31, 3, tzinfo=UTC))
    assert read["Nuit du code, première partie"] == (datetime(2027, 10, 31, 0, tzinfo=UTC),
                                                     datetime(2027, 10, 31, 1, 30, tzinfo=UTC))
    assert thunderbird["starts"] == {first["uid"]: 1824940800, second["uid"]: 1824946200}
    assert "02:00 – 02:30 Nuit du code, première partie" in agenda
    assert "02:30 – 04:00 Nuit du code, deuxième partie" in agenda
    assert not any("DTEND" in warning for warning in warnings), warnings


def test_a_time_the_clocks_skip_or_repeat_is_one_instant_for_every_reader(
        feed_server: Any, tmp_path: Path) -> None:
    """A coding night (or a daily series' date) posted at 02:30 on the night clocks go forward (28 March 2027 in
    Paris: 02:00-03:00 does not exist) was 02:30 on the agenda, 01:30 UTC (03:30 summer
    time, RFC 5545's reading) in events.json and for recurring-ical-events, and 00:30 UTC
    for Thunderbird (ical.js): two hours apart on the same subscription. One posted at
    02:30 the night they go back (the first 02:30, RFC 5545 says) was read by ical.js at
    the second, an hour late. Such a time is now shown as the clock reads it (03:30) and
    written as one instant (the first of the two)."""
    body = calendar(
        "UID:spring@lab\nSUMMARY:Nuit du code de printemps\nLOCATION:TCRM-Blida, Metz\n"
        "DTSTART;TZID=Europe/Paris:20270328T023000\nDTEND;TZID=Europe/Paris:20270328T060000",
        "UID:autumn@lab\nSUMMARY:Nuit du code d'automne\nLOCATION:TCRM-Blida, Metz\n"
        "DTSTART;TZID=Europe/Paris:20271031T023000\nDTEND;TZID=Europe/Paris:20271031T060000",
        "UID:backup@lab\nSUMMARY:Sauvegarde des serveurs\nLOCATION:TCRM-Blida, Metz\n"
        "DTSTART;TZID=Europe/Paris:20270327T023000\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=3")
    now = datetime(2027, 3, 20, 9, tzinfo=UTC)
    with outputs(feed_server, tmp_path, body, now) as (_, output):
        events = {e["title"]: e for e in json.loads((output / "events.json").read_text())["events"]}
        agenda = text_of((output / "index.html").read_text(encoding="utf-8"))
        read = calendar_instants(output, datetime(2027, 3, 1), datetime(2027, 11, 30))
        (thunderbird,) = read_by_icaljs([output / "calendar.ics"])
    spring, autumn = events["Nuit du code de printemps"], events["Nuit du code d'automne"]
    assert spring["start"] == "2027-03-28T03:30:00+02:00"
    assert "03:30 – 06:00 Nuit du code de printemps" in agenda
    assert re.findall(r"(\d\d:\d\d – \d\d:\d\d) Sauvegarde", agenda) == [
        "02:30 – 03:30", "03:30 – 04:30", "02:30 – 03:30"]  # a series' date on that night too
    assert autumn["start"] == "2027-10-31T02:30:00+02:00"
    starts = {"Nuit du code de printemps": datetime(2027, 3, 28, 1, 30, tzinfo=UTC),
              "Nuit du code d'automne": datetime(2027, 10, 31, 0, 30, tzinfo=UTC)}
    assert {title: read[title][0] for title in starts} == starts
    assert {uid: at for uid, at in thunderbird["starts"].items() if uid in (
        spring["uid"], autumn["uid"])} == {events[title]["uid"]: int(moment.timestamp())
                                          for title, moment in starts.items()}


def test_an_organisation_page_finds_when_its_finished_daily_series_last_met_at_once(
        feed_server: Any, tmp_path: Path) -> None:
    """An organisation's page lists what it held lately at each series' last date, and an
    event's page says when it last took place, both found by making every one of the
    series' dates from its first: a daily 'Permanence' held since 2018 and ended last week
    (3,000 dates) took seconds a page, and an organisation with three such series kept its
    page and their events' pages a minute and more. Each is now looked for back from
    today."""
    today = datetime.now(UTC).astimezone(PARIS).date()
    ended = today - timedelta(days=6)
    series = [f"UID:perm{n}@lab\nSUMMARY:Permanence {n}\nLOCATION:TCRM-Blida, Metz\n"
              f"DTSTART;TZID=Europe/Paris:2018010{n + 1}T0{n}3000\nDURATION:PT1H\n"
              f"RRULE:FREQ=DAILY;UNTIL={ended.strftime('%Y%m%d')}T120000Z" for n in range(3)]
    with built(feed_server, tmp_path, {"lab": calendar(*series)}) as (aggregator, client):
        started = time.process_time()
        page = client.get("/sources/lab")
        events = [client.get(f"/events/{event.uid}") for event in aggregator.published().events]
        took = time.process_time() - started
    assert page.status_code == 200 and [e.status_code for e in events] == [200] * 3
    last = rf"\b{ended.day}(?:er)? \S+ {ended.year}, 0(\d):30"
    listed = text_of(page.text)
    assert sorted(re.findall(rf"{last} Permanence (\d)", listed)) == [
        ("0", "0"), ("1", "1"), ("2", "2")], listed
    assert all(re.search(last, text_of(event.text)) for event in events)
    assert took < 10, f"the organisation's and its events' pages took {took:.0f} s"


def test_a_date_given_as_a_start_and_hours_lasts_those_hours_the_night_clocks_change(
        feed_server: Any, tmp_path: Path) -> None:
    """A series' extra date given as a period of a start and hours (RDATE;VALUE=PERIOD:
    …T010000/PT3H) was made to end three hours later on the wall clock: the night clocks
    go forward that is two hours, the night they go back four, on the agenda and in every
    calendar. RFC 5545 counts hours as elapsed time (as a DURATION of the event itself was
    already read): 01:00 – 05:00 that spring night, 01:00 – 03:00 that autumn one."""
    body = calendar(
        "UID:install@lab\nSUMMARY:Install party\nLOCATION:TCRM-Blida, Metz\n"
        "DTSTART;TZID=Europe/Paris:20270321T010000\nDTEND;TZID=Europe/Paris:20270321T020000\n"
        "RDATE;VALUE=PERIOD;TZID=Europe/Paris:20270328T010000/PT3H,20271031T010000/PT3H")
    now = datetime(2027, 3, 20, 9, tzinfo=UTC)
    with outputs(feed_server, tmp_path, body, now) as (_, output):
        agenda = text_of((output / "index.html").read_text(encoding="utf-8"))
        read = icalendar.Calendar.from_ical((output / "calendar.ics").read_bytes())
        spans = sorted((o.decoded("DTSTART").astimezone(UTC), o.decoded("DTEND").astimezone(UTC))
                       for o in recurring_ical_events.of(read).between(
                           datetime(2027, 3, 27), datetime(2027, 11, 2)))
    assert spans == [(datetime(2027, 3, 28, 0, tzinfo=UTC), datetime(2027, 3, 28, 3, tzinfo=UTC)),
                     (datetime(2027, 10, 30, 23, tzinfo=UTC), datetime(2027, 10, 31, 2, tzinfo=UTC))]
    assert "01:00 – 05:00 Install party" in agenda


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/Santiago", "Australia/Lord_Howe",
                                  "Africa/Casablanca", "America/Havana", "Europe/Dublin"])
def test_which_times_name_no_single_instant_is_told_by_each_of_them_alone(zone: str) -> None:
    """Which wall-clock times happen twice or never (:func:`two_readings`) is first looked
    up per day, a build's cost; the answer must be the one each time gives alone, in zones
    whose clocks change at midnight (Santiago, Havana), by 30 minutes (Lord Howe), twice a
    year around Ramadan (Casablanca) or with a negative DST (Dublin), every 15 minutes."""
    tz = ZoneInfo(zone)
    moment, seen = datetime(2024, 1, 1), 0
    while moment < datetime(2028, 1, 1):
        for fold in (0, 1):
            value = moment.replace(tzinfo=tz, fold=fold)
            alone = value.utcoffset() != value.replace(fold=1 - fold).utcoffset()
            assert two_readings(value) == alone, value
            seen += alone
        moment += timedelta(minutes=15)
    assert seen >= 4 * 2 * 2 * 2  # 4 years, 2 changes, 30 minutes at least, either fold
