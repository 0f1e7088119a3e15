"""An organisation whose series are too costly to list is told so on its feed's health.

The agenda, the digest and an organisation's page leave out a series whose rule would be
walked too far (render/agenda.py: past EXPANSION_BUDGET steps alone, or past the
organisation's SOURCE_BUDGET with its other series): calendar.ics keeps it. The organiser
saw their series missing from the pages and nothing saying why.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aggregator.models import Event, ParsedFeed
from aggregator.parse import parse_body
from aggregator.parse.series_cost import note_costly_series
from test_review_time import PARIS, built, calendar, local, text_of

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def club(first: datetime) -> str:
    return (f"UID:club@lab\nSUMMARY:Club Python\nDTSTART;TZID=Europe/Paris:{local(first)}\n"
            f"DTEND;TZID=Europe/Paris:{local(first + timedelta(hours=2))}\nRRULE:FREQ=WEEKLY")


RARE = [f"UID:rare{n:03}@lab\nSUMMARY:Bissextile {n:03}\nDTSTART:16000101T100000Z\n"
        "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO" for n in range(100)]
"""A daily rule since 1600 that meets on a Monday 29 February: 155,000 steps to the agenda's
horizon each, and 146,000 more looking for its next ten dates past it (each at most 40 years
after the last): past EXPANSION_BUDGET, all 100 are left out."""
EVERY_MINUTE = ("UID:pulse@lab\nSUMMARY:Pulse\nDTSTART:20000101T000000Z\n"
                "RRULE:FREQ=MINUTELY")
"""Fourteen million steps since 2000: left out on its own (past EXPANSION_BUDGET)."""


def test_the_feed_health_says_which_series_the_pages_leave_out_in_each_language(
        feed_server: Any, tmp_path: Path) -> None:
    first = (datetime.now(UTC) - timedelta(days=20)).astimezone(PARIS).replace(
        hour=19, minute=0, second=0, microsecond=0)
    feeds = {"lab": calendar(club(first), EVERY_MINUTE, *RARE),
             "meetup": calendar(club(first).replace("club@lab", "club@meetup"))}
    with built(feed_server, tmp_path, feeds) as (aggregator, client):
        health = {feed.source: feed.warnings for feed in aggregator.feed_health()}
        pages = {lang: text_of(client.get(f"/sources/lab?lang={lang}").text)
                 for lang in ("en", "fr", "de")}
        agenda = text_of(client.get("/").text)
        (preview,) = aggregator.check_feeds([feed_server.url("/lab.ics")])  # the register form
    assert "Club Python" in agenda and "Pulse" not in agenda  # what the warning explains
    assert health["meetup"] == ()
    (note,) = [w for w in health["lab"] if "series" in w]
    assert note.startswith("101 recurring series start too far back to be listed "
                           "(the first: 'Pulse')"), note
    assert "calendar.ics keeps them" in note
    assert not isinstance(preview, Exception) and note in preview.warnings
    assert "101 séries récurrentes commencent trop loin dans le passé" in pages["fr"]
    assert "101 Terminserien beginnen zu weit in der Vergangenheit" in pages["de"]
    assert "101 recurring series start too far back" in pages["en"]


def series(uid: str, start: datetime, rule: str, title: str = "") -> Event:
    return Event(uid=uid, title=title or uid, start=start, rrule=rule, feed_url="u")


def feed(*events: Event) -> ParsedFeed:
    return ParsedFeed(format="ical", title="", events=events)


def test_everyday_series_add_no_warning_and_one_left_out_is_named() -> None:
    weekly = series("w", datetime(2020, 1, 6, 19, tzinfo=UTC), "FREQ=WEEKLY")
    daily = series("d", datetime(1950, 1, 1, 9, tzinfo=UTC), "FREQ=DAILY")  # 28,000 steps
    fine = feed(weekly, daily)
    assert note_costly_series(fine, NOW) is fine
    hourly = series("h", datetime(1990, 1, 1, tzinfo=UTC), "FREQ=HOURLY", "Veille")
    (note,) = note_costly_series(feed(weekly, hourly, daily), NOW).warnings
    assert note.startswith("1 recurring series starts too far back to be listed ('Veille')")


def test_a_series_already_over_or_a_rule_no_date_matches_is_not_named() -> None:
    ended = series("e", datetime(1990, 1, 1, tzinfo=UTC), "FREQ=HOURLY;COUNT=3")
    until = series("u", datetime(1990, 1, 1, tzinfo=UTC), "FREQ=HOURLY;UNTIL=19900201T000000Z")
    parsed = feed(ended, until)
    assert note_costly_series(parsed, NOW) is parsed
    never = calendar("UID:n\nSUMMARY:Never\nDTSTART:16000101T100000Z\n"
                     "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")  # read as a single event
    read = parse_body(never, "ical", "u")
    assert note_costly_series(read, NOW) is read
