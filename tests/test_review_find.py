"""How a reader finds events: filters and searches written as people write them (a city in
lower case or in another language, a topic in the reader's words), over real HTTP."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from aggregator.selection import Selection, as_offered, fold, searched_texts
from sites import SOON, ics, one_calendar
from test_review_pages import agenda_titles
from webapp import Web, web  # noqa: F401  (fixture)

SELECTED = re.compile(r'<select id="f-(\w+)"[^>]*>(.*?)</select>', re.DOTALL)


def selected(page: str) -> dict[str, str]:
    """The value each filter of the page shows as chosen ("" for none)."""
    chosen = {}
    for name, options in SELECTED.findall(page):
        found = re.search(r'<option value="([^"]*)" selected>', options)
        chosen[name] = found.group(1) if found else ""
    return chosen


def test_a_filter_written_otherwise_than_offered_stays_chosen_in_the_form(web: Web) -> None:
    """A partner's embed written /embed?city=metz (as calendars/metz.ics is named) led, by
    its 'more' link, to /?city=metz: the agenda showed Metz's events, but its form said
    'All cities', so choosing a topic then dropped Metz without a word; and 'Follow this
    selection by email' opened the sign-up form with no box ticked (every city followed).
    A city, kind or topic is now taken as the form offers it (case, accents, its slug, the
    topic's name in the reader's language)."""
    embed = web.client.get("/embed", params={"city": "metz", "lang": "en"}).text
    assert "– Metz" in embed  # the heading names the city as written, not "metz"
    more = re.search(r'<a href="([^"]+)" rel="noopener">', embed)
    assert more and "city=Metz" in more.group(1)
    page = web.client.get("/", params={"city": "metz", "kind": "Lab", "tag": "KI",
                                       "lang": "de"}).text
    assert selected(page) == {"city": "Metz", "kind": "lab", "tag": "ai", "source": ""}
    assert 'href="/subscribe?city=Metz&amp;kind=lab&amp;tag=ai"' in page
    metz = web.client.get("/", params={"city": "METZ", "tag": "IA"}).text
    assert selected(metz)["tag"] == "ai" and "Rencontre IA" in metz  # a topic in French words
    form = web.client.get("/subscribe", params={"city": "nancy", "tag": "KI"}).text
    ticked = re.findall(r'name="(\w+)" value="([^"]*)" checked', form)
    assert sorted(ticked) == [("cities", "Nancy"), ("tags", "ai")]
    news = web.client.get("/news", params={"city": "nancy"}).text
    assert selected(news)["city"] == "Nancy"
    directory = web.client.get("/sources", params={"city": "metz", "kind": "VENUE"}).text
    assert selected(directory) == {"city": "Metz", "kind": "venue", "tag": ""}


def test_a_city_named_in_another_language_is_the_city_the_filters_offer() -> None:
    """A German partner's embed written ?city=Luxemburg listed nothing: the city is
    Luxembourg in the organisations' list (and Kirchberg is not the country)."""
    cities = ("Luxembourg", "Metz", "Épinal", "Esch-sur-Alzette")
    assert as_offered(Selection(city="Luxemburg"), cities, ()).city == "Luxembourg"
    assert as_offered(Selection(city="Lëtzebuerg"), cities, ()).city == "Luxembourg"
    assert as_offered(Selection(city="epinal"), cities, ()).city == "Épinal"
    assert as_offered(Selection(city="Esch/Alzette"), cities, ()).city == "Esch-sur-Alzette"
    assert as_offered(Selection(city="Kirchberg"), cities, ()).city == "Kirchberg"
    assert as_offered(Selection(kind="Verein", tag="Cybersécurité"), cities,
                      ("cybersecurity",)) == Selection(kind="association", tag="cybersecurity")


def test_a_search_finds_a_city_by_its_name_in_the_readers_language(web: Web) -> None:
    """A German reader searching "Luxemburg" found none of the events in Luxembourg (nor
    "Lëtzebuerg" a Luxembourger's), a French one searching "Sarrebruck" none in Saarbrücken,
    "Trèves" none in Trier: the agenda lists their city as its organisers write it."""
    def event(number: int, title: str, place: str) -> bytes:
        found = ics(f"c{number}@assoc", title, SOON + timedelta(days=number))
        return found.replace(b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", place.encode())

    web.feeds.set("/assoc.ics", one_calendar(
        event(1, "Demo Day", "House of Startups\\, 9 rue du Laboratoire\\, Luxembourg"),
        event(2, "KI-Stammtisch", "Saarbrücken"),
        event(3, "Hackathon Mosel", "Trier"),
        event(4, "Atelier Arduino", "Nancy"),
        event(5, "Repair café", "Laxou"),
    ), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    assert agenda_titles(web, q="Luxembourg") == ["Demo Day"]
    assert agenda_titles(web, q="Luxemburg") == ["Demo Day"]
    assert agenda_titles(web, q="Lëtzebuerg") == ["Demo Day"]
    assert agenda_titles(web, q="Sarrebruck") == ["KI-Stammtisch"]
    assert agenda_titles(web, q="Trèves") == ["Hackathon Mosel"]
    assert agenda_titles(web, q="demo luxemburg") == ["Demo Day"]
    assert agenda_titles(web, q="Laxou") == ["Repair café"]  # a suburb is no name of Nancy


def title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
    assert found
    return html.unescape(found.group(1))


def test_a_filtered_page_says_its_selection_in_its_title(web: Web) -> None:
    """A screen reader announces a page by its title when it loads: after 'Filter', the
    agenda of Metz, a search for 'python' and the whole agenda were all announced
    'Agenda numérique…' (and so were they named in the tabs, the history and bookmarks),
    the news and the directory alike. Their titles now begin with the selection, in the
    page's words."""
    whole = title(web.client.get("/", params={"lang": "de"}).text)
    assert title(web.client.get("/", params={"city": "Metz", "tag": "ai", "lang": "de"}).text
                 ) == f"Metz / KI – {whole}"
    assert title(web.client.get("/", params={"q": " Python ", "source": "lab", "lang": "fr"}).text
                 ).startswith("Le Lab / « Python » – ")
    assert title(web.client.get("/news", params={"city": "nancy", "lang": "en"}).text
                 ).startswith("Nancy – News – ")
    assert title(web.client.get("/sources", params={"kind": "lab", "lang": "fr"}).text
                 ).startswith("Laboratoire – Organisations – ")
    assert title(web.client.get("/sources", params={"lang": "fr"}).text
                 ).startswith("Organisations – ")


def test_a_search_for_a_programming_language_finds_that_language(web: Web) -> None:
    """A developer searching "C++" or "C#" got nearly the whole agenda: the signs were
    dropped, leaving "c", found at the start of every "café", "conférence", "club"; ".NET"
    found every "réseau.net" address. They are now read as the words they are, as the
    topics already read them (C++ is cpp, C# csharp, .NET dotnet)."""
    def event(number: int, title: str) -> bytes:
        return ics(f"p{number}@assoc", title, SOON + timedelta(days=number))

    web.feeds.set("/assoc.ics", one_calendar(
        event(1, "Meetup C++20 : les modules"),
        event(2, "Atelier C# et .NET 9"),
        event(3, "F# pour les data scientists"),
        event(4, "Café conférence du club (inscription sur www.club-reseau.net)"),
        event(5, "CppCon en différé"),
    ), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    assert agenda_titles(web, q="C++") == ["CppCon en différé", "Meetup C++20 : les modules"]
    assert agenda_titles(web, q="c#") == ["Atelier C# et .NET 9"]
    assert agenda_titles(web, q=".NET") == ["Atelier C# et .NET 9"]
    assert agenda_titles(web, q="dotnet") == ["Atelier C# et .NET 9"]
    assert agenda_titles(web, q="F#") == ["F# pour les data scientists"]
    assert agenda_titles(web, q="club") == [
        "Café conférence du club (inscription sur www.club-reseau.net)"]


def test_an_events_page_in_english_or_german_is_its_own_for_search_engines(web: Web) -> None:
    """The English and German pages of an event named the bare address (French to a
    crawler) as their canonical one: search engines took them for copies and dropped
    them, and a German speaker searching the web only met the event in French. Each page
    now names itself canonical, and all three by language (hreflang)."""
    uid = web.aggregator.published().events[0].uid
    bare = f"{web.aggregator.settings.base_url}/events/{uid.replace('@', '%40')}"
    links = {}
    for lang in ("fr", "en", "de"):
        page = web.client.get(f"/events/{uid}", params={"lang": lang}).text
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', page)
        og_url = re.search(r'<meta property="og:url" content="([^"]+)">', page)
        assert canonical and og_url
        links[lang] = html.unescape(canonical.group(1))
        assert html.unescape(og_url.group(1)) == links[lang]
        alternates = dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">',
                                     page))
        assert alternates == {"fr": bare, "en": f"{bare}?lang=en", "de": f"{bare}?lang=de",
                              "x-default": bare}
    assert links == {"fr": bare, "en": f"{bare}?lang=en", "de": f"{bare}?lang=de"}


def test_a_window_that_ends_before_it_starts_is_refused_with_why(web: Web) -> None:
    """A partner's widget asking /events.json?from=2026-12-13&to=2026-12-07 (the two dates
    swapped) got an empty list, 200, as if nothing were planned that week; it is now told
    (422) that the window ends before it starts. A window of no length stays an answer."""
    for window in ({"from": "2026-12-13", "to": "2026-12-07"},
                   {"from": "2026-12-07T18:00:00+01:00", "to": "2026-12-07T17:00:00+01:00"}):
        answer = web.client.get("/events.json", params=window)
        assert answer.status_code == 422
        assert answer.json() == {"detail": f"from ({window['from']}) is after to "
                                           f"({window['to']}): swap them"}
    same = web.client.get("/events.json", params={"from": "2026-12-07T18:00:00Z",
                                                  "to": "2026-12-07T18:00:00Z"})
    assert same.status_code == 200 and same.json()["events"] == []


def test_a_search_for_a_past_event_offers_the_past_days(web: Web) -> None:
    """A reader looking for last week's talk (its slides, its photos) searched its title
    and read 'No upcoming event matches this selection: try fewer filters or other words',
    though the agenda keeps the past weeks: nothing said where it was. Such a page now
    says that past events match and links to them."""
    held = datetime.now(UTC) - timedelta(days=3)
    web.feeds.set("/assoc.ics", ics("meetup-6@assoc", "Apéro de novembre", held),
                  "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    page = web.client.get("/", params={"q": "apéro novembre", "lang": "en"}).text
    assert "No upcoming event matches this selection" in page
    link = re.search(r'<a href="([^"]+)">Past events match this selection: see them</a>', page)
    assert link, "no way to the past events"
    past = web.client.get(html.unescape(link.group(1))).text
    assert agenda_titles_of(past) == ["Apéro de novembre"]
    for nothing_past in ({"q": "rencontre"}, {"q": "zzz"}):
        assert "Past events match" not in web.client.get("/", params=nothing_past).text


def agenda_titles_of(page: str) -> list[str]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert match
    data: Any = json.loads(match.group(1))
    events = data if isinstance(data, list) else data.get("@graph", [data])
    return sorted(e["name"] for e in events if e.get("@type") == "Event")


def test_a_german_word_typed_without_umlauts_finds_it(web: Web) -> None:
    """A German reader at a keyboard without umlauts writes them 'ue', 'oe', 'ae', as German
    does: 'Saarbruecken', 'Kuenstliche Intelligenz', 'Koeln' found nothing written with ü, ö
    (only 'Saarbrucken' did, which nobody writes). Such a spelling now finds them, and a
    French 'oeuvre' still does not find 'ouvre'."""
    def event(number: int, title: str, place: str = "Salle 2") -> bytes:
        found = ics(f"u{number}@assoc", title, SOON + timedelta(days=number))
        return found.replace(b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", place.encode())

    web.feeds.set("/assoc.ics", one_calendar(
        event(1, "Künstliche Intelligenz im Mittelstand", "Saarbrücken"),
        event(2, "Datenschutz für Vereine", "Köln"),
        event(3, "Atelier : on ouvre le fablab"),
        event(4, "Stammtisch der Gründerinnen"),
    ), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    assert agenda_titles(web, q="Saarbruecken") == ["Künstliche Intelligenz im Mittelstand"]
    assert agenda_titles(web, q="kuenstliche intelligenz") == [
        "Künstliche Intelligenz im Mittelstand"]
    assert agenda_titles(web, q="Künstliche") == ["Künstliche Intelligenz im Mittelstand"]
    assert agenda_titles(web, q="Datenschutz fuer Koeln") == ["Datenschutz für Vereine"]
    assert agenda_titles(web, q="Gruenderinnen") == ["Stammtisch der Gründerinnen"]
    assert agenda_titles(web, q="oeuvre") == []
    assert agenda_titles(web, q="ouvre") == ["Atelier : on ouvre le fablab"]
    for text in ("Köln", "KÜNSTLICHE Ku\u0308nstliche", "Groß ÄRGER", "C++ à Metz", ""):
        assert searched_texts([text])[0].split() == fold(text).split()  # both read alike


def test_the_open_data_takes_a_filter_in_the_readers_words(web: Web) -> None:
    """A German partner's script asking /events.json?kind=Labor&tag=KI, or subscribing to
    /calendar.ics?tag=KI, got an empty answer (200, nothing said) though the lab's talk
    was there: the open data now reads a kind, a topic or a city as the pages do."""
    def titles(path: str, **params: str) -> list[str]:
        answer = web.client.get(path, params=params)
        assert answer.status_code == 200, answer.text
        return sorted(e["title"] for e in answer.json()["events"])

    assert titles("/events.json", kind="Labor", tag="KI") == titles(
        "/events.json", kind="lab", tag="ai") == ["Rencontre IA"]
    assert titles("/events.json", city="METZ", tag="IA") == ["Rencontre IA"]
    calendar = web.client.get("/calendar.ics", params={"tag": "KI", "lang": "de"}).text
    assert "SUMMARY:Rencontre IA" in calendar and "X-WR-CALNAME:Agenda" in calendar
    assert re.search(r"X-WR-CALNAME:[^\r\n]*– KI\r\n", calendar)
    news = web.client.get("/news.json", params={"tag": "KI"}).json()["items"]
    assert news and news == web.client.get("/news.json", params={"tag": "ai"}).json()["items"]


def test_a_word_written_joined_or_hyphenated_finds_both_spellings(web: Web) -> None:
    """French writes "start-up" and "startup", "meet-up" and "meetup", "open source" and
    "opensource": a reader searching one spelling missed every event written the other
    ("start-up" found 3 of the demo's 11 start-up events). Either spelling now finds both,
    and "Esch-sur-Alzette" is still its three words."""
    def event(number: int, title: str, place: str = "Salle 2") -> bytes:
        found = ics(f"h{number}@assoc", title, SOON + timedelta(days=number))
        return found.replace(b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", place.encode())

    web.feeds.set("/assoc.ics", one_calendar(
        event(1, "Apéro start-up"),
        event(2, "Startup Weekend"),
        event(3, "Meetup Python"),
        event(4, "Meet-up Rust"),
        event(5, "Journée open source"),
        event(6, "Atelier opensource", "Technoport\\, Esch-sur-Alzette"),
        event(7, "Star tuning"),
    ), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    start_ups = ["Apéro start-up", "Startup Weekend"]
    assert agenda_titles(web, q="startup") == start_ups
    assert agenda_titles(web, q="start-up") == start_ups
    assert agenda_titles(web, q="Start-up weekend") == ["Startup Weekend"]
    assert agenda_titles(web, q="meetup") == agenda_titles(web, q="meet-up") == [
        "Meet-up Rust", "Meetup Python"]
    assert agenda_titles(web, q="opensource") == ["Atelier opensource", "Journée open source"]
    assert agenda_titles(web, q="esch-sur-alzette") == ["Atelier opensource"]


def test_a_subscribers_choices_stay_ticked_where_the_form_lists_them_otherwise(web: Web) -> None:
    """A subscriber added as 'metz' (the command line, an old link) or following a city
    only events are in ('Strasbourg') saw its preferences with nothing ticked: saving them
    to change its language dropped its city, and its digest and calendar listed everything.
    The sign-up link of an agenda of such a city opened the form unticked too. A value is
    now ticked where the form lists it under another spelling, and listed ticked where the
    form does not list it."""
    web.feeds.set("/assoc.ics", ics("far@assoc", "Hackathon", SOON).replace(
        b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", b"Shadok\\, Strasbourg"),
        "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    assert "Hackathon" in web.client.get("/", params={"city": "Strasbourg"}).text
    subscriber, _ = web.aggregator.add_subscriber(
        "follower@example.org", confirmed=True, cities=["metz", "Strasbourg"], tags=["KI"],
        kinds=["Lab"])
    page = web.client.get(f"/preferences/{subscriber.token}").text
    ticked = sorted(re.findall(r'name="(\w+)" value="([^"]*)" checked', page))
    assert ticked == [("cities", "Metz"), ("cities", "Strasbourg"), ("kinds", "lab"),
                      ("tags", "ai")]
    assert '> Strasbourg</label>' in page
    form = web.client.get("/subscribe", params={"city": "Strasbourg"}).text
    assert re.findall(r'name="(\w+)" value="([^"]*)" checked', form) == [
        ("cities", "Strasbourg")]


def test_the_directory_finds_an_organisation_by_its_topic_in_the_readers_words(web: Web) -> None:
    """The directory says it searches organisations' topics, but read them as the operator's
    slugs: a French reader searching 'IA' or 'Intelligence artificielle', a German one 'KI',
    did not find the lab whose topic is ai (shown to them as 'IA', 'KI')."""
    def found(q: str, lang: str) -> list[str]:
        page = web.client.get("/sources", params={"q": q, "lang": lang}).text
        return re.findall(r'<td><a href="/sources/(\w+)">', page)

    assert found("IA", "fr") == found("KI", "de") == found("AI", "en") == ["lab"]
    assert found("Données", "fr") == []
    assert found("start-up", "fr") == ["assoc"]
