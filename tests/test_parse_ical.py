"""iCalendar parsing: what a user would see of each exporter's real-world shape.

Each fixture in tests/data is named after the product whose export it imitates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aggregator.errors import ParseError
from aggregator.models import Event, ParsedFeed
from aggregator.parse import parse_body
from aggregator.parse.guards import cut_date_lists
from aggregator.parse.ical_junk import without_unreadable_lines
from aggregator.parse.mojibake import repair_calendar
from aggregator.reasons import reason_in
from test_parse_corpus import CORPUS

DATA = Path(__file__).parent / "data"
URL = "https://feeds.example.net/calendar.ics"
PARIS = ZoneInfo("Europe/Paris")


def parse_file(name: str, default_tz: str = "Europe/Paris") -> ParsedFeed:
    return parse_body((DATA / name).read_bytes(), "ical", URL, default_tz)


def parse_text(text: str, default_tz: str = "Europe/Paris") -> ParsedFeed:
    return parse_body(text.replace("\n", "\r\n").encode(), "ical", URL, default_tz)


def by_title(feed: ParsedFeed, title: str) -> Event:
    return next(event for event in feed.events if event.title == title)


def calendar(*lines: str) -> str:
    return "\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines, "END:VCALENDAR"])


# Google: UTC times plus X-WR-TIMEZONE


def test_google_utc_time_is_shown_in_the_calendar_zone_in_winter() -> None:
    event = by_title(parse_file("google_utc_xwr.ics"), "Nancy.py #42")
    assert event.start == datetime(2025, 1, 14, 18, 30, tzinfo=PARIS)
    assert event.start.isoformat() == "2025-01-14T18:30:00+01:00"
    assert event.timezone == "Europe/Paris"
    assert isinstance(event.start, datetime) and isinstance(event.start.tzinfo, ZoneInfo)
    assert event.end == datetime(2025, 1, 14, 20, 30, tzinfo=PARIS)


def test_google_utc_time_is_shown_in_the_calendar_zone_in_summer() -> None:
    event = by_title(parse_file("google_utc_xwr.ics"), "Summer meetup")
    assert event.start.isoformat() == "2025-06-17T18:30:00+02:00"


def test_google_fields_are_kept() -> None:
    feed = parse_file("google_utc_xwr.ics")
    event = by_title(feed, "Nancy.py #42")
    assert feed.format == "ical" and feed.title == "Grand Est Tech Meetups"
    assert event.uid == "5q2k1b0v7j8n3m4c6x9z@google.com"
    assert event.location == "Le Dôme, 2 Place de la République, 54000 Nancy, France"
    assert event.description == "Talks and pizza.\nDoors open at 18:15."
    assert event.sequence == 2
    assert event.last_modified == datetime(2024, 12, 15, 8, 0, tzinfo=ZoneInfo("UTC"))
    assert event.feed_url == URL and event.source_id == ""
    assert feed.warnings == ()


def test_recurring_series_keeps_rrule_exdate_and_override() -> None:
    feed = parse_file("google_utc_xwr.ics")
    series = by_title(feed, "Coding dojo")
    override = by_title(feed, "Coding dojo (late start)")
    assert series.rrule == "FREQ=WEEKLY;BYDAY=TU"
    assert series.exdates == (datetime(2025, 1, 21, 19, 0, tzinfo=PARIS),)
    assert series.recurrence_id is None
    assert override.uid == series.uid
    assert override.recurrence_id == datetime(2025, 1, 28, 19, 0, tzinfo=PARIS)
    assert override.start == datetime(2025, 1, 28, 20, 0, tzinfo=PARIS)
    assert override.rrule is None and override.sequence == 1


def test_all_day_event_has_dates_and_exclusive_end() -> None:
    event = by_title(parse_file("google_utc_xwr.ics"), "Hackathon weekend")
    assert (event.start, event.end) == (date(2025, 3, 1), date(2025, 3, 3))
    assert event.all_day is True and event.timezone is None
    assert not isinstance(event.start, datetime)


def test_cancelled_status_is_kept() -> None:
    feed = parse_file("google_utc_xwr.ics")
    assert by_title(feed, "Talk: Rust in production").status == "CANCELLED"
    assert by_title(feed, "Nancy.py #42").status == "CONFIRMED"


def test_a_calendar_of_cancellations_calls_its_events_off() -> None:
    """METHOD:CANCEL says every VEVENT of the file is called off, even one without STATUS
    (RFC 5546): it was published as taking place."""
    feed = parse_text(calendar(
        "METHOD:CANCEL",
        *(line for n in (1, 2) for line in (
            "BEGIN:VEVENT", f"UID:meetup-{n}", f"SUMMARY:Meetup {n}",
            f"DTSTART:2027010{n}T180000Z", "DTSTAMP:20261201T000000Z", "END:VEVENT"))))
    assert [event.status for event in feed.events] == ["CANCELLED", "CANCELLED"]
    assert "a calendar of cancellations (METHOD:CANCEL): 2 events read as cancelled" \
        in feed.warnings
    published = parse_text(calendar("METHOD:PUBLISH", "BEGIN:VEVENT", "UID:m", "SUMMARY:M",
                                    "DTSTART:20270101T180000Z", "END:VEVENT"))
    assert [event.status for event in published.events] == ["CONFIRMED"]


# Outlook / Exchange: Windows zone names


def test_outlook_romance_standard_time_is_paris() -> None:
    event = by_title(parse_file("outlook_windows_tz.ics"), "Soirée projets étudiants")
    assert event.start == datetime(2025, 2, 12, 18, 30, tzinfo=PARIS)
    assert isinstance(event.start, datetime) and event.start.utcoffset() == timedelta(hours=1)
    assert event.timezone == "Europe/Paris"


def test_outlook_w_europe_standard_time_is_berlin_in_summer() -> None:
    event = by_title(parse_file("outlook_windows_tz.ics"), "Séminaire IA")
    assert event.timezone == "Europe/Berlin"
    assert event.start.isoformat() == "2025-07-10T14:00:00+02:00"
    assert event.status == "TENTATIVE"


def test_outlook_customized_time_zone_matches_an_iana_zone_by_its_rules() -> None:
    event = by_title(parse_file("outlook_windows_tz.ics"), "Comité de pilotage")
    assert event.timezone == "Europe/Paris"  # same rules as CET/CEST; the default zone wins ties
    assert event.start.isoformat() == "2025-11-06T09:30:00+01:00"


def outlook_style(offset: str, x_wr_timezone: str = "") -> str:
    """An Outlook-style VTIMEZONE (no TZNAME) and one event in it."""
    return calendar(
        *([f"X-WR-TIMEZONE:{x_wr_timezone}"] if x_wr_timezone else []),
        "BEGIN:VTIMEZONE", "TZID:Customized Time Zone", "BEGIN:STANDARD",
        "DTSTART:16010101T000000", f"TZOFFSETFROM:{offset}", f"TZOFFSETTO:{offset}",
        "END:STANDARD", "END:VTIMEZONE",
        "BEGIN:VEVENT", "UID:u1@x", "SUMMARY:Kick-off", "DTSTAMP:20260101T000000Z",
        "DTSTART;TZID=Customized Time Zone:20270310T090000", "END:VEVENT")


def test_a_time_in_a_zone_without_tzname_keeps_it_under_x_wr_timezone() -> None:
    """x-wr-timezone reads a time whose zone has no name as floating; it is not."""
    [event] = parse_text(outlook_style("+0500", x_wr_timezone="Europe/Paris")).events
    assert event.start.isoformat() == "2027-03-10T09:00:00+05:00"


def test_what_a_file_says_does_not_depend_on_what_was_parsed_before() -> None:
    """icalendar keeps the first VTIMEZONE it meets per TZID for the whole process: a
    Google-style file naming an Outlook zone read the same, with the same warnings, before
    and after an Outlook file that defines it."""
    google = calendar("X-WR-TIMEZONE:Europe/Paris", "BEGIN:VEVENT", "UID:g1@x", "SUMMARY:Atelier",
                      "DTSTAMP:20260101T000000Z",
                      "DTSTART;TZID=Romance Standard Time:20270310T090000", "END:VEVENT")
    alone = parse_text(google)
    parse_file("outlook_windows_tz.ics")
    parse_text(outlook_style("+0900"))
    after = parse_text(google)
    assert after.events == alone.events and after.warnings == alone.warnings
    assert "is a Windows zone name" in after.warnings[0]
    assert parse_text(outlook_style("+0500", "Europe/Paris")).events[0].start.utcoffset() == \
        timedelta(hours=5)


def test_outlook_categories_organizer_and_description() -> None:
    event = by_title(parse_file("outlook_windows_tz.ics"), "Soirée projets étudiants")
    assert event.categories == ("Étudiants", "Projets", "Public")
    assert event.organizer == "Marie Dupont"
    assert event.description == "Présentation des projets du semestre.\n\nInscription obligatoire."
    assert event.uid.startswith("040000008200E00074C5B7101A82E008")  # folded UID unfolded


def test_html_only_description_becomes_plain_text_without_scripts() -> None:
    event = by_title(parse_file("outlook_windows_tz.ics"), "Séminaire IA")
    assert event.description == "Invited talk by Dr. Smith (https://example.org/speaker)"
    assert event.organizer == "Lab Secretary"


# WordPress The Events Calendar, Meetup, Apple


def test_wordpress_html_description_and_entities() -> None:
    feed = parse_file("wordpress_tec.ics")
    event = by_title(feed, "Journée de l’IA en Lorraine")
    assert event.description == "Une journée de conférences & d'ateliers.\n\n- Keynote\n- Ateliers"
    assert event.url == "https://techhub.example.org/event/journee-ia-lorraine/"
    assert event.categories == ("Conférence", "Intelligence artificielle")
    assert event.organizer == "Lorraine Tech Hub"
    assert event.start == datetime(2025, 9, 25, 9, 0, tzinfo=PARIS)
    salon = by_title(feed, "Salon des startups")
    assert (salon.start, salon.end, salon.all_day) == (date(2025, 10, 14), date(2025, 10, 16), True)


def test_meetup_event() -> None:
    feed = parse_file("meetup.ics")
    (event,) = feed.events
    assert event.title == "Metz.js #18 – Web components"
    assert event.start.isoformat() == "2025-04-03T19:00:00+02:00"
    assert event.url == "https://www.meetup.com/metz-js/events/305123456/"
    assert event.location == "TCRM-Blida (7 Avenue de Blida, Metz, France)"
    assert event.description.startswith("Metz.js\nJeudi 3 avril à 19:00\n\nDeux talks")


def test_apple_events() -> None:
    feed = parse_file("apple.ics")
    spring = by_title(feed, "ICT Spring")
    assert (spring.start, spring.end) == (date(2025, 5, 10), date(2025, 5, 11))
    evening = by_title(feed, "Data science evening")
    assert evening.timezone == "Europe/Luxembourg"
    assert evening.start.isoformat() == "2025-05-20T18:30:00+02:00"
    assert evening.url == "https://lux.example.lu/data-science"


# Hand-made files: floating times, LF endings, DURATION, missing fields


def test_floating_times_use_the_default_zone() -> None:
    event = by_title(parse_file("handmade_floating_lf.ics"), "Repair café numérique")
    assert event.start == datetime(2025, 3, 15, 14, 0, tzinfo=PARIS)
    assert event.timezone == "Europe/Paris"
    other = by_title(parse_file("handmade_floating_lf.ics", "Europe/Luxembourg"), "Repair café numérique")
    assert other.timezone == "Europe/Luxembourg"


def test_duration_gives_the_end_and_categories_are_flattened() -> None:
    event = by_title(parse_file("handmade_floating_lf.ics"), "Repair café numérique")
    assert event.end == datetime(2025, 3, 15, 17, 0, tzinfo=PARIS)
    assert event.categories == ("Atelier", "Réemploi", "Gratuit")


def test_missing_dtend_and_all_day_without_end() -> None:
    feed = parse_file("handmade_floating_lf.ics")
    assert by_title(feed, "Install party Linux").end is None
    open_day = by_title(feed, "Journée portes ouvertes")
    assert (open_day.start, open_day.end) == (date(2025, 4, 5), date(2025, 4, 6))


def test_missing_uid_gets_a_stable_one_with_a_warning() -> None:
    first = by_title(parse_file("handmade_floating_lf.ics"), "Install party Linux")
    again = by_title(parse_file("handmade_floating_lf.ics"), "Install party Linux")
    assert first.uid == again.uid and first.uid.endswith("@aggregator.invalid")
    warnings = parse_file("handmade_floating_lf.ics").warnings
    assert "VEVENT 'Install party Linux' has no UID: generated one" in warnings


def test_events_without_uid_are_told_in_one_line() -> None:
    """A hand-made programme of 128 events without UID (corpus
    nodeical__festival-multiday-rrule.ics) filled the organiser's feed health with one
    line per event and "... and 74 more warnings", the other warnings lost among them: one
    line says it for all, with what a UID is for."""
    feed = parse_body((CORPUS / "ics" / "nodeical__festival-multiday-rrule.ics").read_bytes(),
                      "ical", "https://festival.example/programme.ics")
    uid_lines = [w for w in feed.warnings if "UID" in w]
    assert uid_lines == [
        f"{len(feed.events)} VEVENTs have no UID (the first: 'foobar Summer 2011 starts!'): "
        "generated from their titles and starts; give every event a UID, or a change of "
        "title or time reaches subscribers as a new event"]
    assert reason_in(uid_lines[0], "fr").startswith(f"{len(feed.events)} VEVENT sans UID")
    assert not any(w.startswith("...") for w in feed.warnings)


def test_event_without_dtstart_is_skipped_with_a_warning() -> None:
    feed = parse_file("handmade_floating_lf.ics")
    assert "Date to be announced" not in [event.title for event in feed.events]
    assert "skipped VEVENT 'Date to be announced': no DTSTART" in feed.warnings
    assert len(feed.events) == 3


def test_a_time_at_the_calendars_ends_is_skipped_with_its_reason() -> None:
    """Within a day of the year 1 or the year 9999, some zone's clock is in the year 0 or
    10000: moved to the site's zone, the event stopped every build (OverflowError). The
    day before the last is an event like any other."""
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:far", "SUMMARY:Far", "DTSTART:99991231T233000Z", "END:VEVENT",
        "BEGIN:VEVENT", "UID:old", "SUMMARY:Old", "DTSTART:00010101T003000Z", "END:VEVENT",
        "BEGIN:VEVENT", "UID:end", "SUMMARY:Ends late", "DTSTART:99991230T100000Z",
        "DTEND:99991231T230000Z", "END:VEVENT",
        "BEGIN:VEVENT", "UID:day", "SUMMARY:Last day", "DTSTART;VALUE=DATE:99991231",
        "END:VEVENT",
        "BEGIN:VEVENT", "UID:eve", "SUMMARY:Eve", "DTSTART;VALUE=DATE:99991230", "END:VEVENT",
    ))  # fmt: skip
    assert [event.title for event in feed.events] == ["Eve"]
    assert ("skipped VEVENT 'Far': DTSTART 9999-12-31T23:30:00+00:00 is at the very end of the "
            "calendar (no time zone can show it)") in feed.warnings
    assert sum("is at the very end of the calendar" in w for w in feed.warnings) == 4


def test_lotus_notes_quoted_and_slashed_tzids() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Quoted",
        'DTSTART;TZID="Europe/Berlin":20250301T100000', "END:VEVENT",
        "BEGIN:VEVENT", "UID:b", "SUMMARY:Slashed",
        "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Paris:20250301T100000", "END:VEVENT",
    ))  # fmt: skip
    assert [event.timezone for event in feed.events] == ["Europe/Berlin", "Europe/Paris"]
    assert feed.warnings == ()


def test_unknown_tzid_falls_back_to_the_default_zone_with_a_warning() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Mystery", "DTSTART;TZID=Mars/Olympus:20250301T100000", "END:VEVENT",
    ))  # fmt: skip
    assert feed.events[0].start == datetime(2025, 3, 1, 10, 0, tzinfo=PARIS)
    assert feed.warnings == ("unknown TZID 'Mars/Olympus': times read as Europe/Paris",)


def test_x_wr_timezone_applies_to_floating_times() -> None:
    feed = parse_text(calendar(
        "X-WR-TIMEZONE:America/New_York",
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Floating", "DTSTART:20250301T100000", "END:VEVENT",
    ))  # fmt: skip
    assert feed.events[0].start.isoformat() == "2025-03-01T10:00:00-05:00"
    assert feed.events[0].timezone == "America/New_York"


def test_utc_times_without_x_wr_timezone_stay_utc() -> None:
    feed = parse_text(calendar("BEGIN:VEVENT", "UID:a", "DTSTART:20250301T100000Z", "END:VEVENT"))
    assert feed.events[0].timezone == "UTC"
    assert feed.events[0].start == datetime(2025, 3, 1, 10, 0, tzinfo=ZoneInfo("UTC"))


def test_rdate_status_spelling_and_google_date_until() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Series", "STATUS:canceled",
        "DTSTART;TZID=Europe/Paris:20250301T100000", "RRULE:FREQ=WEEKLY;UNTIL=20250329",
        "RDATE;TZID=Europe/Paris:20250402T100000,20250403T100000", "END:VEVENT",
    ))  # fmt: skip
    (event,) = feed.events
    assert event.status == "CANCELLED"
    assert event.rrule == "FREQ=WEEKLY;UNTIL=20250329T225959Z"  # through 29 March, Paris time
    assert event.rdates == (datetime(2025, 4, 2, 10, tzinfo=PARIS), datetime(2025, 4, 3, 10, tzinfo=PARIS))


def test_bad_rrule_is_dropped_with_a_warning() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Odd",
        "DTSTART:20250301T100000Z", "RRULE:FREQ=SOMETIMES", "END:VEVENT",
    ))  # fmt: skip
    assert feed.events[0].rrule is None
    assert "has no valid FREQ" in feed.warnings[0]


def test_dtend_before_dtstart_is_dropped_with_a_warning() -> None:
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:a", "SUMMARY:Backwards",
        "DTSTART:20250301T100000Z", "DTEND:20250301T090000Z", "END:VEVENT",
    ))  # fmt: skip
    assert feed.events[0].end is None
    assert feed.warnings == ("VEVENT 'Backwards': DTEND before DTSTART, ignored",)


def test_work_is_bounded_to_20_000_vevents() -> None:
    vevent = "BEGIN:VEVENT\r\nUID:{0}\r\nDTSTART:20250101T100000Z\r\nSUMMARY:e{0}\r\nEND:VEVENT\r\n"
    body = "BEGIN:VCALENDAR\r\n" + "".join(vevent.format(n) for n in range(20_002)) + "END:VCALENDAR\r\n"
    feed = parse_body(body.encode(), "ical", URL)
    assert len(feed.events) == 20_000 and feed.events[-1].uid == "19999"
    assert feed.warnings == ("20002 VEVENTs: read the first 20000",)


def listed_days(first: date, count: int) -> list[str]:
    """``count`` dates a day apart, from ``first``, as iCalendar DATE values."""
    return [(first + timedelta(days=n)).strftime("%Y%m%d") for n in range(count)]


def test_an_event_keeps_its_latest_thousand_rdates_and_exdates() -> None:
    days = listed_days(date(2024, 1, 1), 1_500)
    shuffled = days[750:] + days[:750]  # the file's order is not the dates'
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:long", "SUMMARY:Open desk", "DTSTART;VALUE=DATE:20231231",
        "RDATE;VALUE=DATE:" + ",".join(shuffled),
        *[f"EXDATE;VALUE=DATE:{day}" for day in days[:1_200]], "END:VEVENT",
    ))  # fmt: skip
    event = feed.events[0]
    assert sorted(d.strftime("%Y%m%d") for d in event.rdates) == days[500:]
    assert sorted(d.strftime("%Y%m%d") for d in event.exdates) == days[200:1_200]
    assert feed.warnings == (
        "VEVENT 'Open desk': 1,500 RDATE values, more than an event's limit: kept the latest 1,000",
        "VEVENT 'Open desk': 1,200 EXDATE values, more than an event's limit: kept the latest 1,000",
    )


def test_a_feed_lists_at_most_20_000_dates_across_its_events_and_calendars() -> None:
    dates = ",".join(listed_days(date(2024, 1, 1), 900))
    vevent = ["BEGIN:VEVENT", "UID:{0}", "SUMMARY:e{0}", "DTSTART;VALUE=DATE:20231231",
              f"RDATE;VALUE=DATE:{dates}", "END:VEVENT"]
    one = calendar(*[line.format(n) for n in range(12) for line in vevent])
    two = calendar(*[line.format(n) for n in range(12, 24) for line in vevent])
    feed = parse_text(one + "\n" + two)
    kept = [len(event.rdates) for event in feed.events]
    assert kept == [900] * 22 + [200, 0]  # 20,000 in all, the first events' first
    assert feed.warnings == (
        "VEVENT 'e22': 900 RDATE values, more than the feed's limit: kept the latest 200",
        "VEVENT 'e23': 900 RDATE values, more than the feed's limit: dropped them",
    )


def test_hostile_date_lists_are_cut_before_icalendar_reads_them() -> None:
    days = listed_days(date(1990, 1, 1), 12_000)
    zone_block = ["BEGIN:VTIMEZONE", "TZID:Odd", "BEGIN:STANDARD", "DTSTART:19700101T000000",
                  "RDATE:" + ",".join(f"{day}T000000" for day in days), "TZOFFSETFROM:+0100",
                  "TZOFFSETTO:+0100", "END:STANDARD", "END:VTIMEZONE"]
    text = calendar(*zone_block, "BEGIN:VEVENT", "UID:a", "SUMMARY:Daily desk", "DTSTART;VALUE=DATE:19891231",
                    "RDATE;VALUE=DATE:" + ",".join(days), "END:VEVENT")  # fmt: skip
    cut, notes = cut_date_lists(text)
    assert notes == ["1 RDATE/EXDATE lists of more than 10,000 values: kept the latest 1,000 of each"]
    assert cut.count(days[0]) == 1 and cut.count(days[-1]) == 2  # the zone's list is whole
    feed = parse_text(text)
    assert [d.strftime("%Y%m%d") for d in sorted(feed.events[0].rdates)] == days[-1_000:]
    assert feed.warnings == tuple(notes)  # what the parser would have kept: no warning of its own


def test_a_feed_listing_dates_line_by_line_is_cut_past_40_000() -> None:
    days = listed_days(date(1990, 1, 1), 9_000)
    vevent = ["BEGIN:VEVENT", "UID:{0}", "SUMMARY:e{0}", "DTSTART;VALUE=DATE:19891231",
              *[f"EXDATE;VALUE=DATE:{day}" for day in days], "END:VEVENT"]
    text = calendar(*[line.format(n) for n in range(6) for line in vevent])
    feed = parse_text(text)
    assert [len(event.exdates) for event in feed.events] == [1_000] * 5 + [0]
    assert feed.warnings[0] == ("14000 RDATE/EXDATE lines past 10,000 values in a VEVENT or 40,000 "
                                "in the feed: dropped")
    assert "blank lines" not in " ".join(feed.warnings)
    assert len(feed.warnings) == 1 + 5  # and each event's own cap, named


def test_empty_calendar_is_valid_and_empty() -> None:
    feed = parse_text(calendar())
    assert feed.format == "ical" and feed.record_count == 0 and feed.warnings == ()


PHP_WARNING = ("<b>Warning</b>:  Undefined variable $venue in <b>/var/www/html/wp-content/plugins/"
               "agenda/ical.php</b> on line <b>42</b><br />")


def wordpress_export(*junk: str) -> str:
    vevent = ["BEGIN:VEVENT", "UID:{0}@wp.example.org", "DTSTAMP:20260101T000000Z",
              "DTSTART;TZID=Europe/Paris:2026121{0}T180000", "SUMMARY:Atelier {0}",
              "DESCRIPTION:Un atelier sur deux lignes, plié \n en deux", "END:VEVENT"]  # folded
    return calendar(*[line.format(n) for n in range(3) for line in [*vevent, *junk]])


def test_lines_that_are_no_icalendar_cost_those_lines_not_the_calendar() -> None:
    """A PHP notice printed into a WordPress export: icalendar refused the whole file for it
    and every event of the feed was lost; calendar apps skip such lines."""
    feed = parse_text(wordpress_export("<br />", PHP_WARNING))
    assert [event.title for event in feed.events] == ["Atelier 0", "Atelier 1", "Atelier 2"]
    assert feed.events[0].start == datetime(2026, 12, 10, 18, tzinfo=PARIS)
    assert feed.events[0].description == "Un atelier sur deux lignes, plié en deux"
    assert feed.warnings == (
        "skipped 6 lines that are not iCalendar content lines, the first: '<br />'",)
    assert reason_in(feed.warnings[0], "de") == (
        "6 Zeilen übersprungen, die keine iCalendar-Zeilen sind, die erste: '<br />'")


def test_a_long_unreadable_line_is_quoted_short_enough_to_read() -> None:
    feed = parse_text(wordpress_export(PHP_WARNING))
    assert feed.warnings == ("skipped 3 lines that are not iCalendar content lines, the first: "
                             f"{PHP_WARNING[:79] + '…'!r}",)


@pytest.mark.parametrize("notice", [
    "<br />\n<b>Notice</b>:  Undefined index: venue in <b>/var/www/ical.php</b> on line <b>12</b>"
    "<br />",
    "Notice: Undefined index: venue in /var/www/ical.php on line 12",
])
def test_a_notice_printed_before_the_calendar_is_ignored_with_a_warning(notice: str) -> None:
    """The sniffer took the first as XML with a <br> root, the second as nothing it knew:
    the feed was refused, though every event was there."""
    feed = parse_body((notice + "\n" + wordpress_export()).replace("\n", "\r\n").encode(),
                      "auto", URL)
    assert [event.title for event in feed.events] == ["Atelier 0", "Atelier 1", "Atelier 2"]
    first = notice.splitlines()[0]
    assert feed.warnings == (f"text before BEGIN:VCALENDAR ignored, the first line: {first!r}",)


def test_an_html_page_showing_a_calendar_is_still_an_html_page() -> None:
    page = "<!DOCTYPE html>\n<html><head><title>Export</title></head><body><pre>\n"
    with pytest.raises(ParseError) as raised:
        parse_body((page + wordpress_export() + "\n</pre></body></html>").encode(), "auto", URL)
    assert raised.value.reason.startswith("got an HTML page, not a feed: 'Export'")


def test_a_body_of_more_unreadable_lines_than_a_thousand_is_refused_not_combed() -> None:
    """No calendar with a few notices in it: judging 1,250,000 lines of "<br />" (10 MB)
    took 8 s of a parse worker. A thousand are skipped, one more and none is."""
    text = "BEGIN:VCALENDAR\r\n" + "<br />\r\n" * 1_000 + "END:VCALENDAR\r\n"
    assert without_unreadable_lines(text) == ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                                              ["<br />"] * 1_000)
    more = text.replace("<br />", "<br />\r\n<hr />", 1)
    assert without_unreadable_lines(more) == (more, [])
    with pytest.raises(ParseError) as raised:
        parse_body(more.encode(), "ical", URL)
    assert raised.value.reason.startswith("unreadable iCalendar: ")


def test_a_line_icalendar_skips_inside_an_event_is_reported() -> None:
    """icalendar drops it from the VEVENT without a word: a DESCRIPTION written without
    folding lost its second line, and its organiser could not know."""
    text = wordpress_export().replace("DESCRIPTION:Un atelier", "DESCRIPTION:Première ligne\n"
                                      "seconde ligne sans pli\nDESCRIPTION:Un atelier", 1)
    feed = parse_text(text)
    assert len(feed.events) == 3
    assert_warned(feed, "VEVENT 'Atelier 0': skipped a line that is not an iCalendar content "
                  "line: 'seconde ligne sans pli'",
                  "VEVENT 'Atelier 0' : une ligne qui n'est pas une ligne iCalendar ignorée : "
                  "'seconde ligne sans pli'")


def assert_warned(feed: ParsedFeed, english: str, french: str) -> None:
    """``feed``'s one warning, as stored and as a French organiser reads it."""
    assert feed.warnings == (english,)
    assert reason_in(english, "fr") == french


def test_a_calendar_encoded_twice_reads_as_its_author_wrote_it() -> None:
    """An old PHP site converting its UTF-8 "to UTF-8" again: "MathÃ©matiques" in every
    client (two corpus calendars, icspy__BA1.ics and ical4j__bhav23-2.ics, do it). A fold
    may fall between the two characters of one letter."""
    twice = "Atelier d’été à Metz".encode().decode("cp1252")
    assert twice == "Atelier dâ€™Ã©tÃ© Ã\u00a0 Metz"
    text = wordpress_export().replace("SUMMARY:Atelier 0", f"SUMMARY:{twice[:11]}\n {twice[11:]}")
    feed = parse_text(text.replace("SUMMARY:Atelier 1", "SUMMARY:Atelier lâ\n €™atelier"))
    assert [event.title for event in feed.events] == ["Atelier d’été à Metz", "Atelier l’atelier",
                                                      "Atelier 2"]
    assert_warned(feed, "text encoded twice (UTF-8 read as Windows-1252, then encoded again) on "
                  "2 lines: repaired", "texte encodé deux fois (UTF-8 lu comme Windows-1252, puis "
                  "encodé à nouveau) sur 2 lignes : réparé")


def test_a_fold_after_the_first_character_of_a_pair_is_seen() -> None:
    """"â" alone is French ("château"): only before a fold is it looked at."""
    assert repair_calendar("SUMMARY:lâ\r\n €™atelier\r\n") == ("SUMMARY:l’atelier\r\n", 1)
    assert repair_calendar("SUMMARY:château\r\n fort\r\n") == ("SUMMARY:château\r\n fort\r\n", 0)


def test_letters_that_only_look_encoded_twice_are_left_alone() -> None:
    text = wordpress_export().replace("Atelier 0", "SÃO PAULO Ärzte Ã la carte ÂGE")
    feed = parse_text(text)
    assert feed.events[0].title == "SÃO PAULO Ärzte Ã la carte ÂGE"
    assert feed.warnings == ()


def test_an_unreadable_line_goes_with_its_continuations_and_nothing_else() -> None:
    text = ("SUMMARY:Atelier\r\nDESCRIPTION:ligne\u2028séparée\r\n pliée\r\n\r\n"
            "<b>Notice</b>: x\r\n  suite du message\r\nLOCATION:Metz\r\n")
    kept, dropped = without_unreadable_lines(text)
    assert kept == ("SUMMARY:Atelier\r\nDESCRIPTION:ligne\u2028séparée\r\n pliée\r\n\r\n"
                    "LOCATION:Metz\r\n")
    assert dropped == ["<b>Notice</b>: x suite du message"]


PARIS_ZONE = ["BEGIN:VTIMEZONE", "TZID:Europe/Paris", "BEGIN:STANDARD", "DTSTART:19701025T030000",
              "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD", "END:VTIMEZONE"]


def with_zone(text: str, zone: list[str]) -> str:
    return text.replace("PRODID:-//test//EN", "\n".join(["PRODID:-//test//EN", *zone]))


@pytest.mark.parametrize(("boundary", "damaged"), [("END:STANDARD", "ENDDARD"),
                                                    ("BEGIN:STANDARD", "BEGINSTANDARD")])
def test_a_damaged_begin_or_end_line_is_refused_not_skipped(boundary: str, damaged: str) -> None:
    """Without it what follows belongs to another component, and events could merge or
    vanish (published as cancelled): a refusal keeps the feed's last good copy, and the
    organiser reads which line to mend."""
    text = with_zone(wordpress_export("<br />"), PARIS_ZONE).replace(boundary, damaged)
    with pytest.raises(ParseError) as raised:
        parse_text(text)
    assert raised.value.reason.startswith("unreadable iCalendar: ")
    assert repr(damaged) in raised.value.reason


def test_a_calendar_with_unreadable_lines_and_a_broken_timezone_is_read_without_both() -> None:
    broken_zone = [line.replace("+0200", "+9900") for line in PARIS_ZONE]
    feed = parse_text(with_zone(wordpress_export("<br />"), broken_zone))
    assert len(feed.events) == 3
    assert feed.warnings[0] == ("skipped 3 lines that are not iCalendar content lines, the first: "
                                "'<br />'")
    assert feed.warnings[1].startswith("unreadable VTIMEZONE or VALARM (")


def test_a_timezone_icalendar_trips_on_is_said_without_python_words() -> None:
    """The Events Calendar (WordPress) wrote two TZIDs into one VTIMEZONE (corpus
    nodeical__test_with_multiple_tzids_in_vtimezone.ics): its organiser read "unreadable
    VTIMEZONE or VALARM ('list' object has no attribute 'strip')", the library's own bug
    words; the events, read without it, keep their zone."""
    feed = parse_body(
        (CORPUS / "ics" / "nodeical__test_with_multiple_tzids_in_vtimezone.ics").read_bytes(),
        "ical", "https://school.example/?ical=1")
    assert feed.events
    [note] = [w for w in feed.warnings if "VTIMEZONE" in w]
    assert note == ("unreadable VTIMEZONE or VALARM (a property written twice, or in a form "
                    "iCalendar does not allow): ignored them")
    assert reason_in(note, "de").startswith("unlesbare VTIMEZONE oder VALARM (eine Eigenschaft")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"BEGIN:VCARD\r\nFN:Marie\r\nEND:VCARD\r\n", "not an iCalendar file: no BEGIN:VCALENDAR"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\n", "truncated iCalendar file: no END:VCALENDAR"),
    ],
)
def test_unreadable_calendars_raise_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_body(body, "ical", URL)
    assert raised.value.reason == reason
    assert raised.value.url == URL


def test_dates_written_in_iso_8601s_other_forms_are_read_and_reported() -> None:
    """A PHP script's date('c') or a hand-made file: icalendar refuses "2026-12-07T18:00:00",
    and each such event was skipped ("unreadable DTSTART"), a whole feed lost at once."""
    def event(n: int, *lines: str) -> list[str]:
        return ["BEGIN:VEVENT", f"UID:{n}@asso", "DTSTAMP:20261201T000000Z", f"SUMMARY:Atelier {n}",
                *lines, "END:VEVENT"]

    feed = parse_text(calendar(
        *event(1, "DTSTART:2026-12-07T18:00:00", "DTEND:2026-12-07T20:00:00"),
        *event(2, "DTSTART;VALUE=DATE:2026-12-07"),
        *event(3, "DTSTART:20261207T180000+0100", "DTEND:20261207T1900"),
        *event(4, "DTSTART;TZID=America/New_York:2026-12-07T12:00:00"),
        *event(5, "DTSTART:2026-12-07T17:00:00Z"),
        *event(6, "DTSTART:2026-13-07T18:00:00")))
    starts = {event.title: event.start for event in feed.events}
    assert starts == {"Atelier 1": datetime(2026, 12, 7, 18, tzinfo=PARIS),  # floating: the feed's zone
                      "Atelier 2": date(2026, 12, 7),
                      "Atelier 3": datetime(2026, 12, 7, 18, tzinfo=PARIS),
                      "Atelier 4": datetime(2026, 12, 7, 18, tzinfo=PARIS),
                      "Atelier 5": datetime(2026, 12, 7, 18, tzinfo=PARIS)}
    assert by_title(feed, "Atelier 1").end == datetime(2026, 12, 7, 20, tzinfo=PARIS)
    assert by_title(feed, "Atelier 2").all_day
    assert feed.warnings == (
        "skipped VEVENT 'Atelier 6': unreadable DTSTART '2026-13-07T18:00:00'",
        "7 dates written as '2026-12-07T18:00:00' rather than as iCalendar writes them "
        "(20261207T180000): read as written")
    assert reason_in(feed.warnings[1], "fr") == (
        "7 dates écrites comme '2026-12-07T18:00:00' au lieu de la forme d'iCalendar "
        "(20261207T180000) : lues telles qu'écrites")


def test_an_exdate_in_iso_8601s_other_form_still_removes_its_session() -> None:
    """Ignored before (a cancelled session of the series shown as taking place)."""
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:cafe@asso", "DTSTAMP:20261201T000000Z", "SUMMARY:Café du mardi",
        "DTSTART;TZID=Europe/Paris:20261201T180000", "RRULE:FREQ=WEEKLY;COUNT=4",
        "EXDATE;TZID=Europe/Paris:2026-12-08T18:00:00,2026-12-15T18:00:00", "END:VEVENT"))
    [event] = feed.events
    assert event.exdates == (datetime(2026, 12, 8, 18, tzinfo=PARIS),
                             datetime(2026, 12, 15, 18, tzinfo=PARIS))
    assert feed.warnings == ("2 dates written as '2026-12-08T18:00:00' rather than as iCalendar "
                             "writes them (20261207T180000): read as written",)


def test_an_until_in_iso_8601s_extended_form_still_ends_the_series() -> None:
    """Its part was dropped ("RRULE part ... ignored") and the series ran on past its end."""
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:cafe@asso", "DTSTAMP:20261201T000000Z", "SUMMARY:Café du mardi",
        "DTSTART;TZID=Europe/Paris:20261201T180000", "RRULE:FREQ=WEEKLY;UNTIL=2026-12-15T23:59:59Z",
        "END:VEVENT"))
    [event] = feed.events
    assert event.rrule == "FREQ=WEEKLY;UNTIL=20261215T235959Z"
    assert feed.warnings == ("VEVENT 'Café du mardi': RRULE UNTIL '2026-12-15T23:59:59Z' read as "
                             "20261215T235959Z (iCalendar's form)",)
    assert reason_in(feed.warnings[0], "de") == (
        "VEVENT 'Café du mardi': RRULE UNTIL '2026-12-15T23:59:59Z' als 20261215T235959Z gelesen "
        "(die Form von iCalendar)")


def test_an_iso_date_beyond_datetimes_years_is_unreadable_not_read_as_written() -> None:
    """The event was skipped with "OverflowError" and the date also counted as read."""
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:zero@asso", "DTSTAMP:20261201T000000Z", "SUMMARY:Zéro",
        "DTSTART:0001-01-01T00:30:00+01:00", "END:VEVENT"))
    assert feed.events == ()
    assert feed.warnings == ("skipped VEVENT 'Zéro': unreadable DTSTART '0001-01-01T00:30:00+01:00'",)


def test_events_sharing_a_uid_at_different_times_are_each_kept() -> None:
    """A generator writing one UID for every talk: all but one talk left the outputs without
    a word. Each talk is named after its title (not its place in the document, nor its
    start); copies at one time stay one record; an update written beside its old version
    (same title, a higher SEQUENCE) replaces it."""
    import dataclasses
    import hashlib

    from aggregator.dedup import merge_events
    from aggregator.models import Source

    def vevent(uid: str, start: str, title: str, sequence: int = 0) -> str:
        return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;TZID=Europe/Paris:{start}\r\n"
                f"SUMMARY:{title}\r\nSEQUENCE:{sequence}\r\nEND:VEVENT\r\n")

    def named(uid: str, key: str) -> str:
        return f"{uid}#{hashlib.sha1(key.encode()).hexdigest()[:12]}"

    body = calendar(vevent("talk@asso", "20270310T180000", "First TALK"),
                    vevent("talk@asso", "20270310T200000", "Second talk", sequence=3),
                    vevent("talk@asso", "20270310T180000", "First TALK"),  # a copy
                    vevent("talk@asso", "20270311T180000", "Workshop"),
                    vevent("talk@asso", "20270312T180000", "Workshop"),  # given twice
                    vevent("moved@asso", "20270311T180000", "Talk"),
                    vevent("moved@asso", "20270312T180000", "Talk", sequence=1))
    feed = parse_body(body.encode(), "ical", URL)
    workshop = "workshop\n2027-03-1{}T18:00:00+01:00"
    assert sorted((e.title, e.uid) for e in feed.events) == sorted([
        ("First TALK", named("talk@asso", "first talk")),
        ("First TALK", named("talk@asso", "first talk")),
        ("Second talk", named("talk@asso", "second talk")),
        ("Workshop", named("talk@asso", workshop.format(1))),
        ("Workshop", named("talk@asso", workshop.format(2))),
        ("Talk", "moved@asso")])
    assert by_title(feed, "Talk").start == datetime(2027, 3, 12, 18, tzinfo=PARIS)
    [shared] = [w for w in feed.warnings if "share a UID" in w]
    assert shared.startswith("5 VEVENTs share a UID at different times (the first: UID "
                             "talk@asso)")  # five records: the copy counts
    assert reason_in(shared, "fr").startswith("5 VEVENT partagent un UID")
    source = Source(id="asso", name="Asso", kind="association", city="Metz", country="FR",
                    feeds=())
    records = [dataclasses.replace(e, source_id="asso", feed_url=URL) for e in feed.events]
    merged = merge_events(records, {"asso": source}).events
    assert sorted(e.title for e in merged) == [
        "First TALK", "Second talk", "Talk", "Workshop", "Workshop"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be-with-bom", "utf-32"])
def test_a_calendar_saved_in_utf16_or_utf32_reads_as_written(codec: str) -> None:
    """Windows tools save calendars in UTF-16 with a byte-order mark: read as Windows-1252,
    "Kraków – Łódź €10" was stored "Kraków Aódz ¬ 10" with warnings that were no help."""
    text = calendar("BEGIN:VEVENT", "UID:k@x", "DTSTART:20270310T180000Z",
                    "SUMMARY:Kraków – Łódź €10", "END:VEVENT")
    body = (b"\xfe\xff" + text.encode("utf-16-be") if codec == "utf-16-be-with-bom"
            else text.encode(codec))
    feed = parse_body(body, "auto", URL)
    assert [e.title for e in feed.events] == ["Kraków – Łódź €10"] and feed.warnings == ()


def test_a_further_rrule_with_an_end_keeps_its_dates_and_two_endless_keep_the_first() -> None:
    """RFC 2445 allowed several RRULEs (ical.js and recurring-ical-events read them all): a
    weekly club's four extra Saturdays were lost behind its first rule. A rule that ends is
    written out as dates (none the kept rule makes twice); the rule without end is kept."""
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:club", "SUMMARY:Club", "DTSTART;TZID=Europe/Paris:20270105T180000",
        "RRULE:FREQ=WEEKLY;BYDAY=SA,TU;COUNT=6", "RRULE:FREQ=WEEKLY", "END:VEVENT",
        "BEGIN:VEVENT", "UID:two", "SUMMARY:Two", "DTSTART;TZID=Europe/Paris:20270105T180000",
        "RRULE:FREQ=WEEKLY", "RRULE:FREQ=MONTHLY", "END:VEVENT"))
    club = by_title(feed, "Club")
    assert club.rrule == "FREQ=WEEKLY"
    paris = ZoneInfo("Europe/Paris")
    assert club.rdates == tuple(datetime(2027, 1, day, 18, tzinfo=paris) for day in (9, 16, 23))
    two = by_title(feed, "Two")
    assert two.rrule == "FREQ=WEEKLY" and two.rdates == ()
    assert "VEVENT 'Two': several RRULEs without an end, kept the first" in feed.warnings


def test_a_period_ending_before_it_starts_or_timed_in_a_series_of_days_keeps_the_series_length(
) -> None:
    """Such a period made an override ending before its start, or a timed date in an all-day
    series: the date is kept, with the series' own length, and no override is made."""
    feed = parse_text(calendar(
        "BEGIN:VEVENT", "UID:back", "SUMMARY:Back", "DTSTART:20270101T100000Z",
        "DTEND:20270101T110000Z", "RDATE;VALUE=PERIOD:20270105T100000Z/20270105T090000Z",
        "END:VEVENT",
        "BEGIN:VEVENT", "UID:days", "SUMMARY:Days", "DTSTART;VALUE=DATE:20270101",
        "RDATE;VALUE=PERIOD:20270105T100000Z/PT2H", "END:VEVENT"))
    assert [(e.uid, e.recurrence_id) for e in feed.events] == [("back", None), ("days", None)]
    assert len(by_title(feed, "Back").rdates) == 1
