"""End to end through the command line: sources.yaml → refresh → build → output files.

Feeds are served by a real HTTP server on 127.0.0.1; the database is a real SQLite file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import pytest

from mailsink import smtp_server  # noqa: F401  (fixture)
import misbehaving
from conftest import REPO
from sites import SOON, ics, rss, run

from aggregator import config
from aggregator.core import make_aggregator


def test_refresh_then_build_writes_every_contract_file(site: Any, tmp_path: Path) -> None:
    refreshed = run("refresh")
    assert refreshed.exit_code == 0, refreshed.output
    assert "4 feeds: 4 updated" in refreshed.output
    built = run("build")
    assert built.exit_code == 0, built.output
    out = tmp_path / "output"
    for name in ("calendar.ics", "events.json", "news.json", "news.atom", "index.html",
                 "calendars/metz.ics", "calendars/nancy.ics", "calendars/lab.ics", "calendars/ai.ics"):
        assert (out / name).is_file(), name
    calendar = icalendar.Calendar.from_ical((out / "calendar.ics").read_bytes())
    titles = sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))
    assert titles == ["Apéro start-up", "Rencontre IA"]  # the cross-posted talk appears once
    events = json.loads((out / "events.json").read_text())["events"]
    talk = next(e for e in events if e["title"] == "Rencontre IA")
    assert {s["source"] for s in talk["sources"]} == {"lab", "venue"}
    atom = feedparser.parse((out / "news.atom").read_bytes())
    assert atom.bozo == 0 and len(atom.entries) == 2
    assert "<script" not in (out / "news.json").read_text()


def test_a_digest_preview_leaves_the_filtered_calendars_in_place(site: Any, tmp_path: Path) -> None:
    """Subscribers of calendars/metz.ics got 404 from each `digest preview` (the daemon's
    weekly job, or the operator's) until the next build: writing the digest's archive copy
    removed every filtered calendar as stale."""
    assert run("refresh").exit_code == 0 and run("build").exit_code == 0
    out = tmp_path / "output"
    calendars = sorted(path.name for path in (out / "calendars").iterdir())
    assert "metz.ics" in calendars
    assert run("digest", "preview").exit_code == 0
    assert sorted(path.name for path in (out / "calendars").iterdir()) == calendars


def test_the_cli_build_keeps_nothing_for_a_next_build_and_writes_the_same_bytes(
    site: Any, tmp_path: Path
) -> None:
    """`aggregator build` exits after building: its memos keep nothing (a quarter of a build's
    peak memory), and its files are those of a daemon's build, which keeps them."""
    from aggregator.store import codec

    assert run("refresh").exit_code == 0
    out = tmp_path / "output"
    codec._EVENTS.clear()  # as in the fresh process cron starts (other tests built here)
    run("build")
    assert len(codec._EVENTS) == 0  # nothing kept
    def calendars() -> dict[str, bytes]:
        # DTSTAMP is each build's own time: the two builds may fall in two different seconds
        return {p.name: re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", b"DTSTAMP:", p.read_bytes())
                for p in sorted(out.rglob("*.ics"))}

    one_shot = calendars()
    aggregator = make_aggregator(config.load(None))
    aggregator.build()
    assert len(codec._EVENTS) == 3  # a daemon's build keeps its decoded records
    assert calendars() == one_shot
    aggregator.close()


def test_the_cli_build_says_it_waits_for_a_build_in_progress(site: Any, tmp_path: Path) -> None:
    """A daemon (or another node) is building: `aggregator build` waits its turn, and says so
    rather than hang in silence."""
    from conftest import build_lock_held

    assert run("refresh").exit_code == 0
    with build_lock_held("sqlite:///data/aggregator.db", "web-1:42") as release:
        # Released after 3 s (the test's time): with 0.5 s, a command slower to start than
        # that (a loaded machine, another test suite beside it) found the lock free, said
        # nothing, and the test failed.
        threading.Timer(3, release.set).start()
        built = run("build")
    assert built.exit_code == 0, built.output
    assert "another build is in progress; waiting for it to end (at most 10 min)" in built.output
    assert "built 2 events" in built.output


def test_second_refresh_only_makes_conditional_requests_and_changes_nothing(site: Any, tmp_path: Path) -> None:
    run("refresh")
    run("build")
    before = (tmp_path / "output" / "events.json").read_text()
    again = run("refresh")
    assert "4 feeds: 4 not modified" in again.output, again.output
    assert all(site.conditional_hits.get(p, 0) == 1 for p in ("/lab.ics", "/venue.ics", "/assoc.ics", "/news.xml"))
    run("build")
    after = (tmp_path / "output" / "events.json").read_text()
    assert json.loads(before)["events"] == json.loads(after)["events"]


def test_a_failing_feed_keeps_its_events_and_shows_the_failure(site: Any, tmp_path: Path) -> None:
    run("refresh")
    site.fail("/assoc.ics", 500)
    refreshed = run("refresh")
    assert refreshed.exit_code == 0
    assert "HTTP 500" in refreshed.output
    run("build")
    titles = {e["title"] for e in json.loads((tmp_path / "output/events.json").read_text())["events"]}
    assert "Apéro start-up" in titles
    listed = json.loads(run("sources", "list", "--json").output)
    assoc = next(f for f in listed if f["source"] == "assoc")
    assert assoc["status"] == "error" and "HTTP 500" in assoc["last_error"]
    assert assoc["items"] == 1 and assoc["last_success"] is not None
    assert set(listed[0]) >= {"source", "url", "type", "status", "items", "last_success", "last_error"}


def test_sources_list_before_any_refresh_shows_pending_feeds(site: Any) -> None:
    listed = json.loads(run("sources", "list", "--json").output)
    assert len(listed) == 4 and {f["status"] for f in listed} == {"pending"}


def test_sources_list_says_its_times_are_utc_whatever_the_machine_clock(site: Any) -> None:
    """The operator's table gave "last success" in the machine's own zone with no label:
    on a server set to Tokyo, or read from Luxembourg, "03:00" could be UTC or local. It is
    now UTC and says so, as the refresh's "not asked again before … UTC" and the health
    emails do; --json keeps ISO 8601 with its offset."""
    assert run("refresh").exit_code == 0
    listed = json.loads(run("sources", "list", "--json").output)
    read = datetime.fromisoformat(listed[0]["last_success"])
    assert read.utcoffset() == timedelta(0)  # machine-readable: the offset is written
    shown = subprocess.run(
        [sys.executable, "-m", "aggregator", "sources", "list"], capture_output=True,
        text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO), "TZ": "Asia/Tokyo",
                                    "COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    assert f"{read:%Y-%m-%d %H:%M} UTC" in shown.stdout, shown.stdout
    tokyo = read.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")
    assert tokyo not in shown.stdout


def test_refresh_of_one_source(site: Any) -> None:
    result = run("refresh", "--source", "venue")
    assert "1 feeds: 1 updated" in result.output


def test_sources_check_reports_what_a_feed_holds(site: Any) -> None:
    result = run("sources", "check", site.base_url + "/lab.ics")
    assert result.exit_code == 0
    assert "valid ical feed" in result.output and "1 event, 0 news items, 0 warnings" in result.output


def test_sources_check_shows_which_events_repeat_and_which_rules_it_refused(site: Any) -> None:
    """An organiser checking a feed sees a series' rule as read, and why a rule no date
    matches was read as a single event."""
    weekly = ics("weekly@lab", "Café du mardi", SOON, extra="RRULE:FREQ=WEEKLY;BYDAY=TU")
    never = ics("never@lab", "Tous les 30 février", SOON,
                extra="RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")
    body = weekly.replace(b"END:VCALENDAR", never[never.index(b"BEGIN:VEVENT"):].removesuffix(b"\r\n"))
    site.set("/series.ics", body, "text/calendar")
    result = run("sources", "check", site.base_url + "/series.ics")
    assert result.exit_code == 0
    assert "Café du mardi  (repeats: FREQ=WEEKLY;BYDAY=TU)" in result.output
    assert "Tous les 30 février\n" in result.output  # a single event now
    assert ("warning: VEVENT 'Tous les 30 février': RRULE 'FREQ=DAILY;BYMONTHDAY=30;BYMONTH=2': "
            "no date ever matches it: read as a single event") in result.output


def test_sources_check_says_which_news_is_dated_in_the_future(site: Any) -> None:
    """An organiser checking a feed is told what the refresh will do with a date ahead of it."""
    body = rss("Appel à projets").replace(b"</item>", b"</item><item><title>Atelier</title>"
                                          b"<guid>https://news.example.org/atelier</guid>"
                                          b"<pubDate>Fri, 20 Nov 2286 17:46:39 +0000</pubDate>"
                                          b"</item>")
    site.set("/future.xml", body, "application/rss+xml")
    result = run("sources", "check", site.base_url + "/future.xml")
    assert result.exit_code == 0
    assert ("warning: an entry dated in the future (2286-11-20): dated by the day it was first "
            "seen; a feed dates an article by when it was published") in result.output


@pytest.mark.parametrize(("path", "reason"), [("/missing.ics", "HTTP 404"), ("/page.html", "HTML")])
def test_sources_check_explains_in_one_line_why_a_feed_is_unusable(site: Any, path: str, reason: str) -> None:
    site.set("/page.html", b"<!doctype html><html><body>Agenda</body></html>", "text/html")
    result = run("sources", "check", site.base_url + path)
    assert result.exit_code == 1
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr


@pytest.mark.parametrize("url", ["http://[::1/feed.ics", "http://127.0.0.1:99999/feed.ics"])
def test_sources_check_explains_an_unreadable_url_in_one_line(site: Any, url: str) -> None:
    result = run("sources", "check", url)
    assert result.exit_code == 1
    assert "invalid URL" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr


def test_sources_check_refuses_private_addresses_by_default(site: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGGREGATOR_ALLOW_PRIVATE_NETWORKS")
    result = run("sources", "check", site.base_url + "/lab.ics")
    assert result.exit_code == 1 and "non-public address" in result.stderr


def test_invalid_configuration_exits_2_naming_source_and_field(site: Any, tmp_path: Path) -> None:
    text = (tmp_path / "sources.yaml").read_text().replace("kind: venue", "kind: pub")
    (tmp_path / "sources.yaml").write_text(text)
    result = run("refresh")
    assert result.exit_code == 2
    assert "source 'venue': field kind" in result.stderr
    # what the message quotes in brackets reaches the operator (Rich took it for markup:
    # "pattern '^+$'", and a YAML error lost its caret line)
    (tmp_path / "sources.yaml").write_text(text.replace("id: venue", "id: La Venue"))
    assert "String should match pattern '^[a-z0-9-]+$'" in run("refresh").stderr
    (tmp_path / "sources.yaml").write_text("sources: [\n  {id: x, name: [y}\n")
    broken = run("refresh").stderr
    assert "expected ',' or ']'" in broken and "^" in broken


def test_an_organisation_registers_from_the_command_line_and_the_operator_approves_it(
    site: Any, smtp_server: Any, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """The web form's door from a terminal: pending, the contact emailed, then approved by
    the operator with `registrations approve` and fetched by the next refresh."""
    monkeypatch.setenv("AGGREGATOR_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("AGGREGATOR_SMTP_PORT", str(smtp_server.port))
    site.set("/fablab.ics", ics("f1@fablab", "Atelier Arduino", SOON), "text/calendar")
    refused = run("sources", "register", site.url("/fablab.ics"), "--name", "Fablab",
                  "--kind", "association", "--city", "Épinal", "--contact", "not-an-email")
    assert refused.exit_code == 2 and "field contact" in refused.output
    done = run("sources", "register", site.url("/fablab.ics"), "--name", "Fablab des Vosges",
               "--kind", "Asso", "--city", "Épinal", "--contact", "hello@fablab.example.org",
               "--tag", "maker", "--tag", "3D")  # the kind as a French organiser names it
    assert done.exit_code == 0, done.output
    assert "registered 'Fablab des Vosges' as fablab-des-vosges (#1): pending" in done.output
    assert re.search(r"private link to change it: http://\S+/manage/\S{20,}", done.output)
    [received] = smtp_server.messages
    assert received["To"] == "hello@fablab.example.org"
    listed = json.loads(run("registrations", "list", "--json", "--status", "pending").output)
    assert [(r["id"], r["source"], r["kind"], r["tags"], r["status"]) for r in listed] == [
        (1, "fablab-des-vosges", "association", ["maker", "3D"], "pending")]
    run("refresh")
    run("build")
    assert "Atelier Arduino" not in Path("output/calendar.ics").read_text(encoding="utf-8")
    approved = run("registrations", "approve", "1")
    assert approved.exit_code == 0 and "#1: approved" in approved.output
    run("refresh")
    run("build")
    assert "Atelier Arduino" in Path("output/calendar.ics").read_text(encoding="utf-8")
    health = {h["source"]: h["status"] for h in json.loads(run("sources", "list", "--json").output)}
    assert health["fablab-des-vosges"] == "ok"
    assert run("registrations", "reject", "99").exit_code == 2  # no such registration
    approved_now = json.loads(run("registrations", "list", "--json", "--status", "approved").output)
    assert [r["source"] for r in approved_now] == ["fablab-des-vosges"]
    assert "Registrations" in run("registrations", "list").output  # a table for people


def test_registrations_list_says_its_times_are_utc(
    site: Any, smtp_server: Any, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    """Its "since" column was UTC without saying so, beside `sources list`'s labelled times."""
    monkeypatch.setenv("AGGREGATOR_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("AGGREGATOR_SMTP_PORT", str(smtp_server.port))
    assert run("sources", "register", site.url("/lab.ics"), "--name", "Fablab", "--kind",
               "association", "--city", "Épinal", "--contact", "hello@fablab.example.org"
               ).exit_code == 0
    [listed] = json.loads(run("registrations", "list", "--json").output)
    created = datetime.fromisoformat(listed["created_at"])
    shown = subprocess.run(
        [sys.executable, "-m", "aggregator", "registrations", "list"], capture_output=True,
        text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(REPO), "TZ": "Asia/Tokyo",
                                    "COLUMNS": "250"})
    assert shown.returncode == 0, shown.stderr
    assert f"{created.astimezone(ZoneInfo('UTC')):%Y-%m-%d %H:%M} UTC" in shown.stdout, \
        shown.stdout


def test_the_operator_switches_a_source_off_and_on_from_the_command_line(site: Any) -> None:
    run("refresh")
    run("build")
    assert "Apéro start-up" in Path("output/calendar.ics").read_text(encoding="utf-8")
    off = run("sources", "disable", "assoc")
    assert off.exit_code == 0 and "assoc: disabled" in off.output
    run("build")
    calendar = icalendar.Calendar.from_ical(Path("output/calendar.ics").read_bytes())
    [apero] = [e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Annulé : Apéro start-up"]
    assert apero["STATUS"] == "CANCELLED"  # subscribed calendars drop it
    # still listed, as switched off (it left `sources list`, and the operator lost sight of it)
    listed = {(f["source"], f["status"]) for f in json.loads(run("sources", "list", "--json").output)}
    assert ("assoc", "disabled") in listed and ("lab", "ok") in listed
    refused = run("refresh", "--source", "assoc")
    assert refused.exit_code == 2
    assert "source 'assoc' is switched off: `aggregator sources enable assoc` first" in \
        " ".join(refused.stderr.split())
    assert run("sources", "enable", "assoc").exit_code == 0
    run("refresh")
    run("build")
    calendar = icalendar.Calendar.from_ical(Path("output/calendar.ics").read_bytes())
    [apero] = [e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Apéro start-up"]
    assert apero["STATUS"] == "CONFIRMED"
    unknown = run("sources", "disable", "nobody")
    assert unknown.exit_code == 2 and "no source 'nobody'" in unknown.output


def test_sources_check_explains_a_304_nobody_asked_for_in_one_line(site: Any) -> None:
    """`sources check` sends no validators: a 304 died on an AssertionError traceback."""
    with misbehaving.misbehaving_server() as server:
        url = server.route("/nm.ics", misbehaving.body(b"", status=304))
        result = run("sources", "check", url)
    assert result.exit_code == 1
    assert "HTTP 304 Not Modified to a request that held no cached copy" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr
