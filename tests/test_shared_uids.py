"""Events of one feed sharing a UID (parse/ical_uids.py), as subscribers see them across
refreshes: each keeps its published UID when others are added before it or when it moves,
talks edited a different number of times are all kept, and a moved date follows its series."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import icalendar
import pytest

from aggregator.core import make_aggregator
from conftest import make_settings, make_source
from hostile import ics
from misbehaving import MisbehavingServer, body, misbehaving_server

DAY = datetime.now(timezone.utc) + timedelta(days=10)


def at(hour: int, days: int = 0) -> str:
    return (DAY + timedelta(days=days)).strftime(f"%Y%m%dT{hour:02d}0000Z")


def talk(uid: str, hour: int, title: str, sequence: int = 0) -> str:
    return f"UID:{uid}\r\nDTSTART:{at(hour)}\r\nSUMMARY:{title}\r\nSEQUENCE:{sequence}"


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    with misbehaving_server() as running:
        yield running


def published(tmp_path: Path) -> dict[str, tuple[str, int, str]]:
    """calendar.ics as {title: (UID, SEQUENCE, STATUS)}; cancelled copies keyed by title+'/x'."""
    cal = icalendar.Calendar.from_ical((tmp_path / "output" / "calendar.ics").read_bytes())
    found: dict[str, tuple[str, int, str]] = {}
    for vevent in cal.walk("VEVENT"):
        title = str(vevent.get("SUMMARY"))
        status = str(vevent.get("STATUS", ""))
        key = title if status != "CANCELLED" else title + "/x"
        found[key] = (str(vevent.get("UID")), int(vevent.get("SEQUENCE", 0)), status)
    return found


def refreshed(server: MisbehavingServer, tmp_path: Path, *feeds: tuple[str, ...]
              ) -> list[dict[str, tuple[str, int, str]]]:
    """calendar.ics as published after each version of /talks.ics in turn."""
    app = make_aggregator(make_settings(tmp_path, (make_source("asso", server.url("/talks.ics")),)))
    seen = []
    try:
        for talks in feeds:
            server.route("/talks.ics", body(ics(*talks)))
            app.refresh()
            app.build()
            seen.append(published(tmp_path))
    finally:
        app.close()
    return seen


def test_a_talk_of_a_shared_uid_keeps_its_published_uid_when_the_feed_adds_one_before_it(
        server: MisbehavingServer, tmp_path: Path) -> None:
    """A generator writing one UID for every talk adds an earlier talk, listed first: the
    first in document order took the bare UID, so talks B and C, unchanged, swapped
    identities (a subscriber saw B "moved" to A's time and title)."""
    before, after = refreshed(
        server, tmp_path,
        (talk("talk@asso", 18, "Talk B"), talk("talk@asso", 20, "Talk C")),
        (talk("talk@asso", 16, "Talk A"), talk("talk@asso", 18, "Talk B"),
         talk("talk@asso", 20, "Talk C")))
    assert set(before) == {"Talk B", "Talk C"}
    assert set(after) == {"Talk A", "Talk B", "Talk C"}  # nothing CANCELLED
    for title in ("Talk B", "Talk C"):
        assert after[title][:2] == before[title][:2], (title, before, after)


def test_a_talk_of_a_shared_uid_moved_an_hour_is_updated_not_cancelled_and_recreated(
        server: MisbehavingServer, tmp_path: Path) -> None:
    """The derived UID held the start: a talk moved by an hour went out CANCELLED beside a new
    one. A subscriber sees it moved: the same UID, a higher SEQUENCE."""
    before, after = refreshed(
        server, tmp_path,
        (talk("talk@asso", 16, "Talk A"), talk("talk@asso", 18, "Talk B")),
        (talk("talk@asso", 16, "Talk A"), talk("talk@asso", 19, "Talk B")))
    assert set(after) == {"Talk A", "Talk B"}, after  # no CANCELLED copy
    assert after["Talk B"][0] == before["Talk B"][0]
    assert after["Talk B"][1] > before["Talk B"][1], (before, after)
    assert after["Talk A"][:2] == before["Talk A"][:2]


def test_talks_sharing_a_uid_with_different_sequences_are_each_kept(
        server: MisbehavingServer, tmp_path: Path) -> None:
    """Talks of a constant-UID generator edited a different number of times (each its own
    SEQUENCE): all but the most edited one were dropped without a word."""
    server.route("/talks.ics", body(ics(talk("talk@asso", 18, "Talk B", sequence=0),
                                        talk("talk@asso", 20, "Talk C", sequence=2))))
    app = make_aggregator(make_settings(tmp_path, (make_source("asso", server.url("/talks.ics")),)))
    try:
        app.refresh()
        app.build()
        titles = sorted(e["title"] for e in json.loads(
            (tmp_path / "output" / "events.json").read_text())["events"])
        [health] = app.feed_health()
    finally:
        app.close()
    assert titles == ["Talk B", "Talk C"], (titles, health.warnings)
    assert [w for w in health.warnings if "share a UID" in w], health.warnings


def test_a_talk_updated_beside_its_old_version_replaces_it_and_keeps_its_uid(
        server: MisbehavingServer, tmp_path: Path) -> None:
    """Among talks sharing a UID, one written again at a new time with a higher SEQUENCE
    beside its old version is that talk moved: one event, its UID kept, SEQUENCE raised."""
    before, after = refreshed(
        server, tmp_path,
        (talk("talk@asso", 16, "Talk A"), talk("talk@asso", 18, "Talk B")),
        (talk("talk@asso", 16, "Talk A"), talk("talk@asso", 18, "Talk B"),
         talk("talk@asso", 19, "Talk B", sequence=1)))
    assert set(after) == {"Talk A", "Talk B"}, after
    assert after["Talk B"][0] == before["Talk B"][0]
    assert after["Talk B"][1] > before["Talk B"][1]


def test_a_moved_date_follows_its_series_when_a_single_event_shares_the_uid(
        feed_server: Any, tmp_path: Path) -> None:
    """A generator writing one UID for everything: a one-off talk listed first, then a weekly
    series with one date moved (RECURRENCE-ID, same UID). The series was renamed UID#start
    and the moved date, its UID still the bare one, no longer belonged to it: the series
    kept the old time at that date."""
    from test_calendar_clients import calendar, occurrences, venue_site

    feed = calendar(
        "BEGIN:VEVENT\r\nUID:all@plugin\r\nDTSTART:20270301T170000Z\r\nSUMMARY:One-off\r\n"
        "DTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:all@plugin\r\nDTSTART:20270302T170000Z\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Weekly\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\n",
        "BEGIN:VEVENT\r\nUID:all@plugin\r\nRECURRENCE-ID:20270309T170000Z\r\n"
        "DTSTART:20270309T190000Z\r\nSUMMARY:Weekly (later)\r\nDTSTAMP:20261201T000000Z\r\n"
        "END:VEVENT\r\n")
    expected = [(datetime(2027, 3, 1, 17, tzinfo=timezone.utc), "One-off"),
                (datetime(2027, 3, 2, 17, tzinfo=timezone.utc), "Weekly"),
                (datetime(2027, 3, 9, 19, tzinfo=timezone.utc), "Weekly (later)"),
                (datetime(2027, 3, 16, 17, tzinfo=timezone.utc), "Weekly")]
    app = venue_site(feed_server, tmp_path, feed)
    try:
        got = occurrences((tmp_path / "output" / "calendar.ics").read_bytes())
    finally:
        app.close()
    assert got == sorted(expected, key=str), got
