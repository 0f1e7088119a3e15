"""A German-speaking subscriber in Luxembourg, end to end (review): the agenda searched and
filtered in her words, her digest, her calendars. Real HTTP against the web app on a built
site, real SQLite, real SMTP."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from pathlib import Path

from click.testing import CliRunner, Result

from aggregator.cli import cli
from digest_site import WEEK, cli_environment, digest_app
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from sites import SOON, ics, one_calendar
from webapp import Web, web  # noqa: F401  (fixture)


def agenda_titles(web: Web, **params: str) -> list[str]:
    """The events the agenda shows for ``params``, as its JSON-LD names them."""
    html = web.client.get("/", params=params).text
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    if match is None:
        return []
    data: Any = json.loads(match.group(1))
    events = data if isinstance(data, list) else data.get("@graph", [data])
    return sorted(e["name"] for e in events if e.get("@type") == "Event")


def publish_events(web: Web, *events: tuple[str, str]) -> None:
    """The association's feed with these (title, place) events, refreshed and built."""
    def event(number: int, title: str, place: str) -> bytes:
        found = ics(f"lux{number}@assoc", title, SOON + timedelta(days=number))
        return found.replace(b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", place.encode())

    web.feeds.set("/assoc.ics", one_calendar(
        *(event(n, title, place) for n, (title, place) in enumerate(events, 1))), "text/calendar")
    web.aggregator.refresh(force=True)
    web.aggregator.build()


def test_a_topic_searched_in_german_finds_its_events_written_in_french_or_english(
        web: Web) -> None:
    """Julia searched the agenda for "KI", the word the German pages themselves give the
    topic: she got the meetups at the Kirchberg Tech Hub (the "ki" of "Kirchberg") and none
    of the "Café IA", "l'IA générative" or "AI" talks; "Künstliche Intelligenz",
    "Cybersicherheit" and "Datenschutz" found nothing on an agenda written in French and
    English, and an English reader's "AI" found a Python "entraide". A word naming a topic
    now finds the topic's names in the three languages, and a word of two letters is a whole
    word."""
    publish_events(
        web,
        ("Café IA : l'IA générative au quotidien", "Salle 2\\, Nancy"),
        ("Artificial intelligence for SMEs", "House of Startups\\, Luxembourg"),
        ("AI Breakfast", "Technoport\\, Esch-sur-Alzette"),
        ("Cyber Stammtisch: Phishing-Abwehr", "Kirchberg Tech Hub\\, Luxembourg"),
        ("Conférence cybersécurité des PME", "Puzzle\\, Thionville"),
        ("Webinaire : RGPD et analytique web", "En ligne"),
        ("Permanence Python (entraide)", "Médiathèque Manufacture\\, Nancy"),
        ("Soirée : ce que j'ai appris en créant ma start-up", "Bliiida\\, Metz"),
    )
    about_ai = ["AI Breakfast", "Artificial intelligence for SMEs",
                "Café IA : l'IA générative au quotidien", "Rencontre IA"]
    assert agenda_titles(web, q="KI", lang="de") == about_ai
    assert agenda_titles(web, q="Künstliche Intelligenz", lang="de") == about_ai
    assert agenda_titles(web, q="künstliche intelligenz Luxemburg", lang="de") == [
        "Artificial intelligence for SMEs"]
    assert agenda_titles(web, q="AI", lang="en") == about_ai
    assert agenda_titles(web, q="IA", lang="fr") == about_ai
    assert agenda_titles(web, q="Cybersicherheit", lang="de") == [
        "Conférence cybersécurité des PME"]
    assert agenda_titles(web, q="Datenschutz", lang="de") == ["Webinaire : RGPD et analytique web"]
    # what was found before still is: a word inside a word, a place
    assert agenda_titles(web, q="Kirchberg", lang="de") == ["Cyber Stammtisch: Phishing-Abwehr"]
    assert agenda_titles(web, q="entraide", lang="fr") == ["Permanence Python (entraide)"]
    # French "j'ai" (I have) is not the English "AI": no talk of one's start-up for "IA"
    assert agenda_titles(web, q="j'ai appris", lang="fr") == [
        "Soirée : ce que j'ai appris en créant ma start-up"]


def test_a_digest_subscription_typed_in_german_gets_its_city_and_topic(
        smtp_server: Sink, tmp_path: Path) -> None:
    """The operator signed Julia up as she asked, in German: ``subscribers add --lang de
    --city Luxemburg --tag KI``. Her filters were stored as typed, and the digest, which
    compares them with the organisations' "Luxembourg" and "ai", said "Diese Woche nichts
    geplant" every week (the command only warned "did you mean Luxembourg?"), as the web
    forms, which read "Luxemburg" and "KI" right, never did. A city named in another of
    the region's languages is now stored as the organisations name it, a topic by its slug."""
    db_url = f"sqlite:///{tmp_path / 'lux.db'}"
    app = digest_app(tmp_path, db_url, smtp_server.port)
    env = cli_environment(tmp_path, db_url, smtp_server.port)
    runner = CliRunner()

    def run(*args: str) -> Result:
        result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    added = run("subscribers", "add", "julia@example.lu", "--lang", "de", "--city", "Luxemburg",
                "--confirmed")
    assert "did you mean" not in added.stderr
    run("subscribers", "add", "jonas@example.lu", "--lang", "de", "--tag", "KI", "--confirmed")
    run("subscribers", "add", "lea@example.lu", "--lang", "de", "--tag", "Künstliche Intelligenz",
        "--city", "nancy", "--confirmed")
    assert "sent 3" in run("digest", "send", "--week", WEEK, "--any-week").output
    digests = {m["To"]: m for m in smtp_server.messages}
    julia = digests["julia@example.lu"].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Café code" in julia and "Rencontre IA" not in julia
    assert "Ihre Auswahl: Luxembourg\n" in julia
    assert digests["julia@example.lu"]["Subject"].startswith("1 Veranstaltung diese Woche")
    jonas = digests["jonas@example.lu"].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Rencontre IA" in jonas and "Café code" not in jonas
    assert "Ihre Auswahl: KI\n" in jonas
    lea = digests["lea@example.lu"].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Rencontre IA" in lea and "Ihre Auswahl: Nancy, KI\n" in lea
    app.close()


def test_esch_named_in_german_is_esch_sur_alzette(web: Web) -> None:
    """"Esch an der Alzette", as German names Esch-sur-Alzette, found nothing, as a search
    or as the city of a link (``?city=``), where "Esch-Uelzecht" and "Luxemburg" did."""
    publish_events(web, ("Tech Talk: deep tech funding", "Technoport\\, 9 avenue des "
                         "Hauts-Fourneaux\\, 4362 Esch-sur-Alzette"),
                   ("Pitch Night", "House of Startups\\, 9 rue du Laboratoire\\, 1911 Luxembourg"))
    assert agenda_titles(web, q="Esch an der Alzette", lang="de") == ["Tech Talk: deep tech funding"]
    assert agenda_titles(web, city="Esch an der Alzette", lang="de") == [
        "Tech Talk: deep tech funding"]
    assert agenda_titles(web, q="Esch-Uelzecht", lang="de") == ["Tech Talk: deep tech funding"]
    assert agenda_titles(web, city="Luxemburg", lang="de") == ["Pitch Night"]


def test_an_events_page_writing_its_times_the_german_or_french_way_keeps_them(web: Web) -> None:
    """A Luxembourg organisation's events page whose theme writes schema.org dates in the
    site's format, as German writes a time ("15.12.2026, 18.30 Uhr", "18 Uhr") or French
    ("à 18h", "18 h 30"): the first was not read at all (the event was skipped), the others
    became all-day events, so the agenda showed a talk at 18:00 as "Ganztägig"."""
    day = (SOON + timedelta(days=2)).date()
    german, french = day.strftime("%d.%m.%Y"), day.strftime("%d/%m/%Y")
    events = [{"@type": "Event", "name": name, "startDate": start,
               "location": "Technoport, Esch-sur-Alzette"}
              for name, start in (("Stammtisch", f"{german}, 18.30 Uhr"),
                                  ("Vortrag", f"{german} um 18 Uhr"),
                                  ("Atelier", f"{french} à 18h"),
                                  ("Conférence", f"{french} à 18 h 30"))]
    page = ('<html><head><script type="application/ld+json">'
            + json.dumps({"@context": "https://schema.org", "@graph": events})
            + "</script></head><body></body></html>")
    web.feeds.set("/assoc.ics", page.encode(), "text/html; charset=utf-8")
    web.aggregator.refresh(force=True)
    web.aggregator.build()
    starts = {e["title"]: e["start"] for e in web.client.get("/events.json").json()["events"]}
    assert starts["Stammtisch"].startswith(f"{day.isoformat()}T18:30:00")
    assert starts["Vortrag"].startswith(f"{day.isoformat()}T18:00:00")
    assert starts["Atelier"].startswith(f"{day.isoformat()}T18:00:00")
    assert starts["Conférence"].startswith(f"{day.isoformat()}T18:30:00")
    agenda = web.client.get("/", params={"lang": "de", "q": "Stammtisch"}).text
    assert "18:30" in agenda and "Ganztägig" not in agenda


def test_the_news_feed_of_a_german_selection_is_named_in_german(web: Web) -> None:
    """Julia follows her selection in a feed reader from the German agenda: its events
    feed was named "… – Nancy / KI", its news feed "… – Nancy / IA" (and marked French),
    the topic in French, where the page, the calendar and the events feed say "KI"."""
    def path(link: str) -> str:  # the page's absolute link (AGGREGATOR_BASE_URL), here
        return re.sub(r"^https?://[^/]+", "", link.replace("&amp;", "&"))

    agenda = web.client.get("/", params={"city": "Nancy", "tag": "KI", "lang": "de"}).text
    links = re.findall(r'href="(http[^"]*/(?:news|events)\.atom\?[^"]*)"', agenda)
    assert any("/news.atom" in link for link in links) and any(
        "/events.atom" in link for link in links)
    for link in {*links}:
        feed = web.client.get(path(link)).text
        assert re.search(r'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">', feed), link
        assert "<title>Agenda numérique Grand Est – Luxembourg – Nancy / KI</title>" in feed, link
    news_page = web.client.get("/news", params={"tag": "ai", "lang": "de"}).text
    from_news = set(re.findall(r'href="(http[^"]*/news\.atom\?[^"]*)"', news_page))
    assert from_news
    for link in from_news:
        assert "<title>Agenda numérique Grand Est – Luxembourg – KI</title>" in web.client.get(
            path(link)).text
    # the French feed is as it was
    french = web.client.get("/news.atom", params={"tag": "ai"}).text
    assert "<title>Agenda numérique Grand Est – Luxembourg – IA</title>" in french


def test_a_luxembourgish_browser_gets_the_german_pages(web: Web) -> None:
    """A phone set to Luxembourgish (lb-LU) got the French pages, the site's default, or
    the English ones when English came next in its list: Luxembourg's schools teach reading
    in German, its press writes German, and Luxembourgish is a German dialect written; of
    the site's three languages German is the one a Luxembourgish reader reads as hers."""
    def language(accept: str) -> str:
        page = web.client.get("/", headers={"Accept-Language": accept}).text
        found = re.search(r'<html lang="(\w+)">', page)
        assert found
        return found.group(1)

    assert language("lb-LU") == language("lb") == language("LB-lu") == "de"
    assert language("lb-LU,lb;q=0.9,en;q=0.8") == "de"
    assert language("de-LU,de;q=0.9,fr;q=0.8") == language("de-CH") == "de"
    assert language("fr-LU,fr;q=0.9,lb;q=0.8,de;q=0.7") == "fr"  # her own order first
    assert language("en-LU,lb;q=0.5") == "en"
