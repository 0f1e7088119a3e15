"""events.json, news.json and news.atom: the contract's fields, provenance, a valid Atom feed."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import feedparser

from aggregator.render import render_events_json, render_news_atom, render_news_json
from render_builders import BASE_URL, NOW, PARIS, SOURCES, merged, news

EVENT_FIELDS = {
    "uid",
    "title",
    "start",
    "end",
    "all_day",
    "timezone",
    "location",
    "city",
    "url",
    "description",
    "status",
    "categories",
    "rrule",
    "sources",
}
ITEM_FIELDS = {"id", "title", "link", "published", "summary", "sources"}


def test_events_json_has_the_contract_fields_and_provenance() -> None:
    events = [
        merged(sources=("loria", "tcrm")),
        merged(
            "day-1", start=date(2025, 12, 10), end=None, status="tentative", rrule="FREQ=YEARLY"
        ),
    ]
    document = json.loads(render_events_json(events, SOURCES, now=NOW, timezone="Europe/Paris"))
    assert document["generated_at"] == "2025-12-01T09:00:00Z"
    timed, all_day = document["events"]
    assert EVENT_FIELDS <= set(timed)
    assert timed["uid"] == "evt-1"
    assert timed["start"] == "2025-12-08T18:30:00+01:00"
    assert timed["end"] == "2025-12-08T20:00:00+01:00"
    assert (timed["all_day"], timed["timezone"], timed["rrule"]) == (False, "Europe/Paris", None)
    assert timed["categories"] == ["IA"]
    assert timed["sources"] == [
        {
            "source": "loria",
            "feed": "https://loria.example/feed.ics",
            "uid": "loria-evt-1",
            "url": "https://loria.example/loria-evt-1",
        },
        {
            "source": "tcrm",
            "feed": "https://tcrm.example/feed.ics",
            "uid": "tcrm-evt-1",
            "url": "https://tcrm.example/tcrm-evt-1",
        },
    ]
    assert timed["organizers"] == ["LORIA", "TCRM Blida"]
    assert (all_day["start"], all_day["end"], all_day["all_day"]) == (
        "2025-12-10",
        "2025-12-11",
        True,
    )
    assert all_day["timezone"] is None
    assert all_day["status"] == "TENTATIVE"
    assert all_day["rrule"] == "FREQ=YEARLY"


def test_news_json_has_the_contract_fields_newest_first() -> None:
    older = news("old", published=datetime(2025, 11, 1, tzinfo=UTC), sources=("loria", "tcrm"))
    undated = news("undated", published=None)
    document = json.loads(render_news_json([older, undated, news()], SOURCES, now=NOW))
    assert [item["id"] for item in document["items"]] == ["news-1", "old", "undated"]
    item = document["items"][1]
    assert ITEM_FIELDS <= set(item)
    assert item["published"] == "2025-11-01T00:00:00+00:00"
    assert item["summary"] == "<p>Une <b>startup</b> messine lève 2 M€.</p>"
    assert item["sources"] == [
        {
            "source": "loria",
            "feed": "https://loria.example/rss",
            "guid": "loria:old",
            "link": "https://loria.example/old",
        },
        {
            "source": "tcrm",
            "feed": "https://tcrm.example/rss",
            "guid": "tcrm:old",
            "link": "https://tcrm.example/old",
        },
    ]


def test_news_atom_is_valid_atom_with_authors_and_html_summaries() -> None:
    items = [
        news(),
        news(
            "n2",
            title="R&D <b>\x0b</b> à Metz",
            sources=("loria", "tcrm"),
            summary="<p>a &amp; b</p>",
            published=datetime(2025, 11, 20, tzinfo=UTC),
        ),
        news("https://example.org/already-an-iri", published=None),
    ]
    body = render_news_atom(items, SOURCES, now=NOW, base_url=BASE_URL + "/", title="Agenda")
    feed = feedparser.parse(body)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Agenda"
    assert feed.feed.id == "https://agenda.example.org/news.atom"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {
        "self": "https://agenda.example.org/news.atom",
        "alternate": "https://agenda.example.org/",
    }
    assert [entry.id for entry in feed.entries] == [
        "urn:aggregator:news:news-1",
        "urn:aggregator:news:n2",
        "https://example.org/already-an-iri",
    ]
    second = feed.entries[1]
    assert second.title == "R&D <b></b> à Metz"
    assert [author.name for author in second.authors] == ["LORIA", "TCRM Blida"]
    assert second.summary == "<p>a &amp; b</p>"
    assert second.summary_detail.type == "text/html"
    assert second.link == "https://loria.example/n2"
    assert feed.entries[0].published_parsed[:3] == (2025, 11, 28)


def test_an_article_without_a_link_carries_its_text_as_content() -> None:
    """RFC 4287 4.1.1: an entry without an alternate link must have content. An article with
    a title and a GUID only gave an entry with neither, which strict readers refuse."""
    import dataclasses
    import xml.etree.ElementTree as ET

    bare = dataclasses.replace(news("n3", summary=""), link="")
    told = dataclasses.replace(news("n4"), link="")
    body = render_news_atom([bare, told, news()], SOURCES, now=NOW, base_url=BASE_URL,
                            title="Agenda")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = ET.fromstring(body).findall("a:entry", ns)
    for entry in entries:
        has_link = entry.find("a:link[@rel='alternate']", ns) is not None
        assert has_link or entry.find("a:content", ns) is not None
    assert entries[0].find("a:content", ns).text == "Nouvelle levée de fonds"
    content = entries[1].find("a:content", ns)
    assert content.get("type") == "html" and "startup" in content.text
    assert entries[2].find("a:content", ns) is None  # with its link: a summary, as before
    assert entries[2].find("a:summary", ns) is not None


def test_empty_news_atom_is_still_valid() -> None:
    feed = feedparser.parse(render_news_atom([], SOURCES, now=NOW, base_url=BASE_URL))
    assert feed.bozo == 0
    assert feed.feed.updated == "2025-12-01T09:00:00Z"


def test_an_end_is_kept_when_it_is_after_the_start_in_time_not_on_the_clock() -> None:
    """An end given in another zone is compared as an instant: 09:45 in London is 10:45 in
    Paris, after a 10:00 start; an end before the start, or floating and read in the event's
    zone before it, is dropped rather than written as an invalid DTEND."""
    london = ZoneInfo("Europe/London")
    start = datetime(2025, 12, 8, 10, 0, tzinfo=PARIS)
    events = [
        merged("other-zone", start=start, end=datetime(2025, 12, 8, 9, 45, tzinfo=london)),
        merged("before", start=start, end=datetime(2025, 12, 8, 9, 45, tzinfo=PARIS)),
        merged("utc-before", start=start, end=datetime(2025, 12, 8, 8, 30, tzinfo=UTC)),
        merged("floating", start=start, end=datetime(2025, 12, 8, 11, 0)),
        merged("floating-before", start=start, end=datetime(2025, 12, 8, 9, 0)),
        merged("same", start=start, end=start),
    ]
    document = json.loads(render_events_json(events, SOURCES, now=NOW, timezone="Europe/Paris"))
    ends = {event["uid"]: event["end"] for event in document["events"]}
    assert ends == {
        "other-zone": "2025-12-08T10:45:00+01:00",
        "before": None,
        "utc-before": None,
        "floating": "2025-12-08T11:00:00+01:00",
        "floating-before": None,
        "same": "2025-12-08T10:00:00+01:00",
    }


def test_each_article_says_the_language_it_is_written_in() -> None:
    """A feed reader hyphenates, chooses fonts and offers a translation by ``xml:lang``: the
    Luxembourg association's English article in a mostly French feed says it is English."""
    body = render_news_atom([news("n1"), news("n2", sources=("lux-tech",))], SOURCES, now=NOW,
                            base_url=BASE_URL)
    feed = feedparser.parse(body)
    assert [entry.title_detail.language for entry in feed.entries] == ["fr", "en"]
    # the feed's own words (its title, "Agenda numérique…") are French, and say so
    assert feed.feed.title_detail.language == "fr"
