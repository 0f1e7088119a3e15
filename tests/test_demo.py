"""`aggregator demo --once`: the whole product on the bundled feeds, offline, from the CLI."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar

from aggregator.demo.feeds import build_demo
from aggregator.published import decode_event
from aggregator.render.agenda import walk
from aggregator.web.schemas import EventsDocument, NewsDocument
from test_render_corpus_icaljs import posix
from test_render_icaljs import read_by_icaljs


def test_demo_once_builds_a_full_agenda_offline(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    result = subprocess.run(
        [sys.executable, "-m", "aggregator", "demo", "--once", "--port", "8123"], cwd=tmp_path,
        env=env,
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "refreshed 25 feeds (0 failed)" in result.stdout
    output = tmp_path / "output"
    assert str(Path("output") / "calendar.ics") in result.stdout
    events = json.loads((output / "events.json").read_text())["events"]
    # the open data is what /openapi.json says it is, field for field (series and their moved
    # dates included)
    EventsDocument.model_validate_json((output / "events.json").read_bytes())
    NewsDocument.model_validate_json((output / "news.json").read_bytes())
    assert any(e["overrides"] for e in events) and any(e["rrule"] for e in events)
    today = date.today().isoformat()
    upcoming = [e for e in events if e["start"][:10] >= today and e["status"] != "CANCELLED"]
    assert len(upcoming) >= 30
    assert any(len(e["sources"]) >= 3 for e in events)  # cross-posts merged, sources kept
    page = (output / "index.html").read_text()
    assert page.count('class="event') >= 30
    calendar = icalendar.Calendar.from_ical((output / "calendar.ics").read_bytes())
    assert len(calendar.walk("VEVENT")) >= 30
    assert (tmp_path / "data" / "demo" / "sources.yaml").is_file()
    # the archive shows this week's digest, as subscribers get it
    [digest] = (output / "digest").glob("*-W[0-9][0-9].html")  # and its .en.html, .de.html
    # this week where the demo's agenda lives: Monday 00:25 in Paris is still Sunday in UTC
    week = datetime.now(ZoneInfo("Europe/Paris")).isocalendar()
    assert digest.stem == f"{week.year}-W{week.week:02d}"
    assert str(Path("output") / "digest" / digest.name) in result.stdout
    text = digest.with_suffix(".txt").read_text()
    assert text.count("\n* ") >= 10  # events and news of the week
    # its links lead to where it serves (they led to port 8000 whatever --port said)
    assert "Ajouter à mon agenda\u00a0: http://127.0.0.1:8123/events/" in text
    assert 'href="http://127.0.0.1:8123/events/' in page
    # a cross-posted event speaks with its organiser's record (its time, title and link),
    # told by the links of the reposts: a start-up's repost of a lab's day, half an hour late,
    # spoke for it, and the lab was only "also posted by"
    truth = {h.key: h for h in build_demo(date.today(), "http://127.0.0.1:8123").events}
    for key, organiser in (("ia-sante", "loria"), ("owasp-api", "owasp-lorraine"),
                           ("hack4lux", "house-of-startups")):
        [merged] = [e for e in events
                    if {(s["source"], s["uid"]) for s in e["sources"]} == set(truth[key].postings)]
        assert merged["sources"][0]["source"] == organiser, merged["title"]
    [ia_sante] = [e for e in events if e["sources"][0]["source"] == "loria"
                  and len(e["sources"]) == 3 and "Santé" in e["title"]]
    assert ia_sante["start"].endswith("T09:00:00+01:00")  # the lab's time, not the repost's
    assert not [e["url"] for e in events if "utm_" in e["url"]]  # no campaign tags published
    # the digest written after the build leaves its filtered calendars (it removed them all)
    assert (output / "calendars" / "metz.ics").is_file()

    # Thunderbird's parser dates every event, and walks every series, as our agenda does
    (summary,) = read_by_icaljs([output / "calendar.ics"])
    assert summary["ok"], summary["problems"]
    assert summary["recurring"] >= 3
    for record in events:
        event = decode_event(record)
        assert summary["starts"][event.uid] == posix(event.start), record["title"]
        walked = summary["series"].get(event.uid)
        if walked:
            ours = itertools.islice(walk(event, after=datetime(1970, 1, 1, tzinfo=UTC)),
                                    len(walked))
            assert [posix(occurrence.start) for occurrence in ours] == walked, record["title"]
