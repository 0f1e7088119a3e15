"""A subscriber of the Luxembourg/Lorraine region filtering the agenda by a district or a
locality that is not a city of the agenda (Kirchberg, Gasperich, Cloche d'Or, Metz's
Technopôle), and the news of a district. Real HTTP, SQLite, SMTP (aiosmtpd), the CLI
through its main()."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.core import make_aggregator
from aggregator.models import FeedRef, Source
from conftest import command_line_environment, make_settings
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from sites import SOON, ics, one_calendar, rss_date, rss_feed
from test_review_lux import agenda_titles
from test_review_lux2 import HOUSE_OF_STARTUPS, TECHNOPORT
from test_review_lux3 import jonas_digest
from webapp import Web, serving

KIRCHBERG = {
    "AI Summit": "European Convention Center\\, 4 place de l'Europe\\, 1499 Luxembourg-Kirchberg",
    "Infinity meetup": "Infinity Kirchberg\\, 4 rue Alphonse Weicker\\, Luxembourg",
    "Cloud day": "KIRCHBERG\\, 6 rue Albert Borschette",
}
ELSEWHERE = {
    "Pitch Night": HOUSE_OF_STARTUPS,
    "Deep tech funding": TECHNOPORT,
    "Data Brunch": "Cloche d'Or\\, 5 rue Eugène Ruppert\\, 2453 Luxembourg-Gasperich",
    "Hackathon": "Technopôle\\, 4 rue Marconi\\, 57070 Metz",
    "Weinprobe": "Kirchbergstraße 3\\, 54290 Trier",
    "Concert électro": "Kulturfabrik\\, 116 rue de Luxembourg\\, 4221 Esch-sur-Alzette",
}


def news(site: str, *titles: str) -> bytes:
    """An RSS feed of ``site`` with these articles of last week, from its Sunday back: this
    week's digest holds them (the 7 days before its Monday, in the site's zone), whatever
    day the test runs. Dated a day before now, they were last week's on a Monday only."""
    return rss_feed("".join(
        f"<item><title>{title}</title><link>{site}{i}</link><guid>{site}{i}</guid>"
        f"<pubDate>{rss_date(last_week(i + 1))}</pubDate>"
        f"<description>About {title}</description></item>" for i, title in enumerate(titles)),
        site=site)


def last_week(days: int) -> datetime:
    """Noon, ``days`` before this week's Monday in the sites' zone (Europe/Paris)."""
    zone = ZoneInfo("Europe/Paris")
    today = datetime.now(zone).date()
    monday = today - timedelta(days=today.weekday())
    return datetime.combine(monday - timedelta(days=days), time(12), tzinfo=zone)


def district_sources(base: str) -> tuple[Source, ...]:
    """A Luxembourg company, Technoport (at Belval, its city Esch-sur-Alzette) and the
    Kulturfabrik (in Esch's centre), each with its calendar and its news."""
    return tuple(
        Source(id=id_, name=name, kind=kind, city=city, country="LU",
               feeds=(FeedRef(f"{base}/{id_}.ics"), FeedRef(f"{base}/{id_}.xml")))
        for id_, name, kind, city in (
            ("lux", "Lux Tech", "company", "Luxembourg"),
            ("technoport", "Technoport", "venue", "Esch-sur-Alzette"),
            ("kultur", "Kulturfabrik", "venue", "Esch-sur-Alzette")))


@contextmanager
def district_site(feed_server: Any, tmp_path: Path, **settings: Any) -> Iterator[Web]:
    """Lux Tech's events at Kirchberg and elsewhere, Technoport's at Technoport and the
    Kulturfabrik's at home; each organisation's news. ``settings``: ``make_settings``' own
    (an SMTP server, a base URL)."""
    def calendar(prefix: str, events: dict[str, str]) -> bytes:
        return one_calendar(*(
            ics(f"{prefix}{n}@{prefix}", title, SOON + timedelta(days=n)).replace(
                b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", place.encode())
            for n, (title, place) in enumerate(events.items(), 1)))

    lux = {**KIRCHBERG, **{k: v for k, v in ELSEWHERE.items()
                           if k not in ("Deep tech funding", "Concert électro")}}
    feed_server.set("/lux.ics", calendar("lux", lux), "text/calendar")
    feed_server.set("/technoport.ics", calendar(
        "tp", {"Deep tech funding": TECHNOPORT}), "text/calendar")
    feed_server.set("/kultur.ics", calendar(
        "kf", {"Concert électro": ELSEWHERE["Concert électro"]}), "text/calendar")
    feed_server.set("/lux.xml", news("https://lux.example.lu/", "Lux Tech lève des fonds"),
                    "application/rss+xml")
    feed_server.set("/technoport.xml", news("https://technoport.example.lu/",
                                            "Technoport ouvre un incubateur"),
                    "application/rss+xml")
    feed_server.set("/kultur.xml", news("https://kultur.example.lu/", "Kufa: la saison"),
                    "application/rss+xml")
    aggregator = make_aggregator(make_settings(tmp_path, district_sources(feed_server.base_url),
                                               **settings))
    with serving(aggregator, feed_server, tmp_path) as served:
        yield served


def note(web: Web, **params: str) -> str:
    """The words the agenda says about its city filter (its district note), tags removed."""
    page = web.client.get("/", params=params).text
    found = re.search(r'<p class="district">(.*?)</p>', page, re.DOTALL)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else ""


def test_a_district_without_a_known_venue_lists_the_events_whose_place_names_it(
        feed_server: Any, tmp_path: Path) -> None:
    """Kirchberg is where Luxembourg's conferences and meetups are (the European Convention
    Center, Infinity), but no venue of the table is there: ``?city=Kirchberg`` listed
    nothing, as ``?city=Foo`` does, though three events' places name it. A city filter that
    names no city of the agenda now lists the events whose place names it as a whole word
    (ignoring case and accents: not Trier's Kirchbergstraße), the page saying so in the
    reader's language with a link to its whole city; its calendars and open data too."""
    with district_site(feed_server, tmp_path) as web:
        for typed, lang in (("Kirchberg", "de"), ("kirchberg", "fr"), ("KIRCHBERG", "en")):
            assert agenda_titles(web, city=typed, lang=lang) == sorted(KIRCHBERG), typed
        assert "A district of Luxembourg: the events whose place names Kirchberg." in note(
            web, city="Kirchberg", lang="en")
        assert "Un quartier situé à Luxembourg : les événements dont le lieu nomme " \
            "Kirchberg." in note(web, city="kirchberg", lang="fr")
        assert "Ein Stadtteil von Luxembourg: die Veranstaltungen, deren Ort Kirchberg " \
            "nennt." in note(web, city="Kirchberg", lang="de")
        page = web.client.get("/", params={"city": "Kirchberg", "lang": "en"}).text
        assert re.search(r'<option value="Kirchberg" selected>Kirchberg</option>', page)
        assert 'href="/?city=Luxembourg"' in page
        assert agenda_titles(web, city="Luxembourg") == sorted(
            [*KIRCHBERG, "Pitch Night", "Data Brunch"])  # the whole city, as before
        for address, params in (("/calendar.ics", {"city": "Kirchberg"}),
                                ("/calendars/kirchberg.ics", {"lang": "en"}),
                                ("/embed", {"city": "Kirchberg"}),
                                ("/events.atom", {"city": "Kirchberg"}),
                                ("/events.json", {"city": "Kirchberg"})):
            answer = web.client.get(address, params=params)
            assert answer.status_code == 200, address
            for title in KIRCHBERG:
                assert title in answer.text, (address, title)
            for title in ("Pitch Night", "Weinprobe", "Deep tech funding"):
                assert title not in answer.text, (address, title)
        listed = web.client.get("/events.json", params={"city": "kirchberg"}).json()["events"]
        assert sorted(e["title"] for e in listed) == sorted(KIRCHBERG)
        form = web.client.get("/subscribe", params={"city": "Kirchberg", "lang": "de"}).text
        assert re.search(r'name="cities" value="Kirchberg" checked', form), form  # itself
        assert re.search(r'name="cities" value="Luxembourg">', form), form  # one click away


def test_a_locality_the_table_does_not_know_lists_the_events_that_name_it(
        feed_server: Any, tmp_path: Path) -> None:
    """Gasperich and its Cloche d'Or, Metz's Technopôle: no table of the project names
    them, and a reader typing them got an empty agenda. The events whose place names them
    are listed, the page saying they are not a city of the agenda and in which city those
    events are, with its link; a district as people write it with its city ("Esch-Belval",
    "Metz Technopôle") finds the events at its places too."""
    with district_site(feed_server, tmp_path) as web:
        for typed in ("Gasperich", "Cloche d'Or", "cloche-d-or", "CLOCHE D’OR"):
            assert agenda_titles(web, city=typed) == ["Data Brunch"], typed
        assert "Not a city of the agenda: the events whose place names Gasperich (in " \
            "Luxembourg)." in note(web, city="Gasperich", lang="en")
        assert "Keine Stadt des Kalenders: die Veranstaltungen, deren Ort Gasperich nennt " \
            "(in Luxembourg)." in note(web, city="Gasperich", lang="de")
        assert "Pas une ville de l’agenda : les événements dont le lieu nomme Gasperich " \
            "(à Luxembourg)." in note(web, city="Gasperich", lang="fr")
        for typed in ("Technopole", "technopôle", "Metz Technopôle"):
            assert agenda_titles(web, city=typed) == ["Hackathon"], typed
        assert agenda_titles(web, city="Esch-Belval") == ["Deep tech funding"]
        assert agenda_titles(web, city="Belval") == ["Deep tech funding"]
        assert "Hackathon" in web.client.get("/calendar.ics", params={"city": "Technopôle"}).text
        answer = web.client.get("/calendars/gasperich.ics")
        assert answer.status_code == 200 and "Data Brunch" in answer.text
        assert "Pitch Night" not in answer.text
        form = web.client.get("/subscribe", params={"city": "Gasperich"}).text
        assert re.search(r'name="cities" value="Gasperich" checked', form), form
        assert re.search(r'name="cities" value="Luxembourg">', form), form


def test_a_word_that_names_no_city_nor_place_still_says_so(
        feed_server: Any, tmp_path: Path) -> None:
    """A typo must not look like a quiet district: ``?city=Kirchbrg`` lists nothing, says
    that no city and no event's place is named so, offers no such city in the form, and
    its calendars/… address is still 404; the calendar.ics of the filter stays an empty
    calendar, as before."""
    with district_site(feed_server, tmp_path) as web:
        for typed, lang, words in (
                ("Kirchbrg", "en", "No city and no event’s place is named “Kirchbrg”"),
                ("Foo", "fr", "Aucune ville ni aucun lieu d’événement ne s’appelle « Foo »"),
                ("Foo", "de", "Keine Stadt und kein Veranstaltungsort heißt „Foo“")):
            assert agenda_titles(web, city=typed, lang=lang) == []
            assert words in note(web, city=typed, lang=lang), (typed, lang)
            page = web.client.get("/", params={"city": typed, "lang": lang}).text
            assert f'<option value="{typed}"' not in page
        assert web.client.get("/calendars/kirchbrg.ics").status_code == 404
        empty = web.client.get("/calendar.ics", params={"city": "Foo"})
        assert empty.status_code == 200 and "BEGIN:VEVENT" not in empty.text
        assert note(web, city="Luxembourg", lang="en") == ""  # a city says nothing


def district_environment(web: Web, smtp_port: int) -> dict[str, str]:
    return {**command_line_environment(web.tmp_path, district_sources(web.feeds.base_url),
                                       web.aggregator.settings.db_url, smtp_port),
            "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1"}


def test_a_digest_following_a_district_gets_the_events_whose_place_names_it(
        feed_server: Any, tmp_path: Path, smtp_server: Sink) -> None:
    """Jonas asked for "alles auf Kirchberg": `subscribers add --city Kirchberg` warned
    that no organisation is in Kirchberg and his digest said every week that nothing was
    planned. His digest and personal calendar now follow it as the agenda's
    ``?city=Kirchberg`` does; a typo ("Luxembrg") is still warned of."""
    with district_site(feed_server, tmp_path) as web:
        env = district_environment(web, smtp_server.port)
        digest = jonas_digest(env, "kirchberg", smtp_server)
        for title in KIRCHBERG:
            assert title in digest, digest
        assert "Pitch Night" not in digest and "Weinprobe" not in digest
        jonas = web.aggregator.store.subscriber(email="jonas@example.lu")
        assert jonas is not None and jonas.cities == ("Kirchberg",)
        calendar = web.aggregator.followed_calendar(web.aggregator.published(), jonas).decode()
        assert "Cloud day" in calendar and "Pitch Night" not in calendar
        typo = CliRunner().invoke(cli, ["subscribers", "add", "ann@example.lu", "--city",
                                        "Luxembrg", "--confirmed"], env=env,
                                  catch_exceptions=False)
        assert "no organisation is in Luxembrg: did you mean Luxembourg?" in typo.stderr


def test_a_districts_news_are_those_of_the_organisations_holding_its_events(
        feed_server: Any, tmp_path: Path, smtp_server: Sink) -> None:
    """The Belval page listed Technoport's events and, under "Recent news", nothing: an
    article is in the cities of the organisations that posted it, and no organisation's
    city is Belval (Technoport's is Esch-sur-Alzette). A district's news are now those of
    the organisations whose events it lists (Technoport; not the Kulturfabrik, in Esch's
    centre), on the agenda, /news, news.json and news.atom, and in the digest of one who
    follows it; a city's news are as before (Esch: both)."""
    with district_site(feed_server, tmp_path) as web:
        for address in ("/", "/news", "/news.json", "/news.atom"):
            answer = web.client.get(address, params={"city": "Belval"}).text
            assert "Technoport ouvre un incubateur" in answer, address
            assert "Kufa" not in answer and "Lux Tech lève" not in answer, address
        page = web.client.get("/news", params={"city": "Belval", "lang": "en"}).text
        said = re.search(r'<p class="district">(.*?)</p>', page, re.DOTALL)
        assert said is not None, page
        assert "Belval is not a city: the news of the organisations of its events and of " \
            "those based there." in said.group(1)
        assert 'href="/news?city=Esch-sur-Alzette"' in said.group(1)
        kirchberg = web.client.get("/news.json", params={"city": "Kirchberg"}).json()
        assert [item["title"] for item in kirchberg["items"]] == ["Lux Tech lève des fonds"]
        esch = web.client.get("/news", params={"city": "Esch-sur-Alzette"}).text
        assert "Technoport ouvre" in esch and "Kufa: la saison" in esch
        assert "Lux Tech lève" not in esch
        assert web.client.get("/news.json", params={"city": "Foo"}).json()["items"] == []
        env = district_environment(web, smtp_server.port)
        runner = CliRunner()
        for args in (["subscribers", "add", "jonas@example.lu", "--city", "Belval",
                      "--confirmed"], ["digest", "send"]):
            result = runner.invoke(cli, args, env=env, catch_exceptions=False)
            assert result.exit_code == 0, result.output
        digest = smtp_server.messages[0].get_body(("plain",)).get_content()
        assert "Deep tech funding" in digest and "Technoport ouvre un incubateur" in digest
        assert "Kufa" not in digest and "Concert" not in digest, digest



def test_the_district_filter_benchmark_runs() -> None:
    """bench/districts.py, which docs/web.md's figures come from, still runs (small)."""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, str(root / "bench" / "districts.py"), "300"],
                          capture_output=True, text=True, timeout=300, cwd=root,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout)
    assert figures["Metz"]["kept"] == 50 and figures["Kirchberg"]["us_an_event"] > 0


def test_what_a_district_filter_holds_ignores_case_and_accents_as_whole_words() -> None:
    """The reading the pages and the digest share (:mod:`aggregator.districts`): a place
    written with or without accents, composed or not, in capitals, holds a district it
    names as whole words; a city of the table, in any of its names, and words that name
    no place ("rue de la") are no district."""
    from aggregator.districts import district

    technopole = district("Technopôle")
    assert technopole is not None
    for place in ("TECHNOPOLE, Metz", "Technopo\u0302le", "technopôle",
                  "4 rue Marconi, Technopôle"):
        assert technopole.holds(place), place
    assert not technopole.holds("Technopolis, Bruxelles")
    street = district("Kirchbergstraße")
    kirchberg = district("kirchberg")
    assert street is not None and kirchberg is not None
    assert street.holds("Kirchbergstrasse 3, Trier") and not kirchberg.holds("Kirchbergstraße 3")
    assert kirchberg.known and kirchberg.name == "Kirchberg"
    assert kirchberg.city == "luxembourg-ville"
    belval = district("BELVAL")
    assert belval is not None and belval.venues == ("Technoport",)
    assert belval.holds("Technoport, 9 avenue des Hauts-Fourneaux, Esch-sur-Alzette")
    assert not belval.holds("Kulturfabrik, 116 rue de Luxembourg, Esch-sur-Alzette")
    for typed in ("Esch-Belval", "Technoport Belval"):  # its known venue names the district
        both = district(typed)
        assert both is not None and both.holds("Technoport, 9 avenue des Hauts-Fourneaux",
                                               "Esch-sur-Alzette"), typed
    for city in ("Metz", "Luxembourg City", "Lëtzebuerg", "esch-sur-alzette", "rue de la", ""):
        assert district(city) is None, city
    laxou = district("Laxou")
    assert laxou is not None and laxou.city == "nancy" and not laxou.venues
