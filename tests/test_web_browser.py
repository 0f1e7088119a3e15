"""End to end in real headless Chromium: what organisers, the operator and subscribers do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import browser, screenshot  # noqa: F401  (fixture)
from sites import SOON, ics
from webapp import ADMIN_TOKEN, Web, web  # noqa: F401  (fixture)


@pytest.fixture
def page(browser: Any, web: Web) -> Iterator[Any]:
    browser.delete_all_cookies()
    yield browser


def go(driver: Any, web: Web, path: str) -> None:
    driver.get(web.url + path)


def text(driver: Any) -> str:
    """The page's text as the markup holds it (CSS text-transform aside)."""
    return str(driver.execute_script("return document.body.textContent"))


def wait_for(driver: Any, condition: Any) -> None:
    """Poll until true; an element replaced by the next page load mid-check is polled again.
    Chromium reports that race either as a stale element or, when the load lands between
    finding the node and reading it, as an inspector error about a node "that does not
    belong to the document"."""
    def polled(d: Any) -> Any:
        try:
            return condition(d)
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return False
            raise

    WebDriverWait(driver, 15, ignored_exceptions=(StaleElementReferenceException,)).until(polled)


def test_agenda_filter_by_city_and_switch_language(page: Any, web: Web) -> None:
    go(page, web, "/")
    assert page.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert "Rencontre IA" in text(page) and "Apéro start-up" in text(page)
    screenshot(page, "agenda-fr")

    Select(page.find_element(By.ID, "f-city")).select_by_value("Metz")
    page.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]").click()
    wait_for(page, lambda d: "city=Metz" in d.current_url)
    assert "Rencontre IA" in text(page) and "Apéro start-up" not in text(page)
    screenshot(page, "agenda-metz")

    page.find_element(By.CSS_SELECTOR, "nav.langs a[hreflang=en]").click()
    wait_for(page, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
    assert "city=Metz" in page.current_url  # the switch keeps the filters
    assert "Apéro start-up" not in text(page)
    go(page, web, "/sources")  # the choice sticks from page to page
    assert page.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    page.find_element(By.CSS_SELECTOR, "nav.langs a[hreflang=de]").click()
    wait_for(page, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de")
    screenshot(page, "sources-de")


def test_register_preview_approve_and_see_events_on_the_agenda(page: Any, web: Web) -> None:
    workshop = ics("a1@fablab", "Atelier Arduino", SOON + timedelta(days=4))
    web.feeds.set("/fablab.ics", workshop.replace(b"TCRM-Blida\\, 7 avenue de Blida\\, 57000 Metz",
                                                  b"Quai Alpha\\, 2 rue du Port\\, 88000 \xc3\x89pinal"),
                  "text/calendar")
    go(page, web, "/register")
    fields = {"r-name": "Fablab Épinal", "r-city": "Épinal", "r-contact": "team@fablab.example.org",
              "r-website": "https://fablab.example.org", "r-tags": "maker",
              "r-feeds": f"{web.feeds.base_url}/fablab.ics"}
    for field, value in fields.items():
        element = page.find_element(By.ID, field)
        element.clear()
        element.send_keys(value)
    Select(page.find_element(By.ID, "r-kind")).select_by_value("association")
    page.find_element(By.CSS_SELECTOR, "button[value=preview]").click()
    wait_for(page, lambda d: d.find_elements(By.ID, "preview-title"))
    preview = text(page)
    assert "iCalendar" in preview and "Atelier Arduino" in preview
    screenshot(page, "register-preview")
    # the form kept what was typed
    assert page.find_element(By.ID, "r-name").get_attribute("value") == "Fablab Épinal"
    page.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
    wait_for(page, lambda d: "Fablab Épinal" in d.find_element(By.TAG_NAME, "h1").text)
    screenshot(page, "register-done")
    assert [r.source.name for r in web.aggregator.registrations("pending")] == ["Fablab Épinal"]

    go(page, web, "/admin/login?lang=en")
    wait_for(page, lambda d: d.find_elements(By.ID, "a-password"))
    page.find_element(By.ID, "a-password").send_keys(ADMIN_TOKEN)
    page.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(page, lambda d: d.find_elements(By.ID, "pending"))
    screenshot(page, "admin-pending")
    page.find_element(By.XPATH, "//button[contains(., 'Approve Fablab')]").click()
    wait_for(page, lambda d: 'data-count="0"' in d.page_source)
    page.find_element(By.XPATH, "//button[contains(., 'Refresh and build now')]").click()
    # the approval's page has a notice too: wait for the refresh's, not any
    wait_for(page, lambda d: any("feeds read" in n.text for n in
                                 d.find_elements(By.CSS_SELECTOR, ".notice[role=status]")))
    assert "feeds read (0 failed)" in text(page)
    screenshot(page, "admin-refreshed")

    go(page, web, "/?city=%C3%89pinal")
    wait_for(page, lambda d: "Atelier Arduino" in text(d))
    screenshot(page, "agenda-after-approval")
    go(page, web, "/sources")
    assert "Fablab Épinal" in text(page)


def test_unreadable_feed_gets_the_precise_reason(page: Any, web: Web) -> None:
    web.feeds.set("/page.html", b"<html><head><title>Nos actus</title></head><body>hi</body></html>",
                  "text/html")
    go(page, web, "/register?lang=en")
    page.find_element(By.ID, "r-feeds").send_keys(f"{web.feeds.base_url}/page.html")
    page.find_element(By.CSS_SELECTOR, "button[value=preview]").click()
    wait_for(page, lambda d: d.find_elements(By.ID, "preview-title"))
    reason = page.find_element(By.CSS_SELECTOR, ".preview.error [role=alert]").text
    assert "HTML page" in reason and "Nos actus" in reason
    screenshot(page, "register-unreadable")


def test_pages_fit_a_phone_screen_without_sideways_scrolling(page: Any, web: Web) -> None:
    """Subscribers read the agenda on phones: no page may be wider than a 360-pixel screen,
    even with an organisation name as long as real ones are."""
    long_name = "LORIA – Laboratoire lorrain de recherche en informatique et ses applications"
    page.set_window_size(360, 800)
    try:
        wider = {}
        event = "/events/" + quote(web.aggregator.published().events[0].uid)
        for path in ("/", "/calendars", "/sources", "/sources/lab", "/register", "/subscribe",
                     "/digests", event):
            go(page, web, path)
            page.execute_script("const s = document.getElementById('f-source');"
                                "if (s) { s.add(new Option(arguments[0], 'x')); }", long_name)
            overflow = page.execute_script("const e = document.documentElement;"
                                           "return e.scrollWidth - e.clientWidth")
            if overflow > 0:
                wider[path] = overflow
                screenshot(page, "phone" + path.replace("/", "-"))
        assert wider == {}
    finally:
        page.set_window_size(1280, 1024)


def test_an_article_with_code_and_headings_fits_a_phone(page: Any, web: Web) -> None:
    """A summary with a long command in <pre> made /news scroll sideways on a phone, and its
    <h1> was a heading bigger than the article's own title."""
    from sites import rss

    command = "docker run --rm -it -v $(pwd):/data -e TOKEN=0123456789abcdef registry/tool:1.2.3"
    summary = (f"&lt;h1&gt;Installer&lt;/h1&gt;&lt;pre&gt;{command} --verbose --all"
               "&lt;/pre&gt;").encode()
    web.feeds.set("/news.xml", rss("Article 000").replace(
        b"&lt;p&gt;About Article 000", summary + b"&lt;p&gt;About"), "application/rss+xml")
    web.aggregator.refresh()
    web.aggregator.build()
    page.set_window_size(360, 800)
    try:
        go(page, web, "/news")
        assert page.find_element(By.CSS_SELECTOR, ".summary pre").text.startswith("docker run")
        overflow = page.execute_script("const e = document.documentElement;"
                                       "return e.scrollWidth - e.clientWidth")
        heading, title = (page.find_element(By.CSS_SELECTOR, selector).value_of_css_property(
            "font-size") for selector in (".summary h3", "article h2"))
        assert overflow <= 0 and float(heading[:-2]) < float(title[:-2])
    finally:
        page.set_window_size(1280, 1024)


def test_an_archived_digest_looks_as_it_does_in_a_mailbox(page: Any, web: Web) -> None:
    """The archive serves the email itself, whose styles are inline attributes: the page's
    security policy must let them apply (and still run no script)."""
    [html, _] = web.aggregator.digest_preview()
    go(page, web, "/digests")
    page.find_element(By.CSS_SELECTOR, f"main a[href='/digests/{html.stem}']").click()
    wait_for(page, lambda d: d.current_url.endswith(f"/digests/{html.stem}"))
    font = page.execute_script("return getComputedStyle(document.body).fontFamily")
    assert font.startswith("Arial")
    screenshot(page, "digest-archive")
    policy = web.client.get(f"/digests/{html.stem}").headers["content-security-policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src" not in policy
