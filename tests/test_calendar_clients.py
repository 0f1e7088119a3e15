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


def occurrences(body: bytes, *, as_google: bool = False, ends: bool = False
                ) -> list[tuple[object, ...]]:
    """Each date's start (UTC for a time) and title, as RFC 5545 reads the calendar, or
    (``as_google``) as readers that follow Google's reading of X-WR-TIMEZONE do: its UTC and
    floating times moved into that zone before the rules are expanded; with its end too
    (``ends``)."""
    parsed = icalendar.Calendar.from_ical(body)
    if as_google:
        parsed = x_wr_timezone.to_standard(parsed)
    parsed.pop("X-WR-TIMEZONE", None)
    found: list[tuple[object, ...]] = []
    for occurrence in recurring_ical_events.of(parsed).between(*WINDOW):
        start = occurrence.decoded("DTSTART")
        found.append((start.astimezone(UTC) if isinstance(start, datetime) else start,
                      str(occurrence["SUMMARY"])))
        if ends:
            end = occurrence.decoded("DTEND")
            found[-1] += (end.astimezone(UTC) if isinstance(end, datetime) else end,)
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


# A series changed "this and all following events" (RECURRENCE-ID;RANGE=THISANDFUTURE, as
# RESERVAS and some CalDAV servers export it; corpus: rie__issue_75_range_parameter.ics).
RANGED_WEEKLY = calendar(
    "BEGIN:VEVENT\r\nUID:ranged-weekly\r\nSUMMARY:Meetup du jeudi\r\n"
    "LOCATION:TCRM-Blida\\, Metz\r\nDTSTART;TZID=Europe/Paris:20270107T183000\r\n"
    "DTEND;TZID=Europe/Paris:20270107T203000\r\nRRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=20\r\n"
    "EXDATE;TZID=Europe/Paris:20270401T183000\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n",
    # from 4 March on: Fridays at 19:00, three hours, another title
    "BEGIN:VEVENT\r\nUID:ranged-weekly\r\n"
    "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Paris:20270304T183000\r\n"
    "SUMMARY:Meetup du vendredi\r\nLOCATION:TCRM-Blida\\, Metz\r\n"
    "DTSTART;TZID=Europe/Paris:20270305T190000\r\nDTEND;TZID=Europe/Paris:20270305T220000\r\n"
    "SEQUENCE:1\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n",
    # then one of those dates (named by its first date, a Thursday) moved to a Saturday
    "BEGIN:VEVENT\r\nUID:ranged-weekly\r\n"
    "RECURRENCE-ID;TZID=Europe/Paris:20270415T183000\r\nSUMMARY:Meetup special\r\n"
    "LOCATION:TCRM-Blida\\, Metz\r\nDTSTART;TZID=Europe/Paris:20270417T100000\r\n"
    "DTEND;TZID=Europe/Paris:20270417T120000\r\nSEQUENCE:1\r\n"
    "DTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n")
RANGED_DAILY = calendar(
    "BEGIN:VEVENT\r\nUID:ranged-daily\r\nDTSTART:20270901T120000Z\r\nDTEND:20270901T140000Z\r\n"
    "RRULE:FREQ=DAILY;INTERVAL=2;UNTIL=20271020\r\nRDATE:20270914T090000Z\r\n"
    "SUMMARY:Permanence\r\nLOCATION:TCRM-Blida\\, Metz\r\nDTSTAMP:20261201T000000Z\r\n"
    "END:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:ranged-daily\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20270913T120000Z\r\n"
    "DTSTART:20270913T090000Z\r\nDTEND:20270913T160000Z\r\nSUMMARY:Permanence longue\r\n"
    "LOCATION:TCRM-Blida\\, Metz\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:ranged-daily\r\nRECURRENCE-ID:20270915T120000Z\r\n"
    "DTSTART:20270915T170000Z\r\nDTEND:20270915T190000Z\r\nSUMMARY:Permanence du soir\r\n"
    "LOCATION:TCRM-Blida\\, Metz\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:ranged-daily\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20270921T120000Z\r\n"
    "DTSTART:20270922T142200Z\r\nDTEND:20270922T161300Z\r\nSUMMARY:Permanence decalee\r\n"
    "LOCATION:TCRM-Blida\\, Metz\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n")
# the 15th of each month from May on moved to the next day: no rule of 16ths gives those dates
RANGED_MONTHLY = calendar(
    "BEGIN:VEVENT\r\nUID:ranged-monthly\r\nSUMMARY:Club data\r\nLOCATION:Metz\r\n"
    "DTSTART;TZID=Europe/Paris:20270115T180000\r\nDTEND;TZID=Europe/Paris:20270115T200000\r\n"
    "RRULE:FREQ=MONTHLY;BYMONTHDAY=15,28;COUNT=20\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:ranged-monthly\r\n"
    "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Paris:20270515T180000\r\n"
    "SUMMARY:Club data (lendemain)\r\nLOCATION:Metz\r\n"
    "DTSTART;TZID=Europe/Paris:20270516T100000\r\nDTEND;TZID=Europe/Paris:20270516T120000\r\n"
    "DTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n")


def test_a_series_changed_from_a_date_on_keeps_the_change_on_every_later_date(
    feed_server: Any, tmp_path: Path
) -> None:
    """An override given with RANGE=THISANDFUTURE was read as its one date's: the series went
    on every later week at its old day, hour and title after the organiser moved it (here
    from Thursdays 18:30 to Fridays 19:00, across the change to summer time)."""
    for body, count, changed in (
            (RANGED_WEEKLY, 19, (datetime(2027, 5, 21, 17, tzinfo=UTC), "Meetup du vendredi")),
            (RANGED_DAILY, 26, (datetime(2027, 9, 17, 9, tzinfo=UTC), "Permanence longue")),
            (RANGED_MONTHLY, 20, (datetime(2027, 5, 29, 8, tzinfo=UTC),
                                  "Club data (lendemain)"))):
        source = occurrences(body)
        assert len(source) == count and changed in source
        site = tmp_path / str(count)
        calendars = served(venue_site(feed_server, site, body), site / "output")
        del calendars["event"]  # one part of the series
        assert {name: occurrences(got) for name, got in calendars.items()} == {
            name: source for name in calendars}


# A weekly one-hour club with two extra dates given as periods (RDATE;VALUE=PERIOD, as khal,
# libical and ical.js's tests write them): a three-hour workshop, and an hour and a half.
PERIODS = calendar(
    "BEGIN:VEVENT\r\nUID:club-periods\r\nSUMMARY:Club Python\r\nLOCATION:TCRM-Blida\\, Metz\r\n"
    "DTSTART;TZID=Europe/Paris:20270106T180000\r\nDTEND;TZID=Europe/Paris:20270106T190000\r\n"
    "RRULE:FREQ=WEEKLY;COUNT=8\r\n"
    "RDATE;VALUE=PERIOD;TZID=Europe/Paris:20270109T140000/20270109T170000,"
    "20270116T100000/PT1H30M\r\nRDATE;TZID=Europe/Paris:20270123T100000\r\n"
    "DTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n")


def test_a_date_given_as_a_period_keeps_its_own_length_in_every_calendar(
    feed_server: Any, tmp_path: Path
) -> None:
    """A series' extra date given as a period (start/end or start/duration) took the
    series' one hour: the three-hour Saturday workshop ended at 15:00 in every calendar."""
    source = occurrences(PERIODS, ends=True)
    assert len(source) == 11 and (datetime(2027, 1, 9, 13, tzinfo=UTC), "Club Python",
                                  datetime(2027, 1, 9, 16, tzinfo=UTC)) in source
    calendars = served(venue_site(feed_server, tmp_path, PERIODS), tmp_path / "output")
    assert {name: occurrences(got, ends=True) for name, got in calendars.items()} == {
        name: source for name in calendars}


# A weekly Tuesday meetup whose organiser moved one date, and whose tool wrote that date's
# RECURRENCE-ID on the Wednesday (the series' day before the organiser changed it): a date
# of no rule. recurring-ical-events shows it; Thunderbird (ical.js) and Outlook showed
# nothing that week, as RFC 5545 lets them: an override must name a date of its series.
OFF_SERIES = calendar(
    "BEGIN:VEVENT\r\nUID:meetup-weekly\r\nSUMMARY:Meetup\r\nLOCATION:TCRM-Blida\\, Metz\r\n"
    "DTSTART;TZID=Europe/Paris:20270105T180000\r\nDTEND;TZID=Europe/Paris:20270105T200000\r\n"
    "RRULE:FREQ=WEEKLY;COUNT=3;BYDAY=TU\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nUID:meetup-weekly\r\nSUMMARY:Meetup special\r\n"
    "RECURRENCE-ID;TZID=Europe/Paris:20270113T180000\r\n"
    "DTSTART;TZID=Europe/Paris:20270113T190000\r\nDTEND;TZID=Europe/Paris:20270113T210000\r\n"
    "DTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n")


def test_a_moved_date_that_names_no_date_of_its_series_is_shown_by_every_client(
    feed_server: Any, tmp_path: Path
) -> None:
    from test_render_icaljs import read_by_icaljs

    source = occurrences(OFF_SERIES)
    special = (datetime(2027, 1, 13, 18, 0, tzinfo=UTC), "Meetup special")
    assert len(source) == 4 and special in source
    calendars = served(venue_site(feed_server, tmp_path, OFF_SERIES), tmp_path / "output")
    assert {name: occurrences(body) for name, body in calendars.items()} == {
        name: source for name in calendars}
    files = []
    for name, body in calendars.items():
        files.append(tmp_path / f"{len(files)}.ics")
        files[-1].write_bytes(body)
    for summary in read_by_icaljs(files):  # Thunderbird's reading: the Wednesday is there
        [starts] = summary["series"].values()
        assert int(special[0].timestamp()) in starts, (summary, special)
        assert len(starts) == 4


def test_an_outlook_all_day_event_written_as_midnights_stays_all_day(
    feed_server: Any, tmp_path: Path
) -> None:
    """Exchange and older Outlook exports write an all-day event as local midnight to
    midnight in a Windows zone and say so with X-MICROSOFT-CDO-ALLDAYEVENT:TRUE: the agenda
    showed '00:00 – 00:00' and subscribers in Luxembourg or Montréal got a timed event
    crossing their night (in Montréal, 18:00 the evening before). It is the day it says, in
    every calendar; a timed event of the same file keeps its times."""
    body = calendar(W_EUROPE, *(
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:{title}\r\nLOCATION:TCRM-Blida\\, Metz\r\n"
        f"DTSTART;TZID=W. Europe Standard Time:{start}\r\n"
        f"DTEND;TZID=W. Europe Standard Time:{end}\r\n"
        f"X-MICROSOFT-CDO-ALLDAYEVENT:{flag}\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n"
        for uid, title, start, end, flag in (
            ("salon", "Salon du numerique", "20270114T000000", "20270116T000000", "TRUE"),
            ("atelier", "Atelier", "20270120T100000", "20270120T120000", "FALSE"))))
    aggregator = venue_site(feed_server, tmp_path, body)
    events = {e["title"]: e for e in json.loads(
        (tmp_path / "output" / "events.json").read_bytes())["events"]}
    salon = events["Salon du numerique"]
    assert (salon["start"], salon["end"], salon["all_day"]) == ("2027-01-14", "2027-01-16", True)
    assert events["Atelier"]["start"].startswith("2027-01-20T10:00:00+01:00")
    with running(aggregator) as url, httpx.Client(base_url=url, timeout=30) as client:
        page = client.get("/").text
    aggregator.close()
    assert "Salon du numerique" in page and ">00:00 –" not in page and ">10:00 – 12:00<" in page
    assert {name: occurrences(got, ends=True) for name, got in served(
        make_aggregator(make_settings(tmp_path, aggregator.settings.sources)),
        tmp_path / "output").items()}["calendar.ics"] == [
            (date(2027, 1, 14), "Salon du numerique", date(2027, 1, 16)),
            (datetime(2027, 1, 20, 9, tzinfo=UTC), "Atelier", datetime(2027, 1, 20, 11, tzinfo=UTC))]


def test_an_outlook_all_day_series_written_as_midnights_keeps_its_exceptions(
    feed_server: Any, tmp_path: Path
) -> None:
    """The same Outlook writing for a weekly series: its EXDATE and its moved date's
    RECURRENCE-ID are local midnights too, and must still name dates of the series once it
    is read as all-day (the 11th off, the 18th moved to the 19th), in every calendar."""
    tz = "W. Europe Standard Time"
    body = calendar(W_EUROPE, *(
        f"BEGIN:VEVENT\r\nUID:series\r\n{head}SUMMARY:{title}\r\n"
        f"DTSTART;TZID={tz}:{start}T000000\r\nDTEND;TZID={tz}:{end}T000000\r\n"
        "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n"
        for head, title, start, end in (
            (f"RRULE:FREQ=WEEKLY;COUNT=4\r\nEXDATE;TZID={tz}:20270111T000000\r\n",
             "Permanence", "20270104", "20270105"),
            (f"RECURRENCE-ID;TZID={tz}:20270118T000000\r\n", "Permanence (moved)",
             "20270119", "20270120"))))
    calendars = served(venue_site(feed_server, tmp_path, body), tmp_path / "output")
    expected = sorted([(date(2027, 1, 4), "Permanence", date(2027, 1, 5)),
                       (date(2027, 1, 19), "Permanence (moved)", date(2027, 1, 20)),
                       (date(2027, 1, 25), "Permanence", date(2027, 1, 26))], key=str)
    assert {name: occurrences(got, ends=True) for name, got in calendars.items()} == {
        name: expected for name in calendars}
