"""The bundled demo: its feeds parse with the real libraries, its sources.yaml validates, its
agenda is full and never stale, its ground truth matches the bytes, and its loopback server
behaves like a real web server (200, 304, counters, failures on command).

The feeds are read with icalendar and feedparser directly, not with aggregator.parse, so this
file checks the demo data itself.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import feedparser
import httpx
import icalendar
import pytest
import yaml

from aggregator.config import parse_sources
from aggregator.demo.feeds import DemoSite, build_demo
from aggregator.demo.server import FeedServer

BASE = "http://127.0.0.1:8765"
PARIS = ZoneInfo("Europe/Paris")
TODAYS = [
    date(2025, 6, 11),   # an ordinary summer Wednesday
    date(2025, 12, 10),  # December: whole window in winter time, across the new year
    date(2026, 3, 26),   # late March: the window crosses the switch to summer time (29 March)
    date(2025, 10, 19),  # a Sunday, window across the switch back (26 October)
]


@pytest.fixture(scope="module", params=TODAYS, ids=str)
def site(request: pytest.FixtureRequest) -> DemoSite:
    return build_demo(request.param, BASE)


def feed_sources(site: DemoSite) -> dict[str, str]:
    """Request target -> source id, read from the demo's own sources.yaml."""
    sources, _ = parse_sources(yaml.safe_load(site.sources_yaml))
    found = {}
    for source in sources:
        for feed in source.feeds:
            parts = urlsplit(feed.url)
            found[parts.path + (f"?{parts.query}" if parts.query else "")] = source.id
    return found


def calendars(site: DemoSite) -> dict[str, tuple[str, icalendar.Calendar]]:
    return {
        target: (source_id, icalendar.Calendar.from_ical(site.files[target].body))
        for target, source_id in feed_sources(site).items()
        if site.files[target].content_type.startswith("text/calendar")
    }


def paris_day(value: date | datetime) -> date:
    if not isinstance(value, datetime):
        return value
    return (value if value.tzinfo is None else value.astimezone(PARIS)).date()


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=PARIS) if value.tzinfo is None else value


def today_of(site: DemoSite) -> date:
    """The build date, recovered from DTSTAMP (every exporter stamps at export time)."""
    _, calendar = next(iter(calendars(site).values()))
    stamp: datetime = next(iter(calendar.walk("VEVENT"))).decoded("DTSTAMP")
    return stamp.date()


# --- calendars -------------------------------------------------------------------------------


def test_every_calendar_parses_and_every_vevent_is_complete(site: DemoSite) -> None:
    parsed = calendars(site)
    assert len(parsed) == 14
    for target, (_, calendar) in parsed.items():
        events = list(calendar.walk("VEVENT"))
        assert events, target
        assert not calendar.errors, target
        for event in events:
            assert event.get("UID") and event.get("SUMMARY") and event.get("DTSTART"), target
            assert event.get("DTEND") or event.get("DURATION"), target


def test_each_exporter_keeps_its_real_shape(site: DemoSite) -> None:
    bodies = {target: site.files[target].body for target in calendars(site)}
    by_prodid = {
        "Google Calendar 70.9054": True, "Microsoft Exchange Server 2010": True,
        "Meetup//RemoteApi": True, "ECPv6": False, "caldav.icloud.com": True,
        "SabreDAV//SabreDAV": True, "agenda fait main": False,
    }
    for marker, folded in by_prodid.items():
        matching = [body for body in bodies.values() if marker.encode() in body]
        assert matching, marker
        for body in matching:
            handmade = marker == "agenda fait main"
            assert (b"\r\n" not in body) if handmade else (body.count(b"\n") == body.count(b"\r\n"))
            if folded:
                assert max(len(line) for line in body.split(b"\r\n")) <= 75, marker
    everything = b"".join(bodies.values())
    for feature in (b"X-WR-TIMEZONE:Europe/Paris", b"TZID=Romance Standard Time",
                    b"TZID=Europe/Luxembourg", b"RRULE:", b"EXDATE", b"RECURRENCE-ID",
                    b"DURATION:PT", b"STATUS:CANCELLED", b"DTSTART;VALUE=DATE:",
                    b"Z\r\nDTEND:", b"\\,", b"\\;", b"\r\n "):
        assert feature in everything, feature


def test_ground_truth_and_feeds_hold_the_same_records(site: DemoSite) -> None:
    in_feeds = {(source_id, str(event["UID"]))
                for source_id, calendar in calendars(site).values()
                for event in calendar.walk("VEVENT")}
    in_truth = [posting for event in site.events for posting in event.postings]
    assert len(in_truth) == len(set(in_truth)), "a (source, UID) belongs to one event only"
    assert set(in_truth) == in_feeds


def upcoming_keys(site: DemoSite) -> set[str]:
    """Distinct real-world one-off events still to come, read from the parsed feeds."""
    owner = {posting: event.key for event in site.events for posting in event.postings}
    today, keys = today_of(site), set()
    for source_id, calendar in calendars(site).values():
        for event in calendar.walk("VEVENT"):
            if "RRULE" in event or "RECURRENCE-ID" in event or event.get("STATUS") == "CANCELLED":
                continue
            if paris_day(event.decoded("DTSTART")) >= today:
                keys.add(owner[(source_id, str(event["UID"]))])
    return keys


def test_at_least_45_distinct_upcoming_events(site: DemoSite) -> None:
    assert len(upcoming_keys(site)) >= 45


def test_never_stale_whatever_the_day() -> None:
    for offset in range(14):
        day = date(2025, 3, 20) + timedelta(days=offset)
        assert len(upcoming_keys(build_demo(day, BASE))) >= 45, day


def starts_by_posting(site: DemoSite) -> dict[tuple[str, str], list[date | datetime]]:
    found: dict[tuple[str, str], list[date | datetime]] = defaultdict(list)
    for source_id, calendar in calendars(site).values():
        for event in calendar.walk("VEVENT"):
            if "RECURRENCE-ID" not in event:
                found[(source_id, str(event["UID"]))].append(event.decoded("DTSTART"))
    return found


def test_cross_posted_groups_agree_on_the_moment(site: DemoSite) -> None:
    """UTC, TZID, Windows TZID and floating spellings of one event land within 30 minutes,
    including across a DST switch; an all-day event published as timed keeps its first day."""
    starts = starts_by_posting(site)
    groups = [e for e in site.events if len({source for source, _ in e.postings}) >= 2]
    assert len(groups) >= 10
    for event in groups:
        moments = [start for posting in event.postings for start in starts[posting]]
        timed = [as_utc(m) for m in moments if isinstance(m, datetime)]
        assert len({paris_day(m) for m in moments}) == 1, event.key
        if timed and len(timed) == len(moments):
            assert max(timed) - min(timed) <= timedelta(minutes=30), event.key


def test_cross_posts_cover_the_hard_cases(site: DemoSite) -> None:
    by_key = {event.key: event for event in site.events}
    shared_uid = [e for e in site.events
                  if len({uid for _, uid in e.postings}) < len({s for s, _ in e.postings})]
    assert {e.key for e in shared_uid} >= {"hack4lux", "datalyse-retex"}
    assert len(by_key["devmetz-rust"].postings) == 3
    owasp = {source for source, _ in by_key["owasp-api"].postings}
    assert owasp == {"owasp-lorraine", "tcrm-blida", "devmetz"}
    calendar_urls = {source_id: {str(e.get("URL")) for e in calendar.walk("VEVENT")}
                     for source_id, calendar in calendars(site).values()}
    same_url = "https://owasp-lorraine.example/evenements/top-10-api"
    assert same_url in calendar_urls["tcrm-blida"] and same_url in calendar_urls["devmetz"]
    assert any("utm_source=" in url for url in calendar_urls["tcrm-blida"])


def test_lookalikes_share_day_but_are_different_events(site: DemoSite) -> None:
    by_key = {event.key: event for event in site.events}
    assert len(site.lookalikes) == 3
    for first, second in site.lookalikes:
        a, b = by_key[first], by_key[second]
        assert paris_day(a.start) == paris_day(b.start)
        assert a.title != b.title and not set(a.postings) & set(b.postings)


def test_wall_clock_stays_put_across_dst(site: DemoSite) -> None:
    """Weekly sessions keep their local hour whether written in UTC (Google) or with a
    Windows zone and its VTIMEZONE (Exchange)."""
    for source_id, calendar in calendars(site).values():
        for event in calendar.walk("VEVENT"):
            title, start = str(event["SUMMARY"]), event.decoded("DTSTART")
            if title.startswith(("Séminaire du LORIA", "Webinaire Datalyse", "OWASP Lorraine –")):
                local = start.astimezone(PARIS)
                assert (local.hour, local.minute) in {(14, 0), (11, 0), (18, 30)}, (title, local)


def test_same_date_gives_the_same_bytes() -> None:
    first, second = build_demo(date(2026, 3, 26), BASE), build_demo(date(2026, 3, 26), BASE)
    assert first == second
    other_host = build_demo(date(2026, 3, 26), "http://127.0.0.1:9")
    assert other_host.files.keys() == first.files.keys()
    for target, served in first.files.items():
        if served.content_type.startswith("text/calendar"):
            assert other_host.files[target] == served


# --- news ------------------------------------------------------------------------------------


def parsed_news(site: DemoSite) -> dict[str, list[dict[str, Any]]]:
    """Source id -> items as (guid, link, title) dicts, through feedparser or json."""
    found = {}
    for target, source_id in feed_sources(site).items():
        served = site.files[target]
        if "json" in served.content_type:
            feed = json.loads(served.body)
            assert feed["version"] == "https://jsonfeed.org/version/1.1"
            found[source_id] = [{"id": i["id"], "link": i["url"], "title": i["title"]}
                                for i in feed["items"]]
        elif "xml" in served.content_type:
            feed = feedparser.parse(served.body, response_headers={
                "content-location": f"{BASE}{target}", "content-type": served.content_type})
            assert not feed.bozo, (target, feed.get("bozo_exception"))
            found[source_id] = [{"id": e.id, "link": e.link, "title": e.title}
                                for e in feed.entries]
    return found


def test_news_feeds_parse_with_8_to_20_items(site: DemoSite) -> None:
    news = parsed_news(site)
    assert len(news) == 11
    for source_id, items in news.items():
        assert 8 <= len(items) <= 20, source_id
        assert all(item["link"].startswith("https://") for item in items), source_id


def test_relative_atom_links_resolve_against_xml_base(site: DemoSite) -> None:
    body = site.files["/nancy-py/atom.xml"].body
    assert b'xml:base="https://nancypy.example/"' in body and b'href="/blog/' in body
    links = [item["link"] for item in parsed_news(site)["nancy-py"]]
    assert any(link.startswith("https://nancypy.example/blog/") for link in links)


def test_relayed_articles_match_their_feeds(site: DemoSite) -> None:
    news = parsed_news(site)
    relayed = [a for a in site.articles if len(a.postings) >= 2]
    assert len(relayed) >= 5
    for article in relayed:
        items = [next(i for i in news[source] if i["id"] == guid)
                 for source, guid in article.postings]
        assert len({i["id"] for i in items}) == len(items)
        assert len({i["link"].split("?")[0] for i in items}) == 1, article.key
        assert any("utm_source=" in i["link"] for i in items)


# --- sources.yaml -----------------------------------------------------------------------------


def test_sources_yaml_validates_and_points_at_served_files(site: DemoSite) -> None:
    raw = yaml.safe_load(site.sources_yaml)
    sources, settings = parse_sources(raw)
    assert settings == {"timezone": "Europe/Paris"}
    assert {s.kind for s in sources} == {"startup", "lab", "association", "venue",
                                         "institution", "company"}
    assert {s.language for s in sources} == {"fr", "en", "de"}
    assert {s.city for s in sources} >= {"Metz", "Nancy", "Thionville", "Épinal", "Luxembourg"}
    targets = feed_sources(site)
    assert all(url.startswith(BASE) for s in sources for url in (f.url for f in s.feeds))
    assert set(targets) == set(site.files)


# --- the loopback server ---------------------------------------------------------------------


def test_server_answers_200_then_304_and_counts() -> None:
    with FeedServer({"/a.ics": (b"BEGIN:VCALENDAR\r\n", "text/calendar")}) as server, \
            httpx.Client(base_url=server.base_url) as client:
        first = client.get("/a.ics")
        assert first.status_code == 200 and first.content == b"BEGIN:VCALENDAR\r\n"
        assert first.headers["content-type"] == "text/calendar"
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert etag.startswith('"') and not etag.startswith('W/')
        again = client.get("/a.ics", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        by_date = client.get("/a.ics", headers={"If-Modified-Since": modified})
        assert by_date.status_code == 304
        older = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
        assert client.get("/a.ics", headers={"If-Modified-Since": older}).status_code == 200
        assert server.hits["/a.ics"] == 4
        assert server.conditional_hits["/a.ics"] == 3
        assert server.not_modified_hits["/a.ics"] == 2


def test_server_changes_and_misbehaves_on_command() -> None:
    with FeedServer({"/feed/": (b"<rss/>", "application/rss+xml")}) as server, \
            httpx.Client(base_url=server.base_url) as client:
        etag = client.get("/feed/").headers["etag"]
        server.set("/feed/", b"<rss version='2.0'/>", "application/rss+xml")
        changed = client.get("/feed/", headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["etag"] != etag
        server.fail("/feed/", 503)
        assert client.get("/feed/").status_code == 503
        server.restore("/feed/")
        assert client.get("/feed/").content == b"<rss version='2.0'/>"
        server.redirect("/old", server.url("/feed/"))
        moved = client.get("/old")
        assert moved.status_code == 301 and moved.headers["location"].endswith("/feed/")
        server.remove("/feed/")
        assert client.get("/feed/").status_code == 404
        assert client.head("/nothing").status_code == 404
        assert server.hits["/feed/"] == 5 and server.hits["/nothing"] == 1


def test_server_serves_the_whole_demo_including_query_targets() -> None:
    demo = build_demo(date(2025, 6, 11), BASE)
    with FeedServer(demo.files) as server, httpx.Client(base_url=server.base_url) as client:
        for target, served in demo.files.items():
            answer = client.get(target)
            assert answer.status_code == 200 and answer.content == served.body, target
        assert server.hits["/tcrm-blida/agenda/?ical=1"] == 1
        assert client.get("/tcrm-blida/agenda/").status_code == 404  # the query is the feed
        assert client.get("/loria/feed/?utm_source=x").status_code == 200  # extra query ignored
        assert server.hits["/loria/feed/"] == 2


def test_server_counts_concurrent_requests_exactly() -> None:
    with FeedServer({"/x": (b"x", "text/plain")}) as server:
        def fetch() -> None:
            with httpx.Client() as client:
                for _ in range(5):
                    assert client.get(server.url("/x")).status_code == 200

        threads = [threading.Thread(target=fetch) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert server.hits["/x"] == 40


def test_server_releases_its_port_on_exit() -> None:
    with FeedServer({"/x": (b"x", "text/plain")}) as server, httpx.Client() as client:
        url = server.url("/x")
        assert client.get(url).status_code == 200  # leaves a keep-alive connection open
    with httpx.Client() as client, pytest.raises(httpx.ConnectError):
        client.get(url)
