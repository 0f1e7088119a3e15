"""Accessibility review (WCAG 2.2 AA) of the public pages, the operator's pages and the
digest email, as a blind screen-reader user, a keyboard-only user and a reader on a phone
meet them.

axe-core (tests/test_web_accessibility.py) already passes on every page; these are what it
cannot see: where the focus lands after a submit (refused, failed, saved, previewed) and
whether the field says it is wrong; what a page's title says then; what a link or button is
called when its words repeat; what a strike-through means to someone who cannot see it; a
feed's pictures without alt and its headings among ours; which menu entry is open; and dates
a machine can read. Real web app over loopback, real Chromium, no mocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from browser import browser  # noqa: F401  (fixture)
from sites import SOON, ics
from webapp import Web, web  # noqa: F401  (fixture)


@pytest.fixture
def page(browser: Any, web: Web) -> Iterator[Any]:
    browser.delete_all_cookies()
    yield browser


def focused(driver: Any) -> dict[str, str]:
    """The focused element's id and what a screen reader says of it besides its label: whether
    it is invalid, and the text of what describes it (aria-describedby)."""
    return dict(driver.execute_script(
        "const e = document.activeElement;"
        "const ids = (e.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);"
        "return {id: e.id, invalid: e.getAttribute('aria-invalid') || '',"
        " described: ids.map(i => (document.getElementById(i) || {}).textContent || '')"
        ".join(' ')};"))


def submit(driver: Any, selector: str) -> None:
    """Click a submit button and wait for the next page to be loaded."""
    driver.execute_script("window.leftBehind = true")
    driver.find_element(By.CSS_SELECTOR, selector).click()
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return !window.leftBehind && document.readyState === 'complete'"))


def test_a_refused_sign_up_puts_the_focus_on_the_address_and_says_why(page: Any,
                                                                      web: Web) -> None:
    """An address the browser accepts but we refuse ("a@b") came back with the reason at the
    top of the page, the focus on nothing (the page's start) and the field saying nothing:
    a screen-reader user heard the page load again, then had to search for what went wrong."""
    page.get(f"{web.url}/subscribe?lang=de")
    page.find_element(By.ID, "s-email").send_keys("a@b")
    submit(page, "main form button[type=submit]")
    said = focused(page)
    assert said["id"] == "s-email" and said["invalid"] == "true"
    assert "E-Mail-Adresse" in said["described"] and "a@b" in said["described"]


def test_a_registration_with_an_unreadable_feed_leads_to_the_feeds_field(page: Any,
                                                                         web: Web) -> None:
    """Sending the form with a feed address that answers 404 came back (422) with "we could not
    read 1 of these feeds" at the top, the focus on the page's start and the addresses' field
    not marked wrong; the organiser's screen reader said nothing of which field to fix."""
    page.get(f"{web.url}/register?lang=fr")
    for field, value in (("r-name", "Nouvelle Asso"), ("r-city", "Épinal"),
                         ("r-contact", "hello@asso.example.org"),
                         ("r-feeds", f"{web.feeds.base_url}/nowhere.ics")):
        page.find_element(By.ID, field).send_keys(value)
    Select(page.find_element(By.ID, "r-kind")).select_by_value("association")
    submit(page, "button[value=submit]")
    said = focused(page)
    assert said["id"] == "r-feeds" and said["invalid"] == "true"
    assert "1 de ces flux" in said["described"] and "404" in said["described"]


def same_name_other_targets(driver: Any, within: str = "main") -> dict[str, set[str]]:
    """The links and buttons of the page's main part whose accessible name, as Chromium
    computes it for a screen reader's list of links or buttons, is shared by different
    targets (a link's address; a button's form and what it sends, or the field it copies)."""
    targets: dict[str, set[str]] = {}
    for element in driver.find_elements(By.CSS_SELECTOR, f"{within} a[href], {within} button"):
        if element.is_displayed():
            target = driver.execute_script(
                "const e = arguments[0]; if (e.href) return e.href;"
                "if (e.dataset.copy) return e.dataset.copy; if (!e.form) return '';"
                "return e.form.action + '?' + new URLSearchParams(new FormData(e.form));", element)
            targets.setdefault(element.accessible_name, set()).add(target)
    return {name: found for name, found in targets.items() if len(found) > 1}


def test_each_details_open_and_copy_link_says_which_event_or_calendar_it_is_for(
        page: Any, web: Web) -> None:
    """The agenda's list of links read "Details, Details, Details…" (90 times on the demo's
    agenda, 17 on an organisation's page), the calendars page "Open in my calendar app
    (webcal)" and "Copy" 20 times each: a screen reader's list of links or buttons, or a
    voice user saying the words, could not tell one from another."""
    for path in ("/", "/sources/lab", "/calendars", "/embed"):
        page.get(f"{web.url}{path}?lang=en")
        WebDriverWait(page, 10).until(lambda d: d.find_elements(By.TAG_NAME, "main"))
        assert same_name_other_targets(page) == {}, path
    page.get(f"{web.url}/?lang=en")
    names = [link.accessible_name for link in page.find_elements(
        By.CSS_SELECTOR, "main .event .meta a[href*='/events/']")]
    assert names and all(name.startswith("Details") for name in names)
    assert any("Apéro start-up" in name for name in names)


def test_a_cancelled_event_says_so_in_words_on_its_organisations_pages(web: Web) -> None:
    """On an organisation's page, and in "Coming next from…" under one of its events, a
    cancelled event was only struck through (<s>, or not even that): a screen reader reads no
    strike-through, so a blind visitor went to an event that was called off."""
    from urllib.parse import quote

    from sites import one_calendar

    called_off = ics("off-1@assoc", "Atelier annulé", SOON + timedelta(days=2),
                     extra="STATUS:CANCELLED")
    web.feeds.set("/assoc.ics", one_calendar(
        ics("meetup-7@assoc", "Apéro start-up", SOON + timedelta(days=1)), called_off),
        "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()

    def lines(html: str) -> list[str]:
        found = re.findall(r'<li class="event[^"]*">(.*?)</li>', html, re.DOTALL)
        return [" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in found]

    organisation = lines(web.client.get("/sources/assoc", params={"lang": "en"}).text)
    assert [line for line in organisation if "Atelier annulé" in line][0].count("Cancelled") == 1
    [apero] = [e for e in web.aggregator.published().events if e.title == "Apéro start-up"]
    event_page = web.client.get(f"/events/{quote(apero.uid)}", params={"lang": "de"}).text
    next_at = [line for line in lines(event_page) if "Atelier annulé" in line]
    assert next_at and "Abgesagt" in next_at[0]


def test_the_next_events_under_an_event_are_dated_for_machines_too(web: Web) -> None:
    """"Coming next from L'Asso" under an event wrote its dates as plain text ("Thu 10 Dec
    2026, 14:00"), the one list of event dates on the site without a <time datetime>: tools
    that read the machine date (translators, reader modes, assistive add-ons) had none."""
    from datetime import datetime
    from urllib.parse import quote

    from sites import one_calendar

    second = SOON + timedelta(days=2)
    web.feeds.set("/assoc.ics", one_calendar(
        ics("meetup-7@assoc", "Apéro start-up", SOON + timedelta(days=1)),
        ics("meetup-8@assoc", "Apéro de janvier", second)), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    [apero] = [e for e in web.aggregator.published().events if e.title == "Apéro start-up"]
    html = web.client.get(f"/events/{quote(apero.uid)}", params={"lang": "en"}).text
    next_at = html[html.index("<h2>Coming next from"):]
    [stamp] = re.findall(r'<span class="when"><time datetime="([^"]+)">', next_at)
    assert datetime.fromisoformat(stamp) == second


def test_a_form_sent_back_with_a_mistake_says_so_in_its_title(page: Any, web: Web) -> None:
    """The page title is the first thing a screen reader says of a new page; a form sent back
    to be corrected had the same title as the blank form, so "Subscribe – …" after pressing
    Subscribe sounded like success until the reader went looking."""
    from webapp import ADMIN_TOKEN

    page.get(f"{web.url}/subscribe?lang=en")
    page.find_element(By.ID, "s-email").send_keys("a@b")
    submit(page, "main form button[type=submit]")
    assert page.title.startswith("Please fix: Subscribe to the weekly newsletter")
    page.get(f"{web.url}/register?lang=de")
    submit(page, "button[value=preview]")  # of no address at all
    assert page.title.startswith("Bitte korrigieren: ")
    page.get(f"{web.url}/admin/login?lang=fr")
    page.find_element(By.ID, "a-password").send_keys(ADMIN_TOKEN + "x")
    submit(page, "main form button[type=submit]")
    assert page.title.startswith("À corriger : Administration")
    page.get(f"{web.url}/subscribe?lang=en")
    assert page.title.startswith("Subscribe to the weekly newsletter")


def test_the_digests_details_and_add_links_say_which_event(page: Any, web: Web) -> None:
    """The weekly email listed "Details · Add to my calendar" under every event: a subscriber
    whose mail app lists the links (or its archive page, /digests/…) heard the same two words
    for each event, and could not add the one they wanted without reading around each."""
    [html, _] = web.aggregator.digest_preview()
    page.get(f"{web.url}/digests/{html.stem}?lang=en")
    assert same_name_other_targets(page, within="body") == {}
    names = [link.accessible_name for link in page.find_elements(By.TAG_NAME, "a")]
    assert "Add to my calendar, Apéro start-up" in names


def test_a_later_page_of_the_news_or_the_agenda_is_titled_as_such(web: Web) -> None:
    """"Older news →" and the agenda's "next week" opened pages with the first page's title
    ("News – …", "Agenda – …"): a screen reader announced the same page again, and a
    visitor with several tabs open could not tell them apart."""
    from sites import rss

    web.feeds.set("/news.xml", rss(*(f"Article {n:03}" for n in range(60))),
                  "application/rss+xml")
    web.aggregator.refresh()
    web.aggregator.build()

    def title(path: str, **params: str) -> str:
        html = web.client.get(path, params=params).text
        return html[html.index("<title>") + 7:html.index("</title>")]

    assert title("/news", lang="en").startswith("News – ")
    assert title("/news", lang="en", page="2").startswith("News, page 2 of 2 – ")
    day = (SOON + timedelta(days=1)).date()
    later = title("/", lang="de", **{"from": day.isoformat()})
    assert later.startswith("Ab dem ") and f"{day.day}." in later.split(" – ")[0]
    assert not title("/", lang="de").startswith("Ab dem")


def test_the_operators_buttons_and_links_say_which_source_or_event(page: Any, web: Web) -> None:
    """The dashboard had a "Disable" button per organisation (14 on the demo) and the merge
    page a "why?" link per event (89), a "Reject" per registration, a "Split" per post: the
    operator's screen reader listed them by the same word, whichever source or event."""
    from webapp import ADMIN_TOKEN

    from aggregator.models import FeedRef

    for name in ("Nouvelle Asso", "Autre Asso"):
        web.aggregator.register_source(
            name=name, kind="association", city="Épinal", website="",
            contact=f"hello@{name.split()[0].lower()}.example.org",
            feeds=[FeedRef(f"{web.feeds.base_url}/{name.split()[0].lower()}.ics")])
    page.get(f"{web.url}/admin/login?lang=en")
    page.find_element(By.ID, "a-password").send_keys(ADMIN_TOKEN)
    submit(page, "main form button[type=submit]")
    page.get(f"{web.url}/admin/sources/lab/disable?lang=en")
    submit(page, "main form button[type=submit]")  # one source off: an "Enable" to press
    found = {}
    for path in ("/admin", "/admin/events", "/admin/news"):
        page.get(f"{web.url}{path}?lang=en")
        found[path] = same_name_other_targets(page)
    assert found == {"/admin": {}, "/admin/events": {}, "/admin/news": {}}


def test_the_registration_form_says_which_fields_may_stay_empty(web: Web) -> None:
    """Six of the form's eight fields must be filled and nothing on screen said which: the
    organiser learnt it field by field from the browser's bubbles, or left the website
    empty not knowing it could be (only screen readers announced "required")."""
    html = web.client.get("/register", params={"lang": "de"}).text
    fields = re.findall(r'<label for="(r-[a-z]+)">((?:(?!</label>).)*)</label>\s*'
                        r'(<(?:input|textarea)[^>]*>)', html, re.DOTALL)
    said = {field: ("(optional)" in label, " required" in tag)
            for field, label, tag in fields if field != "r-hp"}  # the robots' trap, hidden
    assert said["r-website"] == (True, False) and said["r-tags"] == (True, False)
    assert said["r-name"] == (False, True)
    assert all(optional != required for optional, required in said.values()), said


def test_a_news_picture_without_a_text_is_not_read_out_as_its_address(web: Web) -> None:
    """A feed's picture without alt text (531 of the 1,844 pictures in the shared corpus of
    real feeds) was read out by screen readers as its file's address, "https colon slash
    slash cdn…IMG underscore 4032 dot jpg", on /news, the agenda and the organisation pages.
    One without alt is now marked as decoration (alt=""); one with a text keeps it."""
    from sites import rss

    pictures = ('&lt;p&gt;&lt;img src="https://cdn.example.org/IMG_4032.jpg"&gt; Photos '
                '&lt;img src="https://cdn.example.org/plan.png" alt="Plan d’accès"&gt;&lt;/p&gt;')
    web.feeds.set("/news.xml", rss("Retour en images").replace(
        b"&lt;p&gt;About Retour en images", pictures.encode() + b"&lt;p&gt;About"),
        "application/rss+xml")
    web.aggregator.refresh()
    web.aggregator.build()
    for path in ("/news", "/", "/sources/lab"):
        html = web.client.get(path, params={"lang": "fr"}).text
        images = re.findall(r"<img\b[^>]*>", html)
        if path == "/news":
            assert len(images) == 2, images
        assert [tag for tag in images if " alt=" not in tag] == [], path
        assert all('alt="Plan d’accès"' in tag for tag in images if "plan.png" in tag)


def test_an_articles_own_headings_sit_below_its_title(web: Web) -> None:
    """A summary's <h1>Installer</h1> stayed a heading of level 1 inside the article whose
    title is a level 2 (/news) or 3 (the agenda): a screen reader's list of headings put the
    feed's sections above the articles, a second "page title" in the middle of the news."""
    from sites import rss

    sections = b"&lt;h1&gt;Installer&lt;/h1&gt;&lt;h3&gt;Pas \xc3\xa0 pas&lt;/h3&gt;"
    web.feeds.set("/news.xml", rss("Guide").replace(
        b"&lt;p&gt;About Guide", sections + b"&lt;p&gt;About"), "application/rss+xml")
    web.aggregator.refresh()
    web.aggregator.build()
    for path, title in (("/news", 2), ("/", 3)):
        html = web.client.get(path, params={"lang": "fr"}).text
        [summary] = [found for found in re.findall(r'<div class="summary">(.*?)</div>', html,
                                                   re.DOTALL) if "Installer" in found]
        assert re.findall(r"<h(\d)>([^<]*)</h\1>", summary) == [
            (str(title + 1), "Installer"), (str(title + 2), "Pas à pas")], path
        assert html.count("<h1") == 1


def test_the_digests_news_are_grouped_under_headings_by_organisation(web: Web) -> None:
    """The email's events are grouped under a heading per day, its news under a bold line per
    organisation: a screen reader moving by headings went from the last day's events straight
    past every organisation's news to the footer."""
    [html, _] = web.aggregator.digest_preview()
    body = html.read_text(encoding="utf-8")
    news = body[[m.start() for m in re.finditer("<h2", body)][1]:]  # Events, then News
    assert re.findall(r"<h3\b[^>]*>(?:<strong>)?([^<]*)", news) == ["Le Lab"]


def test_the_newsletter_archive_dates_each_week_for_machines_too(web: Web) -> None:
    """The archive's "Week of 7 December 2026" links were the one list of dates left as plain
    text; each now holds its ISO week (<time datetime="2026-W50">)."""
    [html, _] = web.aggregator.digest_preview()
    page = web.client.get("/digests", params={"lang": "en"}).text
    assert re.search(rf'<a href="/digests/{html.stem}"><time datetime="{html.stem}">Week of ',
                     page), page


def test_a_preview_leads_the_focus_to_what_the_feeds_hold(page: Any, web: Web) -> None:
    """"Preview" reloaded the form with what each feed holds above it and the focus back at
    the page's start: a keyboard or screen-reader user went through the menu and the intro
    again to find the preview, and heard nothing of it on the way."""
    page.get(f"{web.url}/register?lang=en")
    page.find_element(By.ID, "r-feeds").send_keys(f"{web.feeds.base_url}/new.ics")
    submit(page, "button[value=preview]")
    assert focused(page)["id"] == "preview-title"
    assert "Atelier Arduino" in page.find_element(By.CSS_SELECTOR, "section.previews").text


def test_a_saved_change_is_said_where_the_focus_lands(page: Any, web: Web) -> None:
    """Saving one's preferences (or an organisation's registration on /manage) reloaded the
    same form, same title, with "Preferences saved." in a status box at the top that a
    screen reader does not read when a page opens with it: the subscriber could not tell
    whether the click had done anything. The focus now lands on that message."""
    from aggregator.models import FeedRef

    subscriber, _ = web.aggregator.add_subscriber("focus@example.org", confirmed=True)
    page.get(f"{web.url}/preferences/{subscriber.token}?lang=en")
    page.find_element(By.ID, "s-cities-1").click()
    submit(page, "main form button[type=submit]")
    assert page.execute_script("return document.activeElement.textContent") == \
        "Preferences saved."
    registration, _ = web.aggregator.register_source(
        name="Nouvelle Asso", kind="association", city="Épinal", website="",
        contact="hello@asso.example.org", feeds=[FeedRef(f"{web.feeds.base_url}/new.ics")])
    page.get(f"{web.url}/manage/{registration.token}?lang=de")
    page.find_element(By.ID, "r-city").send_keys(" Stadt")
    submit(page, "button[value=submit]")
    assert page.execute_script("return document.activeElement.textContent").startswith(
        "Änderungen gespeichert.")


def test_each_post_of_a_merged_event_says_whose_it_is(page: Any, web: Web) -> None:
    """An event the lab and the venue both posted listed "Le Lab — their post", "La Venue —
    their post": two links called "their post" to different pages (4 event pages of the
    demo's agenda), which a list of links could not tell apart."""
    from urllib.parse import quote

    [talk] = [e for e in web.aggregator.published().events if e.title == "Rencontre IA"]
    page.get(f"{web.url}/events/{quote(talk.uid)}?lang=en")
    assert same_name_other_targets(page) == {}
    names = [link.accessible_name for link in page.find_elements(By.CSS_SELECTOR, "main li a")]
    assert "their post (La Venue)" in names


def test_details_of_two_events_of_one_title_say_their_day(page: Any, web: Web) -> None:
    """A workshop posted once per date (not as a series) gave two links "Details Atelier
    numérique" on the agenda and LORIA's page of the demo, and the organisation's page
    kept "Agenda" for its own events beside the menu's "Agenda": same names, other pages."""
    from sites import one_calendar

    web.feeds.set("/assoc.ics", one_calendar(
        ics("w1@assoc", "Atelier numérique", SOON + timedelta(days=1)),
        ics("w2@assoc", "Atelier numérique", SOON + timedelta(days=8))), "text/calendar")
    web.aggregator.refresh()
    web.aggregator.build()
    for path in ("/", "/sources/assoc"):
        page.get(f"{web.url}{path}?lang=en")
        assert same_name_other_targets(page, within="body") == {}, path


def test_the_menu_says_which_of_its_pages_is_open(web: Web) -> None:
    """The site's menu looked and read the same on every page: a screen reader said
    "Newsletter, link" on the newsletter's own page, and nothing showed where one was."""
    def current(path: str) -> list[str]:
        html = web.client.get(path, params={"lang": "en"}).text
        menu = html[html.index('<nav class="mainnav"'):html.index("</nav>")]
        return re.findall(r'<a href="([^"]+)" aria-current="page">', menu)

    assert current("/") == ["/"]
    assert current("/news") == ["/news"] and current("/subscribe") == ["/subscribe"]
    assert current("/sources") == ["/sources"] and current("/sources/lab") == []
    assert current("/docs") == []


def test_a_wrong_admin_password_puts_the_focus_back_on_the_field(page: Any, web: Web) -> None:
    """A mistyped admin token came back with "Wrong token" at the top and the focus on the
    page's start, the field not marked: the operator tabbed back through the menu to retype."""
    from webapp import ADMIN_TOKEN

    page.get(f"{web.url}/admin/login?lang=en")
    page.find_element(By.ID, "a-password").send_keys(ADMIN_TOKEN + "x")
    submit(page, "main form button[type=submit]")
    said = focused(page)
    assert said["id"] == "a-password" and said["invalid"] == "true" and said["described"]


def test_a_sign_up_that_could_not_be_sent_says_so_where_the_focus_lands(
        page: Any, web: Web) -> None:
    """With the mail server down (this site has none), "The confirmation email could not be
    sent: please try again" came back in an alert box that screen readers do not read when a
    page opens with it, the focus on the page's start: the form looked simply reset."""
    page.get(f"{web.url}/subscribe?lang=en")
    page.find_element(By.ID, "s-email").send_keys("ana@example.org")
    submit(page, "main form button[type=submit]")
    said = page.execute_script("return document.activeElement.textContent")
    assert said.startswith("The confirmation email could not be sent")


@pytest.mark.parametrize(("lang", "said"), [("fr", "Les liens s’ouvrent dans un nouvel onglet."),
                                            ("en", "Links open in a new tab."),
                                            ("de", "Links öffnen sich in einem neuen Tab.")])
def test_the_embed_says_its_links_open_a_new_tab_before_them(web: Web, lang: str,
                                                              said: str) -> None:
    """Every link of /embed opens a new tab (an organisation's site frames it), and nothing
    said so: a screen-reader user found the site they were on gone from the back button
    (WCAG 3.2.5). The list says it once, before its first link, for screen readers (the
    organisation's page around it keeps its look)."""
    page = web.client.get("/embed", params={"lang": lang}).text
    assert '<base target="_blank">' in page
    note = page.index(f'<p class="vh">{said}</p>')
    assert note < page.index("<a ")


def test_the_admin_token_field_is_named_in_words_the_reader_reads(web: Web) -> None:
    """The login field's label was the environment variable's name, the same in every
    language: a screen reader spelt out "A-G-G-R-E-G-A-T-O-R underscore…" and a French
    operator read no word of theirs. The variable is named in a hint the field points to."""
    for lang, label in (("fr", "Jeton d’administration"), ("en", "Admin token"),
                        ("de", "Admin-Token")):
        html = web.client.get("/admin/login", params={"lang": lang}).text
        assert f'<label for="a-password">{label}</label>' in html, lang
        hint = re.search(r'<p[^>]* id="a-hint"[^>]*>([^<]*)</p>', html)
        assert hint is not None and "AGGREGATOR_ADMIN_TOKEN" in hint.group(1)
        field = re.search(r'<input id="a-password"[^>]*>', html)
        assert field is not None and 'aria-describedby="a-hint"' in field.group(0)


def test_the_news_pagers_arrows_are_not_read_out(page: Any, web: Web) -> None:
    """"Older →" was read "Older right arrow" (and "← Newer" "left arrow Newer") by screen
    readers; the arrows are drawn, not said."""
    from sites import rss

    web.feeds.set("/news.xml", rss(*(f"Article {n:03}" for n in range(60))),
                  "application/rss+xml")
    web.aggregator.refresh()
    web.aggregator.build()
    page.get(f"{web.url}/news?lang=en&page=2")
    names = {link.get_attribute("rel"): link.accessible_name
             for link in page.find_elements(By.CSS_SELECTOR, "nav.pager a")}
    assert names == {"prev": "Newer"}
    page.get(f"{web.url}/news?lang=de")
    names = {link.get_attribute("rel"): (link.accessible_name, link.text)
             for link in page.find_elements(By.CSS_SELECTOR, "nav.pager a")}
    assert names == {"next": ("Ältere", "Ältere →")}


def test_when_a_feed_was_read_is_dated_for_machines_too(web: Web) -> None:
    """An organisation's feed health said "read Mon 7 Dec 2026, 14:05" as bare text, and the
    register form's preview its next dates: a browser's translation or a reader's own
    formatting could not tell the instant (the agenda's dates all have it)."""
    html = web.client.get("/sources/lab", params={"lang": "de"}).text
    health = html[html.index("<ul>", html.index("<h2>", html.index("Status") - 200)):]
    assert re.search(r'gelesen am <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d', health), health[:400]
    from test_web_pages import csrf

    preview = web.client.post("/register", data={
        "csrf_token": csrf(web.client, "/register"), "action": "preview",
        "feeds": f"{web.feeds.base_url}/new.ics"}).text
    dates = preview[preview.index('id="preview-title"'):preview.index("<form")]
    assert re.search(r'<li><time datetime="\d{4}-\d\d-\d\d[T"]', dates), dates


def test_each_reason_field_of_the_pending_registrations_says_whose_it_is(web: Web) -> None:
    """With two registrations waiting, the dashboard's form fields read "Reason (emailed to
    the contact)" twice: the operator's screen reader, listing fields, could not tell which
    organisation's rejection each would explain."""
    from aggregator.models import FeedRef
    from webapp import ADMIN_TOKEN

    for name in ("Nouvelle Asso", "Autre Asso"):
        web.aggregator.register_source(
            name=name, kind="association", city="Épinal", website="",
            contact=f"hello@{name.split()[0].lower()}.example.org",
            feeds=[FeedRef(f"{web.feeds.base_url}/{name.split()[0].lower()}.ics")])
    html = web.client.get("/admin", params={"lang": "en"},
                          headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).text
    labels = [re.sub(r"<[^>]+>", "", text) for text in
              re.findall(r'<label for="note-\d+"[^>]*>(.*?)</label>', html)]
    assert sorted(labels) == ["Reason (emailed to the contact): Autre Asso",
                              "Reason (emailed to the contact): Nouvelle Asso"]


def test_a_checkbox_is_a_target_a_finger_can_hit(page: Any, web: Web) -> None:
    """Checkboxes were the browser's 13 px squares: on the admin's merge table, where the box
    stands alone in its cell, below WCAG 2.2's 24 px target size (2.5.8)."""
    page.get(f"{web.url}/subscribe?lang=en")
    sizes = page.execute_script(
        "return [...document.querySelectorAll('input[type=checkbox]')]"
        ".map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })")
    assert sizes and all(w >= 24 and h >= 24 for w, h in sizes), sizes
