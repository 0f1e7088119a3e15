"""Accessibility (WCAG 2.1 A and AA) of every public page, checked by axe-core in Chromium.

Subscribers read the agenda with screen readers, keyboards and zoomed phones too. axe-core
(npm, the engine behind Lighthouse's and Deque's audits) runs inside each page as a browser
extension would; a WCAG violation of serious or critical impact, or any breach of axe's best
practices, fails the test, with the rule and the elements concerned.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from browser import browser  # noqa: F401  (fixture)
from sites import ics
from webapp import ADMIN_TOKEN, Web, web  # noqa: F401  (fixture)

AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
WCAG = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


@pytest.fixture
def page(browser: Any, web: Web) -> Iterator[Any]:
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `npm ci` at the repository root")
    browser.delete_all_cookies()
    yield browser


def violations(driver: Any, best_practice: bool = True) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the loaded page, and any
    breach of its best practices (a page without an <h1>, content outside landmarks…) unless
    ``best_practice`` is False: the archived digest is the email itself, whose layout tables
    are what mail clients render, and landmarks are not theirs."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "arguments[0]}}).then(r => done(r.violations));",
        [*WCAG, *(["best-practice"] if best_practice else [])])
    return [f"{v['id']} ({v['impact']}): {v['help']}: "
            + "; ".join(n["target"][0] for n in v["nodes"][:5])
            for v in result if v["impact"] in SERIOUS or "best-practice" in v["tags"]]


def test_every_public_page_passes_axe_in_each_language(page: Any, web: Web) -> None:
    held = datetime.now(UTC) - timedelta(days=3)  # a page of past days shows it marked past
    web.feeds.set("/assoc.ics", ics("meetup-6@assoc", "Apéro de novembre", held), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    past_days = f"/?from={(held - timedelta(days=1)).date().isoformat()}"
    subscriber, _ = web.aggregator.add_subscriber("axe@example.org", confirmed=True)
    preferences = f"/preferences/{subscriber.token}"  # with its own calendar's address
    event = "/events/" + quote(web.aggregator.published().events[0].uid)
    [digest, _] = web.aggregator.digest_preview()
    from aggregator.models import FeedRef

    registration, _ = web.aggregator.register_source(
        name="Nouvelle Asso", kind="association", city="Épinal", website="",
        contact="hello@asso.example.org", feeds=[FeedRef(f"{web.feeds.base_url}/assoc.ics")])
    found = {}
    for language in ("fr", "en", "de"):
        for path in ("/", "/news", "/news?page=1&q=nouveau", "/calendars", "/sources", "/sources/lab", "/register", "/subscribe",
                     "/digests", f"/digests/{digest.stem}", "/docs", "/embed", event,
                     "/nothing-here", "/admin/login", f"/manage/{registration.token}", "/manage",
                     past_days, preferences):
            page.get(f"{web.url}{path}{'&' if '?' in path else '?'}lang={language}")
            problems = violations(page, best_practice=not path.startswith("/digests/"))
            if problems:
                found[f"{path} ({language})"] = problems
    assert found == {}


def test_the_admin_pages_pass_axe(page: Any, web: Web) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page.get(f"{web.url}/admin/login?lang=en")
    page.find_element(By.ID, "a-password").send_keys(ADMIN_TOKEN)
    page.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(page, 15).until(lambda d: d.find_elements(By.ID, "pending"))
    found = {}
    for path in ("/admin", "/admin/events", "/admin/events/explain", "/admin/news",
                 "/admin/sources/assoc/disable"):
        page.get(f"{web.url}{path}")
        problems = violations(page)
        if problems:
            found[path] = problems
    assert found == {}
