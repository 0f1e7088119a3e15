"""Series review: no single feed's series may cost a refresh or a build more than a few
seconds (one organisation's buggy WordPress plugin, hand-made file or malice must not hold
everyone else's). Each test serves the feed on loopback, refreshes it into a real SQLite
store and builds, timing the processor time of this process and of its children."""

from __future__ import annotations

import json
import resource
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aggregator.core import make_aggregator
from conftest import make_settings, make_source
from sites import rss_date, rss_feed
from test_review_time import calendar


def cpu() -> float:
    """Processor time of this process and of the children it waited for (a build may fork)."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                          resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def refreshed(feed_server: Any, tmp_path: Path, feeds: dict[str, bytes]) -> Any:
    """An aggregator of one organisation per feed (its id the feed's name), its feeds
    served on loopback."""
    sources = []
    for name, body in feeds.items():
        feed_server.set(f"/{name}.ics", body, "text/calendar")
        sources.append(make_source(name, feed_server.url(f"/{name}.ics"), kind="lab"))
    return make_aggregator(make_settings(tmp_path, tuple(sources)))


def refreshed_and_built(aggregator: Any) -> tuple[Any, float]:
    """Refresh (its processor time measured) and build an aggregator of one feed, then close
    it: the feed's health and what the refresh cost."""
    try:
        started = cpu()
        aggregator.refresh(force=True)
        took = cpu() - started
        (health,) = aggregator.feed_health()
        aggregator.build()
    finally:
        aggregator.close()
    return health, took


def name(n: int) -> str:
    """A title of its own for each n, "Atelier bbbabbbo": no two share a subject word."""
    letters = "".join("bcdfghjklmnpqrstvwxz"[n // 20 ** k % 20] for k in range(3))
    return f"Atelier {letters}a{letters[::-1]}o"


def built(aggregator: Any) -> float:
    """Refresh, then build (its processor time measured), then close: what the build cost."""
    try:
        aggregator.refresh(force=True)
        started = cpu()
        aggregator.build()
        return cpu() - started
    finally:
        aggregator.close()


def rare_and_copies(count: int, dtstart: str, rrule: str) -> dict[str, bytes]:
    """A lab's feed of ``count`` series from ``dtstart`` by ``rrule``, each titled on its own
    (:func:`name`), and a venue's feed posting each one's 29 February 2044 as an event."""
    rare = [f"UID:rare{n}@lab\nSUMMARY:{name(n)}\nLOCATION:TCRM-Blida, Metz\n"
            f"DTSTART:{dtstart}\nDURATION:PT1H\nRRULE:{rrule}" for n in range(count)]
    copies = [f"UID:copy{n}@venue\nSUMMARY:{name(n)}\n"
              "LOCATION:TCRM-Blida, Metz\nDTSTART:20440229T100000Z\nDURATION:PT1H"
              for n in range(count)]
    return {"lab": calendar(*rare), "venue": calendar(*copies)}


def test_merging_a_feeds_rare_series_with_their_copies_costs_seconds_not_half_a_minute(
        feed_server: Any, tmp_path: Path) -> None:
    """A feed of 2,000 series that meet only on a Monday 29 February (valid, rare: since
    1600, the next one in 2044), each of whose dates a venue posts as an event of its own:
    merging asked dateutil for each series' dates around its copies' days, and dateutil looks
    for a series' next date past those days for as long as it takes, 28 years of days a
    series, twice (around its first date and around its copy's): the build took half a
    minute and more. The series' rules are now walked by their days, their day filters
    applied as the walk goes: the same merged events, in seconds."""
    count = 2_000
    took = built(refreshed(feed_server, tmp_path, rare_and_copies(
        count, "16000101T100000Z", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO")))
    each_joined_by_its_copy(tmp_path, count)
    assert took < 20, f"the build took {took:.0f} s of processor time"


def each_joined_by_its_copy(tmp_path: Path, count: int) -> None:
    """The build of :func:`rare_and_copies` published ``count`` events, each a series
    merged with the venue's copy of one of its dates."""
    events = json.loads((tmp_path / "output" / "events.json").read_text())["events"]
    assert len(events) == count
    assert all(sorted(s["source"] for s in e["sources"]) == ["lab", "venue"] for e in events)


def test_a_second_rule_running_to_the_year_9999_costs_its_steps_not_the_feed(
        feed_server: Any, tmp_path: Path) -> None:
    """A weekly club with a second RRULE (RFC 2445 allowed several) that ends in the year
    9999 and meets only on a Monday 29 February: its dates are written out, and dateutil
    looked 28 years ahead for each one, to 9999, then walked the weekly rule as far to take
    its own dates out: seconds an event, so ten of them spent the feed's minute of parsing
    and the whole calendar was refused. The further rule is now read for its first 20,000
    days, its organiser told that its later dates are dropped."""
    events = [f"UID:club{n}@lab\nSUMMARY:Club {n}\nLOCATION:TCRM-Blida, Metz\n"
              "DTSTART:20260106T180000Z\nDURATION:PT2H\nRRULE:FREQ=WEEKLY\n"
              "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;UNTIL=99991231T235959Z"
              for n in range(10)]
    aggregator = refreshed(feed_server, tmp_path, {"lab": calendar(*events)})
    health, took = refreshed_and_built(aggregator)
    assert (health.status, health.items) == ("ok", 10), health.last_error
    assert took < 15, f"the refresh took {took:.0f} s of processor time"
    told = [w for w in health.warnings if "a further RRULE goes on past" in w]
    assert len(told) == 10, health.warnings
    club = next(e for e in json.loads((tmp_path / "output" / "events.json").read_text())[
        "events"] if e["title"] == "Club 0")
    assert club["rrule"] == "FREQ=WEEKLY"
    ics = (tmp_path / "output" / "calendar.ics").read_text()
    assert "20440229T180000Z" in ics.replace("\r\n ", "")  # the next such Monday, an RDATE


def test_a_daily_rule_stepping_whole_weeks_past_its_weekdays_is_one_date_not_a_minute(
        feed_server: Any, tmp_path: Path) -> None:
    """"Every Monday" written FREQ=DAILY;INTERVAL=7;BYDAY=MO from a Tuesday steps from
    Tuesday to Tuesday: no date ever matches, and dateutil walked 8,000 years of them to
    find none, each time the agenda, the digest or a page asked for the series' dates (a
    second and more a series): twenty of them held the build 40 s. Such a rule is
    read as RFC 5545 reads it, its DTSTART alone, and its organiser told why."""
    today = datetime.now(UTC).date()
    first = (today - timedelta(days=(today.weekday() - 1) % 7 + 21)).strftime("%Y%m%d")
    club = (f"UID:club@lab\nSUMMARY:Club Python\nLOCATION:TCRM-Blida, Metz\n"
            f"DTSTART:{first}T180000Z\nDURATION:PT2H\nRRULE:FREQ=WEEKLY")
    mondays = [f"UID:monday{n}@lab\nSUMMARY:Permanence {n}\nLOCATION:TCRM-Blida, Metz\n"
               f"DTSTART:{first}T{n:02}0000Z\nDURATION:PT1H\n"
               "RRULE:FREQ=DAILY;INTERVAL=7;BYDAY=MO" for n in range(20)]
    aggregator = refreshed(feed_server, tmp_path, {"lab": calendar(club, *mondays)})
    try:
        aggregator.refresh(force=True)
        (health,) = aggregator.feed_health()
        started = cpu()
        aggregator.build()
        took = cpu() - started
    finally:
        aggregator.close()
    assert took < 5, f"the build took {took:.0f} s of processor time"
    told = [w for w in health.warnings if "no date ever matches it: read as a single event" in w]
    assert len(told) == 20, health.warnings
    events = json.loads((tmp_path / "output" / "events.json").read_text())["events"]
    assert sorted(e["rrule"] or "" for e in events) == [""] * 20 + ["FREQ=WEEKLY"]
    agenda = (tmp_path / "output" / "index.html").read_text(encoding="utf-8")
    assert agenda.count("Club Python") >= 2


def test_an_article_of_deeply_nested_html_costs_seconds_not_the_whole_feed(
        feed_server: Any, tmp_path: Path) -> None:
    """One article whose summary nests 100,000 <div> (a megabyte, within the size cap; a
    page builder's runaway template): the sanitiser's time grows with the square of the
    nesting, 70 s a pass, so the feed's minute of parsing ran out and its every article
    was refused with it. Tags nested past 500 deep are dropped before sanitising, their
    text kept: the feed reads in seconds, its other articles and that one's words kept."""
    now = datetime.now(UTC)
    deep = "<div>" * 100_000 + "Le compte rendu" + "</div>" * 100_000
    items = (f"<item><title>Retour sur le hackathon</title><link>https://news.example.org/1"
             f"</link><pubDate>{rss_date(now)}</pubDate><description><![CDATA[{deep}]]>"
             "</description></item>"
             "<item><title>Appel à projets</title><link>https://news.example.org/2</link>"
             f"<pubDate>{rss_date(now)}</pubDate><description><![CDATA[<p>Ouvert <b>à tous"
             "</b></p>]]></description></item>")
    feed_server.set("/news.xml", rss_feed(items), "application/rss+xml")
    source = make_source("lab", feed_server.url("/news.xml"), kind="lab")
    aggregator = make_aggregator(make_settings(tmp_path, (source,)))
    health, took = refreshed_and_built(aggregator)
    assert (health.status, health.items) == ("ok", 2), health.last_error
    assert took < 20, f"the refresh took {took:.0f} s of processor time"
    items_out = {i["title"]: i for i in json.loads(
        (tmp_path / "output" / "news.json").read_text())["items"]}
    assert "Le compte rendu" in items_out["Retour sur le hackathon"]["summary"]
    assert items_out["Appel à projets"]["summary"] == "<p>Ouvert <b>à tous</b></p>"


def test_a_series_since_the_first_day_of_the_calendar_does_not_stop_every_build(
        feed_server: Any, tmp_path: Path) -> None:
    """A hand-made calendar's yearly all-day series since 1 January of the year 1 (New
    Year's Day, "since forever"): its first day's midnight in Paris is in the year 0 in UTC,
    which Python cannot hold, and ordering the merged events raised OverflowError: every
    build stopped, for every organisation, as long as that feed was stored. Such a start is
    at the calendar's end as 31 December 9999 already was: the event is skipped, its
    organiser told why, and the build publishes the others."""
    new_year = "UID:nouvel-an@lab\nSUMMARY:Nouvel an\nDTSTART;VALUE=DATE:00010101\nRRULE:FREQ=YEARLY"
    today = datetime.now(UTC).date() + timedelta(days=3)
    meetup = (f"UID:meetup@club\nSUMMARY:Meetup Python\nLOCATION:TCRM-Blida, Metz\n"
              f"DTSTART:{today.strftime('%Y%m%d')}T180000Z\nDURATION:PT2H")
    aggregator = refreshed(feed_server, tmp_path, {"lab": calendar(new_year),
                                                   "club": calendar(meetup)})
    try:
        aggregator.refresh(force=True)
        aggregator.build()
        health = {h.source: h for h in aggregator.feed_health()}
    finally:
        aggregator.close()
    events = json.loads((tmp_path / "output" / "events.json").read_text())["events"]
    assert [e["title"] for e in events] == ["Meetup Python"]
    assert any("DTSTART 0001-01-01 is at the very end of the calendar" in w
               for w in health["lab"].warnings), health["lab"].warnings


def test_a_series_since_year_one_stored_before_the_parser_skipped_it_stops_no_build(
        feed_server: Any, tmp_path: Path) -> None:
    """A database upgraded with such a series already stored (read before the parser skipped
    it) kept every build stopped: a feed that answers 304, or the same body, is not read
    again. The build leaves out what it cannot place in time, and publishes the others."""
    import dataclasses
    from datetime import date

    from aggregator.models import Event, FeedOutcome, FeedUpdate, ParsedFeed

    today = datetime.now(UTC).date() + timedelta(days=3)
    meetup = (f"UID:meetup@club\nSUMMARY:Meetup Python\nLOCATION:TCRM-Blida, Metz\n"
              f"DTSTART:{today.strftime('%Y%m%d')}T180000Z\nDURATION:PT2H")
    aggregator = refreshed(feed_server, tmp_path, {"lab": calendar(meetup.replace(
        "meetup@club", "atelier@lab").replace("Meetup Python", "Atelier")),
        "club": calendar(meetup)})
    try:
        aggregator.refresh(force=True)
        (state,) = [s for s in aggregator.store.feed_states() if s.source_id == "lab"]
        stored = Event(uid="nouvel-an@lab", title="Nouvel an", start=date(1, 1, 1),
                       rrule="FREQ=YEARLY", feed_url=state.url, source_id="lab")
        aggregator.store.apply_update(FeedUpdate(
            dataclasses.replace(state, record_count=1),
            ParsedFeed(format="ical", title="", events=(stored,)),
            FeedOutcome("lab", state.url, "updated", 1)))
        aggregator.build()
    finally:
        aggregator.close()
    events = json.loads((tmp_path / "output" / "events.json").read_text())["events"]
    assert [e["title"] for e in events] == ["Meetup Python"]
