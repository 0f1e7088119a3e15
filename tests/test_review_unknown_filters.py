"""A kind, topic or organisation filter that names nothing (``/?tag=zzz``, ``?kind=zzz``,
``?source=nobody``: an old or mistyped link) listed nothing and said only that no upcoming
event matched, as it does for an organisation with nothing planned; a city that names
nothing says so (tests/test_review_noplace.py). The agenda, /news and /embed now say which
filter names nothing, in the reader's language, with a link to the page without it. Real
HTTP on the web test site (tests/webapp.py), SQLite, and headless Chromium."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from selenium.webdriver.common.by import By

from aggregator.core import make_aggregator
from aggregator.demo.server import FeedServer
from aggregator.models import FeedRef, Source
from browser import browser, screenshot  # noqa: F401  (fixture)
from conftest import make_settings
from sites import SOON, ics
from test_review_lux import agenda_titles
from webapp import ADMIN_TOKEN, Web, publish_feeds, serving, sources

NAMES_NOTHING = {
    "tag": {"fr": "Aucun thème ne s’appelle « {} »", "en": "No topic is named “{}”",
            "de": "Kein Thema heißt „{}“"},
    "kind": {"fr": "Aucun type d’organisation ne s’appelle « {} »",
             "en": "No kind of organisation is named “{}”",
             "de": "Keine Art von Organisation heißt „{}“"},
    "source": {"fr": "Aucune organisation ne s’appelle « {} »",
               "en": "No organisation is named “{}”",
               "de": "Keine Organisation heißt „{}“"},
}
NO_MATCH = "No upcoming event matches this selection"


@pytest.fixture(scope="module")
def quiet_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """The web test site (Le Lab: lab, Nancy, ai; La Venue: venue, Metz; L'Asso:
    association, Nancy, startup) and Quiet Co, a company in Metz whose only event is past."""
    tmp_path = tmp_path_factory.mktemp("unknown-filters")
    with FeedServer({}) as server:  # conftest's feed_server, for the module
        publish_feeds(server)
        server.set("/quiet.ics", ics("q1@quiet", "Réunion passée", SOON - timedelta(days=6)),
                   "text/calendar")
        quiet = Source(id="quiet", name="Quiet Co", kind="company", city="Metz", country="FR",
                       feeds=(FeedRef(server.url("/quiet.ics")),))
        aggregator = make_aggregator(make_settings(
            tmp_path, (*sources(server.base_url), quiet), admin_token=ADMIN_TOKEN))
        with serving(aggregator, server, tmp_path) as web:
            yield web


def notices(web: Web, address: str, **params: str) -> list[str]:
    """What ``address`` says of its filters that name nothing: each notice's words, tags
    removed, then where its link goes."""
    answer = web.client.get(address, params=params)
    assert answer.status_code == 200, (address, params, answer.status_code)
    said = []
    for found in re.findall(r'<p class="unknown">(.*?)</p>', answer.text, re.DOTALL):
        links = " ".join(re.findall(r'href="([^"]*)"', found)).replace("&amp;", "&")
        words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found)).strip()
        said.append(f"{words} {links}")
    return said


@pytest.mark.parametrize("facet,typed", [("tag", "zzz"), ("kind", "zzz"),
                                         ("source", "nobody")])
def test_a_filter_naming_nothing_says_so_with_a_link_without_it(
        quiet_site: Web, facet: str, typed: str) -> None:
    """``?tag=zzz`` (or kind, or an organisation id nobody has) with ``city=Nancy``: the
    agenda, /news and /embed say, in the reader's language, that nothing is named so, with
    a link to the same page without that filter (the city kept); nothing is listed."""
    web = quiet_site
    for lang in ("fr", "en", "de"):
        words = NAMES_NOTHING[facet][lang].format(typed)
        params = {facet: typed, "city": "Nancy", "lang": lang}
        assert agenda_titles(web, **params) == [], (facet, lang)
        said = notices(web, "/", **params)
        assert len(said) == 1 and words in said[0], (facet, lang, said)
        assert said[0].endswith(" /?city=Nancy"), said  # the same page, the city kept
        said = notices(web, "/news", **params)
        assert len(said) == 1 and words in said[0] and said[0].endswith(" /news?city=Nancy"), said
        said = notices(web, "/embed", **params)  # framed: its link opens the agenda
        assert len(said) == 1 and words in said[0], (facet, lang, said)
        agenda = f"{web.aggregator.settings.base_url}/"  # the embed's other links' base
        assert said[0].endswith(f" {agenda}?{urlencode({'city': 'Nancy', 'lang': lang})}"), said


def test_two_filters_naming_nothing_each_say_so_each_link_keeping_the_other(
        quiet_site: Web) -> None:
    said = notices(quiet_site, "/", tag="zzz", kind="yyy", lang="en")
    assert said == [
        "No kind of organisation is named “yyy”: choose one from the list. Without this "
        "filter /?tag=zzz",
        "No topic is named “zzz”: choose one from the list. Without this filter /?kind=yyy"]


@pytest.mark.parametrize("params", [
    {"tag": "KI"}, {"tag": "IA"}, {"tag": "ai"}, {"tag": "Robotik"},  # known, none gives it
    {"kind": "Labor"}, {"kind": "Laboratoire"}, {"kind": "labo"}, {"kind": "LAB"},
    {"kind": "company"}, {"kind": "Unternehmen"}, {"source": "lab"}, {"source": "quiet"},
])
def test_what_the_site_knows_gets_no_notice(quiet_site: Web, params: dict[str, str]) -> None:
    """A topic named in another language ("KI" for the lab's "ai") or one the site knows
    that no organisation gives, a kind in any of the three languages, an organisation with
    nothing planned (Quiet Co): no notice; the latter says that nothing upcoming matches."""
    for address in ("/", "/news", "/embed"):
        for lang in ("fr", "en", "de"):
            assert notices(quiet_site, address, **params, lang=lang) == [], (address, params)
    if params in ({"source": "quiet"}, {"kind": "company"}):
        page = quiet_site.client.get("/", params={**params, "lang": "en"}).text
        assert NO_MATCH in page and "Past events match this selection" in page
    if params.get("tag") in ("KI", "IA") or params.get("kind") in ("Labor", "LAB"):
        assert agenda_titles(quiet_site, **params) == ["Rencontre IA"], params


@pytest.mark.parametrize("facet,typed", [("tag", "zzz"), ("kind", "zzz"),
                                         ("source", "nobody")])
def test_the_open_data_of_a_filter_naming_nothing_is_empty_not_an_error(
        quiet_site: Web, facet: str, typed: str) -> None:
    """The machine addresses keep answering 200 with nothing in it, as for a city that
    names nothing: a calendar app subscribed to an organisation's calendar that leaves
    keeps an empty calendar (that fills again if it comes back) rather than an error; the
    open data's description says so."""
    client = quiet_site.client
    answer = client.get("/calendar.ics", params={facet: typed})
    assert answer.status_code == 200 and "BEGIN:VCALENDAR" in answer.text
    assert "BEGIN:VEVENT" not in answer.text
    for address, key in (("/events.json", "events"), ("/news.json", "items")):
        answer = client.get(address, params={facet: typed})
        assert answer.status_code == 200 and json.loads(answer.text)[key] == [], address
    for address in ("/events.atom", "/news.atom"):
        answer = client.get(address, params={facet: typed})
        assert answer.status_code == 200 and "<entry>" not in answer.text, address
    described = client.get("/openapi.json").json()["paths"]["/calendar.ics"]["get"]
    words = " ".join(described["description"].split())
    assert "a filter naming nothing is empty, no error" in words


def test_the_notice_in_a_browser_leads_to_the_page_without_the_filter(
        quiet_site: Web, browser: Any) -> None:
    """A French reader following an old link to the topic "zzz" in Metz reads why nothing
    is listed and, one click on the link, Metz's agenda."""
    browser.delete_all_cookies()
    browser.get(f"{quiet_site.url}/?city=Metz&tag=zzz")
    notice = browser.find_element(By.CSS_SELECTOR, "p.unknown")
    assert "Aucun thème ne s’appelle « zzz »" in notice.text, notice.text
    assert "Rencontre IA" not in browser.find_element(By.TAG_NAME, "main").text
    screenshot(browser, "agenda-unknown-topic-fr")
    notice.find_element(By.TAG_NAME, "a").click()
    body = browser.find_element(By.TAG_NAME, "main").text
    assert browser.current_url.endswith("/?city=Metz"), browser.current_url
    assert "Rencontre IA" in body and not browser.find_elements(By.CSS_SELECTOR, "p.unknown")


def test_the_directory_says_which_filter_names_nothing(quiet_site: Web) -> None:
    """/sources, filtered as the agenda is, said "0 organisations" and "No organisation
    found" for ``?kind=zzz``, ``?tag=zzz`` or ``?city=rue`` as for a filter that simply
    matches none: it now says which names nothing, with a link to the directory without
    it (the other filters kept); a kind or topic in another language names one."""
    web = quiet_site
    for facet in ("kind", "tag"):
        for lang, said in NAMES_NOTHING[facet].items():
            [note] = notices(web, "/sources", **{facet: "zzz", "city": "Nancy", "lang": lang})
            assert note.startswith(said.format("zzz")), note
            assert note.endswith("/sources?city=Nancy"), note
    [note] = notices(web, "/sources", city="rue", kind="lab", lang="en")
    assert note.startswith("No city and no event’s place is named “rue”"), note
    assert note.endswith("/sources?kind=lab"), note
    for fine in ({"kind": "Labor"}, {"tag": "KI"}, {"city": "Metz", "kind": "startup"}):
        assert notices(web, "/sources", **fine) == [], fine


def test_the_embedded_list_links_a_city_naming_nothing_to_the_agenda_without_it(
        quiet_site: Web) -> None:
    """/embed, framed on an organisation's site, said of ``?city=rue`` that no city is
    named so, but with no link, where its other filters' notices link to the agenda without
    them: the reader of the framed list could only retype the address."""
    web = quiet_site
    [note] = notices(web, "/embed", city="rue", kind="lab", lang="de")
    assert note.startswith("Keine Stadt und kein Veranstaltungsort heißt „rue“"), note
    assert note.endswith("/?kind=lab&lang=de"), note
    assert notices(web, "/embed", city="Metz", lang="de") == []
