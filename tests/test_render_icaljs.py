"""A rendered calendar read by an independent parser: Mozilla's ical.js, run with node.

icalendar reading back what icalendar wrote proves little; ical.js (Thunderbird's parser)
must find a start for every VEVENT, walk recurring series, and find a VTIMEZONE for every
TZID. The node script is tests/icaljs_validate.mjs; its dependency is in package.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date, datetime, timedelta
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aggregator.models import Event
from aggregator.render import render_calendar, render_outputs
from render_builders import BASE_URL, NOW, PARIS, SOURCES, merged, news

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "icaljs_validate.mjs"


def node() -> str:
    """The node binary; skip only on a developer machine without node, never in CI."""
    found = shutil.which("node")
    if found is None:
        if not os.environ.get("CI"):
            pytest.skip("node is not installed (CI runs this check)")
        pytest.fail("node is not installed but CI is set: install Node.js 20+")
    if not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.fail("ical.js is missing: run `npm ci` at the repository root")
    return found


def events() -> list:
    series = merged(
        "series-1",
        start=datetime(2025, 12, 2, 12, 0, tzinfo=PARIS),
        end=datetime(2025, 12, 2, 13, 0, tzinfo=PARIS),
        timezone="Europe/Luxembourg",
        city="Luxembourg",
        sources=("lux-tech",),
        rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20260301",
        exdates=(datetime(2025, 12, 9, 12, 0, tzinfo=PARIS),),
        overrides=(
            Event(
                uid="x",
                title="Special",
                start=datetime(2025, 12, 16, 14, 0, tzinfo=PARIS),
                recurrence_id=datetime(2025, 12, 16, 12, 0, tzinfo=PARIS),
                timezone="Europe/Luxembourg",
            ),
        ),
    )
    return [
        merged(title="Atelier, code; et\nplus"),
        series,
        merged("fair-1", start=date(2025, 12, 10), end=None, city="Metz", sources=("tcrm",)),
        merged(
            "ny-1", start=datetime(2025, 12, 12, 9, 0, tzinfo=PARIS), timezone="America/New_York"
        ),
    ]


def icaljs(files: Sequence[Path]) -> tuple[int, list[dict[str, Any]]]:
    """The script's exit code and its summary of each file (validity, each event's start,
    each series' first dates), all read in one node process."""
    result = subprocess.run([node(), str(SCRIPT), *map(str, files)], capture_output=True,
                            text=True, cwd=ROOT, timeout=120, check=False)
    summaries = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(summaries) == len(files), result.stderr
    return result.returncode, summaries


def read_by_icaljs(files: Sequence[Path]) -> list[dict[str, Any]]:
    """ical.js's summary of each file, every one of which it must find valid."""
    code, summaries = icaljs(files)
    assert code == 0, [s["problems"] for s in summaries if not s["ok"]]
    return summaries


def test_icaljs_accepts_every_rendered_calendar(tmp_path: Path) -> None:
    outputs = render_outputs(
        events(), [news()], SOURCES, now=NOW, base_url=BASE_URL, timezone="Europe/Paris"
    )
    calendars = {path: body for path, body in outputs.items() if path.endswith(".ics")}
    files = []
    for path, body in calendars.items():
        files.append(tmp_path / path.replace("/", "_"))
        files[-1].write_bytes(body)
    summaries = dict(zip(calendars, read_by_icaljs(files), strict=True))
    main = summaries["calendar.ics"]
    assert main["tzids"] == ["America/New_York", "Europe/Luxembourg", "Europe/Paris"]
    assert main["timezones"] == main["tzids"]
    assert main["events"] == 5 and main["recurring"] == 1 and main["occurrences"] == 5


def test_icaljs_script_reports_a_missing_vtimezone(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ics"
    broken.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        b"DTSTAMP:20251201T000000Z\r\nDTSTART;TZID=Europe/Paris:20251208T183000\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    code, [summary] = icaljs([broken])
    assert code == 1
    assert summary["problems"] == ["TZID Europe/Paris has no VTIMEZONE"]


ZONED = {
    # uid: (zone, local start): summer and winter, this year and after 2037, both hemispheres,
    # a zone without daylight saving time and one whose rule is only a list of dates
    "paris-summer": ("Europe/Paris", datetime(2026, 7, 1, 10, 0)),
    "paris-winter": ("Europe/Paris", datetime(2026, 12, 10, 18, 30)),
    "paris-2045": ("Europe/Paris", datetime(2045, 7, 1, 10, 0)),
    "lux-2040": ("Europe/Luxembourg", datetime(2040, 6, 12, 18, 0)),
    "ny-2045": ("America/New_York", datetime(2045, 7, 4, 9, 0)),
    "sydney-2045": ("Australia/Sydney", datetime(2045, 1, 15, 9, 0)),
    "tokyo-2045": ("Asia/Tokyo", datetime(2045, 8, 1, 9, 0)),
    "jerusalem-2045": ("Asia/Jerusalem", datetime(2045, 7, 1, 9, 0)),
    "paris-onset": ("Europe/Paris", datetime(2041, 3, 31, 3, 30)),  # half an hour after the change
}


def test_icaljs_reads_every_time_at_the_instant_tzdata_gives_after_2037_too(
    tmp_path: Path,
) -> None:
    """Clients that read the VTIMEZONE (ical.js here, Outlook) find the zone's rule for any
    year: a list of dates that stopped in 2037 showed a July 2045 talk an hour early."""
    events = [
        merged(uid, start=local.replace(tzinfo=ZoneInfo(zone)), end=None, timezone=zone)
        for uid, (zone, local) in ZONED.items()
    ]
    weekly = merged(  # across the spring change of 2027: the wall clock stays at 19:00
        "weekly", start=datetime(2027, 3, 16, 19, 0, tzinfo=PARIS), end=None,
        rrule="FREQ=WEEKLY;COUNT=5",
    )
    file = tmp_path / "zones.ics"
    file.write_bytes(render_calendar(
        [*events, weekly], name="t", now=NOW, base_url=BASE_URL, timezone="Europe/Paris"
    ))
    (summary,) = read_by_icaljs([file])
    for uid, (zone, local) in ZONED.items():
        assert summary["starts"][uid] == local.replace(tzinfo=ZoneInfo(zone)).timestamp(), uid
    expected = [datetime(2027, 3, 16, 19, 0, tzinfo=PARIS) + timedelta(weeks=n) for n in range(5)]
    assert summary["series"]["weekly"] == [int(when.timestamp()) for when in expected]
