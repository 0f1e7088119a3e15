"""The pages people use: agenda and filters, languages, directory, registration, admin, safety."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import quote
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo
from html import unescape as html_unescape
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest

from aggregator.models import FeedRef

from aggregator.web import i18n
from aggregator.web.public import date_jumps
from aggregator.web.i18n import alphabetical
from sites import SOON, ics, one_calendar, rss
from webapp import ADMIN_TOKEN, Web, web  # noqa: F401  (fixture)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(client: httpx.Client, path: str) -> str:
    match = CSRF.search(client.get(path).text)
    assert match, f"{path} has no CSRF field"
    return match.group(1)


def json_ld(html: str) -> Any:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert match
    return json.loads(match.group(1))


class Audit(HTMLParser):
    """What a Lighthouse-style check looks at: lang, title, labels of form fields."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.title = ""
        self._in_title = False
        self.labels: set[str] = set()
        self.fields: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        elif tag == "title":
            self._in_title = True
        elif tag == "label" and values.get("for"):
            self.labels.add(str(values["for"]))
        elif tag in ("input", "select", "textarea") and values.get("type") not in (
                "hidden", "submit", "button"):
            self.fields.append(values)

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def unlabelled(self) -> list[str]:
        return [str(f.get("name")) for f in self.fields
                if f.get("id") not in self.labels and not f.get("aria-label")]


def test_agenda_lists_coming_events_once_with_their_organisers(web: Web) -> None:
    page = web.client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.count("Rencontre IA") >= 1 and "Apéro start-up" in page.text
    assert "Le Lab" in page.text and "La Venue" in page.text
    data = json_ld(page.text)
    events = data if isinstance(data, list) else data.get("@graph", [data])
    names = sorted(e["name"] for e in events if e.get("@type") == "Event")
    assert names == ["Apéro start-up", "Rencontre IA"]
    assert len(page.content) < 200_000
    assert "Nouveau labo" in page.text  # recent news after the events


def test_agenda_filters_by_city_kind_tag_source_and_text(web: Web) -> None:
    def titles(**params: str) -> list[str]:
        events = json_ld(web.client.get("/", params=params).text)
        events = events if isinstance(events, list) else events.get("@graph", [events])
        return sorted(e["name"] for e in events if e.get("@type") == "Event")

    assert titles(city="Metz") == ["Rencontre IA"]
    assert titles(city="nancy") == ["Apéro start-up"]
    assert titles(kind="association") == ["Apéro start-up"]
    assert titles(tag="ai") == ["Rencontre IA"]
    assert titles(source="venue") == ["Rencontre IA"]
    assert titles(q="apero") == ["Apéro start-up"]
    assert titles(q="nothing like this") == []
    subscribe = web.client.get("/", params={"city": "Metz"}).text
    assert "webcal://" in subscribe and "calendar.ics?city=Metz" in subscribe


def test_search_reads_titles_places_and_organisers_and_follows_each_build(web: Web) -> None:
    def titles(**params: str) -> list[str]:
        events = json_ld(web.client.get("/", params=params).text)
        events = events if isinstance(events, list) else events.get("@graph", [events])
        return sorted(e["name"] for e in events if e.get("@type") == "Event")

    assert titles(q="LA VENUE") == ["Rencontre IA"]  # an organiser's name, any case
    assert titles(q="rencontre lab") == ["Rencontre IA"]  # one word in the title, one in a name
    assert titles(q="apéro venue") == []  # every word must be found
    assert titles(q="innovation") == ["Apéro start-up"]  # its place
    assert titles(q="apero", city="Metz") == [] and titles(q="apero", city="Nancy") == ["Apéro start-up"]
    assert titles(q="!!!") == ["Apéro start-up", "Rencontre IA"]  # no word: no search
    web.feeds.set("/assoc.ics", ics("hack-1@assoc", "Hackathon de l’Énergie", SOON + timedelta(days=2)),
                  "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    assert titles(q="energie") == ["Hackathon de l’Énergie"]  # the next build's events


@pytest.mark.parametrize(("lang", "subscribe", "download"), [
    ("fr", "S’abonner", "Télécharger (.ics)"),
    ("en", "Subscribe", "Download (.ics)"),
    ("de", "abonnieren", "Herunterladen (.ics)"),
])
def test_calendar_links_say_whether_they_subscribe_or_download(
        web: Web, lang: str, subscribe: str, download: str) -> None:
    """A webcal link subscribes (the calendar app keeps it up to date), an http link
    downloads a copy: each is named for what it does, never a bare ".ics"."""
    pages = {"agenda": web.client.get("/", params={"city": "Metz", "lang": lang}).text,
             "organisation": web.client.get("/sources/lab", params={"lang": lang}).text}
    for page, html in pages.items():
        links = dict((href, text) for href, text in re.findall(
            r'<a href="([^"]*calendar\.ics[^"]*)">([^<]*)</a>', html))
        webcal = [text for href, text in links.items() if href.startswith("webcal://")]
        http = [text for href, text in links.items() if href.startswith("http")]
        assert len(webcal) == 1 and subscribe in webcal[0], (page, links)
        assert http == [download], (page, links)
        query = "city=Metz" if page == "agenda" else "source=lab"
        if page == "agenda" and lang != "fr":  # the calendar named in the page's language
            query += f"&amp;lang={lang}"
        assert all(href.endswith(f"/calendar.ics?{query}") for href in links), (page, links)


def test_language_follows_accept_language_then_the_switcher(web: Web) -> None:
    assert 'lang="fr"' in web.client.get("/").text[:200]
    german = web.client.get("/", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert '<html lang="de">' in german.text
    english = web.client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "lang" in english.headers["set-cookie"]
    # the choice sticks (cookie) over the browser's header
    again = web.client.get("/sources", headers={"Accept-Language": "de"})
    assert '<html lang="en">' in again.text



@pytest.mark.parametrize(("header", "language"), [
    ("EN", "en"), ("DE-DE", "de"), ("De-LU,fr;q=0.5", "de"), ("en-gb", "en"),
    ("zh-Hant-TW, de;q=0.2", "de"), ("*", "fr")])
def test_language_tags_ignore_case(header: str, language: str) -> None:
    """RFC 4647: "EN" or "DE-DE" from a browser is English or German (they got French)."""
    from aggregator.web.i18n import negotiate

    assert negotiate(None, None, header) == language

def test_security_headers_and_framing(web: Web) -> None:
    page = web.client.get("/")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    embed = web.client.get("/embed", params={"city": "Metz"})
    assert embed.status_code == 200 and "Rencontre IA" in embed.text
    assert "x-frame-options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/", "/embed", "/sources", "/register"])
def test_no_input_is_reflected_unescaped(web: Web, path: str) -> None:
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    body = web.client.get(path, params={"q": attack, "city": attack, "lang": attack}).text
    assert "<script>alert(1)" not in body and "<img src=x" not in body


@pytest.mark.parametrize("path", ["/", "/calendars", "/sources", "/sources/lab", "/register",
                                  "/docs", "/digests", "/embed", "/admin/login", "/nope"])
def test_every_page_has_lang_title_and_labelled_fields(web: Web, path: str) -> None:
    audit = Audit()
    audit.feed(web.client.get(path, headers={"Accept": "text/html"}).text)
    assert audit.lang in ("fr", "en", "de")
    assert audit.title.strip()
    assert audit.unlabelled() == []


def test_calendars_page_explains_subscribing_with_webcal_links(web: Web) -> None:
    page = web.client.get("/calendars", params={"lang": "en"}).text
    for client in ("Google", "Outlook", "Apple", "Thunderbird"):
        assert client in page
    assert "webcal://" in page and "/calendars/metz.ics" in page
    base = web.aggregator.settings.base_url
    assert f'<a href="{base}/events.atom?lang=en">The coming events (Atom)</a>' in page
    assert "your own calendar of what you follow." in page  # several choices: the newsletter's
    assert '<a href="/subscribe">Weekly newsletter</a>' in page
    # Grouped by what they filter on, kinds in the reader's language, each group in order.
    german = web.client.get("/calendars", params={"lang": "de"}).text
    headings = re.findall(r"<h2>(.*?)</h2>", german)
    assert headings == ["Der ganze Kalender", "Nach Stadt", "Nach Art der Organisation",
                        "Nach Thema"]
    groups = [re.findall(r"<strong>(.*?)</strong>", part) for part in german.split("<h2>")[2:]]
    assert groups[0] == sorted(groups[0]) and {"Metz", "Nancy"} <= set(groups[0])
    assert groups[1] == ["Labor", "Veranstaltungsort", "Verein"]  # lab, venue, association
    # topics in the reader's language too ("ai" read so on a German page), "startup" a tag
    # though also a kind's name
    assert groups[2] == ["KI", "Start-ups"]
    cities = ["Nancy", "Esch-sur-Alzette", "Épinal", "Luxembourg"]
    assert sorted(cities, key=alphabetical) == ["Épinal", "Esch-sur-Alzette", "Luxembourg", "Nancy"]


def test_directory_shows_organisations_health_and_merges(web: Web) -> None:
    directory = web.client.get("/sources").text
    for name in ("Le Lab", "La Venue", "L&#39;Asso"):
        assert name in directory
    lab = web.client.get("/sources/lab", params={"lang": "en"}).text
    assert "Rencontre IA" in lab and "La Venue" in lab  # merged with the venue's post
    assert re.search(r'<a href="/events/[0-9a-f]+%40aggregator">Details<', lab)
    french = web.client.get("/sources/lab", params={"lang": "fr"}).text
    assert "État des flux : à jour" in french  # French typography: a space before the colon
    # each feed: its state, how many entries it holds, when it was last read
    assert re.search(r"— à jour, \d+ entrées? \(lu le <time datetime=\"[^\"]+\">"
                     r"\w+\. \d+ \w+\.? \d{4}, \d\d:\d\d</time>\)", french)
    assert not re.search(r"\d\d:\d\d:\d\d", re.sub(r"<[^>]+>", "", french))  # shown without seconds
    # what the organiser should fix in their feed, from the last read
    windows = ics("talk-2@venue", "Atelier", SOON).replace(
        b"DTSTART:", b"DTSTART;TZID=Romance Standard Time:").replace(b"Z\r\nDTEND", b"\r\nDTEND")
    web.feeds.set("/venue.ics", windows, "text/calendar")
    outcomes = {o.source_id: o for o in web.aggregator.refresh()}
    assert outcomes["venue"].result == "updated", outcomes["venue"]
    venue = web.client.get("/sources/venue", params={"lang": "en"}).text
    assert "1 thing to fix in the feed:" in venue
    assert re.search(r"<li>TZID &#39;Romance Standard Time&#39; is a Windows zone name", venue)
    # in the organiser's language, not English in a French or German page
    french = web.client.get("/sources/venue", params={"lang": "fr"}).text
    assert ("<li>TZID &#39;Romance Standard Time&#39; est un nom de fuseau Windows : lu comme "
            "Europe/Paris") in french
    german = web.client.get("/sources/venue", params={"lang": "de"}).text
    assert "<li>TZID &#39;Romance Standard Time&#39; ist ein Windows-Zonenname" in german
    # a feed that keeps failing says so, with why
    web.feeds.fail("/venue.ics", 500)
    web.aggregator.refresh()
    web.aggregator.refresh()
    venue = web.client.get("/sources/venue", params={"lang": "en"}).text
    assert re.search(r"— failing, 1 entry \(read [^)]+\) — [^<]*500[^<]* \(2 failures in a row\)", venue)
    assert web.client.get("/sources/nobody").status_code == 404


def test_the_directory_filters_organisations_as_the_agenda_filters_events(web: Web) -> None:
    def names(**query: str) -> list[str]:
        page = web.client.get("/sources", params={"lang": "en", **query}).text
        return re.findall(r'<tr><td><a href="/sources/[^"]+">([^<]+)</a>', page)

    assert names() == ["L&#39;Asso", "La Venue", "Le Lab"]
    assert names(city="nancy") == ["L&#39;Asso", "Le Lab"]  # as a slug: any case
    assert names(kind="venue") == ["La Venue"]
    assert names(tag="ai") == ["Le Lab"]
    assert names(q="lab") == ["Le Lab"] and names(q="asso nancy") == ["L&#39;Asso"]
    assert names(city="Metz", kind="lab") == []
    page = web.client.get("/sources", params={"lang": "en", "city": "Nancy"}).text
    assert "2 organisations" in page and 'action="/sources"' in page
    assert 'id="f-source"' not in page and 'id="f-from"' not in page


def test_an_organisation_page_lists_a_series_at_its_next_date_and_drops_a_finished_one(
        web: Web) -> None:
    """A weekly meetup that began a month ago is next on within a week: listed at that date,
    in date order with the rest, not first at its first date; a series whose last date has
    passed is over, on the page as in the sitemap."""
    now = web.aggregator.clock().replace(microsecond=0)
    started = now - timedelta(days=30, hours=-2)
    weekly = ics("weekly@assoc", "Café du mardi", started, extra="RRULE:FREQ=WEEKLY")
    over = ics("over@assoc", "Cycle terminé", now - timedelta(days=60), extra="RRULE:FREQ=WEEKLY;COUNT=3")
    later = ics("later@assoc", "Apéro de janvier", now + timedelta(days=20))
    # next edition in about 65 days, past the agenda's 60-day horizon for series
    first_edition = now - timedelta(days=300)
    if first_edition.strftime("%m%d") == "0229":  # its next edition would be years away
        first_edition -= timedelta(days=1)
    yearly = ics("yearly@assoc", "Conférence annuelle", first_edition, extra="RRULE:FREQ=YEARLY")

    web.feeds.set("/assoc.ics", one_calendar(weekly, over, later, yearly), "text/calendar")
    outcomes = {o.source_id: o for o in web.aggregator.refresh(force=True)}
    assert outcomes["assoc"].result == "updated", outcomes["assoc"]
    web.aggregator.build()
    page = web.client.get("/sources/assoc", params={"lang": "en"}).text
    coming, past = page.split("<h2>Latest past events</h2>")

    def listed(html: str) -> list[tuple[str, str, str]]:
        return [(when, re.sub(r"<[^>]+>", "", what), meta) for when, what, meta in re.findall(
            r'<span class="when">(?:<time[^>]*>)?([^<]*)(?:</time>)?</span>\s*<div><p class="what"[^>]*>(.*?)</p>'
            r'\s*<p class="meta">([^<]*)', html)]

    rows = listed(coming)
    # the apéro the feed dropped is published CANCELLED until its date, and says so
    assert [title for _, title, _ in rows] == [
        "Apéro start-up Cancelled", "Café du mardi", "Apéro de janvier", "Conférence annuelle"], rows
    # the finished series is among what took place, at its last date
    last = now - timedelta(days=60) + timedelta(weeks=2)
    assert [(when, title) for when, title, _ in listed(past)] == [
        (i18n.moment(last, ZoneInfo("Europe/Paris"), "en"), "Cycle terminé")]
    today = now.astimezone(ZoneInfo("Europe/Paris")).date()
    history = f'/?source=assoc&amp;from={(today - timedelta(days=30)).isoformat()}'
    assert f'<a href="{history}">Its events of the last 30 days in the agenda</a>' in past
    when, _, meta = rows[1]
    next_date = started + timedelta(weeks=5)  # the first weekly date after now
    assert next_date > now
    assert when == i18n.moment(next_date, ZoneInfo("Europe/Paris"), "en")
    assert "Recurring event" in meta and "Recurring event" not in rows[2][2]
    edition = first_edition.replace(year=first_edition.year + 1)
    assert rows[3][0] == i18n.moment(edition, ZoneInfo("Europe/Paris"), "en")
    sitemap = web.client.get("/sitemap.xml").text
    published = {e.title: e.uid for e in web.aggregator.published().events}
    assert quote(published["Café du mardi"], safe="") in sitemap
    assert quote(published["Cycle terminé"], safe="") not in sitemap
    # its page says when it took place last, not first
    over_page = web.client.get(f"/events/{quote(published['Cycle terminé'], safe='')}",
                               params={"lang": "en"}).text
    last = i18n.moment(now - timedelta(days=60) + timedelta(weeks=2), ZoneInfo("Europe/Paris"), "en")
    assert f"This event took place on {last}." in over_page


def test_the_embeddable_list_shows_the_next_dates_not_the_first_events_of_the_feed(
        web: Web) -> None:
    """An organisation's sidebar shows its next 15 dates: a series at each of its coming
    dates, a one-off in its place among them, and none of the finished series that come
    first in the published order (they held every slot: the one-offs were missing)."""
    now = web.aggregator.clock().replace(microsecond=0)
    started = now - timedelta(days=30, hours=-2)
    finished = [ics(f"old-{n}@assoc", f"Cycle {n}", now - timedelta(days=200 - n),
                    extra="RRULE:FREQ=WEEKLY;COUNT=2") for n in range(16)]
    series = ics("daily@assoc", "Café", started, extra="RRULE:FREQ=DAILY;INTERVAL=3")
    later = ics("later@assoc", "Apéro de janvier", now + timedelta(days=20))

    web.feeds.set("/assoc.ics", one_calendar(*finished, series, later), "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    embed = web.client.get("/embed", params={"source": "assoc", "lang": "en"}).text
    titles = [re.sub(r"<[^>]+>", "", what) for what in re.findall(
        r'<p class="what">(.*?)\n', embed)]
    # the apéro the feed dropped stays, CANCELLED, until its date
    dropped = next(e.start for e in web.aggregator.published().events
                   if e.title == "Apéro start-up")
    dates = [(started + timedelta(days=3 * n), "Café") for n in range(40)
             if started + timedelta(days=3 * n) > now]
    dates += [(now + timedelta(days=20), "Apéro de janvier"),
              (dropped, "Apéro start-up Cancelled")]
    assert titles == [title for _, title in sorted(dates)[:15]], titles


def test_the_operators_list_of_events_starts_with_the_coming_ones(web: Web) -> None:
    """The merge and split page lists events by their next date (a series at its coming one),
    not in published order, which starts with the past weeks' events; its search too."""
    now = web.aggregator.clock().replace(microsecond=0)
    past = ics("past@assoc", "Atelier passé", now - timedelta(days=3))
    weekly = ics("weekly@assoc", "Café du mardi", now - timedelta(days=30, hours=-2),
                 extra="RRULE:FREQ=WEEKLY")
    later = ics("later@assoc", "Apéro de janvier", now + timedelta(days=20))

    web.feeds.set("/assoc.ics", one_calendar(past, weekly, later), "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    assert "Atelier passé" in {e.title for e in web.aggregator.published().events}
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def listed(**query: str) -> list[tuple[str, str]]:
        page = web.client.get("/admin/events", params=query, headers=bearer).text
        return re.findall(r"<td>([^<]*)</td>\n<td>([^<]*) — ", page)

    rows = listed()
    assert [title for _, title in rows] == ["Rencontre IA", "Café du mardi", "Apéro de janvier"]
    next_weekly = now - timedelta(days=30, hours=-2) + timedelta(weeks=5)
    assert datetime.fromisoformat(rows[1][0]) == next_weekly
    assert [title for _, title in listed(q="café")] == ["Café du mardi"]


def test_the_operator_hides_one_event_and_shows_it_again_from_the_admin_pages(web: Web) -> None:
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    [apero] = [e for e in web.aggregator.published().events if e.title == "Apéro start-up"]
    assert web.client.post("/admin/events/hide", data={"uid": apero.uid},
                           headers=bearer).status_code == 204
    assert "Apéro start-up" not in web.client.get("/").text  # built at once
    page = web.client.get("/admin/events", params={"lang": "en"}, headers=bearer).text
    assert "<h2>Hidden events</h2>" in page and "<code>assoc:meetup-7@assoc</code>" in page
    # which event it is, not a key alone
    assert "— <strong>Apéro start-up</strong> <small>(<code>assoc:meetup-7@assoc</code>)" in page
    [(hidden_id, keys, _, title)] = web.aggregator.hidden_events()
    assert keys == ("assoc:meetup-7@assoc",) and title == "Apéro start-up"
    assert web.client.post("/admin/events/hide", data={"uid": "nope@x"},
                           headers=bearer).status_code == 422
    assert web.client.post("/admin/events/unhide", data={"id": str(hidden_id)},
                           headers=bearer).status_code == 204
    assert "Apéro start-up" in web.client.get("/").text
    assert web.client.post("/admin/events/unhide", data={"id": "x"},
                           headers=bearer).status_code == 422
    assert web.client.post("/admin/events/hide", data={"uid": apero.uid}).status_code in (303, 401, 403)


def test_the_operator_hides_one_article_and_shows_it_again_from_the_admin_pages(web: Web) -> None:
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    page = web.client.get("/admin/news", params={"lang": "en", "q": "appel"}, headers=bearer).text
    assert "Appel à projets" in page and "Nouveau labo" not in page  # the title search
    [article] = [i for i in web.aggregator.published().items if i.title == "Appel à projets"]
    assert web.client.post("/admin/news/hide", data={"id": article.id},
                           headers=bearer).status_code == 204
    assert "Appel à projets" not in web.client.get("/news").text  # built at once
    assert "Nouveau labo" in web.client.get("/news").text
    page = web.client.get("/admin/news", params={"lang": "en"}, headers=bearer).text
    assert "<h2>Hidden articles</h2>" in page and "<code>lab:https://news.example.org/0</code>" in page
    assert "<strong>Appel à projets</strong>" in page.split("<h2>Hidden articles</h2>")[1]
    [(hidden_id, _, _, _)] = web.aggregator.hidden_news()
    assert web.client.post("/admin/news/unhide", data={"id": str(hidden_id)},
                           headers=bearer).status_code == 204
    assert "Appel à projets" in web.client.get("/news").text
    assert web.client.post("/admin/news/hide", data={"id": "nope"}, headers=bearer).status_code == 422
    assert web.client.get("/admin/news").status_code in (303, 401, 403)  # not without the token


def test_forms_refuse_posts_without_the_csrf_token(web: Web) -> None:
    refused = web.client.post("/register", data={"name": "X", "action": "submit"})
    assert refused.status_code == 403
    token = csrf(web.client, "/register")
    with httpx.Client(base_url=web.url) as other:  # another browser: no cookie, stolen token
        assert other.post("/register", data={"csrf_token": token, "name": "X"}).status_code == 403


def register(web: Web, **fields: str) -> httpx.Response:
    values = {"name": "Nouvelle Asso", "kind": "association", "city": "Épinal", "country": "FR",
              "language": "fr", "website": "https://asso.example.org",
              "contact": "hello@asso.example.org", "tags": "maker", "action": "submit",
              "feeds": f"{web.feeds.base_url}/new.ics"}
    values.update(fields)
    return web.client.post("/register", data={"csrf_token": csrf(web.client, "/register"),
                                               **values})


def test_registration_preview_shows_what_each_feed_holds(web: Web) -> None:
    web.feeds.set("/new.ics", ics("n1@new", "Atelier Arduino", SOON + timedelta(days=4)),
                  "text/calendar")
    feeds = "\n".join([f"{web.feeds.base_url}/new.ics", f"{web.feeds.base_url}/missing.ics",
                       f"{web.feeds.base_url}/news.xml"])
    page = register(web, action="preview", feeds=feeds).text
    # counts in the language's plural forms (French: 0 and 1 are singular)
    assert "iCalendar : 1 événement, 0 article" in page and "Atelier Arduino" in page
    assert "404" in page  # the precise reason the missing feed cannot be read
    assert "RSS : 0 événement, 2 articles" in page
    # the organisation's language by its name, the one chosen kept
    assert '<option value="fr" lang="fr" selected>Français</option>' in page
    assert '<option value="de" lang="de">Deutsch</option>' in page
    assert web.aggregator.registrations() == []  # a preview stores nothing
    english = web.client.post("/register?lang=en", data={
        "csrf_token": csrf(web.client, "/register"), "action": "preview", "feeds": feeds}).text
    assert "iCalendar: 1 event, 0 news items" in english
    assert "RSS: 0 events, 2 news items" in english


def test_registration_preview_counts_the_feeds_warnings_in_the_readers_language(web: Web) -> None:
    def preview(lang: str) -> str:
        return web.client.post(f"/register?lang={lang}", data={
            "csrf_token": csrf(web.client, "/register"), "action": "preview",
            "feeds": f"{web.feeds.base_url}/new.ics"}).text

    web.feeds.set("/new.ics", ics("n1@new", "Atelier Arduino", SOON + timedelta(days=4),
                                  extra="RRULE:FREQ=WEEKLY;INTERVAL=0"), "text/calendar")
    assert "iCalendar: 1 event, 0 news items</strong> — Test (1 warning)</p>" in preview("en")
    assert "(1 avertissement)" in preview("fr") and "(1 Warnung)" in preview("de")
    web.feeds.set("/new.ics", ics("n1@new", "Atelier Arduino", SOON + timedelta(days=4)), "text/calendar")
    assert "iCalendar: 1 event, 0 news items</strong> — Test</p>" in preview("en")


def test_registration_preview_shows_a_series_at_its_coming_dates(web: Web) -> None:
    """An organiser checking a feed of one weekly meetup that began a month ago sees its next
    three dates (the first one moved by its own RECURRENCE-ID record), not nothing."""
    now = web.aggregator.clock().replace(microsecond=0)
    started = now - timedelta(days=30, hours=-2)
    first = started + timedelta(weeks=5)  # the first weekly date after now
    moved = ics("weekly@new", "Café du mardi (salle B)", first + timedelta(hours=1),
                extra=f"RECURRENCE-ID:{first.strftime('%Y%m%dT%H%M%SZ')}")
    series = ics("weekly@new", "Café du mardi", started, extra="RRULE:FREQ=WEEKLY")
    web.feeds.set("/new.ics", series.replace(b"END:VCALENDAR", moved[moved.index(b"BEGIN:VEVENT"):]
                                              .removesuffix(b"\r\n")), "text/calendar")
    page = web.client.post("/register?lang=en", data={
        "csrf_token": csrf(web.client, "/register"), "action": "preview",
        "feeds": f"{web.feeds.base_url}/new.ics"}).text
    zone = ZoneInfo("Europe/Paris")
    expected = [(first + timedelta(hours=1), "Café du mardi (salle B)"),
                (first + timedelta(weeks=1), "Café du mardi"),
                (first + timedelta(weeks=2), "Café du mardi")]
    listed = re.findall(r"<li><time datetime=\"[^\"]+\">([^<]*)</time> — ([^<]*)</li>", page)
    assert listed == [(i18n.moment(when, zone, "en"), title) for when, title in expected], listed


def test_topics_an_organiser_types_join_the_ones_the_region_follows(web: Web) -> None:
    """Typed in its own words, "IA" and "cybersécurité" were stored as "ia" and
    "cybersecurite" beside the operator's "ai": the topic filter offered "IA" twice and the
    organisation was missing from ?tag=ai; "C++" and "C#" both became "c"."""
    form = web.client.get("/register", params={"lang": "fr"}).text
    assert 'Thèmes déjà suivis : IA, Start-up</p>' in form  # the site's tags, in words
    register(web, tags="IA, cybersécurité, C++, C#, Données, maker")
    [pending] = web.aggregator.registrations("pending")
    assert pending.source.tags == ("ai", "cybersecurity", "cpp", "csharp", "data", "maker")


def test_a_topic_the_region_does_not_know_keeps_its_accents_and_is_one_filter(web: Web) -> None:
    """"Réalité virtuelle" typed by an organiser was stored as its slug and shown
    "Realite virtuelle" on every page (the filter, the sign-up form, the calendars' names) in
    French; spelled by two organisations each its way it is still one topic."""
    register(web, tags="Réalité virtuelle, impression 3D, IA")
    register(web, name="Autre Asso", contact="bonjour@autre.example.org",
             feeds=f"{web.feeds.base_url}/other.ics", tags="réalité  virtuelle, Réalité-Virtuelle")
    first, second = sorted(web.aggregator.registrations("pending"), key=lambda r: r.id)
    assert first.source.tags == ("Réalité virtuelle", "impression 3D", "ai")
    assert second.source.tags == ("réalité virtuelle",)  # one topic, however often typed
    for registration in (first, second):
        web.aggregator.approve_registration(registration.id)
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    page = web.client.get("/", params={"lang": "fr"}).text
    options = re.findall(r'<option value="([^"]*)"[^>]*>(Réalité virtuelle|Realite virtuelle)<', page)
    assert [label for _, label in options] == ["Réalité virtuelle"]
    assert "Impression 3D" in page
    filtered = web.client.get("/", params={"lang": "fr", "tag": options[0][0]}).text
    assert "Atelier Arduino" in filtered and "Atelier Python" in filtered
    assert "Rencontre IA" not in filtered
    same = web.client.get("/", params={"lang": "fr", "tag": "realite-virtuelle"}).text
    assert "Atelier Arduino" in same and "Atelier Python" in same
    signup = web.client.get("/subscribe", params={"lang": "fr"}).text
    assert signup.count("> Réalité virtuelle</label>") == 1 and "Realite" not in signup
    calendars = web.client.get("/calendars", params={"lang": "fr"}).text
    assert "Réalité virtuelle" in calendars and "réalité virtuelle" not in calendars
    assert web.client.get("/calendars/realite-virtuelle.ics").text.count("BEGIN:VEVENT") == 2


def test_the_operator_sees_which_pending_feeds_someone_else_already_gives(web: Web) -> None:
    """The same form sent twice, or a lab's feed registered again under another name, reached
    the operator unflagged: approved, the organisation was listed twice."""
    base = web.feeds.base_url
    web.feeds.set("/new.ics/", ics("n1@new", "Atelier Arduino", SOON), "text/calendar")
    register(web, name="Asso UX", feeds=f"{base}/new.ics")
    register(web, name="Asso UX", feeds=f"{base}/new.ics/")  # sent again
    register(web, name="Autre labo", feeds=f"{base}/lab.ics\n{base}/other.ics")
    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    page = web.client.get("/admin", params={"lang": "en"}, headers=bearer).text
    first, again, other = [block.split("</div>")[0] for block in
                           page.split('<div class="preview" id="registration-')[1:4]]
    assert "<strong><bdi>Asso UX</bdi></strong>" in first and "also the feed of: Asso UX" in first
    assert "<strong><bdi>Asso UX</bdi></strong>" in again and "also the feed of: Asso UX" in again
    assert "<strong><bdi>Autre labo</bdi></strong>" in other
    assert other.count("also the feed of") == 1 and "also the feed of: Le Lab" in other


def test_registration_is_pending_until_an_admin_approves_it(web: Web) -> None:
    web.feeds.set("/new.ics", ics("n1@new", "Atelier Arduino", SOON + timedelta(days=4)),
                  "text/calendar")
    done = register(web)
    assert done.status_code == 200
    [pending] = web.aggregator.registrations("pending")
    assert pending.source.name == "Nouvelle Asso" and pending.source.city == "Épinal"
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    assert "Atelier Arduino" not in web.client.get("/").text

    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    approved = web.client.post(f"/admin/registrations/{pending.id}/approve", headers=bearer)
    assert approved.status_code == 204
    assert web.client.post("/admin/refresh", headers=bearer).status_code == 204
    assert "Atelier Arduino" in web.client.get("/").text
    assert "Nouvelle Asso" in web.client.get("/sources").text
    # "reject" from a page left open since: it un-published the organisation, silently
    stale = web.client.post(f"/admin/registrations/{pending.id}/reject?lang=en", headers=bearer)
    assert stale.status_code == 409
    assert f"Registration #{pending.id} is already approved: reload the page" in stale.text
    assert [r.status for r in web.aggregator.registrations()] == ["approved"]


def test_a_webcal_link_is_registered_and_previewed_as_its_https_address(web: Web) -> None:
    """Calendar apps and WordPress "Subscribe" buttons give organisers webcal:// links."""
    port = web.feeds.base_url.rsplit(":", 1)[1]
    page = register(web, action="preview", feeds=f"webcal://127.0.0.1:{port}/new.ics").text
    # what was read (over TLS: the plain test server cannot answer it), the typed text kept
    assert re.search(rf"<code>https://127\.0\.0\.1:{port}/new\.ics</code>", page), page
    assert f">webcal://127.0.0.1:{port}/new.ics</textarea>" in page
    # sent, it is read the same way: this http-only server cannot be reached as https
    sent = register(web, feeds=f"webcal://127.0.0.1:{port}/new.ics", language="en")
    assert sent.status_code == 422 and web.aggregator.registrations() == []
    assert "Rien n’a été enregistré." in sent.text and "TLS (https)" in sent.text
    web.aggregator.register_source(  # what a registration stores of such links
        name="Asso", kind="association", city="Metz", website="", contact="a@asso.example.org",
        feeds=[FeedRef("webcal://agenda.example.org/?ical=1"),
               FeedRef("WEBCALS://x.example.org/c.ics")])
    [pending] = web.aggregator.registrations("pending")
    assert [feed.url for feed in pending.source.feeds] == [
        "https://agenda.example.org/?ical=1", "https://x.example.org/c.ics"]
    refused = register(web, feeds="ftp://x.example.org/c.ics", name="Autre").text
    assert "&#39;ftp://x.example.org/c.ics&#39; n&#39;est pas une adresse http://, https:// ou " \
        "webcal://" in refused  # in the page's language


def test_a_registration_whose_feed_cannot_be_read_comes_back_with_the_reason(web: Web) -> None:
    """Sent without a preview, a mistyped address was stored: the operator approved it, the
    feed failed from its first refresh, and the organiser waited for events that never came."""
    base = web.feeds.base_url
    for _ in range(6):  # more than the hour's five registrations: a refusal costs none
        sent = register(web, feeds=f"{base}/new.ics\n{base}/agenda.icss", name="Asso Typo")
        assert sent.status_code == 422
    page = sent.text
    assert "Nous n’avons pas pu lire 1 de ces flux (voir ci-dessous)" in page
    assert f"<code>{base}/agenda.icss</code>" in page and "404" in page  # which one, and why
    assert f">{base}/new.ics\n{base}/agenda.icss</textarea>" in page  # as typed
    assert 'value="Asso Typo"' in page and web.aggregator.registrations() == []
    assert register(web, feeds=f"{base}/new.ics", name="Asso Typo").status_code == 200
    [pending] = web.aggregator.registrations("pending")
    # a field left empty is named first, before any feed is read
    empty = register(web, feeds=f"{base}/agenda.icss", city="").text
    assert "— obligatoire</p>" in empty and "Nous n’avons pas pu lire" not in empty

    # its contact adds a feed that cannot be read: refused, the registration unchanged
    link = f"/manage/{pending.token}"
    fields = {"csrf_token": csrf(web.client, link), "action": "submit", "name": "Asso Typo",
              "kind": "association", "city": "Épinal", "country": "FR", "language": "fr",
              "website": "", "contact": "hello@asso.example.org", "tags": ""}
    added = web.client.post(link + "?lang=de", data={
        **fields, "feeds": f"{base}/new.ics\n{base}/agenda.icss"})
    assert added.status_code == 422 and "1 dieser Feeds konnten wir nicht lesen" in added.text
    assert [f.url for f in web.aggregator.registrations()[0].source.feeds] == [f"{base}/new.ics"]
    # one it already gives, down for a while, does not stop it changing the rest
    web.feeds.remove("/new.ics")
    moved = web.client.post(link + "?lang=en", data={**fields, "city": "Remiremont",
                                                     "feeds": f"{base}/new.ics"})
    assert moved.status_code == 200 and "Changes saved." in moved.text
    assert web.aggregator.registrations()[0].source.city == "Remiremont"


def test_a_registered_home_page_is_answered_with_the_feeds_it_links_to(web: Web) -> None:
    web.feeds.set("/home.html", b'<!DOCTYPE html><html><head><title>Nouvelle Asso</title>'
                  b'<link rel="alternate" type="application/rss+xml" href="/news.xml"></head>'
                  b'<body><a href="webcal://127.0.0.1/new.ics">S\'abonner</a></body></html>',
                  "text/html")
    page = register(web, action="preview", feeds=f"{web.feeds.base_url}/home.html").text
    # in the page's language (French here), what it quotes as it is
    assert (f"une page HTML, pas un flux : &#39;Nouvelle Asso&#39; ; elle mène à "
            f"https://127.0.0.1/new.ics, {web.feeds.base_url}/news.xml") in page


def test_the_contact_changes_its_registration_through_its_private_link(web: Web) -> None:
    """Feeds move and contacts leave: the emailed /manage link changes the registration, the
    source keeps its id (its events stay its own) and nothing else can reach it."""
    web.feeds.set("/new.ics", ics("n1@new", "Atelier Arduino", SOON + timedelta(days=4)), "text/calendar")
    web.feeds.set("/moved.ics", ics("m1@new", "Atelier soudure", SOON + timedelta(days=5)), "text/calendar")
    assert register(web).status_code == 200
    [pending] = web.aggregator.registrations("pending")
    link = f"/manage/{pending.token}"
    page = web.client.get(link, params={"lang": "en"}).text
    assert "<h1>Change “Nouvelle Asso”</h1>" in page and "Registration awaiting approval:" in page
    assert f'<form method="post" action="{link}">' in page
    assert f">{web.feeds.base_url}/new.ics</textarea>" in page and 'value="Épinal"' in page

    assert "Your feeds are read once the registration is approved" in page

    bearer = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    web.client.post(f"/admin/registrations/{pending.id}/approve", headers=bearer)
    web.client.post("/admin/refresh", headers=bearer)
    assert "Atelier Arduino" in web.client.get("/").text
    # the page its organiser is sent to says how its feeds are read (it said nothing)
    health = web.client.get(link, params={"lang": "en"}).text
    assert "<h2>Feed health: up to date</h2>" in health
    assert f"<code>{web.feeds.base_url}/new.ics</code> — up to date, 1 entry" in health

    changed = web.client.post(link + "?lang=en", data={
        "csrf_token": csrf(web.client, link), "action": "submit", "name": "Nouvelle Asso",
        "kind": "association", "city": "Remiremont", "country": "FR", "language": "fr",
        "website": "", "contact": "new-contact@asso.example.org", "tags": "maker, 3d",
        "feeds": f"{web.feeds.base_url}/other.ics\n{web.feeds.base_url}/moved.ics"}).text
    # handed to a new contact: the page neither keeps nor shows a link the former one could use
    assert "Changes saved. The registration is handed to new-contact@asso.example.org" in changed
    assert f'<a href="/sources/{pending.source.id}">See its page and its feeds&#39; health</a>' in changed
    [approved] = web.aggregator.registrations("approved")
    assert approved.token != pending.token and approved.token not in changed
    assert web.client.get(link).status_code == 404  # the former contact's link is dead
    link = f"/manage/{approved.token}"  # mailed to the new contact alone (test_health_mail)
    assert approved.source.id == pending.source.id and approved.source.city == "Remiremont"
    assert [f.url for f in approved.source.feeds] == [
        f"{web.feeds.base_url}/other.ics", f"{web.feeds.base_url}/moved.ics"]
    assert approved.source.tags == ("maker", "3d") and approved.changed_at is not None
    web.client.post("/admin/refresh", headers=bearer)
    status = {e.title: e.status for e in web.aggregator.published().events}
    # the former feed's event left with it: cancelled for the calendars that hold it
    assert status["Atelier soudure"] == "CONFIRMED" and status["Atelier Arduino"] == "CANCELLED"

    refused = web.client.post(link + "?lang=fr", data={
        "csrf_token": csrf(web.client, link), "action": "submit",
        **{k: "" for k in ("name", "kind", "city")}}).text
    assert 'role="alert"' in refused and "— obligatoire</p>" in refused  # in the page's language
    assert web.aggregator.registrations("approved")[0].source.city == "Remiremont"  # unchanged
    assert web.client.post(link, data={"name": "X"}).status_code == 403  # no CSRF token
    assert web.client.get("/manage/not-a-real-secret-token-at-all").status_code == 404
    assert "Disallow: /manage/" in web.client.get("/robots.txt").text
    assert '<a href="/manage">' in web.client.get("/register").text  # a lost link: asked again
    asked = [web.client.post("/manage", data={"csrf_token": csrf(web.client, "/manage"),
                                              "email": email}).text
             for email in ("hello@asso.example.org", "nobody@example.org")]
    assert asked[0] == asked[1] and 'role="status"' in asked[0]  # registered or not: one answer
    admin = web.client.get("/admin", params={"lang": "en"}, headers=bearer).text
    assert f'<a href="{link}">the contact&#39;s link to change it</a>' in admin  # to send it again
    assert "changed by the contact on" in admin


def test_an_organisation_withdraws_itself_and_its_events_leave_without_being_cancelled(
        web: Web) -> None:
    """An organisation that stops publishing through us takes itself out with its private
    link: its events leave every output (they still take place: not CANCELLED), it can ask to
    come back, and the operator approves it again."""
    web.feeds.set("/new.ics", ics("n1@new", "Atelier Arduino", SOON + timedelta(days=4)),
                  "text/calendar")
    assert register(web).status_code == 200
    [pending] = web.aggregator.registrations("pending")
    link, bearer = f"/manage/{pending.token}", {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    web.client.post(f"/admin/registrations/{pending.id}/approve", headers=bearer)
    web.client.post("/admin/refresh", headers=bearer)
    assert "Atelier Arduino" in web.client.get("/").text
    page = web.client.get(link, params={"lang": "en"}).text
    assert '<h2 id="leave-title">Withdraw the organisation from the agenda</h2>' in page

    def leave(action: str, **extra: str) -> str:
        return web.client.post(link + "?lang=en", data={
            "csrf_token": csrf(web.client, link), "action": action, **extra}).text

    unticked = leave("withdraw")
    assert "Tick the box to confirm the withdrawal." in unticked and 'role="alert"' in unticked
    assert web.aggregator.registrations("approved") != []  # nothing happened
    done = leave("withdraw", confirm="yes")
    assert "Organisation withdrawn from the agenda." in done
    assert "Organisation withdrawn from the agenda: its feeds are not read." in done and "Ask to come back" in done
    assert web.aggregator.build_needed()  # the daemon builds again: no feed has to change
    web.aggregator.build()
    assert "Atelier Arduino" not in web.client.get("/").text
    calendar = web.client.get("/calendar.ics").text
    assert "Atelier Arduino" not in calendar  # gone, not a CANCELLED ghost
    assert "Apéro start-up" in calendar  # the others stay
    assert web.client.get(f"/sources/{pending.source.id}").status_code == 404
    assert leave("withdraw", confirm="yes").count('role="alert"') == 1  # once is enough
    admin = web.client.get("/admin", params={"lang": "fr"}, headers=bearer).text
    assert re.search(r"Nouvelle Asso</bdi> \([a-z-]+\): retirée de l’agenda \(\d{4}-\d\d-\d\dT", admin)

    back = leave("rejoin")
    assert "Asked: the registration awaits a moderator&#39;s approval." in back
    [again] = web.aggregator.registrations("pending")
    assert again.source.id == pending.source.id
    web.client.post(f"/admin/registrations/{again.id}/approve", headers=bearer)
    web.client.post("/admin/refresh", headers=bearer)
    assert "Atelier Arduino" in web.client.get("/").text


def test_the_news_pages_page_through_a_month_of_articles_with_the_agendas_filters(
        web: Web) -> None:
    """The agenda shows the 40 newest articles; /news pages through all of them, 50 a page,
    newest first, filtered as the agenda is (the news of organisations of a city...)."""
    titles = [f"Article {n:03d}" for n in range(120)]  # a day apart, Article 000 the newest
    titles = titles[:89]  # the exports keep 90 days of news
    web.feeds.set("/news.xml", rss(*titles), "application/rss+xml")
    web.aggregator.refresh()
    web.aggregator.build()
    home = web.client.get("/", params={"lang": "en", "city": "Nancy"}).text
    assert re.search(r'<a href="[^"]+/news\?city=Nancy">All the news →</a>', home)
    first = web.client.get("/news", params={"lang": "en"}).text
    assert '<li><a href="/news" aria-current="page">News</a></li>' in first  # the menu's
    assert 'role="search" aria-label="Filter the news"' in first  # not "Filter the agenda"
    french = web.client.get("/news", params={"lang": "fr"}).text  # topics named, and "Tous"
    assert '<option value="">Tous</option>\n<option value="ai">IA</option>' in french
    assert 'title="This news as a feed (Atom)"' in first
    # what feed readers list when they discover the site's feeds: words, not file names
    assert '<link rel="alternate" type="application/atom+xml" title="The news (Atom)"' in first
    agenda = web.client.get("/", params={"lang": "de"}).text
    assert '<link rel="alternate" type="text/calendar" title="Die Agenda (iCalendar)"' in agenda

    def listed(html: str) -> list[str]:
        return re.findall(r'<h2[^>]*><a href="https://news\.example\.org/\d+"[^>]*>(Article \d+)</a>',
                          html)

    assert listed(first) == titles[:50]
    assert "89 articles · page 1 of 2" in first
    assert ('<a href="/news?page=2" rel="next">Older<span aria-hidden="true"> →</span></a>'
            in first and "Newer" not in first)
    second = web.client.get("/news", params={"lang": "en", "page": "2"}).text
    assert listed(second) == titles[50:]
    assert '<a href="/news" rel="prev"><span aria-hidden="true">← </span>Newer</a>' in second
    assert "Older" not in second
    assert "<script>" not in second and "About Article 060" in second  # summaries cleaned
    assert listed(web.client.get("/news", params={"page": "999"}).text) == titles[50:]
    assert listed(web.client.get("/news", params={"page": "x"}).text) == titles[:50]
    nancy = web.client.get("/news", params={"lang": "en", "city": "Nancy"}).text
    assert listed(nancy) == titles[:50]  # Le Lab is in Nancy
    assert '<a href="/news?city=Nancy&amp;page=2" rel="next">' in nancy
    assert "/news.atom?city=Nancy" in nancy
    metz = web.client.get("/news", params={"lang": "en", "city": "Metz"}).text
    assert listed(metz) == [] and "No news for this selection." in metz
    searched = web.client.get("/news", params={"lang": "de", "q": "article 007"}).text
    assert listed(searched) == ["Article 007"] and "1 Artikel" in searched


def test_the_news_page_lists_an_article_its_feed_does_not_date_by_when_it_was_first_seen(
        web: Web) -> None:
    """RSS makes pubDate optional: such an article was left off /news; it now stands where
    the day it was first seen (today) puts it, newest, and shows no date it does not have."""
    undated = ("<item><title>Article sans date</title><link>https://news.example.org/undated</link>"
               "<guid>https://news.example.org/undated</guid></item>")
    web.feeds.set("/news.xml", rss("Article 000", "Article 001").replace(
        b"</channel>", undated.encode() + b"</channel>"), "application/rss+xml")
    web.aggregator.refresh()
    web.aggregator.build()
    page = web.client.get("/news", params={"lang": "en"}).text
    titles = re.findall(r'<h2[^>]*><a href="https://news\.example\.org/\w+"[^>]*>([^<]+)</a>', page)
    assert titles == ["Article sans date", "Article 000", "Article 001"]
    assert "3 articles" in page
    entries = page.split("Article sans date")[1].split("Article 000")[0]
    assert "<time" not in entries  # the dated ones have theirs
    assert page.split("Article 000")[1].count("<time") >= 1


def test_an_article_is_dated_by_its_day_where_the_site_is_not_in_utc(web: Web) -> None:
    """Posted at 00:30 in Metz (23:30 UTC the day before): /news and the agenda page dated it
    the day before, as UTC's day, where the feed and its readers say the day after."""
    posted = (datetime.now(ZoneInfo("Europe/Paris")) - timedelta(days=3)).replace(
        hour=0, minute=30, second=0, microsecond=0)
    late = ("<item><title>Article de minuit</title><link>https://news.example.org/midnight</link>"
            f"<pubDate>{posted.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>")
    web.feeds.set("/news.xml", rss("Article 000").replace(
        b"</channel>", late.encode() + b"</channel>"), "application/rss+xml")
    web.aggregator.refresh()
    web.aggregator.build()
    day = f"{posted.day} {posted:%B} {posted.year}"
    for path in ("/news", "/"):
        page = web.client.get(path, params={"lang": "en"}).text
        entry = page.split("Article de minuit")[1][:400]
        assert f">{day}</time>" in entry, (path, entry)


def test_registration_errors_name_the_field_and_keep_the_values(web: Web) -> None:
    page = register(web, contact="not an email", name="Mon Asso").text
    assert 'role="alert"' in page and "Mon Asso" in page
    assert web.aggregator.registrations() == []


def test_honeypot_gets_thanks_and_stores_nothing(web: Web) -> None:
    page = register(web, nickname="bot-filled-this")
    assert page.status_code == 200
    assert web.aggregator.registrations() == []


def test_registration_is_rate_limited_per_ip(web: Web) -> None:
    answers = [register(web, name=f"Asso {n}").status_code for n in range(6)]
    assert answers[:5] == [200] * 5 and answers[5] == 429


def test_an_organiser_who_mistypes_is_not_locked_out(web: Web) -> None:
    """Five forms refused for a typo (no email sent, nothing stored) spent the hour's budget
    of five registrations: the sixth, right, got "try again in a few minutes" for an hour, and
    the form lost what was typed."""
    for n in range(6):
        assert register(web, contact=f"typo {n}").status_code == 200  # the form, with why
    assert register(web, name="Asso juste").status_code == 200
    assert [r.source.name for r in web.aggregator.registrations()] == ["Asso juste"]
    for n in range(4):
        assert register(web, name=f"Asso {n}").status_code == 200
    refused = register(web, name="Asso de trop")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    minutes = -(-int(refused.headers["retry-after"]) // 60)
    assert f"Trop de demandes : réessayez dans {minutes} min." in refused.text
    assert 'value="Asso de trop"' in refused.text  # what was typed stays


def test_admin_refuses_everything_without_a_token(web: Web, tmp_path: Any) -> None:
    import dataclasses

    from webapp import running

    closed = dataclasses.replace(web.aggregator.settings, admin_token=None)
    web.aggregator.settings = closed
    with running(web.aggregator) as url, httpx.Client(base_url=url) as client:
        assert client.get("/admin").status_code == 403
        assert client.post("/admin/refresh",
                           headers={"Authorization": "Bearer anything"}).status_code == 403


def test_admin_login_session_disable_source_and_logout(web: Web) -> None:
    assert web.client.get("/admin").status_code == 303  # to the login form
    token = csrf(web.client, "/admin/login")
    wrong = web.client.post("/admin/login", data={"csrf_token": token, "password": "guess"})
    assert wrong.status_code == 401
    assert web.client.post("/admin/refresh", headers={"Authorization": "Bearer guess"}
                           ).status_code == 401
    ok = web.client.post("/admin/login", data={"csrf_token": token, "password": ADMIN_TOKEN})
    assert ok.status_code == 303
    dashboard = web.client.get("/admin", headers={"Accept-Language": "de"})
    assert dashboard.status_code == 200 and "Zustand der Feeds" in dashboard.text
    # a logged-in admin still needs the CSRF token: another site cannot post for them
    assert web.client.post("/admin/sources/assoc/disable").status_code == 403
    token = csrf(web.client, "/admin")
    switched = web.client.post("/admin/sources/assoc/disable", data={"csrf_token": token})
    assert switched.status_code == 303
    # back on the dashboard, the operator is told what was done (it said nothing)
    assert switched.headers["location"] == "/admin?disabled=assoc"
    told = web.client.get("/admin?disabled=assoc&lang=en").text
    assert ("L&#39;Asso is disabled: no longer read, its events leave the agenda (cancelled "
            "until their date).") in told
    crafted = web.client.get("/admin", params={"lang": "en", "disabled": "Your site is hacked"})
    assert "is disabled" not in crafted.text  # only a known source's name is ever shown
    # a source nobody configured or approved (a stale page, a typo): refused, nothing kept
    assert web.client.post("/admin/sources/nobody/disable",
                           data={"csrf_token": token}).status_code == 404
    assert web.aggregator.disabled_sources() == {"assoc"}
    web.aggregator.build()
    # calendar clients learn it is gone: published CANCELLED until its date passes
    [apero] = [e for e in json_ld(web.client.get("/").text)["@graph"] if e["name"] == "Apéro start-up"]
    assert apero["eventStatus"] == "https://schema.org/EventCancelled"
    web.client.post("/admin/logout", data={"csrf_token": token})
    assert web.client.get("/admin").status_code == 303


def test_the_operators_merge_explanation_leaves_the_build_memos_as_the_last_build_left_them(
        web: Web) -> None:
    """In `aggregator serve`, which never builds, what an explanation's merge kept in the
    memos stayed for good (a build's worth); in the daemon, the generation it started
    dropped what the last build kept for the next."""
    from aggregator.dedup.keys import _PROFILES
    from aggregator.store.codec import _EVENTS

    def held() -> list[tuple[set[Any], set[Any]]]:
        return [(set(memo._current), set(memo._previous)) for memo in (_PROFILES, _EVENTS)]

    web.feeds.set("/assoc.ics", ics("new-1@assoc", "Atelier soudure", SOON + timedelta(days=5)),
                  "text/calendar")
    web.aggregator.refresh()  # a record that no build has read yet
    before = held()
    [uid] = [e.uid for e in web.aggregator.published().events if e.title == "Rencontre IA"]
    page = web.client.get("/admin/events/explain", params={"uid": uid, "lang": "en"},
                          headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert page.status_code == 200
    assert "lab:talk-1@lab" in page.text and "venue:blida-99@venue" in page.text
    assert held() == before


def test_admin_dashboard_counts_each_feeds_warnings(web: Web) -> None:
    web.feeds.set("/assoc.ics", ics("meetup-7@assoc", "Apéro", SOON, extra="RRULE:FREQ=WEEKLY;INTERVAL=0"),
                  "text/calendar")
    web.aggregator.refresh()
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    dashboard = web.client.get("/admin", headers={**auth, "Accept-Language": "en"}).text
    [row] = [r for r in dashboard.split("<tr>") if "/assoc.ics" in r]
    assert "(1 warning)" in row
    assert "(1 Warnung)" in web.client.get("/admin", headers={**auth, "Accept-Language": "de"}).text


def test_refresh_now_reports_its_counts_in_the_admins_language_and_nothing_else(web: Web) -> None:
    token = csrf(web.client, "/admin/login")
    web.client.post("/admin/login", data={"csrf_token": token, "password": ADMIN_TOKEN})
    done = web.client.post("/admin/refresh", data={"csrf_token": csrf(web.client, "/admin")})
    assert done.status_code == 303
    feeds = len(web.aggregator.feed_health())
    events = len(json.loads((web.aggregator.settings.output_dir / "events.json").read_text())["events"])
    page = web.client.get(done.headers["location"], headers={"Accept-Language": "fr"})
    assert f"{feeds} flux lus (0 en erreur), {events} événements publiés." in page.text
    busy = web.client.get("/admin", params={"feeds": "9", "failed": "1", "skipped": "2",
                                            "events": "40", "lang": "en"})
    assert ("9 feeds read (1 failed, 2 being read by another node), 40 events published."
            in busy.text)
    # A crafted link cannot put words on the admin's page.
    crafted = web.client.get("/admin", params={"done": "Token expired: log in at evil.example",
                                               "feeds": "evil.example", "failed": "0",
                                               "skipped": "0", "events": "0"})
    assert "Token expired" not in crafted.text and 'role="status"' not in crafted.text


def test_pages_are_gzipped_for_browsers_that_accept_it(web: Web) -> None:
    """The agenda is read on phones: a browser that accepts gzip gets it compressed."""
    import gzip

    import httpx

    with httpx.Client(base_url=str(web.client.base_url)) as raw:
        with raw.stream("GET", "/", headers={"Accept-Encoding": "gzip"}) as answer:
            wire = b"".join(answer.iter_raw())
            assert answer.headers["content-encoding"] == "gzip"
            assert "Accept-Encoding" in answer.headers["vary"]
            assert "content-security-policy" in answer.headers
    plain = web.client.get("/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(wire) == plain.content and len(wire) < len(plain.content) / 2


def test_each_event_has_a_page_with_its_date_place_description_and_who_posted_it(web: Web) -> None:
    web.feeds.set("/assoc.ics", ics("meetup-7@assoc", "Apéro start-up", SOON + timedelta(days=1),
                                    extra="DESCRIPTION:Venez avec vos idées.\\nEntrée libre."),
                  "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    agenda = web.client.get("/", params={"lang": "en"}).text
    paths = re.findall(r'<a [^>]*href="[a-z]+://[^/"]+(/events/[^"]+)">Details<', agenda)
    assert len(paths) == 2  # one for each event on the agenda
    pages = {re.search(r"<h1[^>]*>(.*?)</h1>", p).group(1): p  # type: ignore[union-attr]
             for p in (web.client.get(path, params={"lang": "en"}).text for path in paths)}
    merged = pages["Rencontre IA"]
    assert re.search(r'<p class="when"><time datetime="[^"]+">\w+day, \d+ \w+ 20\d\d, ', merged)
    assert "TCRM-Blida, 7 avenue de Blida, 57000 Metz" in merged and "Show on a map" in merged
    # both organisations that posted it, each with its own post
    assert re.search(r'<a href="/sources/lab">Le Lab</a> — <a href="https://lab\.example\.org/talk-1"', merged)
    assert '<a href="/sources/venue">La Venue</a>' in merged
    # the links beside "Add to my calendar" read as separate links
    assert re.search(r'>Add to Google Calendar</a> · <a href="https://outlook\.live\.com/[^"]+"[^>]*>'
                     r'Add to Outlook\.com</a> · <a href="https://outlook\.office\.com/[^"]+"[^>]*>'
                     r'Add to Outlook \(Microsoft 365\)</a> · <a href="https://lab\.example\.org/talk-1"'
                     r'[^>]*>Organiser’s page<', merged)
    apero = pages["Apéro start-up"]
    assert '<div class="description" lang="fr">Venez avec vos idées.\nEntrée libre.</div>' in apero
    assert '"@type":"Event"' in apero  # schema.org for search engines
    # what a search result or a link shared on a social network shows
    assert re.search(r'<meta property="og:description" content="\w+day, \d+ \w+ 20\d\d · '
                     r'TCRM-Blida, 7 avenue de Blida, 57000 Metz — Venez avec vos idées\. Entrée libre\.">',
                     apero)
    assert f'<link rel="canonical" href="{web.aggregator.settings.base_url}/events/' in apero
    ics_link = re.search(r'href="(/events/[^"]+\.ics)">Add to my calendar', apero).group(1)  # type: ignore[union-attr]
    calendar = web.client.get(ics_link)
    assert calendar.headers["content-type"].startswith("text/calendar")
    assert "SUMMARY:Apéro start-up" in calendar.text
    assert 'href="https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Ap' in apero
    assert web.client.get("/events/nobody@aggregator").status_code == 404
    assert web.client.get("/events/nobody@aggregator.ics").status_code == 404


def test_a_series_page_says_which_of_its_dates_moves_elsewhere(web: Web) -> None:
    """A weekly café moved one week to another room under another title (its own
    RECURRENCE-ID record): the page listed that date with nothing but the series' place."""
    now = web.aggregator.clock().replace(microsecond=0)
    started = now - timedelta(days=30, hours=-2)
    first = started + timedelta(weeks=5)  # the first weekly date after now
    moved = ics("cafe@assoc", "Café du mardi spécial", first + timedelta(hours=1),
                extra=f"RECURRENCE-ID:{first.strftime('%Y%m%dT%H%M%SZ')}").replace(
        b"LOCATION:TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", b"LOCATION:Salle A008")
    series = ics("cafe@assoc", "Café du mardi", started, extra="RRULE:FREQ=WEEKLY")
    web.feeds.set("/assoc.ics", one_calendar(series, moved), "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    [uid] = [e.uid for e in web.aggregator.published().events if e.title == "Café du mardi"]
    page = web.client.get(f"/events/{quote(uid, safe='')}", params={"lang": "en"}).text
    dates = re.findall(r'<li><time datetime="[^"]+">[^<]*</time>([^<]*)</li>',
                       page.split('<ul class="dates">')[1].split("</ul>")[0])
    assert dates[0] == " — Café du mardi spécial · Salle A008, Metz"
    assert dates[1:] == [""] * (len(dates) - 1)  # the others: the series' own place, above
    # the list stops at the agenda's horizon, the weekly café does not: the page says so
    assert "… and more dates after these: add it to your calendar to see them all." in page
    ending = ics("three@assoc", "Trois ateliers", first, extra="RRULE:FREQ=WEEKLY;COUNT=3")
    web.feeds.set("/assoc.ics", ending, "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    [uid] = [e.uid for e in web.aggregator.published().events if e.title == "Trois ateliers"]
    page = web.client.get(f"/events/{quote(uid, safe='')}", params={"lang": "en"}).text
    assert page.count('<li><time datetime="') == 3 and "more dates after these" not in page


def test_a_series_the_venue_lists_date_by_date_is_one_event_with_its_posts_once(
        web: Web) -> None:
    """The association's calendar writes its weekly dojo as one RRULE, the venue's agenda
    each date as an event of its own: subscribers saw every date twice from the second."""
    first = web.aggregator.clock().replace(microsecond=0) + timedelta(days=3)
    web.feeds.set("/assoc.ics", ics("dojo@assoc", "Coding Dojo", first,
                                    extra="RRULE:FREQ=WEEKLY;COUNT=4"), "text/calendar")
    web.feeds.set("/venue.ics", one_calendar(*(
        ics(f"dojo-{n}@venue", "Coding Dojo", first + timedelta(weeks=n),
            f"https://venue.example.org/agenda/dojo-{n}") for n in range(4))), "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    [dojo] = [e for e in web.aggregator.published().events if e.title == "Coding Dojo"]
    assert dojo.rrule == "FREQ=WEEKLY;COUNT=4" and dojo.source_ids == ("assoc", "venue")
    calendar = web.client.get("/calendar.ics").text
    assert calendar.count("SUMMARY:Coding Dojo") == 1
    page = web.client.get(f"/events/{quote(dojo.uid, safe='')}", params={"lang": "en"}).text
    assert page.count('<a href="/sources/venue">La Venue</a>') == 1
    assert page.count('<li><time datetime="') == 4


def test_an_online_events_page_offers_no_map_and_no_city(web: Web) -> None:
    body = ics("webinar-1@assoc", "Webinaire IA", SOON + timedelta(days=1)).replace(
        b"LOCATION:TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", b"LOCATION:En ligne (Zoom)")
    web.feeds.set("/assoc.ics", body, "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    [uid] = [e.uid for e in web.aggregator.published().events if e.title == "Webinaire IA"]
    page = web.client.get(f"/events/{quote(uid, safe='')}", params={"lang": "en"}).text
    assert "En ligne (Zoom)" in page and "En ligne (Zoom), Metz" not in page
    assert "Show on a map" not in page and "openstreetmap" not in page


def test_search_engines_get_robots_txt_and_a_sitemap_of_every_coming_event(web: Web) -> None:
    import xml.etree.ElementTree as ElementTree

    robots = web.client.get("/robots.txt")
    assert robots.headers["content-type"].startswith("text/plain")
    for private in ("Disallow: /admin", "Disallow: /preferences/", "Disallow: /unsubscribe/"):
        assert private in robots.text
    base = web.aggregator.settings.base_url
    assert f"Sitemap: {base}/sitemap.xml" in robots.text
    sitemap = web.client.get("/sitemap.xml")
    assert sitemap.headers["content-type"].startswith("application/xml")
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    urls = [loc.text for loc in ElementTree.fromstring(sitemap.content).iter(f"{namespace}loc")]
    assert f"{base}/" in urls and f"{base}/sources/lab" in urls
    events = [url for url in urls if "/events/" in url]
    assert len(events) == 2  # Rencontre IA (merged from two feeds) and the apéro
    # each one is a page that answers
    assert all(web.client.get(url.removeprefix(base)).status_code == 200 for url in events)


def test_a_later_page_of_the_agenda_starts_at_its_day(web: Web) -> None:
    first = web.client.get("/", params={"lang": "en"}).text
    assert "Rencontre IA" in first and 'rel="next"' not in first  # two events: one page
    five_years = (web.aggregator.clock() + timedelta(days=5 * 365)).date().isoformat()
    later = web.client.get("/", params={"lang": "en", "from": five_years}).text
    assert "Rencontre IA" not in later and "No upcoming events." in later
    assert web.client.get("/", params={"from": "someday"}).text.count('class="event') == \
        web.client.get("/").text.count('class="event')  # not a date: the first page



def test_the_agenda_form_jumps_to_a_day(web: Web) -> None:
    """"What is on after the holidays?": a date field beside the filters, kept on its page."""
    today = web.aggregator.clock().astimezone(ZoneInfo("Europe/Paris")).date()
    first = web.client.get("/", params={"lang": "en"}).text
    earliest = (today - timedelta(days=30)).isoformat()  # the history the outputs keep
    assert f'<input id="f-from" type="date" name="from" value="" min="{earliest}">' in first
    assert '<label for="f-from">From</label>' in first
    # The day after the talk's last hour (at SOON, 2 hours: late in the evening it ends after
    # midnight, and an event is on every day it runs), which the apéro (a day later) reaches.
    talk_over = (SOON + timedelta(hours=2)).astimezone(ZoneInfo("Europe/Paris")).date()
    day = (talk_over + timedelta(days=1)).isoformat()
    page = web.client.get("/", params={"from": day, "city": "", "q": "", "lang": "en"}).text
    assert f'name="from" value="{day}"' in page and '<a href="/">Show everything</a>' in page
    assert "Apéro start-up" in page and "Rencontre IA" not in page  # the day before is left out


@pytest.mark.parametrize(("today", "last", "weekend", "monday", "first"), [
    (date(2026, 12, 3), date(2026, 11, 23), date(2026, 12, 5), date(2026, 12, 7),
     date(2027, 1, 1)),  # a Thursday
    (date(2026, 12, 5), date(2026, 11, 23), date(2026, 12, 5), date(2026, 12, 7),
     date(2027, 1, 1)),  # Saturday
    (date(2026, 12, 6), date(2026, 11, 23), date(2026, 12, 6), date(2026, 12, 7),
     date(2027, 1, 1)),  # Sunday
    (date(2027, 1, 31), date(2027, 1, 18), date(2027, 1, 31), date(2027, 2, 1),
     date(2027, 2, 1)),  # Sunday, 31st
    (date(2027, 2, 1), date(2027, 1, 25), date(2027, 2, 6), date(2027, 2, 8),
     date(2027, 3, 1)),  # a Monday
])
def test_the_agenda_shortcuts_open_at_the_days_people_plan_for(
        today: date, last: date, weekend: date, monday: date, first: date) -> None:
    assert date_jumps(today) == [("last_week", last), ("this_weekend", weekend),
                                 ("next_week", monday), ("next_month", first)]


def test_the_agenda_shortcuts_keep_the_filters_and_mark_the_day_shown(web: Web) -> None:
    today = web.aggregator.clock().astimezone(ZoneInfo("Europe/Paris")).date()
    monday = date_jumps(today)[2][1].isoformat()
    page = web.client.get("/", params={"city": "Metz", "lang": "fr"}).text
    shortcuts = re.search(r'<nav class="jumps" aria-label="Raccourcis de dates">(.*?)</nav>', page, re.S)
    assert shortcuts is not None and "Aller à : " in shortcuts.group(1)
    assert f'<a href="/?city=Metz&amp;from={monday}">la semaine prochaine</a>' in shortcuts.group(1)
    assert 'aria-current' not in shortcuts.group(1) or today.weekday() >= 5
    later = web.client.get("/", params={"city": "Metz", "from": monday, "lang": "de"}).text
    assert f'<a href="/?city=Metz&amp;from={monday}" aria-current="true">nächste Woche</a>' in later
    assert f'name="from" value="{monday}"' in later
    plain = web.client.get("/", params={"from": monday, "lang": "en"}).text
    weekend = date_jumps(today)[1][1]
    assert (f'<a href="/">this weekend</a>' if weekend == today else
            f'<a href="/?from={weekend.isoformat()}">this weekend</a>') in plain  # not "/?"


def test_the_agenda_opens_on_past_days_to_find_what_took_place(web: Web) -> None:
    """"Where are the slides of last Tuesday's meetup?": the agenda goes back as far as the
    outputs keep events, marks what is over, and its first page still starts now."""
    zone = ZoneInfo("Europe/Paris")
    held = datetime.now(zone).replace(hour=18, minute=30, second=0, microsecond=0) \
        - timedelta(days=4)
    web.feeds.set("/assoc.ics", ics("meetup-6@assoc", "Apéro de novembre", held),
                  "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    first = web.client.get("/", params={"lang": "en"}).text
    assert "Apéro de novembre" not in first and "Upcoming events" in first
    day = (held - timedelta(days=1)).date().isoformat()
    page = web.client.get("/", params={"from": day, "lang": "en"}).text
    assert f'name="from" value="{day}"' in page and "<h2 id=\"events\">Events</h2>" in page
    rows = re.findall(r'<li class="event[^"]*">.*?</li>', page, re.S)
    [past] = [row for row in rows if "Apéro de novembre" in row]
    assert 'class="event past"' in past and '<span class="badge">Past</span>' in past
    assert "Ongoing" not in past
    coming = [row for row in rows if "Rencontre IA" in row]
    assert coming and all("Past" not in row for row in coming)  # the page goes on into the future
    assert page.index("Apéro de novembre") < page.index("Rencontre IA")
    german = web.client.get("/", params={"from": day, "lang": "de"}).text
    assert '<span class="badge">Vorbei</span>' in german
    too_old = (held - timedelta(days=40)).date().isoformat()  # older than the history kept
    assert "Apéro de novembre" not in web.client.get("/", params={"from": too_old}).text


def test_the_last_week_shortcut_opens_at_last_monday(web: Web) -> None:
    today = web.aggregator.clock().astimezone(ZoneInfo("Europe/Paris")).date()
    monday = (today - timedelta(days=today.weekday() + 7)).isoformat()
    page = web.client.get("/", params={"lang": "en", "kind": "lab"}).text
    assert f'<a href="/?kind=lab&amp;from={monday}">last week</a>' in page
    opened = web.client.get("/", params={"lang": "en", "kind": "lab", "from": monday}).text
    assert f'<a href="/?kind=lab&amp;from={monday}" aria-current="true">last week</a>' in opened


def test_a_later_page_far_in_the_future_or_past_is_the_first_page_not_a_crash(web: Web) -> None:
    """?from= is typed by people and robots: a series expanded from year 9999 overflowed."""
    web.feeds.set("/assoc.ics", ics("meetup-7@assoc", "Apéro start-up", SOON + timedelta(days=1),
                                    extra="RRULE:FREQ=WEEKLY"), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    first = web.client.get("/").text.count('class="event')
    for day in ("9999-12-31", "0001-01-01", "2026-W01"):
        answer = web.client.get("/", params={"from": day})
        assert answer.status_code == 200, day
        assert answer.text.count('class="event') == first, day


def test_a_new_build_is_loaded_by_the_server_before_anyone_asks(web: Web) -> None:
    from aggregator.published import _version

    web.client.get("/")
    web.feeds.set("/assoc.ics", ics("hack-2@assoc", "Hackathon santé", SOON + timedelta(days=3)),
                  "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    new = _version(web.aggregator.settings.output_dir)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and web.aggregator._published.version != new:  # type: ignore[union-attr]
        time.sleep(0.05)
    # the web server's own thread decoded the new events.json: no visitor waited for it
    assert web.aggregator._published.version == new  # type: ignore[union-attr]
    assert "Hackathon santé" in web.client.get("/").text


def test_visitors_are_answered_from_the_last_build_while_the_next_one_loads(web: Web) -> None:
    web.feeds.set("/assoc.ics", ics("hack-3@assoc", "Hackathon mobilité", SOON + timedelta(days=3)),
                  "text/calendar")
    web.aggregator.refresh()
    with web.aggregator._published_lock:  # as while another thread decodes the new build
        web.aggregator.build()
        started = time.monotonic()
        during = web.client.get("/", params={"lang": "en"}, timeout=5).text
        assert time.monotonic() - started < 2
        assert "Hackathon mobilité" not in during and "Apéro start-up" in during
    deadline = time.monotonic() + 10
    while "Hackathon mobilité" not in web.client.get("/").text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Hackathon mobilité" in web.client.get("/").text


def test_one_aggregator_loading_its_view_leaves_another_one_current(web: Web) -> None:
    """Two sites in one process (or two tests): each has its own lock, so one loading its
    new build's view does not make the other answer from its old one."""
    from aggregator.core import make_aggregator

    other = make_aggregator(web.aggregator.settings)  # reads the same output directory
    try:
        before = other.published().version
        web.feeds.set("/assoc.ics", ics("hack-4@assoc", "Hackathon eau", SOON + timedelta(days=3)),
                      "text/calendar")
        web.aggregator.refresh()
        with web.aggregator._published_lock:  # the first one decodes its new build
            web.aggregator.build()
            assert other.published().version != before
            assert "Hackathon eau" in {e.title for e in other.published().events}
    finally:
        other.close()


def test_the_agendas_news_follow_its_filters(web: Web) -> None:
    lab = web.client.get("/", params={"source": "lab", "lang": "en"}).text
    assert "Nouveau labo" in lab  # Le Lab's news under its events
    assert 'href="http://' in lab and (  # named in the page's language (as the calendar)
        "/news.atom?source=lab&amp;lang=en\">This selection&#39;s news (Atom)</a>" in lab)
    venue = web.client.get("/", params={"source": "venue", "lang": "en"}).text
    assert "Rencontre IA" in venue and "Nouveau labo" not in venue  # La Venue posts no news
    assert "Nouveau labo" in web.client.get("/", params={"q": "labo"}).text
    assert "Nouveau labo" not in web.client.get("/", params={"city": "Metz"}).text
    assert "news.atom?" not in web.client.get("/").text  # no selection: the site's feed alone


def test_an_organisations_page_lists_its_newest_news_with_their_feed(web: Web) -> None:
    lab = web.client.get("/sources/lab", params={"lang": "en"}).text
    section = lab.split("<h2>Latest news</h2>")[1]
    # newest first (the first item of the feed is a day old, the second two days)
    assert re.findall(r'<a href="https://news\.example\.org/\d"[^>]*>([^<]+)</a>', section) == [
        "Appel à projets", "Nouveau labo"]
    assert "/news.atom?source=lab\">Follow its news (Atom)</a>" in section
    venue = web.client.get("/sources/venue", params={"lang": "en"}).text
    assert "Latest news" not in venue  # it publishes no news
    assert '/events.atom?source=venue&amp;lang=en">Follow these events (Atom)</a>' in venue
    # the code to show its dates on its own site, in its own language (French here)
    base = web.aggregator.settings.base_url
    code = (f'&lt;iframe src=&#34;{base}/embed?source=venue&amp;amp;lang=fr&#34; '
            'title=&#34;La Venue&#34; width=&#34;100%&#34; height=&#34;600&#34;')
    assert f'<textarea id="embed-code" readonly rows="3">{code}' in venue
    framed = web.client.get("/embed", params={"source": "venue", "lang": "fr"})
    assert "Rencontre IA" in framed.text and "frame-ancestors 'none'" not in str(framed.headers)


def test_an_events_page_leads_to_the_organisations_next_events(web: Web) -> None:
    apero = ics("meetup-7@assoc", "Apéro start-up", SOON + timedelta(days=1))
    pitch = ics("pitch-1@assoc", "Soirée pitch", SOON + timedelta(days=3))
    web.feeds.set("/assoc.ics", apero.replace(
        b"END:VCALENDAR", pitch[pitch.index(b"BEGIN:VEVENT"):].removesuffix(b"\r\n")), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    uids = {e.title: e.uid for e in web.aggregator.published().events}
    page = web.client.get(f"/events/{quote(uids['Apéro start-up'], safe='')}", params={"lang": "en"}).text
    more = page.split("<h2>Coming next from L&#39;Asso</h2>")[1]
    assert (f'<a href="/events/{quote(uids["Soirée pitch"], safe="")}" lang="fr">Soirée pitch</a>'
            in more)  # a French title on an English page
    assert "Apéro start-up" not in more  # not itself
    assert '<a href="/sources/assoc">Every event from L&#39;Asso</a>' in more
    alone = web.client.get(f"/events/{quote(uids['Rencontre IA'], safe='')}", params={"lang": "en"}).text
    assert "Coming next from" not in alone  # Le Lab posts nothing else


def test_the_newsletter_archive_reads_in_the_visitors_language(web: Web) -> None:
    """An English or German visitor of /digests read every archived newsletter in French."""
    web.aggregator.digest_preview("2026-W49")
    listing = web.client.get("/digests", params={"lang": "de"}).text
    assert listing.count('href="/digests/2026-W49"') == 1  # one week, whatever its copies
    english = web.client.get("/digests/2026-W49", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "Get this email every week" in english.text
    german = web.client.get("/digests/2026-W49", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert '<html lang="de">' in german.text
    french = web.client.get("/digests/2026-W49", params={"lang": "fr"})
    assert '<html lang="fr">' in french.text
    (web.tmp_path / "output" / "digest" / "2026-W49.de.html").unlink()  # archived before
    assert '<html lang="fr">' in web.client.get("/digests/2026-W49", params={"lang": "de"}).text


def test_the_newsletter_archive_names_each_week_by_its_monday_not_its_iso_code(web: Web) -> None:
    """A subscriber looking for last month's letter read "Semaine 2026-W49": ISO week codes
    mean nothing to most readers. Each week reads as the digest's own heading does."""
    web.aggregator.digest_preview("2026-W49")
    web.aggregator.digest_preview("2026-W01")
    (web.tmp_path / "output" / "digest" / "2026-W54.html").write_text("copied by hand")
    labels = {language: re.findall(r'<a href="/digests/[^"]+"><time[^>]*>([^<]+)</time></a>',
                                   web.client.get("/digests", params={"lang": language}).text)
              for language in ("fr", "en", "de")}
    assert labels == {"fr": ["Semaine du 30 novembre 2026", "Semaine du 29 décembre 2025"],
                      "en": ["Week of 30 November 2026", "Week of 29 December 2025"],
                      "de": ["Woche vom 30. November 2026", "Woche vom 29. Dezember 2025"]}
    feed = web.client.get("/digests.atom").text
    assert "<title>Semaine du 30 novembre 2026 – " in feed and "2026-W49 –" not in feed


def test_the_newsletter_archive_is_a_feed_readers_can_follow(web: Web) -> None:
    """Each archived week an entry: its subject as title, its text in full, its page as id."""
    import feedparser

    empty_answer = web.client.get("/digests.atom")
    empty = feedparser.parse(empty_answer.content)
    assert not empty.bozo and empty.entries == []
    time.sleep(1.1)  # the feed's dates have seconds: a date of "now" would differ by now
    assert web.client.get("/digests.atom", headers={
        "If-None-Match": empty_answer.headers["etag"]}).status_code == 304
    html_copy, _ = web.aggregator.digest_preview("2026-W49")
    web.aggregator.digest_preview("2026-W50")
    answer = web.client.get("/digests.atom")
    assert answer.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert [entry.id.rsplit("/", 1)[1] for entry in feed.entries] == ["2026-W50", "2026-W49"]
    entry = feed.entries[1]
    subject = re.search(r"<title>(.*?)</title>", html_copy.read_text(encoding="utf-8"))
    assert subject is not None
    assert entry.title == f"Semaine du 30 novembre 2026 – {html_unescape(subject[1])}"
    assert entry.link.endswith("/digests/2026-W49")
    assert entry.summary == html_copy.with_suffix(".txt").read_text(encoding="utf-8").strip()
    again = web.client.get("/digests.atom", headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304
    page = web.client.get("/digests").text
    assert 'type="application/atom+xml"' in page and 'href="/digests.atom"' in page


def test_a_topic_reads_in_the_readers_language_or_as_its_slug_spaced() -> None:
    from aggregator.topics import topic

    assert [topic("ai", language) for language in ("fr", "en", "de")] == ["IA", "AI", "KI"]
    assert topic("open-source", "fr") == "Logiciel libre"
    assert topic("low-code", "de") == "Low code"  # one the table does not know


def test_an_event_at_the_end_of_time_stops_no_build(web: Web) -> None:
    """A hostile or mistyped DTSTART:99991231T233000Z (Paris is in the year 10000 then) made
    every build raise OverflowError: that event is skipped with its reason, the feed's other
    events are published and their pages answer."""
    body = ics("far@assoc", "Fin des temps", datetime(9999, 12, 31, 21, 30, tzinfo=ZoneInfo("UTC")),
               "https://asso.example.org/fin")  # ends at 23:30, where it then starts:
    body = body.replace(b"DTSTART:99991231T213000Z", b"DTSTART:99991231T233000Z")
    web.feeds.set("/assoc.ics", one_calendar(body, ics("near@assoc", "Atelier", SOON)),
                  "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    titles = {e.title: e.uid for e in web.aggregator.published().events}
    assert "Atelier" in titles and "Fin des temps" not in titles
    page = web.client.get(f"/events/{quote(titles['Atelier'], safe='')}", params={"lang": "en"})
    assert page.status_code == 200
    health = web.client.get("/sources/assoc", params={"lang": "en"}).text
    assert "is at the very end of the calendar" in health
