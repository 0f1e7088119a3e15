"""What a calendar client reads, from the build's files and from the web app's calendars:
the same dates as the organiser's own feed, expanded by an independent reader
(recurring-ical-events), through a real feed server, refresh, build and the app over HTTP."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import icalendar
import recurring_ical_events
import x_wr_timezone

from aggregator.core import Aggregator, make_aggregator
from aggregator.models import FeedRef, Source
from conftest import make_settings
from webapp import running

WINDOW = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))


def calendar(*events: str) -> bytes:
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            + "".join(events) + "END:VCALENDAR\r\n").encode()


# Outlook/Exchange: an all-day weekly series, one date moved a day later, its RECURRENCE-ID
# written as local midnight in a Windows zone (corpus: nodeical__exchange_whole_day_moved_…).
W_EUROPE = (
    "BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\n"
    "DTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
EXCHANGE = calendar(
    W_EUROPE,
    "BEGIN:VEVENT\r\nRRULE:FREQ=WEEKLY;COUNT=6;INTERVAL=1;BYDAY=TH;WKST=MO\r\n"
    "UID:exchange-allday-series\r\nSUMMARY:Permanence numerique\r\n"
    "LOCATION:TCRM-Blida\\, Metz\r\nDTSTART;VALUE=DATE:20270304\r\n"
    "DTEND;VALUE=DATE:20270305\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:exchange-allday-series\r\n"
    "RECURRENCE-ID;TZID=W. Europe Standard Time:20270311T000000\r\n"
    "SUMMARY:Permanence numerique (decalee)\r\nLOCATION:TCRM-Blida\\, Metz\r\n"
    "DTSTART;VALUE=DATE:20270312\r\nDTEND;VALUE=DATE:20270313\r\n"
    "DTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n")

# Google: the moved dates of a series whose master the calendar does not give (shared in
# part), one UID (corpus: rie__issue_173_only_modifications_error.ics).
ORPHANS = calendar(*(
    f"BEGIN:VEVENT\r\nUID:abc_R20261009T130000@google.com\r\n"
    f"RECURRENCE-ID;TZID=Europe/Paris:{slot}\r\nDTSTART;TZID=Europe/Paris:{start}\r\n"
    f"DTEND;TZID=Europe/Paris:{end}\r\nSUMMARY:Atelier Python\r\n"
    f"LOCATION:TCRM-Blida\\, Metz\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n"
    for slot, start, end in (("20270108T150000", "20270108T170000", "20270108T174000"),
                             ("20270115T150000", "20270115T153000", "20270115T161500"),
                             ("20270122T150000", "20270122T150000", "20270122T160000"))))


def occurrences(body: bytes, *, as_google: bool = False) -> list[tuple[date | datetime, str]]:
    """Each date's start (UTC for a time) and title, as RFC 5545 reads the calendar, or
    (``as_google``) as readers that follow Google's reading of X-WR-TIMEZONE do: its UTC and
    floating times moved into that zone before the rules are expanded."""
    parsed = icalendar.Calendar.from_ical(body)
    if as_google:
        parsed = x_wr_timezone.to_standard(parsed)
    parsed.pop("X-WR-TIMEZONE", None)
    found = []
    for occurrence in recurring_ical_events.of(parsed).between(*WINDOW):
        start = occurrence.decoded("DTSTART")
        found.append((start.astimezone(UTC) if isinstance(start, datetime) else start,
                      str(occurrence["SUMMARY"])))
    return sorted(found, key=str)


def venue_site(feed_server: Any, tmp_path: Path, body: bytes) -> Aggregator:
    feed_server.set("/cal.ics", body, "text/calendar")
    source = Source(id="venue", name="La Venue", kind="venue", city="Metz", country="FR",
                    feeds=(FeedRef(feed_server.url("/cal.ics"), "ical"),))
    aggregator = make_aggregator(make_settings(tmp_path, (source,)))
    aggregator.refresh(force=True)
    aggregator.build()
    return aggregator


def served(aggregator: Aggregator, output: Path) -> dict[str, bytes]:
    """The build's calendars and the web app's (filtered, one event's) for a one-event site."""
    uid = json.loads((output / "events.json").read_bytes())["events"][0]["uid"]
    try:
        with running(aggregator) as url, httpx.Client(base_url=url, timeout=30) as client:
            return {"calendar.ics": (output / "calendar.ics").read_bytes(),
                    "calendars/metz.ics": (output / "calendars" / "metz.ics").read_bytes(),
                    "?city=Metz": client.get("/calendar.ics", params={"city": "Metz"}).content,
                    "event": client.get(f"/events/{quote(uid, safe='')}.ics").content}
    finally:
        aggregator.close()


def test_an_all_day_date_outlook_moved_stays_moved_in_every_calendar(
    feed_server: Any, tmp_path: Path
) -> None:
    """The web app's calendars (rendered from events.json) wrote the moved date's
    RECURRENCE-ID as the day before, a Wednesday: the Thursday came back beside the Friday
    it moved to, seven dates instead of six."""
    source = occurrences(EXCHANGE)
    assert len(source) == 6 and (date(2027, 3, 12), "Permanence numerique (decalee)") in source
    calendars = served(venue_site(feed_server, tmp_path, EXCHANGE), tmp_path / "output")
    assert {name: occurrences(body) for name, body in calendars.items()} == {
        name: source for name in calendars}


def test_the_moved_dates_of_a_series_given_without_it_are_all_published(
    feed_server: Any, tmp_path: Path
) -> None:
    """Records of one UID, each a RECURRENCE-ID, no series: all were one event of the first
    date; the other two workshops were lost."""
    source = occurrences(ORPHANS)
    assert len(source) == 3
    calendars = served(venue_site(feed_server, tmp_path, ORPHANS), tmp_path / "output")
    assert {name: occurrences(body) for name, body in calendars.items()} == {
        name: source for name in calendars}


def test_all_day_dates_outlook_moved_of_a_series_given_without_it_stay_all_day(
    feed_server: Any, tmp_path: Path
) -> None:
    """Both shapes at once: the series of dates made of Outlook's moved all-day dates started
    at the first one's local midnight, and the web app's calendars put them back on their
    old days (11 and 18 March instead of 12 and 19)."""
    body = calendar(W_EUROPE, *(
        "BEGIN:VEVENT\r\nUID:exchange-allday-orphans\r\n"
        f"RECURRENCE-ID;TZID=W. Europe Standard Time:{slot}T000000\r\n"
        f"SUMMARY:Permanence {n}\r\nDTSTART;VALUE=DATE:{moved_to}\r\n"
        f"DTEND;VALUE=DATE:{end}\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n"
        for n, (slot, moved_to, end) in enumerate((("20270311", "20270312", "20270313"),
                                                  ("20270318", "20270319", "20270320")))))
    source = occurrences(body)
    assert source == [(date(2027, 3, 12), "Permanence 0"), (date(2027, 3, 19), "Permanence 1")]
    calendars = served(venue_site(feed_server, tmp_path, body), tmp_path / "output")
    assert {name: occurrences(got) for name, got in calendars.items()} == {
        name: source for name in calendars}


def test_a_series_written_in_utc_keeps_its_times_for_readers_of_x_wr_timezone(
    feed_server: Any, tmp_path: Path
) -> None:
    """A weekly series given in UTC (17:00Z all year: 18:00 in Paris in winter, 19:00 in
    summer) was written in UTC under the calendar's X-WR-TIMEZONE:Europe/Paris. Readers that
    move UTC times into that zone (Google's reading, x-wr-timezone) then expanded it at 18:00
    Paris all year: an hour early every summer week."""
    body = calendar("BEGIN:VEVENT\r\nUID:utc-weekly\r\nSUMMARY:Python Meetup\r\n"
                    "LOCATION:TCRM-Blida\\, Metz\r\nDTSTART:20270105T170000Z\r\n"
                    "DTEND:20270105T190000Z\r\nRRULE:FREQ=WEEKLY;COUNT=30\r\n"
                    "EXDATE:20270112T170000Z\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n")
    source = occurrences(body)
    assert len(source) == 29 and (datetime(2027, 6, 1, 17, tzinfo=UTC), "Python Meetup") in source
    calendars = served(venue_site(feed_server, tmp_path, body), tmp_path / "output")
    assert {name: occurrences(got, as_google=True) for name, got in calendars.items()} == {
        name: source for name in calendars}
    assert {name: occurrences(got) for name, got in calendars.items()} == {
        name: source for name in calendars}
