"""Every event of the conformance corpus, as we publish it, read back by ical.js at the same
instant as we understood it.

Parsing, time zones (Windows names, custom VTIMEZONEs, X-WR-TIMEZONE, floating times) and
rendering each have their own tests; this one closes the loop over 180 real calendars:
each file's events are parsed, merged and rendered as our calendar.ics would hold them, and
Mozilla's ical.js (Thunderbird's parser) must find every event, valid, starting when our
record says. The one tolerated difference is a start older than its zone's current rule
(New York's before 2007): the VTIMEZONE writes that rule from 1970, as Google does, so such a
start may be off by the change of rule (see aggregator/render/vtimezone.py).
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aggregator.dedup import merge_events
from aggregator.errors import ParseError
from aggregator.models import MergedEvent, Source
from aggregator.parse import parse_body
from aggregator.render import render_calendar
from aggregator.render.dated_series import dated_occurrences, is_dated_series
from aggregator.render.vtimezone import current_rule
from test_parse_corpus import CORPUS, MANIFEST
from test_render_icaljs import read_by_icaljs

SOURCE = Source(id="corpus", name="Corpus", kind="lab", city="Metz", country="FR", feeds=())
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def corpus_calendars() -> dict[str, list[MergedEvent]]:
    """Each corpus .ics we read events from (flawed ones too) -> its merged events."""
    with MANIFEST.open(encoding="utf-8", newline="") as manifest:
        rows = list(csv.DictReader(manifest, delimiter="\t"))
    calendars = {}
    for row in rows:
        if not row["path"].endswith(".ics"):
            continue
        url = f"https://corpus.example/{row['path']}"
        try:
            feed = parse_body((CORPUS / row["path"]).read_bytes(), "auto", url)
        except ParseError:
            continue
        records = [dataclasses.replace(e, source_id=SOURCE.id, feed_url=url) for e in feed.events]
        if records:
            calendars[row["path"]] = merge_events(records, {SOURCE.id: SOURCE}).events
    return calendars


def posix(value: datetime | date) -> float:
    """An all-day start as ical.js counts it: midnight UTC of the date."""
    if isinstance(value, datetime):
        return value.timestamp()
    return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()


def older_than_its_zones_rule(start: datetime | date, timezone: str | None) -> bool:
    """A start the VTIMEZONE may give another offset than tzdata (see the module's doc)."""
    if not isinstance(start, datetime) or not timezone:
        return False
    rule = current_rule(ZoneInfo(timezone))
    return rule is not None and start.year < rule.since


def as_published(events: list[MergedEvent]) -> list[MergedEvent]:
    """The events as VEVENTs: a series of dates with no rule is one per date (an EXDATE of
    its every date leaves none, as the agenda lists none: ical4j's EstoniaHolidays)."""
    return [one for event in events
            for one in (dated_occurrences(event) if is_dated_series(event) else [event])]


def test_icaljs_reads_every_corpus_event_at_the_start_we_understood(tmp_path: Path) -> None:
    calendars = corpus_calendars()
    assert len(calendars) > 150
    files = []
    for number, events in enumerate(calendars.values()):
        files.append(tmp_path / f"{number}.ics")
        files[-1].write_bytes(render_calendar(
            events, name="corpus", now=NOW, base_url="https://agenda.example",
            timezone="Europe/Paris"))
    wrong, tolerated = [], 0
    for (path, events), summary in zip(calendars.items(), read_by_icaljs(files), strict=True):
        assert summary["ok"], f"{path}: {summary['problems']}"
        for event in as_published(events):
            read = summary["starts"].get(event.uid)
            if read == posix(event.start):
                continue
            if read is not None and older_than_its_zones_rule(event.start, event.timezone):
                tolerated += 1
                continue
            wrong.append(f"{path}: {event.uid} {event.start} {event.timezone} read as {read}")
    assert not wrong, "\n".join(wrong)
    assert tolerated < 20
