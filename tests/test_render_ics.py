"""calendar.ics and calendars/<slug>.ics, read back with icalendar as a calendar client would."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import recurring_ical_events
from icalendar import Calendar

from aggregator.dedup import merge_events
from aggregator.models import Event
from aggregator.parse import parse_body
from aggregator.published import decode_event
from aggregator.render.agenda import walk
from aggregator.render.exports import render_events_json
from aggregator.slug import search_fold
from aggregator.render import filtered_calendars, render_calendar, render_outputs, search_texts, slugify
from render_builders import BASE_URL, NOW, PARIS, SOURCES, merged

LUXEMBOURG_SERIES = merged(
    "series-1",
    title="Lunch & Learn",
    start=datetime(2025, 12, 2, 12, 0, tzinfo=PARIS),
    end=datetime(2025, 12, 2, 13, 0, tzinfo=PARIS),
    timezone="Europe/Luxembourg",
    city="Luxembourg",
    sources=("lux-tech",),
    rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=6",
    exdates=(datetime(2025, 12, 9, 12, 0, tzinfo=PARIS),),
    overrides=(
        Event(
            uid="lux-1",
            title="Lunch & Learn: special edition",
            start=datetime(2025, 12, 16, 14, 0, tzinfo=PARIS),
            end=datetime(2025, 12, 16, 15, 0, tzinfo=PARIS),
            timezone="Europe/Luxembourg",
            recurrence_id=datetime(2025, 12, 16, 12, 0, tzinfo=PARIS),
            source_id="lux-tech",
        ),
    ),
)
ALL_DAY = merged(
    "fair-1",
    title="Salon",
    start=date(2025, 12, 10),
    end=None,
    city="Metz",
    sources=("tcrm", "loria"),
)
UTC_EVENT = merged(
    "utc-1",
    start=datetime(2025, 12, 3, 17, 0, tzinfo=UTC),
    end=None,
    timezone="UTC",
    status="CANCELLED",
)


def calendar_of(events: list) -> tuple[bytes, Calendar]:
    body = render_calendar(
        events, name="Test", now=NOW, base_url=BASE_URL, timezone="Europe/Paris", sources=SOURCES
    )
    return body, Calendar.from_ical(body)


def vevent(calendar: Calendar, uid: str, override: bool = False) -> Calendar:
    found = [
        c
        for c in calendar.walk("VEVENT")
        if c["UID"] == uid and ("RECURRENCE-ID" in c) == override
    ]
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize("zone", ["Europe/Luxembourg", "UTC"])
def test_a_calendar_of_no_event_is_still_a_valid_one(zone: str) -> None:
    """A filter that matches nothing yet (/calendar.ics?city=Épinal before its first event)
    gave a VCALENDAR with no component, which RFC 5545 forbids and strict clients refuse."""
    body = render_calendar([], name="Test", now=NOW, base_url=BASE_URL, timezone=zone)
    [component] = Calendar.from_ical(body).subcomponents
    assert component.name == "VTIMEZONE" and component["TZID"] == zone
    assert f"X-WR-TIMEZONE:{zone}\r\n".encode() in body


def test_calendar_properties_are_those_clients_expect() -> None:
    body, calendar = calendar_of([merged()])
    for line in (
        b"VERSION:2.0",
        b"CALSCALE:GREGORIAN",
        b"METHOD:PUBLISH",
        b"X-WR-CALNAME:Test",
        b"X-WR-TIMEZONE:Europe/Paris",
        b"REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        b"X-PUBLISHED-TTL:PT1H",
    ):
        assert line + b"\r\n" in body
    assert calendar["PRODID"]
    event = vevent(calendar, "evt-1")
    assert event.decoded("DTSTAMP") == NOW
    assert event["SUMMARY"] == "Meetup IA"
    assert event["URL"] == "https://example.org/evt-1"
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == datetime(2025, 12, 8, 18, 30, tzinfo=PARIS)


def test_every_tzid_used_has_a_vtimezone_and_utc_uses_z() -> None:
    body, calendar = calendar_of([merged(), LUXEMBOURG_SERIES, UTC_EVENT])
    assert calendar.get_used_tzids() == {"Europe/Paris", "Europe/Luxembourg"}
    assert calendar.get_missing_tzids() == set()
    assert sorted(tz.tz_name for tz in calendar.timezones) == ["Europe/Luxembourg", "Europe/Paris"]
    assert b"DTSTART:20251203T170000Z\r\n" in body
    assert body.index(b"BEGIN:VTIMEZONE") < body.index(b"BEGIN:VEVENT")


def test_fixed_offset_times_are_written_in_utc_not_with_an_invented_tzid() -> None:
    plus_one = timezone(timedelta(hours=1))
    event = merged(start=datetime(2025, 12, 8, 18, 30, tzinfo=plus_one), end=None, timezone=None)
    body, calendar = calendar_of([event])
    assert b"DTSTART:20251208T173000Z\r\n" in body
    assert calendar.get_used_tzids() == set()


def test_all_day_events_are_dates_with_an_exclusive_end() -> None:
    body, calendar = calendar_of([ALL_DAY])
    assert b"DTSTART;VALUE=DATE:20251210\r\n" in body
    event = vevent(calendar, "fair-1")
    assert event.decoded("DTEND") == date(2025, 12, 11)
    # who posted it, in the language of the description (the representative source's)
    assert "Publié par : TCRM Blida\nAussi publié par : LORIA" in event["DESCRIPTION"]


def test_series_keeps_rrule_exdate_and_overrides_under_the_merged_uid() -> None:
    _, calendar = calendar_of([LUXEMBOURG_SERIES])
    master = vevent(calendar, "series-1")
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=6;BYDAY=TU"
    override = vevent(calendar, "series-1", override=True)
    assert override.decoded("RECURRENCE-ID") == datetime(2025, 12, 16, 12, 0, tzinfo=PARIS)
    assert str(override["SUMMARY"]) == "Lunch & Learn: special edition"
    assert "Posted by: Luxembourg Tech" in master["DESCRIPTION"]  # an English-speaking source
    starts = {
        o.decoded("DTSTART"): str(o["SUMMARY"])
        for o in recurring_ical_events.of(calendar).between(date(2025, 12, 1), date(2026, 2, 1))
    }
    assert datetime(2025, 12, 9, 12, 0, tzinfo=PARIS) not in starts
    assert starts[datetime(2025, 12, 16, 14, 0, tzinfo=PARIS)] == "Lunch & Learn: special edition"
    assert len(starts) == 5


def test_until_follows_the_kind_of_dtstart() -> None:
    timed = merged(rrule="FREQ=DAILY;UNTIL=20251210")
    all_day = merged(
        "day-1", start=date(2025, 12, 8), end=None, rrule="FREQ=DAILY;UNTIL=20251210T120000Z"
    )
    body, _ = calendar_of([timed, all_day])
    assert b"RRULE:FREQ=DAILY;UNTIL=20251210T225959Z\r\n" in body
    assert b"RRULE:FREQ=DAILY;UNTIL=20251210\r\n" in body


def test_cancelled_events_keep_their_status() -> None:
    _, calendar = calendar_of([UTC_EVENT])
    assert vevent(calendar, "utc-1")["STATUS"] == "CANCELLED"


def test_title_with_comma_semicolon_and_newline_cannot_break_a_property() -> None:
    nasty = merged(title="Atelier, code; et\r\nplus\x00", description="ligne 1\r\nligne 2; fin")
    body, calendar = calendar_of([nasty])
    assert b"SUMMARY:Atelier\\, code\\; et plus\r\n" in body
    event = vevent(calendar, "evt-1")
    assert event["SUMMARY"] == "Atelier, code; et plus"
    assert event["DESCRIPTION"].startswith("ligne 1\nligne 2; fin")
    lines = body.split(b"\r\n")
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75


def test_same_input_gives_the_same_bytes_whatever_the_order() -> None:
    events = [merged(), LUXEMBOURG_SERIES, ALL_DAY, UTC_EVENT]
    first, _ = calendar_of(events)
    second, _ = calendar_of(list(reversed(events)))
    assert first == second
    uids = [str(c["UID"]) for c in Calendar.from_ical(first).walk("VEVENT")]
    assert uids == ["series-1", "series-1", "utc-1", "evt-1", "fair-1"]


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render_calendar(
            [], name="x", now=datetime(2025, 1, 1), base_url=BASE_URL, timezone="Europe/Paris"
        )


def test_slugs_are_ascii_lowercase_with_dashes() -> None:
    assert slugify("Épinal") == "epinal"
    assert slugify(" Esch-sur-Alzette ") == "esch-sur-alzette"
    assert slugify("Fab Lab / Makers") == "fab-lab-makers"
    assert slugify("Straße") == "strasse"
    assert slugify("!!!") == ""


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=6))
def test_a_search_folds_every_text_at_once_as_search_fold_folds_each(texts: list[str]) -> None:
    folded = search_texts(texts)
    assert [text.split() for text in folded] == [search_fold(t).split() for t in texts]
    assert all(text.startswith(" ") for text in folded)  # a word's start is after a space


def test_a_search_text_is_lowercase_ascii_words_one_per_text() -> None:
    assert [text.split() for text in search_texts(["Hackathon de l'Énergie\nŒuvre", "STRASSE", ""])] == \
        [["hackathon", "de", "l", "energie", "oeuvre"], ["strasse"], []]


def filtered(outputs: dict[str, bytes], path: str) -> set[str]:
    return {str(c["UID"]) for c in Calendar.from_ical(outputs[path]).walk("VEVENT")}


def test_filtered_calendars_by_city_kind_and_tag() -> None:
    nancy = merged("nancy-1", city="Nancy", sources=("loria",))
    outputs = render_outputs(
        [nancy, ALL_DAY, LUXEMBOURG_SERIES],
        [],
        SOURCES,
        now=NOW,
        base_url=BASE_URL,
        timezone="Europe/Paris",
    )
    assert filtered(outputs, "calendars/nancy.ics") == {"nancy-1"}
    assert filtered(outputs, "calendars/lab.ics") == {"nancy-1", "fair-1"}
    assert filtered(outputs, "calendars/research.ics") == {"nancy-1", "fair-1"}
    assert filtered(outputs, "calendars/association.ics") == {"series-1"}
    assert filtered(outputs, "calendars/luxembourg.ics") == {"series-1"}
    assert filtered(outputs, "calendars/fab-lab.ics") == set()
    assert filtered(outputs, "calendars/epinal.ics") == set()


def test_city_and_tag_sharing_a_slug_share_one_calendar() -> None:
    tagged_metz = merged("tcrm-in-nancy", city="Nancy", sources=("tcrm",))
    in_metz = merged("loria-in-metz", city="Metz", sources=("loria",))
    outputs = render_outputs(
        [tagged_metz, in_metz], [], SOURCES, now=NOW, base_url=BASE_URL, timezone="Europe/Paris"
    )
    assert filtered(outputs, "calendars/metz.ics") == {"tcrm-in-nancy", "loria-in-metz"}
    name = Calendar.from_ical(outputs["calendars/metz.ics"])["X-WR-CALNAME"]
    assert name.endswith("– Metz")
    # The page that lists the calendars learns what each one's values are.
    facets = {c.slug: c.facets for c in filtered_calendars([tagged_metz, in_metz], SOURCES)}
    assert facets["metz"] == ("city", "tag") and facets["lab"] == ("kind",)


def test_a_filtered_calendar_is_named_in_words() -> None:
    """Its name is the subscriber's list of calendars: "– venue", "– ai" read as code."""
    outputs = render_outputs([merged("talk", sources=("loria",))], [], SOURCES, now=NOW,
                             base_url=BASE_URL, timezone="Europe/Paris")
    names = {path: str(Calendar.from_ical(outputs[path])["X-WR-CALNAME"]).rpartition(" – ")[2]
             for path in ("calendars/venue.ics", "calendars/ai.ics", "calendars/fab-lab.ics",
                          "calendars/epinal.ics", "calendars/lab.ics")}
    assert names == {"calendars/venue.ics": "Lieu", "calendars/ai.ics": "IA",
                     "calendars/fab-lab.ics": "Fab Lab", "calendars/epinal.ics": "Épinal",
                     "calendars/lab.ics": "Laboratoire"}


def test_rdate_exdate_take_the_kind_of_dtstart() -> None:
    weekly_all_day = merged(
        "mondays",
        start=date(2025, 11, 3),
        end=None,
        rrule="FREQ=WEEKLY;BYDAY=MO",
        exdates=(date(2025, 12, 8), datetime(2025, 12, 15, 0, 0, tzinfo=PARIS)),
    )
    timed = merged("rdates", rrule="FREQ=MONTHLY;COUNT=2",
                   rdates=(datetime(2025, 12, 11, 9, 0, tzinfo=UTC), date(2025, 12, 18)))
    body, _ = calendar_of([weekly_all_day, timed])
    assert b"EXDATE;VALUE=DATE:20251208\r\nEXDATE;VALUE=DATE:20251215\r\n" in body
    assert b"RDATE;TZID=Europe/Paris:20251211T100000\r\n" in body
    assert b"RDATE;TZID=Europe/Paris:20251218T183000\r\n" in body


WORKSHOPS = merged(
    "workshops",
    title="Atelier Python",
    start=datetime(2026, 1, 7, 18, 0, tzinfo=PARIS),
    end=datetime(2026, 1, 7, 20, 0, tzinfo=PARIS),
    location="TCRM-Blida",
    rdates=(datetime(2026, 1, 14, 17, 0, tzinfo=UTC), datetime(2026, 1, 21, 18, 0, tzinfo=PARIS),
            datetime(2026, 1, 28, 18, 0, tzinfo=PARIS)),
    exdates=(datetime(2026, 1, 21, 18, 0, tzinfo=PARIS),),
    overrides=(Event(uid="workshops", title="Atelier Python : spécial tests",
                     start=datetime(2026, 1, 28, 19, 0, tzinfo=PARIS),
                     end=datetime(2026, 1, 28, 21, 30, tzinfo=PARIS), timezone="Europe/Paris",
                     location="Lab 2", recurrence_id=datetime(2026, 1, 28, 18, 0, tzinfo=PARIS),
                     source_id="tcrm"),),
)


def test_the_web_apps_calendars_from_events_json_are_the_builds_bytes() -> None:
    """The web app renders a filtered calendar from events.json's records: a changed
    occurrence lost its SEQUENCE (0 where calendar.ics said 1), its link and description."""
    [record] = LUXEMBOURG_SERIES.overrides
    series = dataclasses.replace(LUXEMBOURG_SERIES, sequence=1, overrides=(dataclasses.replace(
        record, sequence=2, url="https://lux.example/special", description="Salle 2.01"),))
    exported = json.loads(render_events_json([series], SOURCES, now=NOW,
                                             timezone="Europe/Paris"))["events"]
    again = [decode_event(event) for event in exported]
    built, served = calendar_of([series])[0], calendar_of(again)[0]
    assert b"SEQUENCE:2" in built and b"Salle 2.01" in built
    assert served == built


def test_a_series_of_dates_without_a_rule_is_one_vevent_per_date() -> None:
    """Outlook skips a VEVENT whose RDATEs come without an RRULE ([MS-OXCICAL]): each date is
    an event of its own, the first keeping the UID, an overridden date as its record says."""
    body, calendar = calendar_of([WORKSHOPS])
    assert b"RDATE" not in body and b"EXDATE" not in body and b"RECURRENCE-ID" not in body
    written = sorted((c.decoded("DTSTART"), c.decoded("DTEND"), str(c["UID"]), str(c["SUMMARY"]),
                      str(c["LOCATION"])) for c in calendar.walk("VEVENT"))
    assert written == [
        (datetime(2026, 1, 7, 18, 0, tzinfo=PARIS), datetime(2026, 1, 7, 20, 0, tzinfo=PARIS),
         "workshops", "Atelier Python", "TCRM-Blida"),
        (datetime(2026, 1, 14, 18, 0, tzinfo=PARIS), datetime(2026, 1, 14, 20, 0, tzinfo=PARIS),
         "workshops_R20260114T170000Z", "Atelier Python", "TCRM-Blida"),
        (datetime(2026, 1, 28, 19, 0, tzinfo=PARIS), datetime(2026, 1, 28, 21, 30, tzinfo=PARIS),
         "workshops_R20260128T170000Z", "Atelier Python : spécial tests", "Lab 2"),
    ]
    # The dates the agenda lists for the series (a client expanding it), one for one.
    listed = [(o.start, o.title) for o in walk(WORKSHOPS, after=datetime(2026, 1, 1, tzinfo=UTC))]
    assert listed == [(start, title) for start, _, _, title, _ in written]


def test_a_one_off_that_gains_a_date_keeps_its_uid_and_all_day_dates_stay_dates() -> None:
    fair = dataclasses.replace(ALL_DAY, rdates=(date(2026, 3, 4),))
    _, calendar = calendar_of([fair])
    days = sorted((c.decoded("DTSTART"), c.decoded("DTEND"), str(c["UID"]))
                  for c in calendar.walk("VEVENT"))
    assert days == [(date(2025, 12, 10), date(2025, 12, 11), "fair-1"),
                    (date(2026, 3, 4), date(2026, 3, 5), "fair-1_R20260304")]


def test_unusable_values_are_dropped_not_written_invalid() -> None:
    events = [
        merged("bad-rule", rrule="FREQ=NONSENSE;;"),
        merged("backwards", end=datetime(2025, 12, 8, 17, 0, tzinfo=PARIS)),
        merged(
            "unknown-zone",
            start=datetime(2025, 12, 6, 9, 0, tzinfo=UTC),
            end=None,
            timezone="Mars/Olympus",
        ),
    ]
    body, calendar = calendar_of(events)
    assert "RRULE" not in vevent(calendar, "bad-rule")
    assert "DTEND" not in vevent(calendar, "backwards")
    assert b"DTSTART:20251206T090000Z\r\n" in body
    assert calendar.get_used_tzids() == {"Europe/Paris"}


GOOGLE_HOLIDAYS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Google Inc//Google Calendar 70.9054//EN\r
X-WR-TIMEZONE:US/Pacific\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20250101\r
DTEND;VALUE=DATE:20250102\r
RRULE:FREQ=YEARLY;BYMONTH=1\r
UID:new-year@google.com\r
DTSTAMP:20251201T000000Z\r
SUMMARY:New Year\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20260101\r
DTEND;VALUE=DATE:20260102\r
RECURRENCE-ID:20260101T000000Z\r
UID:new-year@google.com\r
DTSTAMP:20251201T000000Z\r
SUMMARY:New Year's Day\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_an_all_day_series_moved_by_a_utc_midnight_recurrence_id_shows_once() -> None:
    """Google wrote all-day RECURRENCE-IDs as UTC midnights; X-WR-TIMEZONE's conversion moves
    them to the evening before, which named no date of the series: the day showed twice."""
    feed = parse_body(GOOGLE_HOLIDAYS, "auto", "https://calendar.google.com/holidays.ics")
    records = [dataclasses.replace(e, source_id="loria", feed_url="https://g/h.ics")
               for e in feed.events]
    _, calendar = calendar_of(list(merge_events(records, SOURCES).events))
    found = recurring_ical_events.of(calendar).between(date(2026, 1, 1), date(2027, 1, 1))
    assert [(c.decoded("DTSTART"), str(c["SUMMARY"])) for c in found] == [
        (date(2026, 1, 1), "New Year's Day")]


def test_an_until_at_the_calendars_very_end_ends_nothing() -> None:
    """UNTIL=99991231T235959Z is in the year 10000 in Paris: one feed's such rule stopped
    every build with an OverflowError. The series is published without an end."""
    weekly = merged(rrule="FREQ=WEEKLY;UNTIL=99991231T235959Z")
    outputs = render_outputs([weekly], [], SOURCES, now=NOW, base_url=BASE_URL,
                             timezone="Europe/Paris")
    event = vevent(Calendar.from_ical(outputs["calendar.ics"]), "evt-1")
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY"
    assert b"Meetup IA" in outputs["index.html"]
