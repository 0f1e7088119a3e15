"""Warnings an organiser can fix, as `sources list` shows them (issue 4's feed health)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from conftest import make_settings, make_source

from aggregator.core import make_aggregator
from aggregator.parse import parse_body

OUTLOOK = ("\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
    "BEGIN:VEVENT", "SUMMARY:Talk", "DTSTART;TZID=Romance Standard Time:20301201T100000",
    "END:VEVENT", "END:VCALENDAR", ""])).encode()


def test_windows_zone_names_and_missing_uids_are_reported_with_the_reading_chosen() -> None:
    parsed = parse_body(OUTLOOK, "ical", "https://example.org/a.ics", "Europe/Paris")
    [event] = parsed.events
    assert event.timezone == "Europe/Paris" and event.start.hour == 10
    assert set(parsed.warnings) == {
        "TZID 'Romance Standard Time' is a Windows zone name: read as Europe/Paris "
        "(an IANA name such as Europe/Paris is portable)",
        "VEVENT 'Talk' has no UID: generated one",
    }


def test_sources_list_carries_the_warnings(feed_server: Any, tmp_path: Path) -> None:
    feed_server.set("/outlook.ics", OUTLOOK, "text/calendar")
    source = make_source("lab", feed_server.url("/outlook.ics"))
    aggregator = make_aggregator(make_settings(tmp_path, (source,)))
    aggregator.refresh_round("node")
    [health] = aggregator.feed_health()
    assert health.status == "ok" and len(health.warnings) == 2
    assert any(w.startswith("TZID 'Romance Standard Time'") for w in health.as_json()["warnings"])
    aggregator.close()
