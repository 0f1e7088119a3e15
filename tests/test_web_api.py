"""The open data over HTTP: calendars (validated by icalendar and ical.js), JSON, Atom, 304s."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import icalendar
import pytest

from sites import SOON, ics, one_calendar
from test_render_icaljs import read_by_icaljs
from webapp import Web, web  # noqa: F401  (fixture)



def summaries(body: bytes) -> list[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))


def test_calendar_is_the_built_file_with_calendar_content_type(web: Web) -> None:
    answer = web.client.get("/calendar.ics")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    built = (web.tmp_path / "output" / "calendar.ics").read_bytes()
    assert answer.content == built
    head = web.client.head("/calendar.ics")
    assert head.status_code == 200 and head.headers["etag"] == answer.headers["etag"]
    # the cross-posted talk is one event; the apéro another
    assert summaries(answer.content) == ["Apéro start-up", "Rencontre IA"]


@pytest.mark.parametrize("path", ["/", "/news", "/news.atom", "/events.json", "/events.atom",
                                  "/calendars/metz.ics", "/static/site.css", "/sources"])
def test_what_answers_get_answers_head_with_its_headers_and_no_body(web: Web, path: str) -> None:
    """Link checkers, uptime monitors and feed readers probe with HEAD: every page, feed and
    export answered 405 to it but /calendar.ics."""
    got = web.client.get(path, headers={"Accept-Encoding": "identity"})
    head = web.client.head(path, headers={"Accept-Encoding": "identity"})
    assert (got.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    for name in ("content-type", "content-length", "etag", "last-modified"):
        assert head.headers.get(name) == got.headers.get(name), name
    assert web.client.head("/nowhere").status_code == 404


@pytest.mark.parametrize("accept", ["text/html", "application/json", "*/*;q=0.1",
                                    "text/calendar,text/x-vcalendar"])
def test_calendar_ignores_odd_accept_headers(web: Web, accept: str) -> None:
    answer = web.client.get("/calendar.ics", headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")


def test_calendar_answers_304_to_pollers_with_its_etag_or_date(web: Web) -> None:
    first = web.client.get("/calendar.ics")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = web.client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert web.client.get("/calendar.ics", headers={"If-Modified-Since": modified}).status_code == 304
    assert web.client.get("/calendar.ics", headers={"If-None-Match": '"other"'}).status_code == 200


def test_calendar_is_gzipped_for_clients_that_accept_it(web: Web) -> None:
    """Calendar clients send Accept-Encoding: gzip; they get the same bytes compressed, under
    their own ETag, and a 304 when they hold it; other clients get the file as it is."""
    import gzip

    import httpx

    built = (web.tmp_path / "output" / "calendar.ics").read_bytes()
    with httpx.Client(base_url=str(web.client.base_url)) as raw:
        with raw.stream("GET", "/calendar.ics", headers={"Accept-Encoding": "gzip"}) as answer:
            wire = b"".join(answer.iter_raw())  # the bytes on the wire, not decoded
            assert answer.headers["content-encoding"] == "gzip"
            assert answer.headers["vary"] == "Accept-Encoding"
            gz_tag = answer.headers["etag"]
    assert gzip.decompress(wire) == built and len(wire) < len(built) / 2
    plain = web.client.get("/calendar.ics", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == built
    assert plain.headers["vary"] == "Accept-Encoding" and plain.headers["etag"] != gz_tag
    refused = web.client.get("/calendar.ics", headers={"Accept-Encoding": "gzip;q=0, br"})
    assert "content-encoding" not in refused.headers
    again = web.client.get("/calendar.ics", headers={"Accept-Encoding": "gzip",
                                                     "If-None-Match": gz_tag})
    assert again.status_code == 304 and "content-encoding" not in again.headers
    assert web.client.get("/events.json").headers["content-encoding"] == "gzip"


def test_filtered_calendars_are_gzipped_and_answer_304_like_the_whole_one(web: Web) -> None:
    """Subscribers of ?city=Metz poll as often as those of the whole calendar: same gzip,
    same stable ETag per representation, same 304."""
    import gzip

    import httpx

    plain = web.client.get("/calendar.ics?city=Metz", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and summaries(plain.content)
    with httpx.Client(base_url=str(web.client.base_url)) as raw:
        with raw.stream("GET", "/calendar.ics?city=Metz",
                        headers={"Accept-Encoding": "gzip"}) as answer:
            wire = b"".join(answer.iter_raw())
            assert answer.headers["content-encoding"] == "gzip"
            assert answer.headers["vary"] == "Accept-Encoding"
            gz_tag = answer.headers["etag"]
    assert gzip.decompress(wire) == plain.content and gz_tag != plain.headers["etag"]
    again = web.client.get("/calendar.ics?city=Metz", headers={"Accept-Encoding": "gzip",
                                                               "If-None-Match": gz_tag})
    assert again.status_code == 304
    filtered = web.client.get("/events.json?updated_since=2000-01-01T00:00:00Z",
                                headers={"Accept-Encoding": "gzip"})
    assert len(filtered.content) > 1024, "too small to be gzipped: the test needs more events"
    assert filtered.headers["content-encoding"] == "gzip" and filtered.json()["events"]


def test_the_polled_calendar_answers_the_same_before_and_after_it_is_cached(web: Web) -> None:
    """The first GET after a build goes through the route (it reads the file), the next ones
    through the fast path (served from memory): a calendar app must not see the difference."""
    web.aggregator.build()  # a new file: the next answer is the route's
    wanted = ("content-type", "etag", "cache-control", "last-modified", "vary",
              "content-security-policy", "x-content-type-options", "content-length")
    for encoding in ("identity", "gzip"):
        route, fast = (web.client.get("/calendar.ics", headers={"Accept-Encoding": encoding})
                       for _ in range(2))
        assert fast.content == route.content
        assert {k: fast.headers.get(k) for k in wanted} == {k: route.headers.get(k) for k in wanted}
        assert fast.headers.get("content-encoding") == route.headers.get("content-encoding")
    head = web.client.head("/calendar.ics", headers={"Accept-Encoding": "identity"})
    assert head.status_code == 200 and head.content == b""
    built = (web.tmp_path / "output" / "calendar.ics").read_bytes()
    assert int(head.headers["content-length"]) == len(built) == len(route.content)
    assert web.client.post("/calendar.ics").status_code == 405
    assert summaries(web.client.get("/calendar.ics?city=Metz").content)


def test_new_build_changes_the_etag(web: Web) -> None:
    etag = web.client.get("/calendar.ics").headers["etag"]
    from sites import SOON, ics, one_calendar
    web.feeds.set("/assoc.ics", ics("meetup-8@assoc", "Hackathon", SOON + timedelta(days=2)),
                  "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    answer = web.client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert answer.status_code == 200
    assert "Hackathon" in summaries(answer.content)


def test_filters_as_query_and_as_path(web: Web) -> None:
    by_query = web.client.get("/calendar.ics", params={"tag": "startup"})
    assert by_query.status_code == 200
    assert summaries(by_query.content) == ["Apéro start-up"]
    assert summaries(web.client.get("/calendar.ics", params={"kind": "venue"}).content) == [
        "Rencontre IA"]
    assert summaries(web.client.get("/calendar.ics", params={"q": "rencontre"}).content) == [
        "Rencontre IA"]
    # named in words in the subscriber's list of calendars (it read "– venue")
    venues = web.client.get("/calendar.ics", params={"kind": "venue"}).content
    assert str(icalendar.Calendar.from_ical(venues)["X-WR-CALNAME"]).endswith(" – Lieu")
    embedded = web.client.get("/embed", params={"kind": "venue", "tag": "ai", "lang": "en"})
    assert " – Venue / AI" in embedded.text
    etag = by_query.headers["etag"]
    assert web.client.get("/calendar.ics", params={"tag": "startup"},
                          headers={"If-None-Match": etag}).status_code == 304
    by_path = web.client.get("/calendars/ai.ics")
    assert by_path.status_code == 200
    assert by_path.headers["content-type"] == "text/calendar; charset=utf-8"
    assert summaries(by_path.content) == ["Rencontre IA"]
    assert web.client.get("/calendars/atlantis.ics").status_code == 404
    assert web.client.get("/calendars/..%2Fsecrets.ics").status_code == 404


def test_calendars_pass_ical_js(web: Web, tmp_path: Path) -> None:
    """Each served calendar, filtered ones included (the script read only its first file
    before it took several, so the city's and the tag's were never checked)."""
    paths = []
    for name, params in (("all", {}), ("city", {"city": "Metz"}), ("tag", {"tag": "ai"})):
        path = tmp_path / f"{name}.ics"
        path.write_bytes(web.client.get("/calendar.ics", params=params).content)
        paths.append(path)
    summaries = read_by_icaljs(paths)
    assert all(summary["ok"] for summary in summaries) and len(summaries) == 3


def test_events_json_and_cheap_sync_with_updated_since(web: Web) -> None:
    document = web.client.get("/events.json").json()
    assert {e["title"] for e in document["events"]} == {"Apéro start-up", "Rencontre IA"}
    talk = next(e for e in document["events"] if e["title"] == "Rencontre IA")
    assert {s["source"] for s in talk["sources"]} == {"lab", "venue"}

    later = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()
    assert web.client.get("/events.json", params={"updated_since": later}).json()["events"] == []

    web.feeds.set("/assoc.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n",
                  "text/calendar")
    since = datetime.now(UTC).isoformat()
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    changed = web.client.get("/events.json", params={"updated_since": since}).json()
    assert [e["title"] for e in changed["events"]] == ["Apéro start-up"]
    assert changed["removed"] == [changed["events"][0]["uid"]]
    assert web.client.get("/events.json", params={"updated_since": "yesterday"}).status_code == 422
    # RFC 3339 as other tools write it: lower-case t/z, a leap second, nanoseconds, year 0000
    for instant in ("2000-01-01t00:00:00z", "1998-12-31T23:59:60Z",
                    "2000-01-01T00:00:00.123456789+01:00", "0000-01-01T00:00:00Z"):
        answer = web.client.get("/events.json", params={"updated_since": instant})
        assert answer.status_code == 200 and len(answer.json()["events"]) == 2, instant


def test_events_json_keeps_the_events_of_a_window_of_days(web: Web) -> None:
    """"What is on next week": a widget asks for its days instead of every event; a series
    is in a window where one of its dates falls. The dates are at noon in Paris: an evening
    one lasting past midnight is on the next day too, which made the test depend on the
    hour it ran."""
    paris = ZoneInfo("Europe/Paris")
    talk_day = SOON.astimezone(paris).date()
    apero_day = talk_day + timedelta(days=2)  # the talk (2 hours) is over by then
    noon = datetime.now(paris).replace(hour=12, minute=0, second=0, microsecond=0)
    weekly_last = noon + timedelta(weeks=1)
    weekly = ics("weekly@assoc", "Café du mardi", (weekly_last - timedelta(weeks=5)).astimezone(UTC),
                 extra="RRULE:FREQ=WEEKLY;COUNT=6")  # its last date is in a week
    apero = datetime.combine(apero_day, time(12), paris).astimezone(UTC)
    web.feeds.set("/assoc.ics", one_calendar(ics("meetup-7@assoc", "Apéro start-up", apero),
                                             weekly), "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()

    def titles(**window: str) -> set[str]:
        answer = web.client.get("/events.json", params=window)
        assert answer.status_code == 200, answer.text
        return {e["title"] for e in answer.json()["events"]}

    assert titles() == {"Rencontre IA", "Apéro start-up", "Café du mardi"}
    assert titles(**{"from": apero_day.isoformat(), "to": apero_day.isoformat()}) == {"Apéro start-up"}
    assert titles(to=talk_day.isoformat()) >= {"Rencontre IA"}
    assert "Apéro start-up" not in titles(to=talk_day.isoformat())
    assert "Café du mardi" in titles(**{"from": weekly_last.date().isoformat()})
    after = (weekly_last + timedelta(days=1)).date().isoformat()
    assert "Café du mardi" not in titles(**{"from": after})  # the series is over by then
    assert titles(**{"from": SOON.isoformat()}) >= {"Rencontre IA", "Apéro start-up"}
    assert titles(to="2000-01-01") == set()
    assert titles(**{"from": "0001-01-01", "to": "9999-12-31"}) == titles()  # no overflow
    web.feeds.set("/venue.ics", ics("weekly@venue", "Permanence", SOON,
                                    extra="RRULE:FREQ=WEEKLY"), "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    for instant in ("9999-12-31T00:00:00Z", "9999-12-31T23:59:59-14:00"):  # an endless
        assert titles(**{"from": instant}) == set()  # series' next date after it: a 500
    for name, value in (("from", "next week"), ("to", "2026-13-45"), ("from", "2026-02-30")):
        refused = web.client.get("/events.json", params={name: value})
        assert refused.status_code == 422 and refused.json()["detail"].startswith(name), value


def test_the_errors_openapi_documents_are_the_ones_the_api_answers(web: Web) -> None:
    """A generated client (or schemathesis) reads the 422's shape from openapi.json: it must
    be the app's one sentence, not FastAPI's default list of objects."""
    schema = web.client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():  # every one (a city's calendar's ?lang=)
        answer = operations["get"]["responses"]["422"]
        ref = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert schema["components"]["schemas"][ref]["properties"]["detail"]["type"] == "string"
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    window = {p["name"]: p["schema"] for p in schema["paths"]["/events.json"]["get"]["parameters"]}
    assert window["from"]["anyOf"] == window["to"]["anyOf"] == [{"format": "date"},
                                                                {"format": "date-time"}]
    long_lang = web.client.get("/calendars/metz.ics", params={"lang": "deutsch"})
    assert long_lang.status_code == 422 and isinstance(long_lang.json()["detail"], str)
    assert schema["paths"]["/calendars/{slug}.ics"]["get"]["responses"]["404"]["content"]
    too_long = web.client.get("/calendar.ics", params={"tag": "x" * 61})
    assert too_long.status_code == 422
    assert too_long.json() == {"detail": "query.tag: String should have at most 60 characters"}
    updated_since = schema["paths"]["/events.json"]["get"]["parameters"][-1]
    assert updated_since["name"] == "updated_since"
    assert updated_since["schema"]["format"] == "date-time"


def test_news_json_and_atom(web: Web) -> None:
    news = web.client.get("/news.json")
    assert news.headers["content-type"].startswith("application/json")
    assert {i["title"] for i in news.json()["items"]} == {"Appel à projets", "Nouveau labo"}
    atom = web.client.get("/news.atom")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    assert b"<script" not in atom.content and b"Nouveau labo" in atom.content
    assert web.client.get("/news.atom", headers={"If-None-Match": atom.headers["etag"]}
                          ).status_code == 304


def test_openapi_documents_the_open_data(web: Web) -> None:
    schema = web.client.get("/openapi.json").json()
    assert {"/calendar.ics", "/events.json", "/news.json", "/news.atom"} <= set(schema["paths"])
    docs = web.client.get("/docs")
    assert docs.status_code == 200 and "openapi.json" in docs.text
    # descriptions are CommonMark: code spans shown as code, no markup characters left over
    assert "<code>?city=Metz&amp;tag=ai</code>" in docs.text
    assert "<code>removed</code>" in docs.text
    assert "`" not in docs.text


def test_errors_are_json_for_data_and_pages_for_people(web: Web) -> None:
    missing = web.client.get("/nothing.json")
    assert missing.status_code == 404 and missing.json()["detail"]
    page = web.client.get("/nothing", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "<html" in page.text


def test_before_the_first_build_calendar_is_404_not_a_crash(web: Web) -> None:
    shutil.rmtree(web.tmp_path / "output")
    assert web.client.get("/calendar.ics").status_code == 404
    assert web.client.get("/").status_code == 200
    missing = web.client.get("/events.json")
    assert missing.status_code == 404 and "not built yet" in missing.json()["detail"]
    assert web.client.head("/calendar.ics").status_code == 404


def test_the_fast_path_answers_the_plain_calendar_itself_and_passes_the_rest_on(
    tmp_path: Path,
) -> None:
    """The fast path must really answer the polled URL from the cache (else the benchmark's
    gain is not there), and leave filters, other methods and a rebuilt file to the router."""
    import asyncio
    import gzip
    import os

    from aggregator.web.api import FileCache
    from aggregator.web.fastpath import CalendarFastPath

    calendar = tmp_path / "calendar.ics"
    calendar.write_bytes(b"BEGIN:VCALENDAR\r\n" + b"X-LINE:padding\r\n" * 200 + b"END:VCALENDAR\r\n")
    files = FileCache()
    routed: list[str] = []

    async def router(scope, receive, send):  # type: ignore[no-untyped-def]
        routed.append(f"{scope['method']} {scope['path']}?{scope['query_string'].decode()}")
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    fast = CalendarFastPath(router, files, calendar)

    def call(method: str, query: bytes = b"", **headers: str) -> tuple[int, dict, bytes]:
        sent: list[dict] = []

        async def send(message: dict) -> None:
            sent.append(message)

        scope = {"type": "http", "method": method, "path": "/calendar.ics", "query_string": query,
                 "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]}
        asyncio.run(fast(scope, None, send))
        return (sent[0]["status"], {k.decode(): v.decode() for k, v in sent[0]["headers"]},
                sent[1]["body"])

    assert call("GET")[0] == 299  # not read yet: the route reads it (in a thread)
    files.read(calendar)
    status, headers, body = call("GET", accept_encoding="gzip")
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == calendar.read_bytes()
    assert int(headers["content-length"]) == len(body)
    status, headers, body = call("HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) == 3232
    assert call("GET", if_none_match=headers["etag"])[0] == 304
    assert call("GET", b"city=Metz")[0] == call("POST")[0] == 299
    stamp = calendar.stat().st_mtime_ns + 1_000_000_000
    os.utime(calendar, ns=(stamp, stamp))  # rebuilt: stale until the route reads it again
    assert call("GET")[0] == 299
    assert routed == ["GET /calendar.ics?", "GET /calendar.ics?city=Metz",
                      "POST /calendar.ics?", "GET /calendar.ics?"]


def test_news_feeds_follow_the_same_filters_as_the_calendar(web: Web) -> None:
    """A subscriber of Nancy's or of one organisation's calendar can follow its news too
    (only Le Lab, in Nancy, a lab tagged ai, publishes news here)."""
    import json
    import xml.etree.ElementTree as ElementTree

    atom = "{http://www.w3.org/2005/Atom}"

    def titles(**params: str) -> list[str]:
        feed = ElementTree.fromstring(web.client.get("/news.atom", params=params).content)
        return sorted(str(entry.findtext(f"{atom}title")) for entry in feed.iter(f"{atom}entry"))

    both = ["Appel à projets", "Nouveau labo"]
    assert titles() == both
    assert titles(source="lab") == both and titles(source="venue") == []
    assert titles(city="nancy") == both and titles(city="Metz") == []
    assert titles(kind="lab") == both and titles(kind="venue") == []
    assert titles(tag="ai") == both and titles(tag="startup") == []
    assert titles(q="labo") == ["Nouveau labo"]  # its title
    assert titles(q="about appel") == ["Appel à projets"]  # its summary's words
    assert titles(q="le lab") == both  # the organisation that posted them
    assert titles(city="Nancy", q="nothing like this") == []
    answer = web.client.get("/news.atom", params={"city": "Nancy"})
    assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(answer.content)
    base = web.aggregator.settings.base_url
    assert feed.findtext(f"{atom}id") == f"{base}/news.atom?city=Nancy"  # a feed of its own
    assert str(feed.findtext(f"{atom}title")).endswith("– Nancy")
    assert web.client.get("/news.atom", params={"city": "Nancy"}, headers={
        "If-None-Match": answer.headers["etag"]}).status_code == 304
    items = json.loads(web.client.get("/news.json", params={"q": "labo"}).content)["items"]
    assert [item["title"] for item in items] == ["Nouveau labo"]
    assert web.client.get("/news.json", params={"tag": "x" * 61}).status_code == 422


def test_coming_events_can_be_followed_in_a_feed_reader(web: Web) -> None:
    """/events.atom: each coming event once (a series at its next date), soonest first, its
    page as its id, so a reader shows a newly announced event as a new entry."""
    import feedparser

    from aggregator.web import i18n

    series = ics("meetup-7@assoc", "Apéro start-up", SOON + timedelta(days=1), extra="RRULE:FREQ=WEEKLY")
    web.feeds.set("/assoc.ics", series.replace(b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz",
                                               b"Grand Nancy Innovation\\, 54000 Nancy"), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    base = web.aggregator.settings.base_url
    answer = web.client.get("/events.atom", params={"lang": "en"})
    assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.title for entry in feed.entries] == ["Rencontre IA", "Apéro start-up"]
    talk, apero = feed.entries
    uids = {e.title: e.uid for e in web.aggregator.published().events}
    assert talk.id == f"{base}/events/{quote(uids['Rencontre IA'], safe='')}"
    assert talk.link == f"{talk.id}?lang=en"  # the page in the feed's language
    paris = ZoneInfo("Europe/Paris")
    assert talk.summary.startswith(f"{i18n.moment(SOON, paris, 'en')} – TCRM-Blida")
    assert [author.name for author in talk.authors] == ["Le Lab", "La Venue"]
    assert apero.summary.startswith(i18n.moment(SOON + timedelta(days=1), paris, "en"))

    nancy = feedparser.parse(web.client.get("/events.atom", params={"city": "Nancy", "lang": "de"}).content)
    assert [entry.title for entry in nancy.entries] == ["Apéro start-up"]
    assert nancy.feed.id == f"{base}/events.atom?city=Nancy&lang=de"  # a feed of its own
    assert b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">' in web.client.get(
        "/events.atom", params={"city": "Nancy", "lang": "de"}).content  # its words: German
    assert nancy.entries[0].summary.startswith(i18n.moment(SOON + timedelta(days=1), paris, "de"))
    page = web.client.get("/", params={"city": "Nancy", "lang": "en"}).text
    assert f'<a href="{base}/events.atom?city=Nancy&amp;lang=en">Follow these events (Atom)</a>' in page

    web.feeds.set("/venue.ics", ics("hack-1@venue", "Hackathon", SOON + timedelta(days=3)), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    later = feedparser.parse(web.client.get("/events.atom", params={"lang": "en"}).content)
    assert [entry.title for entry in later.entries] == ["Rencontre IA", "Apéro start-up", "Hackathon"]
    assert later.entries[1].id == apero.id  # read already: not new again
    unknown = feedparser.parse(web.client.get("/events.atom", params={"lang": "xx"}).content)
    assert unknown.feed.id == f"{base}/events.atom"  # French, the site's language
    assert unknown.entries[0].summary.startswith(i18n.moment(SOON, paris, "fr"))


def test_an_organisations_calendar_feeds_and_embed_are_named_after_it_not_its_id(
        web: Web) -> None:
    """/sources/lab links its calendar, feeds and <iframe> with ?source=lab: the calendar app
    listed it as "… – lab", a feed reader and the organisation's own site showed "– lab",
    the internal id, not "Le Lab"."""
    title = "Agenda numérique Grand Est – Luxembourg – Le Lab"
    calendar = web.client.get("/calendar.ics?source=lab").text.replace("\r\n ", "")
    assert f"X-WR-CALNAME:{title}\r\n" in calendar
    for feed in ("/events.atom?source=lab", "/news.atom?source=lab",
                 "/events.atom?source=lab&lang=de"):
        assert f"<title>{title}</title>" in web.client.get(feed).text, feed
    for lang in ("fr", "en", "de"):
        assert f"– Le Lab</" in web.client.get(f"/embed?source=lab&lang={lang}").text, lang
    both = web.client.get("/embed?source=lab&kind=lab&lang=de").text
    assert "<title>Agenda numérique Grand Est – Luxembourg – Labor / Le Lab</title>" in both


def test_openapi_describes_the_bodies_of_the_open_data_as_they_are(web: Web) -> None:
    """A partner generating a client from /openapi.json got `{}` for events.json's and
    news.json's bodies. They are described now; the answers hold to it (extra fields
    refused), a selection's `generated_at` written as the file's."""
    from aggregator.web.schemas import EventsDocument, NewsDocument

    schema = web.client.get("/openapi.json").json()
    components = schema["components"]["schemas"]
    for path, name, listed in (("/events.json", "EventsDocument", "events"),
                               ("/news.json", "NewsDocument", "items")):
        body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert body["schema"]["$ref"] == f"#/components/schemas/{name}"
        record = components[name]["properties"][listed]["items"]["$ref"].rsplit("/", 1)[1]
        assert {"title", "sources"} <= set(components[record]["properties"])
    whole = EventsDocument.model_validate_json(web.client.get("/events.json").content)
    synced = EventsDocument.model_validate_json(web.client.get("/events.json", params={
        "city": "Nancy", "updated_since": "2000-01-01T00:00:00Z"}).content)
    assert synced.removed is not None and synced.events
    assert synced.generated_at == whole.generated_at and whole.generated_at.endswith("Z")
    NewsDocument.model_validate_json(web.client.get("/news.json").content)
    NewsDocument.model_validate_json(web.client.get("/news.json", params={"city": "Metz"}).content)
