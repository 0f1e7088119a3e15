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


def test_zone_mistakes_an_organiser_can_fix_are_warned() -> None:
    from aggregator.parse import parse_body

    body = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hand//EN\r\nBEGIN:VEVENT\r\nUID:1@x\r\n"
            b"DTSTAMP:20261201T000000Z\r\nDTSTART;TZID=Europe/Paris:20261207T183000Z\r\n"
            b"SUMMARY:Meetup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    warnings = parse_body(body, "ical", "https://x.example/f.ics").warnings
    assert [w for w in warnings if "trailing Z" in w] == [
        "1 time(s) carry both TZID=Europe/Paris and a trailing Z (UTC): read as local time in "
        "that zone; write either a local time with TZID or a UTC time without"]


def test_google_exports_with_x_wr_timezone_are_not_blamed() -> None:
    from aggregator.parse import parse_body

    body = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
            b"X-WR-TIMEZONE:Europe/Paris\r\nBEGIN:VEVENT\r\nUID:1@google.com\r\n"
            b"DTSTAMP:20261201T000000Z\r\nDTSTART:20261207T173000Z\r\nSUMMARY:Meetup\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR\r\n")
    assert parse_body(body, "ical", "https://x.example/f.ics").warnings == ()


def test_a_huge_text_is_cut_so_that_it_does_not_weigh_on_every_subscriber() -> None:
    """One VEVENT with a 200 KB SUMMARY and a 5 MB DESCRIPTION made calendar.ics 5.4 MB,
    downloaded again by every subscriber's client; an article of 1 MB of HTML weighed on
    news.json and the agenda. Cut, with "…", and the organiser told in their language."""
    import dataclasses
    from datetime import UTC, datetime

    from aggregator.dedup import merge_events
    from aggregator.models import Source
    from aggregator.reasons import reason_in
    from aggregator.render import render_calendar

    calendar = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
                "UID:big@lab\r\nDTSTART:20270310T170000Z\r\nSUMMARY:" + "Atelier " * 25_000
                + "\r\nDESCRIPTION:" + "Lorem ipsum " * 400_000 + "\r\nLOCATION:TCRM-Blida\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n")
    feed = parse_body(calendar.encode(), "ical", "https://lab.example.org/c.ics")
    [event] = feed.events
    assert len(event.title) == 300 and event.title.endswith("…")
    assert len(event.description) == 20_000 and event.location == "TCRM-Blida"
    assert feed.warnings[-1] == ("2 texts too long: cut (a title or a place to 300 characters, "
                                 "a description to 20,000, an article to 100,000)")
    assert reason_in(feed.warnings[-1], "de").startswith("2 Texte zu lang: gekürzt")
    lab = Source(id="lab", name="Lab", kind="lab", city="Metz", country="FR", feeds=())
    merged = merge_events([dataclasses.replace(event, source_id="lab")], {"lab": lab}).events
    published = render_calendar(merged, name="c", now=datetime(2026, 12, 6, tzinfo=UTC),
                                base_url="https://agenda.example", timezone="Europe/Paris")
    assert len(published) < 40_000

    article = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Lab</title>'
               "<link>https://lab.example.org/</link><description>d</description><item>"
               "<title>Long read</title><link>https://lab.example.org/long</link>"
               "<description>" + "&lt;p&gt;&lt;b&gt;Paragraphe&lt;/b&gt; long.&lt;/p&gt;" * 40_000
               + "</description></item></channel></rss>")
    [item] = parse_body(article.encode(), "rss", "https://lab.example.org/feed").items
    assert len(item.summary) <= 100_010 and item.summary.endswith("</p>")
    assert item.summary.count("<p>") == item.summary.count("</p>")
