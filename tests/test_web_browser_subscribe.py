"""In headless Chromium: sign up for the digest and confirm through the link of the real email."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from aggregator.core import Aggregator
from browser import browser, screenshot  # noqa: F401  (fixture)
from digest_site import digest_app, close_apps  # noqa: F401
from mailsink import Sink, smtp_server  # noqa: F401
from webapp import running

SITE = "http://agenda.example.org"


@pytest.fixture
def site(smtp_server: Sink, tmp_path: Path) -> Iterator[tuple[Aggregator, str]]:
    app = digest_app(tmp_path, f"sqlite:///{tmp_path / 'web.db'}", smtp_server.port,
                     base_url=SITE)
    with running(app) as url:
        yield app, url


def test_subscribe_and_confirm_through_the_emailed_link(
    browser: Any, site: tuple[Aggregator, str], smtp_server: Sink
) -> None:
    app, url = site
    browser.delete_all_cookies()
    browser.get(url + "/subscribe?lang=en")
    browser.find_element(By.ID, "s-email").send_keys("ana@example.org")
    Select(browser.find_element(By.ID, "s-language")).select_by_value("de")
    browser.find_element(By.CSS_SELECTOR, "input[name=cities][value=Metz]").click()
    screenshot(browser, "subscribe-form")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 15).until(lambda d: smtp_server.messages)
    screenshot(browser, "subscribe-sent")
    [mail] = smtp_server.messages
    assert mail["To"] == "ana@example.org"
    link = re.search(re.escape(SITE) + r"(/confirm/\S+)", mail.get_content())
    assert link, mail.get_content()

    browser.get(url + link.group(1))  # opening the link changes nothing by itself
    found = app.store.subscriber(email="ana@example.org")
    assert found is not None and found.status == "pending"
    screenshot(browser, "confirm-page")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 15).until(
        lambda d: (s := app.store.subscriber(email="ana@example.org")) is not None
        and s.status == "confirmed")
    screenshot(browser, "confirmed")
    confirmed = app.store.subscriber(email="ana@example.org")
    assert confirmed is not None
    assert confirmed.language == "de" and confirmed.cities == ("Metz",)
