"""What a subscriber's calendar client shows over builds, read from the build's calendars and
the web app's: dates called off, moved, renamed (review of the published calendars)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import icalendar
import recurring_ical_events

from aggregator.render import render_calendar
from render_builders import BASE_URL, NOW, PARIS, SOURCES, member, merged
from test_calendar_clients import WINDOW, calendar, served, venue_site
from webapp import running

OTHER = ("BEGIN:VEVENT\r\nUID:other-talk\r\nSUMMARY:Talk securite\r\n"
         "LOCATION:TCRM-Blida\\, Metz\r\nDTSTART;TZID=Europe/Paris:20270210T183000\r\n"
         "DTEND;TZID=Europe/Paris:20270210T203000\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n")
SERIES = (
    "BEGIN:VEVENT\r\nUID:club-series\r\nSUMMARY:Club Python\r\nLOCATION:TCRM-Blida\\, Metz\r\n"
    "DTSTART;TZID=Europe/Paris:20270107T183000\r\nDTEND;TZID=Europe/Paris:20270107T203000\r\n"
    "RRULE:FREQ=WEEKLY;COUNT=6\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:club-series\r\nRECURRENCE-ID;TZID=Europe/Paris:20270121T183000\r\n"
    "SUMMARY:Club Python (salle B)\r\nLOCATION:TCRM-Blida\\, salle B\\, Metz\r\n"
    "DTSTART;TZID=Europe/Paris:20270122T183000\r\nDTEND;TZID=Europe/Paris:20270122T203000\r\n"
    "DTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n")


def statuses(body: bytes, title: str) -> list[tuple[datetime, str]]:
    """Each date of the events whose title holds ``title``, with its STATUS, as a
    client expanding the calendar shows it."""
    found = []
    for occurrence in recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(
            *WINDOW):
        if title in str(occurrence["SUMMARY"]):
            start = occurrence.decoded("DTSTART")
            found.append((start.astimezone(UTC), str(occurrence.get("STATUS", "CONFIRMED"))))
    return sorted(found)


def test_a_series_gone_from_its_feed_is_called_off_on_every_date_moved_ones_too(
    feed_server: Any, tmp_path: Path
) -> None:
    """A weekly club whose organiser deleted it was published CANCELLED, but its moved date
    (a RECURRENCE-ID override) stayed CONFIRMED: subscribers still saw that evening in
    their calendars, and went."""
    site = venue_site(feed_server, tmp_path, calendar(SERIES, OTHER))
    site.close()
    first = statuses((tmp_path / "output" / "calendar.ics").read_bytes(), "Club Python")
    assert len(first) == 6 and {status for _, status in first} == {"CONFIRMED"}
    feed_server.set("/cal.ics", calendar(OTHER), "text/calendar")
    site = venue_site(feed_server, tmp_path, calendar(OTHER))
    calendars = served(site, tmp_path / "output")
    del calendars["event"]  # the one event left, the talk
    for name, body in calendars.items():
        dates = statuses(body, "Club Python")
        assert len(dates) == 6, name
        assert {status for _, status in dates} == {"CANCELLED"}, (name, dates)


CALLED_OFF = (
    "BEGIN:VEVENT\r\nUID:ctf\r\nSUMMARY:Atelier CTF\r\nLOCATION:TCRM-Blida\\, Metz\r\n"
    "DTSTART;TZID=Europe/Paris:20270213T140000\r\nDTEND;TZID=Europe/Paris:20270213T180000\r\n"
    "STATUS:CANCELLED\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:said-so\r\nSUMMARY:ANNULÉ - Apéro data\r\nLOCATION:TCRM-Blida\\, Metz\r\n"
    "DTSTART;TZID=Europe/Paris:20270214T180000\r\nDTEND;TZID=Europe/Paris:20270214T200000\r\n"
    "STATUS:CANCELLED\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:club-series\r\nRECURRENCE-ID;TZID=Europe/Paris:20270128T183000\r\n"
    "SUMMARY:Club Python\r\nLOCATION:TCRM-Blida\\, Metz\r\nSTATUS:CANCELLED\r\n"
    "DTSTART;TZID=Europe/Paris:20270128T183000\r\nDTEND;TZID=Europe/Paris:20270128T203000\r\n"
    "DTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n")


def titles(body: bytes) -> dict[tuple[datetime, str], str]:
    """The title each date shows, by its start and STATUS."""
    found = {}
    for occurrence in recurring_ical_events.of(icalendar.Calendar.from_ical(body)).between(
            *WINDOW):
        start = occurrence.decoded("DTSTART").astimezone(UTC)
        found[start, str(occurrence.get("STATUS", "CONFIRMED"))] = str(occurrence["SUMMARY"])
    return found


def test_a_date_called_off_says_so_in_its_title_for_clients_that_ignore_status(
    feed_server: Any, tmp_path: Path
) -> None:
    """Outlook (and Apple Calendar's week view) ignore STATUS:CANCELLED in a subscribed
    calendar: a talk called off, or one date of a club, showed as an ordinary evening out.
    Its title now says so in the event's language, once."""
    calendars = served(venue_site(feed_server, tmp_path, calendar(SERIES, CALLED_OFF)),
                       tmp_path / "output")
    del calendars["event"]  # one event of the site, whichever comes first
    for name, body in calendars.items():
        shown = titles(body)
        assert shown[datetime(2027, 2, 13, 13, tzinfo=UTC), "CANCELLED"] == (
            "Annulé : Atelier CTF"), name
        assert shown[datetime(2027, 2, 14, 17, tzinfo=UTC), "CANCELLED"] == (
            "ANNULÉ - Apéro data"), name
        assert shown[datetime(2027, 1, 28, 17, 30, tzinfo=UTC), "CANCELLED"] == (
            "Annulé : Club Python"), name
        assert shown[datetime(2027, 1, 7, 17, 30, tzinfo=UTC), "CONFIRMED"] == (
            "Club Python"), name


def calendar_name(body: bytes) -> str:
    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed["NAME"]) == str(parsed["X-WR-CALNAME"])
    return str(parsed["X-WR-CALNAME"])


def test_a_calendar_subscribed_from_an_english_or_german_page_is_named_in_that_language(
    feed_server: Any, tmp_path: Path
) -> None:
    """The /calendars page in English listed "Venue", but the calendar it subscribed to
    appeared as "… – Lieu" in the reader's calendar app (and "Laboratoire", "Données"…):
    the address it gives now names the calendar in the page's language, same events."""
    site = venue_site(feed_server, tmp_path, calendar(SERIES, OTHER))
    french = (tmp_path / "output" / "calendars" / "venue.ics").read_bytes()
    with running(site) as url, httpx.Client(base_url=url, timeout=30) as client:
        for lang, word in (("en", "Venue"), ("de", "Veranstaltungsort")):
            page = client.get("/calendars", params={"lang": lang}).text
            address = f"/calendars/venue.ics?lang={lang}"
            assert f"{site.settings.base_url}{address}" in page
            answer = client.get(address)
            assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
            assert calendar_name(answer.content) == (
                f"Agenda numérique Grand Est – Luxembourg – {word}")
            assert answer.content.split(b"BEGIN:VTIMEZONE", 1)[1] == (
                french.split(b"BEGIN:VTIMEZONE", 1)[1])  # the same zones and events
            assert client.get(address, headers={"If-None-Match": answer.headers["etag"]}
                              ).status_code == 304
            filtered = client.get("/calendar.ics", params={"kind": "venue", "lang": lang})
            assert calendar_name(filtered.content).endswith(f" – {word}")
            agenda = client.get("/", params={"kind": "venue", "lang": lang}).text
            assert f"calendar.ics?kind=venue&amp;lang={lang}" in agenda
        assert calendar_name(client.get("/calendars/venue.ics").content).endswith(" – Lieu")
        assert client.get("/calendars/venue.ics").content == french
    site.close()


URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[-!#$%&'()*+,/:;=?@\[\]\w.~]*", re.ASCII)
"""An RFC 3986 URI: what a URL property holds (RFC 5545 3.3.13)."""


def test_a_link_with_spaces_or_accents_is_written_as_a_uri_every_client_can_open(
    feed_server: Any, tmp_path: Path
) -> None:
    """A feed's link with an accent and a space went into the URL property as it was:
    not a URI, so a client cut it at the space (the link opened a page not found) or
    dropped it. It is now percent-encoded, an already encoded one left as it was."""
    link = "https://venue.example/agenda/soirée data?x=1 2&y=%C3%A9"
    written = "https://venue.example/agenda/soir%C3%A9e%20data?x=1%202&y=%C3%A9"
    body = calendar(OTHER.replace("END:VEVENT", f"URL:{link}\r\nEND:VEVENT"),
                    SERIES.replace("END:VEVENT", f"URL:{link}\r\nEND:VEVENT"))
    calendars = served(venue_site(feed_server, tmp_path, body), tmp_path / "output")
    for name, got in calendars.items():
        links = [str(event["URL"]) for event in icalendar.Calendar.from_ical(got).walk("VEVENT")]
        assert links and all(URI.fullmatch(found) for found in links), (name, links)
        assert set(links) == {written}, name
    described = icalendar.Calendar.from_ical(calendars["calendar.ics"]).walk("VEVENT")[0]
    assert str(described["DESCRIPTION"]).endswith(f"\n\n{written}")  # a link clients make whole


def test_a_moved_date_of_a_series_without_a_venue_keeps_the_city_the_others_show() -> None:
    """A series whose feed gave no place shows its city as LOCATION on every date, but a
    moved date (its RECURRENCE-ID override) showed no place at all."""
    moved = member("loria", "loria-evt-1", title="", location="",
                   start=datetime(2025, 12, 16, 19, 0, tzinfo=PARIS),
                   recurrence_id=datetime(2025, 12, 15, 18, 30, tzinfo=PARIS))
    series = merged(location="", city="Nancy", rrule="FREQ=WEEKLY;COUNT=4", overrides=(moved,))
    body = render_calendar([series], name="Agenda", now=NOW, base_url=BASE_URL,
                           timezone="Europe/Paris", sources=SOURCES)
    places = {str(e.get("RECURRENCE-ID") and e.decoded("RECURRENCE-ID")): str(e.get("LOCATION"))
              for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert set(places.values()) == {"Nancy"} and len(places) == 2, places


def test_a_moved_date_of_a_series_says_who_posted_it_and_links_to_it_like_the_others() -> None:
    """The description of a moved date (its override VEVENT) was its text alone: who posted
    the event, and the link every other date gives, were gone from that date."""
    moved = member("loria", "loria-evt-1", title="Meetup (salle B)", description="Salle B.",
                   url="https://loria.example/meetup-b",
                   start=datetime(2025, 12, 16, 19, 0, tzinfo=PARIS),
                   recurrence_id=datetime(2025, 12, 15, 18, 30, tzinfo=PARIS))
    series = merged(rrule="FREQ=WEEKLY;COUNT=4", overrides=(moved,))
    body = render_calendar([series], name="Agenda", now=NOW, base_url=BASE_URL,
                           timezone="Europe/Paris", sources=SOURCES)
    master, override = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(master["DESCRIPTION"]) == (
        "Une soirée.\n\nPublié par : LORIA\n\nhttps://example.org/evt-1")
    assert str(override["DESCRIPTION"]) == (
        "Salle B.\n\nPublié par : LORIA\n\nhttps://loria.example/meetup-b")
