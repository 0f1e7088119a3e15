"""A city filter made only of words that name no place (``?city=rue``, ``?city=Rue de``,
the street words an address is full of): the agenda listed nothing and said nothing, where
a typo ("Foo") says that no city and no event's place is named so. Real HTTP, SQLite, the
CLI through its main()."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from aggregator.cli import cli
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from test_review_district import district_environment, district_site, note
from test_review_lux import agenda_titles
from webapp import Web

NO_PLACE = {"en": "No city and no event’s place is named “{}”",
            "fr": "Aucune ville ni aucun lieu d’événement ne s’appelle « {} »",
            "de": "Keine Stadt und kein Veranstaltungsort heißt „{}“"}


def said(web: Web, address: str, **params: str) -> str:
    """The words ``address`` says about its city filter (the district note), tags removed,
    and where its link goes."""
    answer = web.client.get(address, params=params)
    assert answer.status_code == 200, (address, params, answer.status_code)
    found = re.search(r'<p class="district">(.*?)</p>', answer.text, re.DOTALL)
    if found is None:
        return ""
    links = " ".join(re.findall(r'href="([^"]*)"', found.group(1)))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() + " " + links


def test_words_that_name_no_place_say_so_as_a_typo_does(
        feed_server: Any, tmp_path: Path, smtp_server: Sink) -> None:
    """``?city=rue`` (or "Rue de", "de la", "-") listed nothing and said nothing: street
    words are no district (the district matching ignores them), so the page took them for
    a city of the agenda with nothing planned. They now say, as a typo does, in the
    reader's language, that no city and no event's place is named so, with a link to the
    whole agenda (the other filters kept); the news page and the embedded list too; their
    calendars/… address is 404, their calendar.ics and open data empty, never a 500; a
    follower of "rue" is warned on the command line as one of "Foo". A city, a district
    and a place say what they said."""
    with district_site(feed_server, tmp_path) as web:
        for typed, lang in (("rue", "en"), ("Rue de", "fr"), ("de la", "de"), ("-", "en"),
                            ("Foo", "en")):
            assert agenda_titles(web, city=typed, lang=lang) == [], typed
            words = NO_PLACE[lang].format(typed)
            page = said(web, "/", city=typed, kind="company", lang=lang)
            assert words in page, (typed, page)
            assert "/?kind=company" in page, page  # the whole agenda, its other filters kept
            assert words in said(web, "/news", city=typed, lang=lang), typed
            embedded = web.client.get("/embed", params={"city": typed, "lang": lang}).text
            assert words in embedded.replace("&#34;", '"'), (typed, embedded)
            listed = web.client.get("/", params={"city": typed, "lang": lang}).text
            assert f'<option value="{typed}"' not in listed
            for address in ("/events.json", "/news.json", "/calendar.ics", "/events.atom"):
                answer = web.client.get(address, params={"city": typed})
                assert answer.status_code == 200, (address, typed)
                assert "Deep tech" not in answer.text and "Lux Tech" not in answer.text
        for slug in ("rue", "rue-de", "de-la"):
            assert web.client.get(f"/calendars/{slug}.ics").status_code == 404, slug
        for typed in ("Luxembourg", "Esch-sur-Alzette", "Thionville"):  # cities: nothing said
            assert note(web, city=typed, lang="en") == "", typed
        assert "A district of Luxembourg" in note(web, city="Kirchberg", lang="en")
        assert "Not a city of the agenda" in note(web, city="Gasperich", lang="en")
        env = district_environment(web, smtp_server.port)
        for typed in ("rue", "Foo"):
            added = CliRunner().invoke(cli, ["subscribers", "add", f"{typed}@example.lu",
                                             "--city", typed, "--confirmed"], env=env,
                                       catch_exceptions=False)
            assert added.exit_code == 0 and f"no organisation is in {typed}" in added.stderr
