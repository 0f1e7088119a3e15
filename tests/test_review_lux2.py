"""A German- or English-speaking subscriber in Luxembourg (second review): what she types
read alike by the web and the command line, her old subscription's digest, the calendars
she types the address of, the places she searches for. Real HTTP, SQLite and PostgreSQL,
SMTP (aiosmtpd), the CLI through its main()."""

from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.core import make_aggregator
from aggregator.models import FeedRef, Source
from conftest import command_line_environment, make_settings
from digest_site import WEEK, digest_app
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from sites import SOON, ics, one_calendar
from test_review_lux import agenda_titles
from webapp import Web, serving

TECHNOPORT = "Technoport\\, 9 avenue des Hauts-Fourneaux\\, 4362 Esch-sur-Alzette"
HOUSE_OF_STARTUPS = "House of Startups\\, 9 rue du Laboratoire\\, 1911 Luxembourg"


def lux_sources(base: str) -> tuple[Source, ...]:
    """A Luxembourg company whose operator wrote its topic "IA" (as French writes it, not
    the slug "ai"), and a venue in Metz."""
    return (
        Source(id="lux", name="Lux Tech", kind="company", city="Luxembourg", country="LU",
               tags=("IA",), feeds=(FeedRef(f"{base}/lux.ics"),)),
        Source(id="venue", name="La Venue", kind="venue", city="Metz", country="FR",
               feeds=(FeedRef(f"{base}/venue.ics"),)),
    )


def lux_feeds(server: Any, *events: tuple[str, str]) -> None:
    """The company's calendar with these (title, place) events; the venue's one talk."""
    def event(number: int, title: str, place: str) -> bytes:
        found = ics(f"lux{number}@lux", title, SOON + timedelta(days=number))
        return found.replace(b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz", place.encode())

    server.set("/lux.ics", one_calendar(
        *(event(n, title, place) for n, (title, place) in enumerate(events, 1))), "text/calendar")
    server.set("/venue.ics", ics("v1@venue", "Atelier Python", SOON), "text/calendar")


@contextmanager
def lux_site(feed_server: Any, tmp_path: Path, *events: tuple[str, str],
             **settings: Any) -> Iterator[Web]:
    lux_feeds(feed_server, *(events or (("Meetup Machine Learning", HOUSE_OF_STARTUPS),)))
    aggregator = make_aggregator(make_settings(tmp_path, lux_sources(feed_server.base_url),
                                               **settings))
    with serving(aggregator, feed_server, tmp_path) as served:
        yield served


def lux_environment(web: Web, smtp_port: int) -> dict[str, str]:
    """The command line's environment on :func:`lux_site`: its sources.yaml, database and
    output, and the SMTP server on ``smtp_port``."""
    return {**command_line_environment(web.tmp_path, lux_sources(web.feeds.base_url),
                                       web.aggregator.settings.db_url, smtp_port),
            "AGGREGATOR_ALLOW_PRIVATE_NETWORKS": "1"}


def test_a_topic_typed_in_german_is_read_alike_by_the_web_and_the_command_line(
        feed_server: Any, tmp_path: Path, smtp_server: Sink) -> None:
    """Julia follows "KI" (the German pages' own word for the topic) of a Luxembourg company
    whose operator wrote its topic "IA". `subscribers add --tag KI` read it as the company's
    topic; the agenda's ``?tag=KI`` (her link, /calendar.ics?tag=KI) listed nothing, and the
    sign-up form it leads to ticked nothing: the web and the command line each had their
    reading of what she typed. There is one now, used by both."""
    with lux_site(feed_server, tmp_path) as web:
        assert agenda_titles(web, tag="KI", lang="de") == ["Meetup Machine Learning"]
        assert agenda_titles(web, tag="AI", city="Luxemburg", lang="en") == [
            "Meetup Machine Learning"]
        assert "Meetup Machine Learning" in web.client.get(
            "/calendar.ics", params={"tag": "KI", "lang": "de"}).text
        form = web.client.get("/subscribe", params={"tag": "KI", "lang": "de"}).text
        assert re.search(r'name="tags" value="IA" checked', form), form
        env = lux_environment(web, smtp_server.port)
        runner = CliRunner()
        for args in (["subscribers", "add", "julia@example.lu", "--lang", "de", "--tag", "KI",
                      "--city", "luxemburg", "--confirmed"], ["digest", "send"]):
            result = runner.invoke(cli, args, env=env, catch_exceptions=False)
            assert result.exit_code == 0, result.output
            assert "did you mean" not in result.stderr
        digest = smtp_server.messages[0].get_body(("plain",)).get_content()
        assert "Meetup Machine Learning" in digest and "Atelier Python" not in digest


def test_a_subscription_stored_in_german_before_the_fix_gets_its_digest(
        tmp_path: Path, db_url: str, smtp_server: Sink) -> None:
    """Julia and Jonas signed up by `subscribers add --city Luxemburg` and `--tag KI` before
    the command line read them as the organisations name them: their rows hold "Luxemburg"
    and "ki" (and Lea's, from an old link, "Lëtzebuerg" and "Künstliche Intelligenz"), and
    each week's digest said "Diese Woche nichts geplant" until they saved their preferences
    again, which nothing told them to do. The digest and the personal calendar now read a
    stored city and topic as the organisations name them, at send time."""
    app = digest_app(tmp_path, db_url, smtp_server.port)
    now = app.clock()
    for email, cities, tags in (("julia@example.lu", ("Luxemburg",), ()),
                                ("jonas@example.lu", (), ("ki",)),
                                ("lea@example.lu", ("Lëtzebuerg", "nancy"),
                                 ("Künstliche Intelligenz",))):
        app.store.insert_subscriber(email, "de", cities, (), tags, "confirmed",
                                    f"token-{email}-0123456789", now)
    report = app.send_digest(WEEK)
    assert sorted(report.sent) == ["jonas@example.lu", "julia@example.lu", "lea@example.lu"]
    text = {m["To"]: m.get_body(("plain",)).get_content().replace("\r\n", "\n")
            for m in smtp_server.messages}
    assert "Café code" in text["julia@example.lu"]
    assert "Rencontre IA" not in text["julia@example.lu"]
    assert "Ihre Auswahl: Luxembourg\n" in text["julia@example.lu"]
    assert "Rencontre IA" in text["jonas@example.lu"] and "Café code" not in text[
        "jonas@example.lu"]
    assert "Ihre Auswahl: KI\n" in text["jonas@example.lu"]
    assert "Rencontre IA" in text["lea@example.lu"]
    julia = app.store.subscriber(email="julia@example.lu")
    assert julia is not None
    assert "SUMMARY:Café code" in app.followed_calendar(app.published(), julia).decode()


def test_a_calendar_address_typed_in_german_or_english_leads_to_the_calendar(
        feed_server: Any, tmp_path: Path) -> None:
    """Julia typed the address of Luxembourg's calendar as she names the city,
    /calendars/luxemburg.ics, and got 404 (the page links luxembourg.ics, the slug of the
    value, CONTRACT.md), as for the topic she reads as "KI" (its calendar: ia.ics here, the
    operator's spelling) or "Esch an der Alzette". Each now answers a permanent redirect to
    the calendar's own address, its ``lang`` kept; a name no calendar has is still 404."""
    with lux_site(feed_server, tmp_path, ("Meetup Machine Learning", HOUSE_OF_STARTUPS),
                  ("Deep tech funding", TECHNOPORT)) as web:
        for typed, canonical in (("luxemburg", "luxembourg"), ("Luxemburg", "luxembourg"),
                                 ("letzebuerg", "luxembourg"), ("ki", "ia"), ("AI", "ia"),
                                 ("esch-an-der-alzette", "esch-sur-alzette"),
                                 ("unternehmen", "company"), ("Metz", "metz")):
            answer = web.client.get(f"/calendars/{typed}.ics", params={"lang": "de"})
            assert answer.status_code == 301, typed
            assert answer.headers["location"] == f"{canonical}.ics?lang=de", typed
            assert httpx.URL(f"{web.url}/calendars/{typed}.ics").join(
                answer.headers["location"]).path == f"/calendars/{canonical}.ics"
        followed = web.client.get("/calendars/luxemburg.ics", follow_redirects=True)
        assert followed.status_code == 200
        assert "Meetup Machine Learning" in followed.text and "Deep tech" not in followed.text
        assert web.client.get("/calendars/luxembourg.ics").status_code == 200
        assert "location" not in web.client.get("/calendars/luxembourg.ics").headers
        assert web.client.get("/calendars/nowhere.ics").status_code == 404
        assert web.client.get("/calendars/kirchbrg.ics").status_code == 404  # Kirchberg: a district


def test_a_search_for_belval_finds_the_events_at_its_known_venues(
        feed_server: Any, tmp_path: Path) -> None:
    """Technoport is at Belval, Esch-sur-Alzette's university and start-up district, and
    its address says only "9 avenue des Hauts-Fourneaux, 4362 Esch-sur-Alzette": a search
    for "Belval", the name everyone gives the place, found none of its events. Belval is not
    a name of the city ("Esch an der Alzette" is): the Kulturfabrik, in Esch's centre, is not
    at Belval, as Laxou is not Nancy. An event at a venue the venue table places in a
    district (technoport-belval) is now found by the district's name."""
    with lux_site(feed_server, tmp_path, ("Deep tech funding", TECHNOPORT),
                  ("Concert électro", "Kulturfabrik\\, 116 rue de Luxembourg\\, "
                   "4221 Esch-sur-Alzette"),
                  ("Startup breakfast", "Technoport Belval"),
                  ("Pitch Night", HOUSE_OF_STARTUPS)) as web:
        assert agenda_titles(web, q="Belval", lang="de") == ["Deep tech funding",
                                                            "Startup breakfast"]
        assert agenda_titles(web, q="belval funding", lang="en") == ["Deep tech funding"]
        assert agenda_titles(web, q="Esch an der Alzette", lang="de") == [
            "Concert électro", "Deep tech funding", "Startup breakfast"]


def test_luxembourg_city_as_english_names_it_is_luxembourg(feed_server: Any,
                                                          tmp_path: Path) -> None:
    """An English reader names the capital "Luxembourg City" (and Luxembourgish "Stad
    Lëtzebuerg"), to tell it from the country: ``?city=Luxembourg City`` listed nothing,
    with "All" in the form, and a search for it found none of the events in Luxembourg,
    the city as the organisations name it. Luxembourg City is the city Luxembourg
    (dedup.places names it "luxembourg-ville"), where no filter offers it on its own."""
    with lux_site(feed_server, tmp_path, ("Pitch Night", HOUSE_OF_STARTUPS),
                  ("Deep tech funding", TECHNOPORT)) as web:
        assert agenda_titles(web, city="Luxembourg City", lang="en") == ["Pitch Night"]
        assert agenda_titles(web, city="Stad Lëtzebuerg", lang="de") == ["Pitch Night"]
        assert agenda_titles(web, q="Luxembourg City pitch", lang="en") == ["Pitch Night"]
        answer = web.client.get("/calendars/luxembourg-city.ics")
        assert answer.status_code == 301 and answer.headers["location"] == "luxembourg.ics"


def test_a_topic_the_operator_wrote_in_french_reads_in_german_on_german_pages(
        feed_server: Any, tmp_path: Path, smtp_server: Sink) -> None:
    """The operator wrote the company's topic "IA", as French does: the German agenda's
    topic filter, its calendars page and Julia's digest ("Ihre Auswahl: IA") named it in
    French, where the operator's "ai" reads "KI"; she never met the word she searches for.
    A topic written as any of its names now reads as the reader's language names it."""
    with lux_site(feed_server, tmp_path) as web:
        agenda = web.client.get("/", params={"lang": "de"}).text
        assert re.search(r'<option value="IA"[^>]*>KI</option>', agenda), agenda
        assert re.search(r'<option value="IA"[^>]*>AI</option>',
                         web.client.get("/", params={"lang": "en"}).text)
        assert re.search(r'<option value="IA"[^>]*>IA</option>', web.client.get("/", params={"lang": "fr"}).text)
        assert "KI" in web.client.get("/calendars", params={"lang": "de"}).text
        web.aggregator.add_subscriber("julia@example.lu", language="de", tags=["IA"],
                                      confirmed=True)
        web.aggregator.settings = replace(web.aggregator.settings, smtp=replace(
            web.aggregator.settings.smtp, host="127.0.0.1", port=smtp_server.port))
        assert web.aggregator.send_digest().sent == ("julia@example.lu",)
        digest = smtp_server.messages[0].get_body(("plain",)).get_content()
        assert "Ihre Auswahl: KI" in digest, digest
