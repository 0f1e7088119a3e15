"""The public pages as subscribers use them (review of the agenda, event, news and
subscription pages): real HTTP against the web app on a built site, and real Chromium."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from browser import browser  # noqa: F401  (fixture)
from sites import SOON, ics, one_calendar
from webapp import Web, web  # noqa: F401  (fixture)


def agenda_titles(web: Web, **params: str) -> list[str]:
    """The events the agenda shows for ``params``, as its JSON-LD names them."""
    html = web.client.get("/", params=params).text
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert match
    data: Any = json.loads(match.group(1))
    events = data if isinstance(data, list) else data.get("@graph", [data])
    return sorted(e["name"] for e in events if e.get("@type") == "Event")


def test_a_search_finds_words_as_french_and_german_readers_type_them(web: Web) -> None:
    """Searching "IA" listed every event at a "Médiathèque" or about "réseaux sociaux" (the
    letters inside other words), "l'IA" matched nearly the whole agenda (its "l" is in every
    text), and "l’IA" typed on a phone (its keyboard writes ’) found nothing written l'IA."""
    def event(number: int, title: str, place: str = "Salle 2") -> bytes:
        found = ics(f"s{number}@assoc", title, SOON + timedelta(days=number))
        return found.replace(b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", place.encode())

    web.feeds.set("/assoc.ics", one_calendar(
        event(1, "Café IA : l'IA générative au quotidien"),
        event(2, "Permanence Python", "Médiathèque Manufacture\\, Nancy"),
        event(3, "Réseaux sociaux pour les associations"),
        event(4, "Atelier d’initiation à l’IA"),
        event(5, "Cybersicherheit für KMU", "Saarbrücken"),
    ), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    about_ai = ["Atelier d’initiation à l’IA", "Café IA : l'IA générative au quotidien",
                "Rencontre IA"]
    assert agenda_titles(web, q="IA") == about_ai
    assert agenda_titles(web, q="l'IA") == about_ai  # the word after the elided article
    assert agenda_titles(web, q="l’IA") == about_ai  # typed with a phone's apostrophe
    assert agenda_titles(web, q="d'initiation") == ["Atelier d’initiation à l’IA"]
    assert agenda_titles(web, q="sicherheit") == ["Cybersicherheit für KMU"]  # inside a word
    assert agenda_titles(web, q="saarbrucken") == ["Cybersicherheit für KMU"]
    assert agenda_titles(web, q="sociaux") == ["Réseaux sociaux pour les associations"]


def test_a_copy_button_says_the_address_was_copied(browser: Any, web: Web) -> None:
    """"Copy" next to a calendar's address did nothing a reader could see or hear: no word
    that the address was copied, so people pasted nothing, or copied it by hand again."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    for path, field, said in (("/calendars?lang=en", "cal-all", "Copied"),
                              ("/sources/lab?lang=de", "embed-code", "Kopiert")):
        browser.get(web.url + path)
        button = browser.find_element(By.CSS_SELECTOR, f"button[data-copy='{field}']")
        status = browser.find_element(By.CSS_SELECTOR, f"[role=status][data-copied-for='{field}']")
        assert status.text == ""  # the live region is there before it speaks
        button.click()
        WebDriverWait(browser, 10).until(lambda _: status.text == said)
        assert browser.execute_script("return document.activeElement.id") == field


def test_a_selection_that_matches_nothing_says_so_rather_than_an_empty_agenda(web: Web) -> None:
    """A search or filter matching nothing read "No upcoming events." and "No news in the last
    30 days.", as if the whole agenda were empty; the directory showed "0 organisations" over
    an empty table (headers and no row, read out as a table by screen readers)."""
    for lang, events, news in (
            ("en", "No upcoming event matches this selection", "No news from this selection"),
            ("fr", "Aucun événement à venir ne correspond à cette sélection",
             "Aucune actualité de cette sélection"),
            ("de", "Keine kommende Veranstaltung entspricht dieser Auswahl",
             "Keine Nachrichten dieser Auswahl")):
        page = web.client.get("/", params={"q": "zzzz", "lang": lang}).text
        assert events in page and news in page
        unfiltered = web.client.get("/", params={"city": "Metz", "lang": lang}).text
        assert events not in unfiltered
    agenda = web.client.get("/", params={"lang": "en"}).text  # the agenda itself: no selection
    assert "No upcoming event matches" not in agenda and "No news from this selection" not in agenda
    directory = web.client.get("/sources", params={"q": "zzzz", "lang": "en"}).text
    assert "<table" not in directory
    assert "No organisation matches this selection" in directory
    assert "<table" in web.client.get("/sources", params={"lang": "en"}).text


def test_a_past_or_ongoing_mark_is_read_apart_from_the_title(web: Web) -> None:
    """The "Past" and "Ongoing" marks were glued to the title in the page's text ("Apéro de
    novembrePassé"): a screen reader read one word, and so did a copied line."""
    from datetime import UTC, datetime

    now = datetime.now(UTC).replace(microsecond=0)
    web.feeds.set("/assoc.ics", one_calendar(
        ics("held-1@assoc", "Apéro de novembre", now - timedelta(days=3)),
        ics("now-1@assoc", "Hackathon en cours", now - timedelta(hours=1))), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    since = (now - timedelta(days=4)).date().isoformat()
    page = web.client.get("/", params={"from": since, "lang": "fr"}).text
    today = web.client.get("/", params={"lang": "en"}).text

    def line(html: str, title: str) -> str:
        found = re.search(rf'<p class="what">(?:(?!</p>).)*{title}.*?</p>', html, re.DOTALL)
        assert found, title
        return " ".join(re.sub(r"<[^>]+>", "", found.group(0)).split())

    assert line(page, "Apéro de novembre") == "Apéro de novembre Passé"
    assert line(today, "Hackathon en cours") == "Hackathon en cours Ongoing"


def test_an_organisations_titles_in_its_own_language_are_marked_on_its_pages(web: Web) -> None:
    """The agenda, the news page and an event's heading mark a title written in another
    language than the page (``lang``), so that a screen reader pronounces it right; the
    organisation's page (its events, past events and news) and an event's "coming next" list
    did not: French titles were read with an English voice."""
    from urllib.parse import quote

    web.feeds.set("/lab.ics", one_calendar(
        ics("talk-1@lab", "Rencontre IA", SOON), ics("talk-2@lab", "Séminaire données", SOON
                                                     + timedelta(days=2))), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    english = web.client.get("/sources/lab", params={"lang": "en"}).text
    assert re.search(r'<p class="what"><a [^>]*lang="fr"[^>]*>Rencontre IA</a>', english) or \
        re.search(r'<p class="what" lang="fr">', english)
    assert re.search(r'<p class="what"[^>]*lang="fr"[^>]*>(?:(?!</p>).)*Appel à projets', english) \
        or re.search(r'<a [^>]*lang="fr"[^>]*>Appel à projets', english)
    french = web.client.get("/sources/lab", params={"lang": "fr"}).text
    assert 'lang="fr"' not in french.split("<main", 1)[1]  # the page's own language: no mark
    [first] = [e for e in web.aggregator.published().events if e.title == "Rencontre IA"]
    event = web.client.get(f"/events/{quote(first.uid)}", params={"lang": "de"}).text
    more = event.split("<ul class=\"events\">", 1)[1]
    assert re.search(r'<a [^>]*lang="fr"[^>]*>Séminaire données</a>', more)


def test_an_address_in_an_events_description_is_a_link(web: Web) -> None:
    """An event's description often ends with where to sign up ("Inscription :
    https://…"): its page showed the address as plain text, which a phone cannot open
    without copying it by hand. Now it is a link; the rest stays text."""
    from urllib.parse import quote

    web.feeds.set("/assoc.ics", ics(
        "signup-1@assoc", "Atelier RGPD", SOON + timedelta(days=2), extra=(
            "DESCRIPTION:Places limitées (a < b). Inscription : "
            "https://asso.example.org/inscription?id=7&x=1. Contact : hello@asso.example.org")),
        "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    [event] = [e for e in web.aggregator.published().events if e.title == "Atelier RGPD"]
    page = web.client.get(f"/events/{quote(event.uid)}").text
    description = page.split('<div class="description"', 1)[1].split("</div>", 1)[0]
    assert re.search(r'<a href="https://asso\.example\.org/inscription\?id=7&amp;x=1"[^>]*'
                     r'rel="[^"]*nofollow[^"]*"[^>]*>https://asso\.example\.org/inscription\?id=7'
                     r'&amp;x=1</a>\.', description)  # the full stop ends the sentence, not it
    assert "(a &lt; b)" in description  # text, never markup


def test_the_site_has_an_icon_for_browser_tabs_bookmarks_and_feed_readers(web: Web) -> None:
    """Every page asked for /favicon.ico and got a 404: a blank tab and bookmark, and feed
    readers (which look there or for the page's icon link) showed no icon beside our news."""
    client = web.client
    page = client.get("/?lang=de").text
    icon = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page)
    assert icon, "the page names no icon"
    answer = client.get(icon.group(1))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.text.startswith("<svg") and "</svg>" in answer.text
    legacy = client.get("/favicon.ico")
    assert legacy.status_code == 301 and legacy.headers["location"] == icon.group(1)


def test_the_organisations_to_follow_are_named_once_on_the_sign_up_form(
    browser: Any, web: Web,
) -> None:
    """Open "Organisations to follow" and its name showed twice, one under the other: the
    disclosure's and the group's. The group keeps it for screen readers, out of sight."""
    from selenium.webdriver.common.by import By

    browser.get(web.url + "/subscribe?lang=en")
    details = browser.find_element(By.CSS_SELECTOR, "form details")
    details.find_element(By.TAG_NAME, "summary").click()
    summary = details.find_element(By.TAG_NAME, "summary").text.strip()
    assert summary and details.get_attribute("open") is not None
    legend = details.find_element(By.TAG_NAME, "legend")
    assert legend.get_attribute("textContent").strip() == summary  # still names the group
    assert legend.size["height"] <= 1 and legend.size["width"] <= 1, legend.size  # unseen
    sources = browser.find_elements(By.CSS_SELECTOR, "form fieldset legend")
    assert all(other.size["height"] > 1 for other in sources if other != legend)


def test_an_organisations_page_dates_its_events_and_news_for_machines_too(web: Web) -> None:
    """The agenda, an event's page and the news list mark their dates with <time datetime>
    (readers' tools, translation extensions, search engines read it); an organisation's page
    gave its events' and articles' dates as words only."""
    page = web.client.get("/sources/lab", params={"lang": "de"}).text
    whens = re.findall(r'<span class="when">(.*?)</span>', page)
    assert whens, page
    for when in whens:
        found = re.fullmatch(r'<time datetime="(\d{4}-\d\d-\d\d[^"]*)">[^<]+</time>', when)
        assert found, when
