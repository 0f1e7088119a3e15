"""Review of what a subscriber reads in French, English and German: the digest, the pages
it links to, the subscription flow. Each test failed before the fix it comes with."""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import feedparser

from aggregator.digest import Filters, render_digest, select_digest
from aggregator.parse.jsonld import parse_jsonld
from aggregator.published import decode_event, decode_item
from aggregator.render.pages import render_index
from render_builders import NOW, merged
from render_builders import SOURCES as RENDER_SOURCES
from sites import SOON
from digest_site import BASE_URL, EVENTS, NEWS, SOURCES, WEEK
from webapp import Web, web  # noqa: F401  (fixture)

PARIS = ZoneInfo("Europe/Paris")
BY_ID = {s.id: s for s in SOURCES}


def test_a_digests_links_open_the_pages_in_its_language() -> None:
    """A German digest read on a computer that speaks French opened the agenda, the news and
    every event's page in French: its links did not say the language it was written in."""
    content = select_digest(WEEK, [decode_event(e) for e in EVENTS],
                            [decode_item(i) for i in NEWS], BY_ID, PARIS, Filters(cities=("Metz",)))
    for personal in (True, False):
        digest = render_digest(content, language="de", base_url=BASE_URL, zone=PARIS,
                               sources=BY_ID, personal=personal)
        pages = re.findall(rf'href="({re.escape(BASE_URL)}/[^"]*)"', digest.html)
        pages += re.findall(rf"({re.escape(BASE_URL)}/\S*)", digest.text)
        shown = [link for link in pages if not re.search(
            r"\.ics$|/(unsubscribe|preferences)/", link)]  # a token page speaks its own
        assert any("/events/" in link for link in shown) and len(shown) > 4
        for link in shown:
            assert re.search(r"[?&]lang=de(&|$)", link.replace("&amp;", "&")), link
        assert f"{BASE_URL}/?city=Metz&amp;lang=de" in digest.html


def test_a_digest_names_what_its_subscriber_follows_in_its_language() -> None:
    """"Ihre Auswahl: alles" (everything) for a subscriber who follows one organisation, and
    "Ihre Auswahl: venue, ai" (the slugs, in English) for one who follows a kind and a topic."""
    def selection(filters: Filters) -> str:
        content = select_digest(WEEK, [decode_event(e) for e in EVENTS],
                                [decode_item(i) for i in NEWS], BY_ID, PARIS, filters)
        digest = render_digest(content, language="de", base_url=BASE_URL, zone=PARIS,
                               sources=BY_ID)
        [line] = [line for line in digest.text.splitlines() if line.startswith("Ihre Auswahl")]
        assert f">{line}</p>" in digest.html  # the HTML part says the same
        return line

    assert selection(Filters(sources=("lux",))) == "Ihre Auswahl: Lux Tech"
    assert selection(Filters(cities=("Metz",), kinds=("venue",), tags=("ai",))) == \
        "Ihre Auswahl: Metz, Veranstaltungsort, KI"
    assert selection(Filters()) == "Ihre Auswahl: alles"


def test_an_event_feeds_entries_open_in_the_feeds_language(web: Web) -> None:
    """/events.atom?lang=de is read in a feed reader, which keeps no cookie of the site: its
    entries' links opened the events' pages in the browser's language (French here). The
    entry ids stay the pages' addresses, so no entry a reader has read comes back as new."""
    german = feedparser.parse(web.client.get("/events.atom", params={"lang": "de"}).content)
    asked = feedparser.parse(web.client.get("/events.atom", params={"lang": "fr"}).content)
    french = feedparser.parse(web.client.get("/events.atom").content)  # the default, French
    assert german.entries and [e.id for e in german.entries] == [e.id for e in french.entries]
    for entry in german.entries:
        assert entry.link == f"{entry.id}?lang=de"
        link = urlsplit(entry.link)  # the site's public address: asked of the app itself
        page = web.client.get(f"{link.path}?{link.query}", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        assert page.status_code == 200 and '<html lang="de">' in page.text
    # the default feed is not the ?lang=fr one, kept from the request before
    assert asked.feed.id.endswith("/events.atom?lang=fr") and french.feed.id.endswith("/events.atom")
    assert all(entry.link == entry.id for entry in french.entries)


def test_an_all_day_events_structured_data_ends_on_its_last_day() -> None:
    """schema.org's endDate is the last day; the page wrote iCalendar's exclusive end, so a
    search engine showed a weekend hackathon until the Monday and a one-day fair over two
    days (and an aggregator reading the page, ours too, added the day once more)."""
    weekend = merged("hack", title="Hackathon", start=date(2025, 12, 13), end=date(2025, 12, 15))
    fair = merged("fair", title="Salon", start=date(2025, 12, 16), end=date(2025, 12, 17))
    page = render_index([weekend, fair], [], RENDER_SOURCES, now=NOW, base_url=BASE_URL,
                        timezone="Europe/Paris", language="en")
    found = re.search(rb'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found is not None
    graph = {e["name"]: e for e in json.loads(found.group(1))["@graph"]}
    assert (graph["Hackathon"]["startDate"], graph["Hackathon"]["endDate"]) == (
        "2025-12-13", "2025-12-14")
    assert (graph["Salon"]["startDate"], graph["Salon"]["endDate"]) == ("2025-12-16", "2025-12-16")
    read = {e.title: e for e in parse_jsonld(page, BASE_URL).events}
    assert read["Hackathon"].end == weekend.end and read["Salon"].end == fair.end


def test_an_embedded_lists_links_open_in_its_language(web: Web) -> None:
    """An English organisation's list framed on its own site (/embed?lang=en, the code its
    page gives): framed, it sets no cookie on the visitor's browser (SameSite), and its
    links opened the agenda and the events' pages in the browser's language, French."""
    base = web.aggregator.settings.base_url
    framed = web.client.get("/embed", params={"source": "lab", "lang": "en"},
                            headers={"Accept-Language": "fr-FR,fr;q=0.9"}).text
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="([^"]+)"', framed)
             if link.startswith(base)]
    assert any("/events/" in link for link in links) and len(links) >= 3
    for link in links:
        web.client.cookies.clear()  # a third-party frame's cookie never reaches the tab
        parts = urlsplit(link)
        opened = web.client.get(f"{parts.path}?{parts.query}",
                                headers={"Accept-Language": "fr-FR,fr;q=0.9"})
        assert opened.status_code == 200 and '<html lang="en">' in opened.text, link


def test_an_all_day_events_page_writes_its_span_mid_sentence(web: Web) -> None:
    """The page writes the day, then the span: "samedi 16 janvier 2027, Jusqu’au dim. 17
    janv.", "Samstag, 16. Januar 2027, Ganztägig": a capital after the comma, in German a
    capitalised adjective."""
    first = (SOON + timedelta(days=7)).date()
    days = [("fair@assoc", "Salon", first, first + timedelta(days=1)),
            ("hack@assoc", "Hackathon", first + timedelta(days=1), first + timedelta(days=3))]
    web.feeds.set("/assoc.ics", "\r\n".join(
        ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//EN"]
        + [line for uid, title, start, end in days for line in (
            "BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{title}", "DTSTAMP:20260101T000000Z",
            f"DTSTART;VALUE=DATE:{start:%Y%m%d}", f"DTEND;VALUE=DATE:{end:%Y%m%d}",
            "END:VEVENT")]
        + ["END:VCALENDAR", ""]).encode(), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    uids = {e.title: e.uid for e in web.aggregator.published().events}
    expected = {"fr": ("toute la journée", "jusqu’au "), "en": ("all day", "until "),
                "de": ("ganztägig", "bis ")}
    for lang, (all_day, until) in expected.items():
        spans = []
        for title in ("Salon", "Hackathon"):
            page = web.client.get(f"/events/{quote(uids[title], safe='')}", params={"lang": lang})
            found = re.search(r'<p class="when"><time[^>]*>([^<]*)</time>', page.text)
            assert found is not None
            spans.append(html.unescape(found.group(1)))
        assert spans[0].endswith(f", {all_day}") and f", {until}" in spans[1], spans


def test_the_sign_up_forms_language_names_say_their_language(web: Web) -> None:
    """The digest's language is chosen among "Français", "English", "Deutsch", each in its
    own language: a screen reader on the German form read "Français" as a German word
    (WCAG 3.1.2), where the registration form's same list says each one's language."""
    web.aggregator.add_subscriber("anna@example.org", language="de", confirmed=True)
    token = web.aggregator.subscribers()[0].token
    for path in ("/subscribe?lang=de", f"/preferences/{token}"):
        page = web.client.get(path).text
        options = re.findall(r'<option value="(fr|en|de)"([^>]*)>', page)
        assert [code for code, _ in options] == ["fr", "en", "de"], path
        for code, attributes in options:
            assert f'lang="{code}"' in attributes, (path, code)


def test_an_article_without_a_web_link_is_no_empty_link() -> None:
    """A feed's item without a link (an RSS item with only a GUID, a link that is not
    http(s)) was a link to "" in the HTML part, which opens nothing or the webmail itself,
    and an empty line in the text part; the news page shows such a title as plain text."""
    import copy

    news = copy.deepcopy(NEWS)
    news[0]["link"] = news[0]["sources"][0]["link"] = ""
    content = select_digest(WEEK, [], [decode_item(i) for i in news], BY_ID, PARIS, Filters())
    digest = render_digest(content, language="fr", base_url=BASE_URL, zone=PARIS,
                           sources=BY_ID, personal=False)
    assert 'href=""' not in digest.html and ">Appel à projets IA</" in digest.html
    assert ("\nLe Lab\n* Appel à projets IA (3 décembre)\n  Déposez vos projets.\n\n\nS’abonner"
            in digest.text)


def test_an_event_feeds_titles_say_the_language_they_are_written_in(web: Web) -> None:
    """/events.atom?lang=de says it is German (its dates and places are), and so it said of
    every event's title: the organisations' French "Rencontre IA" was hyphenated, voiced and
    offered for translation as German, where news.atom labels each article's language."""
    for lang in ("de", "en", "fr"):
        body = web.client.get("/events.atom", params={"lang": lang}).content
        feed = feedparser.parse(body)
        assert feed.entries and feed.feed.language == lang
        assert [e.title_detail.language for e in feed.entries] == ["fr"] * len(feed.entries)
    assert b'<title xml:lang="fr">' not in web.client.get("/events.atom").content  # as the feed


def test_a_page_nobody_serves_says_so_in_the_readers_language(web: Web) -> None:
    """A mistyped or old address showed "Page introuvable" over "Not Found", and an address
    that only takes a form (a bookmarked confirmation, a reloaded result) "Error 405" over
    "Method Not Allowed": English under a French heading, and nothing of what to do."""
    for lang, words in (("fr", "Il n’y a pas de page à cette adresse"),
                        ("de", "Unter dieser Adresse gibt es keine Seite")):
        page = web.client.get("/evenements-de-la-semaine", params={"lang": lang},
                              headers={"Accept": "text/html"})
        assert page.status_code == 404 and words in html.unescape(page.text), page.text
        assert "Not Found" not in page.text
    form_only = web.client.get("/admin/logout", params={"lang": "fr"},
                               headers={"Accept": "text/html"})
    assert form_only.status_code == 405, form_only.status_code
    assert "Method Not Allowed" not in form_only.text and "Error 405" not in form_only.text
    assert "reçoit un formulaire" in html.unescape(form_only.text)
    # programs still read the status's own words
    assert web.client.get("/nope.json").json() == {"detail": "Not Found"}


def test_a_calendar_address_nobody_serves_says_so_to_a_person(web: Web) -> None:
    """A subscriber checking a mistyped or old calendar link in a browser read
    {"detail":"calendars/metx.ics is not built yet"}: JSON, in English, and untrue (the
    build is there, the calendar is not). A person gets a page in their language leading to
    the calendars there are; a calendar app still gets a 404, a program its JSON."""
    page = web.client.get("/calendars/metx.ics", params={"lang": "fr"},
                          headers={"Accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    text = html.unescape(page.text)
    assert "Il n’y a pas de calendrier à cette adresse" in text
    assert 'href="/calendars"' in page.text and "not built yet" not in text
    mine = web.client.get("/calendars/mine/nokey.ics", params={"lang": "de"},
                          headers={"Accept": "text/html"})
    assert mine.status_code == 404 and "Unter dieser Adresse gibt es keinen Kalender" in \
        html.unescape(mine.text)
    app = web.client.get("/calendars/metx.ics", headers={"Accept": "text/calendar"})
    assert app.status_code == 404
    assert app.json() == {"detail": "no such calendar: the calendars are listed on /calendars"}
