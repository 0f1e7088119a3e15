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
from datetime import date, datetime
from pathlib import Path

import pytest

from aggregator.models import Event
from aggregator.render import render_outputs
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


def test_icaljs_accepts_every_rendered_calendar(tmp_path: Path) -> None:
    binary = node()
    outputs = render_outputs(
        events(), [news()], SOURCES, now=NOW, base_url=BASE_URL, timezone="Europe/Paris"
    )
    calendars = {path: body for path, body in outputs.items() if path.endswith(".ics")}
    summaries = {}
    for path, body in calendars.items():
        file = tmp_path / path.replace("/", "_")
        file.write_bytes(body)
        result = subprocess.run(
            [binary, str(SCRIPT), str(file)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"{path}: {result.stdout}{result.stderr}"
        summaries[path] = json.loads(result.stdout)
    main = summaries["calendar.ics"]
    assert main["tzids"] == ["America/New_York", "Europe/Luxembourg", "Europe/Paris"]
    assert main["timezones"] == main["tzids"]
    assert main["events"] == 5 and main["recurring"] == 1 and main["occurrences"] == 5


def test_icaljs_script_reports_a_missing_vtimezone(tmp_path: Path) -> None:
    binary = node()
    broken = tmp_path / "broken.ics"
    broken.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        b"DTSTAMP:20251201T000000Z\r\nDTSTART;TZID=Europe/Paris:20251208T183000\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = subprocess.run(
        [binary, str(SCRIPT), str(broken)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["problems"] == ["TZID Europe/Paris has no VTIMEZONE"]
