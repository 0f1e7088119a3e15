"""The whole shared corpus served over real HTTP and refreshed once through the CLI (issue 7).

test_parse_corpus.py holds the per-file promises of the parser; this test keeps them end to
end: fetch, sniff, parse in worker processes, decide, store, then `sources list --json`.
No unhandled exception; every file the manifest marks valid yields records (unless listed
as legitimately empty there); every other file is an error with its reason, or read with
warnings, or listed there with why it reads cleanly.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import feedparser
import pytest

from aggregator import config
from aggregator.demo.server import FeedServer
from aggregator.published import decode_event
from aggregator.render.exports import ATOM_ENTRIES, entry_id, event_record
from sites import run
from test_parse_corpus import CORPUS, INVALID_READ_CLEANLY, LEGITIMATELY_EMPTY, ROWS
from test_render_corpus_icaljs import older_than_its_zones_rule, posix
from test_render_icaljs import read_by_icaljs


@pytest.fixture
def corpus_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    files = {f"/{row['path']}": ((CORPUS / row["path"]).read_bytes(), "application/octet-stream") for row in ROWS}
    with FeedServer(files) as server:
        lines = ["sources:"]
        for number, row in enumerate(ROWS):
            lines.append(
                f"  - {{id: corpus-{number}, name: Corpus {number}, kind: association, city: Metz, "
                f'country: FR, feeds: [{{url: "{server.url("/" + row["path"])}"}}]}}'
            )
        (tmp_path / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("AGGREGATOR_ALLOW_PRIVATE_NETWORKS", "1")
        for name in ("AGGREGATOR_CONFIG", "AGGREGATOR_DB", "AGGREGATOR_OUTPUT"):
            monkeypatch.delenv(name, raising=False)
        yield server


def test_one_refresh_over_the_whole_corpus(corpus_site: Any) -> None:
    assert len(ROWS) == 513
    started = time.monotonic()
    refreshed = run("refresh")
    elapsed = time.monotonic() - started
    assert refreshed.exit_code == 0, refreshed.output
    assert "Traceback" not in refreshed.output
    listed = json.loads(run("sources", "list", "--json").output)
    by_path = {feed["url"].split("/", 3)[3]: feed for feed in listed}
    assert len(by_path) == len(ROWS)
    unexplained = []
    for row in ROWS:
        feed, path = by_path[row["path"]], row["path"]
        reason = feed["last_error"] or "; ".join(feed["warnings"])
        if row["expect"] == "valid":
            assert feed["status"] == "ok", (path, feed["last_error"])
            assert (feed["items"] == 0) == (path in LEGITIMATELY_EMPTY), (path, feed["items"])
        elif feed["status"] == "error":
            assert feed["last_error"] and "\n" not in feed["last_error"], path
            assert "Traceback" not in feed["last_error"] and "unexpected" not in feed["last_error"], feed
        elif row["expect"] == "invalid" and not reason and path not in INVALID_READ_CLEANLY:
            unexplained.append(path)
    assert unexplained == []
    assert elapsed < 120, elapsed

    # The web app keeps the decoded events, not events.json's records, and renders a
    # selection's records again from them: over everything the corpus holds (series,
    # overrides, all-day, Windows zones, dates without times), that gives the same record.
    assert run("build").exit_code == 0
    sources = {s.id: s for s in config.load("sources.yaml").sources}
    records = json.loads(Path("output/events.json").read_text(encoding="utf-8"))["events"]
    assert len(records) > 1000
    again = [(r, event_record(decode_event(r), sources)) for r in records]
    assert [{k: (r[k], a.get(k)) for k in r if r[k] != a.get(k)} for r, a in again if r != a] == []

    # Thunderbird's parser reads the published calendar's events at events.json's starts.
    (summary,) = read_by_icaljs([Path("output/calendar.ics").resolve()])
    assert summary["ok"], summary["problems"]
    assert summary["events"] >= len(records)
    wrong = []
    for record in records:
        start = (datetime.fromisoformat(record["start"]) if not record["all_day"]
                 else date.fromisoformat(record["start"]))
        if summary["starts"][record["uid"]] != posix(start) and not older_than_its_zones_rule(
                start, record["timezone"]):
            wrong.append((record["uid"], record["start"], summary["starts"][record["uid"]]))
    assert wrong == []

    # A feed reader reads news.atom's entries as news.json has them (titles, links, dates),
    # whatever the corpus's feeds held (entities, CDATA, control characters, relative links).
    items = json.loads(Path("output/news.json").read_text(encoding="utf-8"))["items"]
    atom = feedparser.parse(Path("output/news.atom").read_bytes())
    assert not atom.bozo, atom.get("bozo_exception")
    newest = {entry_id(item["id"]): item for item in items}
    assert len(atom.entries) == min(len(items), ATOM_ENTRIES) > 50
    for entry in atom.entries:
        item = newest[entry.id]
        assert entry.title == (item["title"] or item["link"])
        assert not item["link"] or entry.link == item["link"]
        if item["published"]:
            assert datetime(*entry.published_parsed[:6], tzinfo=timezone.utc) == (
                datetime.fromisoformat(item["published"]).astimezone(timezone.utc))
