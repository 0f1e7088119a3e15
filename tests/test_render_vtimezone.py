"""The calendar's VTIMEZONEs: Outlook's form where a zone has one, right in every year.

ical.js's reading of the same VTIMEZONEs, years after 2037 included, is in
test_render_icaljs.py; here icalendar reads them back (under another TZID, so that it cannot
take the zone from tzdata instead of from what we wrote).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Timezone

from aggregator.render.vtimezone import changes_in, vtimezone

RULED = ["Europe/Paris", "Europe/Luxembourg", "Europe/Brussels", "Europe/Berlin",
         "Europe/London", "Europe/Dublin", "America/New_York", "America/St_Johns",
         "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Auckland"]
FIXED = ["Asia/Tokyo", "America/Mexico_City", "Asia/Tehran", "Europe/Moscow", "UTC",
         "America/Sao_Paulo", "Asia/Kolkata"]
LISTED = ["Asia/Jerusalem", "Africa/Cairo", "America/Santiago", "Africa/Casablanca"]


def lines(tzid: str, from_year: int = 2025) -> list[str]:
    return vtimezone(tzid, from_year).to_ical().decode().split("\r\n")


def observances(tzid: str) -> list[dict[str, list[str]]]:
    found: list[dict[str, list[str]]] = []
    for line in lines(tzid):
        if line in ("BEGIN:STANDARD", "BEGIN:DAYLIGHT"):
            found.append({"KIND": [line.removeprefix("BEGIN:")]})
        elif found and ":" in line and not line.startswith("END:"):
            name, value = line.split(":", 1)
            found[-1].setdefault(name, []).append(value)
    return found


@pytest.mark.parametrize("tzid", RULED)
def test_a_zone_with_summer_time_is_one_yearly_rule_per_change_as_outlook_reads(
    tzid: str,
) -> None:
    parts = observances(tzid)
    assert sorted(part["KIND"][0] for part in parts) == ["DAYLIGHT", "STANDARD"]
    for part in parts:
        assert "RDATE" not in part
        (rule,) = part["RRULE"]
        fields = dict(item.split("=") for item in rule.split(";"))
        assert fields.keys() == {"FREQ", "BYMONTH", "BYDAY"} and fields["FREQ"] == "YEARLY"
        assert fields["BYDAY"][-2:] in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
        assert "," not in fields["BYDAY"]


def test_paris_changes_at_two_in_march_and_three_in_october_local_time_before_the_change() -> None:
    """Written from 1970, as Google does: a time before the first onset would have no offset."""
    by_kind = {part["KIND"][0]: part for part in observances("Europe/Paris")}
    assert by_kind["DAYLIGHT"]["DTSTART"] == ["19700329T020000"]
    assert by_kind["DAYLIGHT"]["RRULE"] == ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"]
    assert by_kind["DAYLIGHT"]["TZOFFSETFROM"] == ["+0100"]
    assert by_kind["DAYLIGHT"]["TZOFFSETTO"] == ["+0200"]
    assert by_kind["STANDARD"]["DTSTART"] == ["19701025T030000"]
    assert by_kind["STANDARD"]["RRULE"] == ["FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"]


@pytest.mark.parametrize("tzid", FIXED)
def test_a_zone_without_summer_time_is_one_standard_without_rule(tzid: str) -> None:
    (part,) = observances(tzid)
    assert part["KIND"] == ["STANDARD"] and "RRULE" not in part and "RDATE" not in part


def test_a_zone_that_stopped_summer_time_keeps_its_offset_of_now() -> None:
    """Mexico City stopped summer time in October 2022."""
    (part,) = observances("America/Mexico_City")
    assert part["DTSTART"] == ["19700101T000000"]
    assert part["TZOFFSETFROM"] == part["TZOFFSETTO"] == ["-0600"]


def test_a_rule_younger_than_the_calendars_first_year_gives_the_list_of_changes() -> None:
    """A calendar holding 2021's times in Mexico City needs the summer time it had then."""
    listed = lines("America/Mexico_City", 2021)
    assert "RDATE:20220403T020000" in listed and not any(x.startswith("RRULE") for x in listed)


@pytest.mark.parametrize("tzid", LISTED)
def test_a_zone_without_a_yearly_weekday_rule_lists_each_change_one_per_rdate(tzid: str) -> None:
    """One date per RDATE (ical.js reads only the first date of a list), past 2037 too."""
    rdates = [line for line in lines(tzid) if line.startswith("RDATE")]
    assert rdates and not any("," in line for line in rdates)
    assert max(int(line[6:10]) for line in rdates) > 2080


@pytest.mark.parametrize("tzid", RULED + FIXED + LISTED)
def test_icalendar_reads_back_the_changes_tzdata_gives(tzid: str) -> None:
    """Instants and offsets of every change 2025-2036 (icalendar expands rules up to 2037)."""
    text = vtimezone(tzid, 2025).to_ical().replace(f"TZID:{tzid}".encode(), b"TZID:X-test")
    times, infos = Timezone.from_ical(text).get_transitions()
    read = {(when, info[0]) for when, info in zip(times, infos) if 2025 <= when.year < 2037}
    zone = ZoneInfo(tzid)
    expected = {
        (datetime.fromtimestamp(change.at, UTC).replace(tzinfo=None), change.after)
        for year in range(2025, 2037)
        for change in changes_in(zone, year)
    }
    assert read == expected


def test_changes_are_found_to_the_second() -> None:
    (spring, autumn) = changes_in(ZoneInfo("Europe/Paris"), 2026)
    assert datetime.fromtimestamp(spring.at, UTC) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert (spring.before, spring.after) == (timedelta(hours=1), timedelta(hours=2))
    assert spring.onset == datetime(2026, 3, 29, 2, 0)
    assert autumn.onset == datetime(2026, 10, 25, 3, 0)


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown timezone"):
        vtimezone("Mars/Olympus_Mons", 2025)
