"""Events their organiser marked private (CLASS:PRIVATE or CONFIDENTIAL) are never published,
nor a calendar shared as free/busy time only ("Busy" blocks without details).

An organisation that registers the iCal export of its working calendar (Outlook's published
calendar, Google's secret address, a Nextcloud share) hands us its private appointments too,
each marked as RFC 5545 says. The public agenda, its calendars and exports, the digest and
the registration preview must not show them, nor the date a private override takes out of a
public series.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import icalendar
import recurring_ical_events

from aggregator.core import make_aggregator
from aggregator.demo.server import FeedServer
from aggregator.models import ParsedFeed
from aggregator.parse import parse_body
from conftest import make_settings, make_source

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
MONDAY = date.today() + timedelta(days=7 - date.today().weekday())


def at(day: date, hour: int) -> str:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def team_calendar() -> bytes:
    second = MONDAY + timedelta(days=7)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
        "BEGIN:VEVENT", "UID:meetup@lab", f"DTSTART:{at(MONDAY, 17)}", "SUMMARY:Weekly open lab",
        "RRULE:FREQ=WEEKLY;COUNT=4", "END:VEVENT",
        # the second Monday, the lab is booked for a private meeting instead
        "BEGIN:VEVENT", "UID:meetup@lab", f"RECURRENCE-ID:{at(second, 17)}",
        f"DTSTART:{at(second, 17)}", "SUMMARY:Board: salary review", "CLASS:PRIVATE", "END:VEVENT",
        "BEGIN:VEVENT", "UID:review@lab", f"DTSTART:{at(MONDAY + timedelta(days=2), 9)}",
        "SUMMARY:Annual employee review", "CLASS:CONFIDENTIAL", "END:VEVENT",
        "BEGIN:VEVENT", "UID:odd@lab", f"DTSTART:{at(MONDAY + timedelta(days=3), 9)}",
        "SUMMARY:Dentist", "CLASS:X-PERSONAL", "END:VEVENT",
        "BEGIN:VEVENT", "UID:talk@lab", f"DTSTART:{at(MONDAY + timedelta(days=4), 18)}",
        "SUMMARY:Public talk", "CLASS:PUBLIC", "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines).encode() + b"\r\n"


def test_an_oracle_calendar_personal_note_is_left_out_with_a_warning() -> None:
    feed = parse_body((CORPUS / "ics" / "ical4j__oracle-personal-notes-test.ics").read_bytes(),
                      "ical", "https://example.org/oracle.ics", "Europe/Paris")
    assert feed.events == ()
    assert "left out 1 private event (CLASS:PRIVATE or CONFIDENTIAL)" in " ".join(feed.warnings)


def test_an_unknown_class_counts_as_private_and_a_private_override_leaves_its_series() -> None:
    feed = parse_body(team_calendar(), "ical", "https://example.org/team.ics", "Europe/Paris")
    assert sorted(event.title for event in feed.events) == ["Public talk", "Weekly open lab"]
    series = next(event for event in feed.events if event.rrule)
    second = MONDAY + timedelta(days=7)
    assert [when.date() for when in series.exdates] == [second]  # type: ignore[union-attr]


def test_nothing_private_reaches_any_output(tmp_path: Path) -> None:
    with FeedServer({"/team.ics": (team_calendar(), "text/calendar")}) as server:
        settings = make_settings(tmp_path, (make_source("lab", server.url("/team.ics")),))
        app = make_aggregator(settings)
        try:
            app.refresh()
            app.build()
            health = app.feed_health()
        finally:
            app.close()
    output = tmp_path / "output"
    published = b"".join(path.read_bytes() for path in sorted(output.rglob("*")) if path.is_file())
    for private in (b"salary", b"employee review", b"Dentist"):
        assert private not in published
    calendar = icalendar.Calendar.from_ical((output / "calendar.ics").read_bytes())
    dates = {occurrence.decoded("DTSTART").date() for occurrence in
             recurring_ical_events.of(calendar).between(MONDAY, MONDAY + timedelta(days=40))
             if str(occurrence["SUMMARY"]) == "Weekly open lab"}
    assert dates == {MONDAY + timedelta(days=7 * week) for week in (0, 2, 3)}
    titles = [event["title"] for event in json.loads((output / "events.json").read_text())["events"]]
    assert sorted(titles) == ["Public talk", "Weekly open lab"]
    assert health[0].status == "ok"
    assert any("3 private events" in warning for warning in health[0].warnings)


def parse_corpus(name: str) -> ParsedFeed:
    return parse_body((CORPUS / "ics" / name).read_bytes(), "ical", f"https://example.org/{name}",
                      "Europe/Paris")


def test_an_exchange_calendar_shared_as_availability_only_publishes_nothing_and_says_why() -> None:
    feed = parse_corpus("icalevents__cest.ics")  # 107 events: Busy, Tentative, Away, Free
    assert feed.events == ()
    warning = " ".join(feed.warnings)
    assert "shared as free/busy time only (its 107 events" in warning
    assert "share the calendar with all event details" in warning
    google = parse_corpus("icalevents__google_tz.ics")  # Google's "See only free/busy"
    assert google.events == () and "(its one event is titled 'Busy'" in " ".join(google.warnings)


def test_french_labels_are_free_busy_too_but_one_real_event_keeps_the_calendar() -> None:
    def blocks(*extra: str) -> bytes:
        lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:Microsoft Exchange Server 2010"]
        for day, title in enumerate(("Occupé", "Provisoire", "Absent du bureau"), start=1):
            lines += ["BEGIN:VEVENT", f"UID:{day}@x", f"DTSTART:2030010{day}T090000Z",
                      f"SUMMARY:{title}", "END:VEVENT"]
        return "\r\n".join([*lines, *extra, "END:VCALENDAR"]).encode()

    only_blocks = parse_body(blocks(), "ical", "https://example.org/a.ics", "Europe/Paris")
    assert only_blocks.events == () and "free/busy" in " ".join(only_blocks.warnings)
    talk = ["BEGIN:VEVENT", "UID:talk@x", "DTSTART:20300105T180000Z", "SUMMARY:Rust meetup",
            "END:VEVENT"]
    mixed = parse_body(blocks(*talk), "ical", "https://example.org/b.ics", "Europe/Paris")
    assert len(mixed.events) == 4 and "free/busy" not in " ".join(mixed.warnings)


def test_an_event_named_after_its_status_with_details_is_an_event() -> None:
    """Apple's test calendar: events titled "Tentative", "Confirmed"... are real events; and a
    block titled like availability but with a place is an event too."""
    feed = parse_corpus("nodeical__tentative-apple-calendar.ics")
    assert sorted(event.title for event in feed.events) == [
        "Cancelled", "Confirmed", "No Status", "Tentative"]
    placed = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nBEGIN:VEVENT\r\nUID:a@x\r\n"
              "DTSTART:20300101T090000Z\r\nSUMMARY:Free\r\nLOCATION:BAM, Metz\r\nEND:VEVENT\r\n"
              "END:VCALENDAR\r\n").encode()
    assert [e.title for e in parse_body(placed, "ical", "https://example.org/c.ics", "UTC").events
            ] == ["Free"]
