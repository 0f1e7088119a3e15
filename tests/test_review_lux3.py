"""A German-, English- or French-speaking subscriber of the Luxembourg/Lorraine region (third
review): a kind of organisation typed on the command line as she names it, a district of a
city as the filter of the agenda and its calendars. Real HTTP, SQLite and PostgreSQL, the
CLI through its main()."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from aggregator.cli import cli
from digest_site import cli_environment, digest_app
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from test_review_lux import agenda_titles
from test_review_lux2 import HOUSE_OF_STARTUPS, TECHNOPORT, lux_environment, lux_site


def test_a_kind_typed_in_german_french_or_english_subscribes_on_the_command_line(
        tmp_path: Path, db_url: str, smtp_server: Sink) -> None:
    """The operator signed Julia up as she asked, "nur Labore und Vereine": `subscribers add
    --kind Labor` (and `--kind laboratoire`, `--kind Verein`, `--kind LAB`) was refused by
    the command line ("'Labor' is not one of 'startup', 'lab', …"), where the agenda's
    ``?kind=Labor`` and the sign-up form read it (:class:`aggregator.selection.Offer`). The
    command line now reads a kind as the web does, and stores the kind itself."""
    app = digest_app(tmp_path, db_url, smtp_server.port)
    env = cli_environment(tmp_path, db_url, smtp_server.port)
    runner = CliRunner()
    for email, typed, stored in (
            ("julia@example.lu", ("Labor", "Verein"), ("lab", "association")),
            ("lea@example.fr", ("laboratoire", "Association"), ("lab", "association")),
            ("tom@example.org", ("LAB", "Company"), ("lab", "company")),
            ("zoe@example.fr", ("Lieu", "entreprise", "Start-up"), ("venue", "company", "startup")),
            ("max@example.de", ("Veranstaltungsort", "Unternehmen"), ("venue", "company")),
            ("eve@example.fr", ("Laboratóire", "lab"), ("lab",)),
            ("ida@example.fr", ("labo", "Firma", "Laboratory"), ("lab", "company"))):
        args = ["subscribers", "add", email, "--confirmed"]
        for kind in typed:
            args += ["--kind", kind]
        result = runner.invoke(cli, args, env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        subscriber = app.store.subscriber(email=email)
        assert subscriber is not None and subscriber.kinds == stored, (typed, subscriber)
    refused = runner.invoke(cli, ["subscribers", "add", "ann@example.org", "--kind", "Labr"],
                            env=env, catch_exceptions=False)
    assert refused.exit_code == 2
    assert "Invalid value for '--kind': 'Labr' is not one of 'startup', 'lab', 'association', " \
           "'venue', 'institution', 'company'" in refused.stderr
    assert app.store.subscriber(email="ann@example.org") is None
    helped = runner.invoke(cli, ["subscribers", "add", "--help"], catch_exceptions=False)
    assert "[startup|lab|association|venue|institution|company]" in helped.output


def test_a_kind_typed_in_any_language_filters_the_agenda_and_ticks_the_form(
        feed_server: Any, tmp_path: Path) -> None:
    """The web's side of the same reading: ``?kind=Unternehmen``, ``?kind=entreprise``,
    ``?kind=LIEU`` filter the agenda and its calendar, and the sign-up form a link leads
    to ticks the kind named; ``?kind=Firma``, as German readers also say, listed nothing."""
    with lux_site(feed_server, tmp_path) as web:
        for typed, lang in (("Unternehmen", "de"), ("entreprise", "fr"), ("COMPANY", "en")):
            assert agenda_titles(web, kind=typed, lang=lang) == ["Meetup Machine Learning"]
            form = web.client.get("/subscribe", params={"kind": typed, "lang": lang}).text
            assert re.search(r'name="kinds" value="company" checked', form), typed
        assert agenda_titles(web, kind="LIEU", lang="fr") == ["Atelier Python"]
        assert agenda_titles(web, kind="Firma", lang="de") == ["Meetup Machine Learning"]
        calendar = web.client.get("/calendar.ics", params={"kind": "Veranstaltungsort"}).text
        assert "Atelier Python" in calendar and "Meetup Machine" not in calendar


KULTURFABRIK = "Kulturfabrik\\, 116 rue de Luxembourg\\, 4221 Esch-sur-Alzette"


def test_a_district_as_the_city_filter_lists_the_events_at_its_known_venues(
        feed_server: Any, tmp_path: Path) -> None:
    """Everyone names Esch-sur-Alzette's university and start-up district Belval; its
    organisations write their city Esch-sur-Alzette. ``?city=Belval`` (a link, her typed
    address) listed nothing, with "All" in the form, and /calendars/belval.ics was 404,
    where a search for "Belval" found Technoport's events. A city filter naming a district
    of known venues now lists the events at them (not the Kulturfabrik, in Esch's centre),
    its calendar too, the page saying it is a district of Esch-sur-Alzette with a link to
    the whole city; the sign-up form it leads to ticks Esch-sur-Alzette, what a digest
    can follow."""
    with lux_site(feed_server, tmp_path, ("Deep tech funding", TECHNOPORT),
                  ("Concert électro", KULTURFABRIK), ("Startup breakfast", "Technoport Belval"),
                  ("Pitch Night", HOUSE_OF_STARTUPS)) as web:
        at_belval = ["Deep tech funding", "Startup breakfast"]
        for typed, lang in (("Belval", "de"), ("belval", "fr"), ("BELVAL", "en")):
            assert agenda_titles(web, city=typed, lang=lang) == at_belval, typed
        assert agenda_titles(web, city="Esch-sur-Alzette") == ["Concert électro", *at_belval]
        assert agenda_titles(web, city="Belval", tag="KI", lang="de") == at_belval
        assert agenda_titles(web, city="Belval", kind="venue") == []
        page = web.client.get("/", params={"city": "belval", "lang": "en"}).text
        assert re.search(r'<option value="Belval" selected>Belval</option>', page)
        note = re.search(r'<p class="district">(.*?)</p>', page, re.DOTALL)
        assert note is not None, page
        assert "A district of Esch-sur-Alzette: the events at its known venues (Technoport)" \
            in note.group(1)
        assert 'href="/?city=Esch-sur-Alzette"' in note.group(1)
        assert "<title>Belval" in page
        assert "Un quartier situé à Esch-sur-Alzette : les événements de ses lieux connus " \
            "(Technoport) et ceux dont le lieu nomme Belval." in web.client.get(
                "/", params={"city": "Belval", "lang": "fr"}).text
        assert "district" not in web.client.get("/", params={"city": "Metz"}).text
        for address, params in (("/calendar.ics", {"city": "Belval"}),
                                ("/calendars/belval.ics", {"lang": "de"})):
            answer = web.client.get(address, params=params)
            assert answer.status_code == 200, address
            assert answer.text.count("BEGIN:VEVENT") == 2, address
            assert "Deep tech funding" in answer.text and "Concert" not in answer.text
        assert "Belval" in web.client.get("/calendars/belval.ics", params={"lang": "de"}).text
        form = web.client.get("/subscribe", params={"city": "Belval", "lang": "de"}).text
        assert re.search(r'name="cities" value="Belval" checked> Belval \(Stadtteil von '
                         r'Esch-sur-Alzette\)', form), form  # itself (test_review_subdistrict)
        assert re.search(r'name="cities" value="Esch-sur-Alzette">', form), form


def jonas_digest(env: dict[str, str], city: str, sink: Sink) -> str:
    """Jonas signed up by the operator to follow ``city`` (`subscribers add --city`, with no
    warning that no organisation is there), then the week's digest sent: its text."""
    runner = CliRunner()
    for args in (["subscribers", "add", "jonas@example.lu", "--lang", "de", "--city", city,
                  "--confirmed"], ["digest", "send"]):
        result = runner.invoke(cli, args, env=env, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "no organisation" not in result.stderr, result.stderr
    (message,) = sink.messages
    return str(message.get_body(("plain",)).get_content())


def test_a_digest_following_a_district_gets_the_events_at_its_known_venues(
        feed_server: Any, tmp_path: Path, smtp_server: Sink) -> None:
    """The operator signed Jonas up as he asked, "alles in Belval": `subscribers add --city
    Belval`. The agenda's ``?city=Belval`` lists Technoport's events, but his digest
    compared only the events' city (Esch-sur-Alzette): every week "Diese Woche nichts
    geplant", and the command line warned that no organisation is in Belval. His digest and
    his personal calendar now follow the district as the agenda does (not the Kulturfabrik,
    in Esch's centre)."""
    with lux_site(feed_server, tmp_path, ("Deep tech funding", TECHNOPORT),
                  ("Concert électro", KULTURFABRIK), ("Pitch Night", HOUSE_OF_STARTUPS)) as web:
        digest = jonas_digest(lux_environment(web, smtp_server.port), "Belval", smtp_server)
        assert "Deep tech funding" in digest, digest
        assert "Concert" not in digest and "Pitch Night" not in digest
        jonas = web.aggregator.store.subscriber(email="jonas@example.lu")
        assert jonas is not None and jonas.cities == ("Belval",)
        calendar = web.aggregator.followed_calendar(web.aggregator.published(), jonas).decode()
        assert "Deep tech funding" in calendar and "Concert" not in calendar
