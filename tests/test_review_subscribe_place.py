"""A sign-up or a preferences form posted by hand (a script, an old page, a tampered
request) with a city that names nothing: stored as sent, the subscriber's digest filtered
on it, every week empty. The forms now refuse it as the agenda reads it
(:func:`aggregator.web.districts.unknown_city`), in the reader's language, and store
nothing; a district or place the filters list (Kirchberg, Belval, Gasperich), a city of
the region's table (Thionville), or one in another language (Luxemburg) is followed as
before. Real HTTP, SQLite and PostgreSQL, SMTP (aiosmtpd)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aggregator.config import SmtpSettings
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from test_review_district import district_site
from test_web_pages import csrf
from webapp import Web


@pytest.fixture
def web(feed_server: Any, tmp_path: Path, db_url: str, smtp_server: Sink  # noqa: F811
        ) -> Iterator[Web]:
    """The Luxembourg district site on SQLite and PostgreSQL, mailing through the test's
    SMTP server."""
    with district_site(feed_server, tmp_path, db_url=db_url, smtp=SmtpSettings(
            host=smtp_server.host, port=smtp_server.port,
            mail_from="Agenda <digest@agenda.example.lu>")) as served:
        yield served

REFUSED = {"en": "no city and no event’s place is named “{}”",
           "fr": "aucune ville ni aucun lieu d’événement ne s’appelle « {} »",
           "de": "keine Stadt und kein Veranstaltungsort heißt „{}“"}


def error(page: str) -> str:
    """What the form's error says, tags removed."""
    found = re.search(r'<p id="form-error"[^>]*>(.*?)</p>', page, re.DOTALL)
    return re.sub(r"\s+", " ", found.group(1)).strip() if found else ""


def test_a_hand_made_sign_up_for_a_city_that_names_nothing_is_refused(
        web: Web, smtp_server: Sink) -> None:  # noqa: F811
    """POST /subscribe with cities=Foo (or "rue", or a typo) stored a pending subscriber
    following it and mailed the confirmation; the form is now shown again, 422, saying in
    the reader's language which city names nothing, the cities field marked; nothing is
    stored or sent. Kirchberg, Belval, Gasperich, Thionville and Luxemburg are followed."""
    store = web.aggregator.store
    for typed, lang in (("Foo", "en"), ("rue", "fr"), ("Kirchbrg", "de"), ("Rue de", "en")):
        answer = web.client.post(f"/subscribe?lang={lang}", data={
            "csrf_token": csrf(web.client, f"/subscribe?lang={lang}"),
            "email": "mallory@example.lu", "language": lang,
            "cities": ["Luxembourg", typed]})
        assert answer.status_code == 422, (typed, answer.status_code)
        assert REFUSED[lang].format(typed) in error(answer.text), (typed, error(answer.text))
        assert re.search(r'<fieldset aria-describedby="form-error">\s*<legend>', answer.text)
        assert store.subscriber(email="mallory@example.lu") is None, typed
    assert smtp_server.messages == []
    answer = web.client.post("/subscribe", data={
        "csrf_token": csrf(web.client, "/subscribe"), "email": "jonas@example.lu",
        "language": "de",
        "cities": ["Kirchberg", "belval", "Gasperich", "Thionville", "Luxemburg"]})
    assert answer.status_code == 200 and not error(answer.text), error(answer.text)
    jonas = store.subscriber(email="jonas@example.lu")
    assert jonas is not None
    assert jonas.cities == ("Kirchberg", "Belval", "Gasperich", "Thionville", "Luxembourg")


def test_hand_made_preferences_for_a_city_that_names_nothing_are_refused(
        web: Web) -> None:
    """The preferences form (the digest's manage link) saved cities=Foo as sent. It now
    says so and keeps what was followed; a district is saved, and a city the subscriber
    already followed (an operator's `subscribers add --city`) is kept when saving."""
    store = web.aggregator.store
    lea, _ = web.aggregator.add_subscriber("lea@example.lu", language="de",
                                           cities=["Schengen"], confirmed=True)
    path = f"/preferences/{lea.token}"
    for typed in ("Foo", "rue"):
        answer = web.client.post(path, data={
            "csrf_token": csrf(web.client, path), "language": "de",
            "cities": ["Schengen", typed]})
        assert REFUSED["de"].format(typed) in error(answer.text), error(answer.text)
        kept = store.subscriber(email="lea@example.lu")
        assert kept is not None and kept.cities == ("Schengen",), typed
    answer = web.client.post(path, data={
        "csrf_token": csrf(web.client, path), "language": "en",
        "cities": ["Schengen", "Kirchberg"]})
    assert not error(answer.text), error(answer.text)
    saved = store.subscriber(email="lea@example.lu")
    assert saved is not None and saved.cities == ("Schengen", "Kirchberg")
    assert saved.language == "en"


def test_a_hand_made_sign_up_for_a_topic_nobody_names_is_refused(
        web: Web, smtp_server: Sink) -> None:  # noqa: F811
    """The same of a topic: tags=zzz was stored as sent, the digest filtered on it. It is
    refused, in the reader's language; a topic named in another language ("KI") or one
    no organisation gives yet but the site knows ("cybersecurity") is followed."""
    for lang, words in (("en", "no topic is named “zzz”"),
                        ("fr", "aucun thème ne s’appelle « zzz »"),
                        ("de", "kein Thema heißt „zzz“")):
        answer = web.client.post(f"/subscribe?lang={lang}", data={
            "csrf_token": csrf(web.client, f"/subscribe?lang={lang}"),
            "email": "mallory@example.lu", "language": lang, "tags": ["zzz"]})
        assert answer.status_code == 422 and words in error(answer.text), error(answer.text)
    assert web.aggregator.store.subscriber(email="mallory@example.lu") is None
    answer = web.client.post("/subscribe", data={
        "csrf_token": csrf(web.client, "/subscribe"), "email": "ann@example.lu",
        "language": "de", "tags": ["KI", "cybersecurity"]})
    assert answer.status_code == 200 and not error(answer.text), error(answer.text)
    ann = web.aggregator.store.subscriber(email="ann@example.lu")
    assert ann is not None and ann.tags == ("ai", "cybersecurity")
