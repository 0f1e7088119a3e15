"""Every date of every corpus calendar, as we publish it, against an independent reader of the
organiser's own file.

test_render_corpus_icaljs checks each event's first start; this one expands the series too:
for each corpus .ics we read events from, recurring-ical-events reads the original file and
our calendar.ics of it (parsed, merged, rendered), over 500 days from its first event, and
both must give the same dates (UTC instants; an all-day date as a date) and titles (spaces
collapsed). Where they differ, the difference is one we mean, named in :data:`READ_OTHERWISE`
with its reason and its size (dates the reader finds that we do not, and the other way): a
change to either is a change of reading, to look at. RANGE=THISANDFUTURE
(rie__issue_75_range_parameter.ics), found by reading the corpus, is held to it here; a second
RRULE (rie__multiple_rrule.ics) was found by it.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
import x_wr_timezone
from icalendar.timezone import tzp

from aggregator.dedup import merge_events
from aggregator.errors import ParseError
from aggregator.models import Source
from aggregator.parse import parse_body
from aggregator.render import render_calendar
from aggregator.render.ics import CALLED_OFF
from test_parse_corpus import CORPUS, MANIFEST

SOURCE = Source(id="corpus", name="Corpus", kind="lab", city="Metz", country="FR", feeds=())
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
"""The feed's default zone: floating times are read in it (parse.timezones)."""

MENDED_TEXT = "text mended: encoded twice, Latin-1, or escaped quotes"
MENDED_INPUT = "damaged input read with a warning rather than dropped"
ZONE_BY_NAME = "a TZID resolved by its name (or the feed's zone) before the file's own VTIMEZONE"
UNTIL_DAY = "an UNTIL given as a day, or as its local midnight in UTC, includes that day"
READ_OTHERWISE: dict[str, tuple[str, int, int]] = {
    "ics/ical4j__1106817412.ics": (MENDED_TEXT, 1, 1),
    "ics/ical4j__bhav23-2.ics": (MENDED_TEXT, 1, 1),
    "ics/icalevents__basic_latin1.ics": (MENDED_TEXT, 42, 42),
    "ics/icspy__BA1.ics": (MENDED_TEXT, 77, 77),
    "ics/ical4j__OZMovies.ics": (MENDED_TEXT, 4, 4),
    "ics/ical4j__sunbird_sample.ics": (MENDED_TEXT, 4, 4),
    "ics/ical4j__CalendarDataFile.ics": (
        "its private events are left out (CLASS:PRIVATE)", 200, 0),
    "ics/icalendar__invalid_duration.ics": (MENDED_INPUT, 0, 1),
    "ics/icalendar__issue_1081_invalid_rrule_freq.ics": (MENDED_INPUT, 0, 1),
    "ics/icalendar__issue_464_invalid_rdate.ics": (MENDED_INPUT, 0, 1),
    "ics/icalendar__parsing_error.ics": (MENDED_INPUT, 0, 1),
    "ics/icalendar__issue_165_missing_event.ics": (MENDED_INPUT, 0, 14),
    "ics/rie__bad_rrule_missing_until_event.ics": (MENDED_INPUT, 0, 72),
    "ics/rie__end_before_start_event.ics": (MENDED_INPUT, 1, 1),
    "ics/rie__issue_132_swapped_start_and_end.ics": (MENDED_INPUT, 1, 1),
    "ics/nodeical__bad_custom_ms_tz.ics": (MENDED_INPUT, 0, 1),
    "ics/nodeical__test_date_duration.ics": (MENDED_INPUT, 0, 1),
    "ics/rie__issue_201_mixed_datetime_and_date.ics": ("an all-day date stays a date", 1, 1),
    "ics/ical4j__google_aus_holidays.ics": ("an all-day date stays a date", 6, 6),
    "ics/nodeical__sabredav-school-holidays.ics": ("an all-day date stays a date", 1, 1),
    "ics/icalendar__rfc_7529.ics": ("RFC 7529's RSCALE rules are read", 0, 2),
    "ics/khal__tz_windows_format.ics": (ZONE_BY_NAME, 1, 1),
    "ics/nodeical__Office-2012-owa.ics": (ZONE_BY_NAME, 90, 90),
    "ics/nodeical__windows-quoted-tz-rrule.ics": (ZONE_BY_NAME, 8, 10),
    "ics/icalendar__issue_722_timezone_transition_ambiguity.ics": (ZONE_BY_NAME, 4, 4),
    "ics/icalevents__rrule_until_only_date.ics": (UNTIL_DAY, 0, 1),
    "ics/nodeical__exchange_whole_day_moved_recurrence.ics": (UNTIL_DAY, 0, 1),
    "ics/rie__issue_28_rrule_with_UTC_endinginZ.ics": (UNTIL_DAY, 0, 2),
    "ics/rie__issue_75_range_parameter.ics": (UNTIL_DAY, 0, 1),
    "ics/khal__event_dtr_no_tz_exdatez.ics": (
        "an EXDATE in UTC of a floating series excludes its date", 6, 5),
    "ics/icalendar__issue_156_RDATE_with_PERIOD_TZID_khal_2.ics": (
        "a changed date without its series keeps the RDATEs it lists (Lotus Notes)", 0, 3),
    "ics/nodeical__duplicate-rrule-sequence.ics": (
        "one UID at two times and titles is kept as two events, the organiser told", 0, 5),
}


def dates_of(calendar: icalendar.Calendar, first: date, *, source: bool = False
             ) -> set[tuple[object, str]]:
    """Each occurrence's start and title over 500 days from ``first`` (without the words
    saying a date is called off, which we add); in the ``source`` file, an untitled event
    by its description's first words, or its place, as we title it."""
    found = set()
    expanded = recurring_ical_events.of(calendar, skip_bad_series=True)
    for occurrence in expanded.between(first - timedelta(days=1), first + timedelta(days=500)):
        start = occurrence.decoded("DTSTART")
        if isinstance(start, datetime):
            start = (start if start.tzinfo else start.replace(tzinfo=PARIS)).astimezone(UTC)
        # a date called off says so in its title where we publish it ("Annulé : ...")
        title = " ".join(str(occurrence.get("SUMMARY", "")).removeprefix(CALLED_OFF["fr"]).split())
        if not title and source:
            title = " ".join(str(occurrence.get("DESCRIPTION") or occurrence.get("LOCATION")
                                 or "").split())
            title = title if len(title) <= 80 else title[:79].rsplit(" ", 1)[0] + "…"
        found.add((start, title))
    return found


def original(body: bytes) -> icalendar.Calendar | None:
    """The organiser's file as the independent reader takes it alone; None when it cannot.
    icalendar keeps the first VTIMEZONE of each TZID for the whole process, so that a file's
    "Customized Time Zone" was read with another file's: its cache is emptied first."""
    tzp._TZP__tz_cache.clear()  # type: ignore[attr-defined]
    try:
        return x_wr_timezone.to_standard(
            icalendar.Calendar.from_ical(body.decode("utf-8", "replace")))
    except Exception:  # noqa: BLE001 - a file icalendar refuses has nothing to compare with
        return None


def test_every_corpus_calendar_gives_the_organisers_dates_as_published() -> None:
    with MANIFEST.open(encoding="utf-8", newline="") as manifest:
        paths = [row["path"] for row in csv.DictReader(manifest, delimiter="\t")
                 if row["path"].endswith(".ics")]
    differ: dict[str, tuple[int, int]] = {}
    examples: dict[str, tuple[list[object], list[object]]] = {}
    compared = 0
    for path in paths:
        body = (CORPUS / path).read_bytes()
        url = f"https://corpus.example/{path}"
        try:
            feed = parse_body(body, "auto", url)
        except ParseError:
            continue
        theirs = original(body)
        records = [dataclasses.replace(e, source_id=SOURCE.id, feed_url=url) for e in feed.events]
        if theirs is None or not records:
            continue
        ours = icalendar.Calendar.from_ical(render_calendar(
            merge_events(records, {SOURCE.id: SOURCE}).events, name="corpus", now=NOW,
            base_url="https://agenda.example", timezone="Europe/Paris"))
        first = min(r.start.date() if isinstance(r.start, datetime) else r.start
                    for r in records)
        try:
            expected = dates_of(theirs, first, source=True)
        except Exception:  # noqa: BLE001 - the reader fails on the original (a bad VTIMEZONE)
            continue
        compared += 1
        got = dates_of(x_wr_timezone.to_standard(ours), first)
        if got != expected:
            differ[path] = (len(expected - got), len(got - expected))
            examples[path] = (sorted(expected - got, key=str)[:2],
                              sorted(got - expected, key=str)[:2])
    assert compared > 150
    known = {path: (missing, extra) for path, (_, missing, extra) in READ_OTHERWISE.items()}
    changed = {path for path in set(differ) | set(known) if differ.get(path) != known.get(path)}
    assert not changed, "\n".join(
        f"{path}: {differ.get(path, (0, 0))} dates differ, not {known.get(path, (0, 0))}: "
        f"missing {examples.get(path, ([], []))[0]}, extra {examples.get(path, ([], []))[1]}"
        for path in sorted(changed))
