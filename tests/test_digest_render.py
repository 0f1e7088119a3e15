"""The digest as a person sees it: the HTML in headless Chromium at phone and desktop widths
(screenshots in test-artifacts/screenshots/), the text part on its own, the words in fr/en/de."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aggregator.digest import Filters, parse_week, render_digest, select_digest, week_of
from aggregator.digest.labels import time_label, when_label
from aggregator.digest.message import header
from aggregator.published import decode_event, decode_item
from browser import browser, screenshot  # noqa: F401  (fixture)
from digest_site import BASE_URL, EVENTS, NEWS, SOURCES, WEEK

PARIS = ZoneInfo("Europe/Paris")
BY_ID = {s.id: s for s in SOURCES}


def rendered(language: str, filters: Filters = Filters(), personal: bool = True) -> Any:
    content = select_digest(WEEK, [decode_event(e) for e in EVENTS],
                            [decode_item(i) for i in NEWS], BY_ID, PARIS, filters)
    return render_digest(content, language=language, base_url=BASE_URL, zone=PARIS,
                         sources=BY_ID, personal=personal).personalise("tok-en")


@pytest.mark.parametrize(("width", "height", "name"), [(375, 812, "phone"), (1280, 1024, "desktop")])
def test_the_html_digest_reads_at_phone_and_desktop_widths(
    browser: Any, tmp_path: Path, width: int, height: int, name: str
) -> None:
    page = tmp_path / "digest.html"
    page.write_text(rendered("fr").html, encoding="utf-8")
    browser.set_window_size(width, height)
    browser.get(page.as_uri())
    text = browser.find_element("tag name", "body").text
    assert "Rencontre IA" in text and "lundi 7 décembre" in text and "ANNULÉ" in text
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the digest scrolls sideways at {width} px"
    if name == "phone":  # the time column stacks above the event instead of squeezing it
        when = browser.find_element("css selector", "td.when").rect
        event = browser.find_element("css selector", "td.event").rect
        assert event["y"] > when["y"]
    assert screenshot(browser, f"digest-{name}").stat().st_size > 10_000


def test_the_text_part_reads_without_the_html() -> None:
    text = rendered("en").text
    # a title that says <script> is shown as written (plain text needs no escaping)...
    assert "Evil Bcc: victim@example.org <script>alert(1)</script>" in text
    # ...and no markup of ours leaks into the text part
    ours = text.replace("<script>alert(1)</script>", "")
    assert not re.search(r"<[a-z/][^>]*>", ours), "HTML tags in the text part"
    assert "&amp;" not in text and "&lt;" not in text
    assert "Monday 7 December\n-----------------\n" in text
    assert "* 6:30 pm – 8:00 pm — Rencontre IA\n  Centre, Nancy\n  by Le Lab · also posted by La Venue" in text
    assert "[CANCELLED] Atelier impression 3D" in text
    assert "Unsubscribe: https://agenda.example.org/unsubscribe/tok-en" in text
    long_lines = [line for line in text.splitlines() if len(line) > 100 and "://" not in line]
    assert not long_lines


def test_every_language_and_the_archive_copy() -> None:
    french, english, german = (rendered(lang) for lang in ("fr", "en", "de"))
    assert "Toute la journée" not in french.text and "Actualités de la semaine" in french.text
    assert "News of the week" in english.text and "Nachrichten der Woche" in german.text
    assert "Dienstag, 8. Dezember" in german.text and "Se désabonner" in french.html
    # German writes the ordinal dot in a day without its weekday too ("7 Dezember" was wrong)
    assert "7. Dezember bis 20. Dezember." in german.text and "(5. Dezember)" in german.text
    assert "7 décembre au 20 décembre" in french.text
    public = rendered("fr", personal=False)
    assert "tok-en" not in public.html and "/unsubscribe/" not in public.text
    assert f"{BASE_URL}/subscribe" in public.html


def test_subject_lines_say_what_is_inside() -> None:
    assert rendered("fr").subject == "4 événements cette semaine à Nancy, Luxembourg, Metz · 2 actualités"
    assert rendered("en", Filters(cities=("Metz",))).subject == "1 event this week in Metz · 1 news item"
    assert rendered("de", Filters(cities=("Thionville",))).subject == "Diese Woche nichts geplant"


def test_a_subscriber_following_organisations_gets_their_events_and_news_only() -> None:
    def digest(filters: Filters) -> Any:
        return select_digest(WEEK, [decode_event(e) for e in EVENTS],
                             [decode_item(i) for i in NEWS], BY_ID, PARIS, filters)

    lab, everything = digest(Filters(sources=("lab",))), digest(Filters())
    posted = [o.event for _, day in lab.days for o in day]
    assert len(posted) == 2 < sum(len(day) for _, day in everything.days)
    assert all("lab" in event.source_ids for event in posted)
    assert [name for name, _ in lab.news] == ["Le Lab"]  # not L'Asso's news
    assert [name for name, _ in everything.news] == ["L'Asso", "Le Lab"]
    assert Filters(sources=("lab",)).key() != Filters().key()  # rendered for its own


def test_dates_read_like_people_write_them() -> None:
    moment = datetime(2026, 12, 7, 18, 30, tzinfo=PARIS)
    assert when_label(moment, PARIS, "fr") == "lundi 7 décembre, 18 h 30"
    assert when_label(moment, PARIS, "en") == "Monday 7 December, 6:30 pm"
    assert when_label(moment, PARIS, "de") == "Montag, 7. Dezember, 18:30"
    assert time_label(moment.replace(minute=0), PARIS, "fr") == "18 h"


def test_an_article_is_dated_by_its_day_in_the_site_zone() -> None:
    """Posted at 00:30 in Metz on 6 December (23:30 UTC on the 5th): the digest said
    "5 décembre", UTC's day, where the feed and its readers say the 6th."""
    late = {**NEWS[2], "id": "n9", "title": "Article de minuit",
            "published": "2026-12-05T23:30:00+00:00"}
    content = select_digest(WEEK, [], [decode_item(late)], BY_ID, PARIS, Filters())
    text = render_digest(content, language="de", base_url=BASE_URL, zone=PARIS, sources=BY_ID,
                         personal=False).text
    assert "* Article de minuit (6. Dezember)" in text


def test_an_undated_article_is_listed_without_empty_brackets() -> None:
    """RSS makes pubDate optional: the text part listed such an article as "Titre ()"."""
    undated = {**NEWS[2], "id": "n8", "title": "Article sans date", "published": None,
               "first_seen": "2026-12-03T09:00:00+00:00"}
    content = select_digest(WEEK, [], [decode_item(undated)], BY_ID, PARIS, Filters())
    text = render_digest(content, language="fr", base_url=BASE_URL, zone=PARIS, sources=BY_ID,
                         personal=False).text
    assert "* Article sans date\n" in text and "()" not in text


def test_articles_left_out_by_the_caps_are_counted_and_linked() -> None:
    """A newsroom's 8 articles of the week were cut to 5 without a word."""
    busy = [{**NEWS[2], "id": f"b{n}", "title": f"Article {n}",
             "link": f"https://assoc.example.org/{n}",
             "published": f"2026-12-0{1 + n % 6}T09:00:00+00:00"} for n in range(8)]
    busy.append({**busy[0], "id": "old", "link": "https://assoc.example.org/old",
                 "published": "2026-11-20T09:00:00+00:00"})  # before the week: not "more"
    content = select_digest(WEEK, [], [decode_item(i) for i in busy], BY_ID, PARIS, Filters())
    assert sum(len(entries) for _, entries in content.news) == 5 and content.news_more == 3
    digest = render_digest(content, language="en", base_url=BASE_URL, zone=PARIS,
                           sources=BY_ID, personal=False)
    assert f"… and 3 more news items on the website: {BASE_URL}/news?lang=en\n" in digest.text
    assert re.search(rf'<a href="{BASE_URL}/news\?lang=en"[^>]*>… and 3 more news items on the website</a>',
                     digest.html)
    assert "more news" not in rendered("en").text  # nothing left out, nothing said


def test_weeks() -> None:
    assert parse_week("2026-w50").isoformat() == "2026-12-07"
    assert week_of(datetime(2027, 1, 1, 12, tzinfo=PARIS), PARIS) == "2026-W53"
    for bad in ("2026-50", "2026-W54", "W50-2026", "0001-W01", "9999-W52"):
        with pytest.raises(ValueError):
            parse_week(bad)


@pytest.mark.parametrize("value", ["a\r\nBcc: x@example.org", "a\nb", "é"])
def test_no_header_value_can_start_a_new_header(value: str) -> None:
    with pytest.raises(ValueError):
        header(value)
    assert header("=?utf-8?q?a?=\r\n =?utf-8?q?b?=")  # a folded encoded word is fine


def test_each_event_links_to_its_page_and_foreign_titles_say_their_language() -> None:
    english, french = rendered("en"), rendered("fr")
    # the organisations write in French: an English reader's screen reader is told so
    assert re.search(r'<a href="[^"]+" lang="fr"[^>]*>Rencontre IA</a>', english.html)
    assert not re.search(r'lang="fr"[^>]*>Rencontre IA<', french.html)
    # the event's page (its description, every date, who posted it) from the email
    assert re.search(rf'<a href="{BASE_URL}/events/[^"]+"[^>]*>Details</a> · '
                     rf'<a href="{BASE_URL}/events/[^"]+\.ics"', english.html)
    assert re.search(rf"\n  Details: {BASE_URL}/events/\S+\n  Add to my calendar: ", english.text)


def test_what_lasts_several_days_says_until_when() -> None:
    """A startup weekend read "18 h", as an evening, and a three-day conference "Toute la
    journée", as one day."""
    from digest_site import event

    events = [event("weekend", "Startup Weekend", "2026-12-11T18:00:00+01:00",
                    "2026-12-13T21:00:00+01:00", "Metz", "assoc"),
              event("conference", "Conférence", "2026-12-14", "2026-12-17", "Nancy", "lab"),
              event("soiree", "Soirée", "2026-12-09T20:00:00+01:00", "2026-12-10T00:00:00+01:00",
                    "Metz", "assoc")]
    content = select_digest(WEEK, [decode_event(e) for e in events], [], BY_ID, PARIS, Filters())
    text = render_digest(content, language="fr", base_url=BASE_URL, zone=PARIS, sources=BY_ID,
                         personal=False).text
    assert "* 18 h – dim. 13 déc., 21 h — Startup Weekend" in text
    assert "* Jusqu’au mer. 16 déc. — Conférence" in text
    assert "* 20 h – 0 h — Soirée" in text  # ends at midnight: one evening


def test_what_ends_at_midnight_after_several_days_ends_on_that_day() -> None:
    """Its end read "dim. 13 déc., 0 h", the midnight that starts the Sunday."""
    from digest_site import event

    hackathon = event("hackathon", "Hackathon", "2026-12-11T18:00:00+01:00",
                      "2026-12-14T00:00:00+01:00", "Metz", "assoc")
    content = select_digest(WEEK, [decode_event(hackathon)], [], BY_ID, PARIS, Filters())
    text = render_digest(content, language="fr", base_url=BASE_URL, zone=PARIS, sources=BY_ID,
                         personal=False).text
    assert "* 18 h – lun. 14 déc., 0 h — Hackathon" in text


def test_feed_text_cannot_carry_a_subscribers_secret_to_its_site() -> None:
    """An event or article link holding the placeholder that personal links carry until each
    subscriber's secret is put in: with a fixed placeholder, every subscriber's email linked
    to the feed's site with that subscriber's token (which opens their preferences)."""
    import copy

    from aggregator.digest.message import digest_message
    from digest_site import event

    written = "SUBSCRIBER-TOKEN-PLACEHOLDER"  # what anyone reading the code would write
    lure = event("phish", f"Rencontre {written}", "2026-12-08T18:00:00+01:00", None, "Nancy",
                 "lab")
    lure["url"] = f"https://evil.example/steal?t={written}&c=SUBSCRIBER-CALENDAR-PLACEHOLDER"
    news = copy.deepcopy(NEWS)
    news[0]["link"] = f"https://evil.example/news?t={written}"
    content = select_digest(WEEK, [decode_event(e) for e in [*EVENTS, lure]],
                            [decode_item(i) for i in news], BY_ID, PARIS, Filters())
    digest = render_digest(content, language="fr", base_url=BASE_URL, zone=PARIS, sources=BY_ID)
    body = digest_message(digest, to="alice@example.org", token="ALICE-SECRET-TOKEN",
                          mail_from="digest@agenda.example.org", base_url=BASE_URL, week=WEEK,
                          now=datetime(2026, 12, 7, 7, tzinfo=PARIS)).data.decode()
    assert "https://evil.example/steal?t=" in body and "ALICE-SECRET-TOKEN" in body
    assert "evil.example/steal?t=ALICE" not in body and "news?t=ALICE" not in body
    assert f"{BASE_URL}/unsubscribe/ALICE-SECRET-TOKEN" in body


def test_the_text_part_gives_each_article_its_summary_as_the_html_does() -> None:
    """A reader whose mail app shows the text part (or who chose it) saw the news as bare
    titles: the HTML part says what each article is about, the text part said nothing."""
    long = ("Le laboratoire ouvre un appel à projets sur l'intelligence artificielle "
            "appliquée à la santé, ouvert aux start-up et associations du Grand Est et du "
            "Luxembourg jusqu'au 31 janvier.")
    news = [dict(item, summary=f"<p>{long}</p>") if item["id"] == "n3" else item for item in NEWS]
    content = select_digest(WEEK, [decode_event(e) for e in EVENTS],
                            [decode_item(i) for i in news], BY_ID, PARIS, Filters())
    text = render_digest(content, language="fr", base_url=BASE_URL, zone=PARIS,
                         sources=BY_ID, personal=True).personalise("tok").text
    assert "* Appel à projets IA (3 décembre)\n  Déposez vos projets.\n  https://lab" in text, text
    start = text.index("* Nouveau local à Metz")
    block = text[start:text.index("https://assoc.example.org/local", start)]
    lines = [line for line in block.splitlines()[1:] if line.strip()]
    assert " ".join(line.strip() for line in lines) == long  # 184 characters: not clipped
    assert len(lines) == 3 and all(line.startswith("  ") and len(line) <= 78 for line in lines)
