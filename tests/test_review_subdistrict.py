"""A reader of a district's agenda (``/?city=Kirchberg``) who asks for "this selection
weekly by email": the sign-up form ticked the whole city, and after the double opt-in the
digest and the personal calendar brought every event of Luxembourg. The form now offers the
district itself, ticked, beside the cities (the whole city one click away); the
confirmation keeps it, the preferences show it and keep it, the digest and the calendar
follow it. Real HTTP, SQLite, SMTP (aiosmtpd), headless Chromium, the CLI through main()."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from aggregator.cli import cli
from browser import browser, screenshot  # noqa: F401  (fixture)
from mailsink import Sink, smtp_server  # noqa: F401  (fixture)
from test_review_district import ELSEWHERE, KIRCHBERG, district_environment, district_site
from webapp import Web

SITE = "http://agenda.example.lu"


@pytest.fixture
def web(feed_server: Any, tmp_path: Path, smtp_server: Sink) -> Iterator[Web]:
    """The Luxembourg district site, mailing through the test's SMTP server."""
    from aggregator.config import SmtpSettings

    with district_site(feed_server, tmp_path, base_url=SITE, smtp=SmtpSettings(
            host=smtp_server.host, port=smtp_server.port,
            mail_from="Agenda <digest@agenda.example.lu>")) as served:
        yield served


def city_choices(page: str) -> dict[str, tuple[str, bool]]:
    """The sign-up form's cities: value -> (its label's words, whether it is ticked)."""
    found = re.findall(r'<label for="s-cities-\d+"><input [^>]*name="cities" value="([^"]*)"'
                       r'([^>]*)>\s*([^<]*)</label>', page)
    return {value: (label.strip(), " checked" in rest) for value, rest, label in found}


def test_the_sign_up_form_from_a_districts_agenda_offers_the_district_ticked(web: Web) -> None:
    """``/subscribe?city=Kirchberg`` (the agenda's "This selection weekly by email") ticked
    Luxembourg, the whole city; it now ticks Kirchberg, said to be a district of Luxembourg
    in the reader's language, Luxembourg offered beside it unticked. Belval (of known
    venues), Gasperich (a place the table does not know) alike; a typo is not offered."""
    for lang, words in (("en", "Kirchberg (a district of Luxembourg)"),
                        ("fr", "Kirchberg (quartier de Luxembourg)"),
                        ("de", "Kirchberg (Stadtteil von Luxembourg)")):
        form = web.client.get("/subscribe", params={"city": "kirchberg", "lang": lang}).text
        choices = city_choices(form)
        assert choices.get("Kirchberg") == (words, True), choices
        assert choices["Luxembourg"] == ("Luxembourg", False), choices
        assert [value for value, (_, ticked) in choices.items() if ticked] == ["Kirchberg"]
    belval = city_choices(web.client.get(
        "/subscribe", params={"city": "Belval", "lang": "fr"}).text)
    assert belval.get("Belval") == ("Belval (quartier d’Esch-sur-Alzette)", True), belval
    assert belval["Esch-sur-Alzette"] == ("Esch-sur-Alzette", False)
    gasperich = city_choices(web.client.get(
        "/subscribe", params={"city": "Gasperich", "lang": "en"}).text)
    assert gasperich.get("Gasperich") == ("Gasperich (a place in Luxembourg)", True), gasperich
    for typo in ("Kirchbrg", "Foo"):
        choices = city_choices(web.client.get("/subscribe", params={"city": typo}).text)
        assert typo not in choices and not any(t for _, t in choices.values()), choices
    city = city_choices(web.client.get("/subscribe", params={"city": "Luxembourg"}).text)
    assert city["Luxembourg"] == ("Luxembourg", True) and "Kirchberg" not in city


def test_a_reader_of_kirchbergs_agenda_signs_up_and_gets_kirchbergs_events_only(
        browser: Any, web: Web, smtp_server: Sink) -> None:
    """From ``/?city=Kirchberg`` through "Cette sélection chaque semaine par e-mail", the
    form, the emailed confirmation link and its button, as a reader does in Chromium: the
    subscriber follows Kirchberg (not Luxembourg), its preferences page shows it ticked and
    saving keeps it, its personal calendar and its digest (a real SMTP server) hold
    Kirchberg's events only."""
    browser.delete_all_cookies()
    browser.get(web.url + "/?city=Kirchberg")
    browser.find_element(By.LINK_TEXT, "Cette sélection chaque semaine par e-mail").click()
    WebDriverWait(browser, 15).until(lambda d: "/subscribe" in d.current_url)
    kirchberg = browser.find_element(By.CSS_SELECTOR, "input[name=cities][value=Kirchberg]")
    luxembourg = browser.find_element(By.CSS_SELECTOR, "input[name=cities][value=Luxembourg]")
    label = browser.find_element(By.CSS_SELECTOR, f"label[for={kirchberg.get_attribute('id')}]")
    assert label.text == "Kirchberg (quartier de Luxembourg)"
    assert kirchberg.is_selected() and not luxembourg.is_selected()
    browser.find_element(By.ID, "s-email").send_keys("jonas@example.lu")
    screenshot(browser, "subdistrict-form")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 15).until(lambda d: smtp_server.messages)
    (mail,) = smtp_server.messages
    link = re.search(re.escape(SITE) + r"(/confirm/\S+)", mail.get_content())
    assert link, mail.get_content()
    browser.get(web.url + link.group(1))
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    store = web.aggregator.store
    WebDriverWait(browser, 15).until(
        lambda d: (s := store.subscriber(email="jonas@example.lu")) is not None
        and s.status == "confirmed")
    jonas = store.subscriber(email="jonas@example.lu")
    assert jonas is not None and jonas.cities == ("Kirchberg",)
    assert jonas.consent_notice  # what the form said, kept as before

    browser.get(f"{web.url}/preferences/{jonas.token}?lang=en")
    kept = browser.find_element(By.CSS_SELECTOR, "input[name=cities][value=Kirchberg]")
    assert kept.is_selected()
    assert browser.find_element(
        By.CSS_SELECTOR, f"label[for={kept.get_attribute('id')}]"
    ).text == "Kirchberg (a district of Luxembourg)"
    calendar = browser.find_element(By.ID, "my-calendar-url").get_attribute("value")
    screenshot(browser, "subdistrict-preferences")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "p.notice"))
    saved = store.subscriber(email="jonas@example.lu")
    assert saved is not None and saved.cities == ("Kirchberg",)

    assert calendar and calendar.startswith(SITE), calendar
    ics = httpx.get(web.url + calendar.removeprefix(SITE), timeout=30).text
    assert "BEGIN:VCALENDAR" in ics
    _only_kirchberg(ics)

    result = CliRunner().invoke(cli, ["digest", "send"], catch_exceptions=False,
                                env=district_environment(web, smtp_server.port))
    assert result.exit_code == 0, result.output
    (digest,) = [m for m in smtp_server.messages[1:] if m["To"] == "jonas@example.lu"]
    _only_kirchberg(digest.get_body(("plain",)).get_content())


def _only_kirchberg(text: str) -> None:
    for title in KIRCHBERG:
        assert title in text, (title, text)
    for title in ELSEWHERE:
        assert title not in text, (title, text)


def test_the_confirmation_page_names_a_followed_district_as_the_form_did(web: Web) -> None:
    """The confirmation page's summary says Kirchberg as the form ticked it, not as a city."""
    pending, _ = web.aggregator.add_subscriber("lea@example.lu", language="en",
                                               cities=["Kirchberg"])
    page = web.client.get(f"/confirm/{pending.token}").text
    assert "<dt>Cities</dt>\n<dd>Kirchberg (a district of Luxembourg)</dd>" in page, page
