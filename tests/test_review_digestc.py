"""The weekly digest as its subscribers read it: review findings (digest content)."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aggregator.digest import Filters, render_digest, select_digest
from aggregator.published import decode_event, decode_item
from digest_site import BASE_URL, NEWS, SOURCES, WEEK, event

PARIS = ZoneInfo("Europe/Paris")
BY_ID = {s.id: s for s in SOURCES}


def digest(events: list[dict[str, Any]], language: str, filters: Filters = Filters(),
           news: list[dict[str, Any]] = NEWS) -> Any:
    content = select_digest(WEEK, [decode_event(e) for e in events],
                            [decode_item(i) for i in news], BY_ID, PARIS, filters)
    return render_digest(content, language=language, base_url=BASE_URL, zone=PARIS,
                         sources=BY_ID).personalise("tok")


def weekly_meetup_with_a_cancelled_date() -> dict[str, Any]:
    series = event("meetup", "Meetup hebdo", "2026-11-02T19:00:00+01:00",
                   "2026-11-02T21:00:00+01:00", "Metz", "venue", rrule="FREQ=WEEKLY")
    series["overrides"] = [{
        "recurrence_id": "2026-12-07T19:00:00+01:00", "title": "Meetup hebdo",
        "start": "2026-12-07T19:00:00+01:00", "end": "2026-12-07T21:00:00+01:00",
        "location": "", "status": "CANCELLED", "timezone": "Europe/Paris", "url": "",
        "description": "", "sequence": 1}]
    return series


@pytest.mark.parametrize(("language", "badge"), [("fr", "ANNULÉ"), ("en", "CANCELLED"),
                                                 ("de", "ABGESAGT")])
def test_a_cancelled_date_of_a_series_is_marked_once_in_the_digests_language(
        language: str, badge: str) -> None:
    # A German digest read "[ABGESAGT] Annulé : Meetup hebdo": the calendar's French
    # "called off" prefix leaked into the title, beside the digest's own badge.
    rendered = digest([weekly_meetup_with_a_cancelled_date()], language)
    assert f"[{badge}] Meetup hebdo\n" in rendered.text
    assert re.search(rf'<span class="badge"[^>]*>{badge}</span> <a [^>]*>Meetup hebdo</a>',
                     rendered.html)
    for leaked in ("Annulé :", "Cancelled:", "Abgesagt:"):
        assert leaked not in rendered.text and leaked not in rendered.html
    # the other dates of the series are not called off
    assert rendered.text.count("Meetup hebdo") == 2
    assert rendered.text.count(f"[{badge}]") == 1


@pytest.mark.parametrize("language", ["fr", "en", "de"])
def test_the_agenda_and_news_links_open_the_subscribers_own_selection(language: str) -> None:
    # A subscriber following the Metz association read "… and 3 more events in the online
    # agenda", and the link opened the whole region's agenda: only a single city was kept.
    filters = Filters(kinds=("association",), tags=("startup",))
    articles = [{"id": f"a{n}", "title": f"Article {n}", "link": f"https://assoc.example.org/{n}",
                 "published": f"2026-12-0{n}T09:00:00+00:00", "summary": "",
                 "sources": [{"source": "assoc", "feed": "https://assoc.example.org/news.xml",
                              "guid": str(n), "link": f"https://assoc.example.org/{n}"}]}
                for n in range(1, 7)]
    rendered = digest([event("apero", "Apéro start-up", "2026-12-08T19:00:00+01:00", None,
                             "Metz", "assoc")], language, filters, articles)
    agenda = f"{BASE_URL}/?kind=association&tag=startup&lang={language}"
    news = f"{BASE_URL}/news?kind=association&tag=startup&lang={language}"
    assert f" {agenda}\n" in rendered.text
    assert f'href="{agenda.replace("&", "&amp;")}"' in rendered.html
    assert f" {news}\n" in rendered.text  # "… and 1 more news item on the website"
    # two cities are more than the agenda's one city filter: the agenda shows both (all)
    both = digest([], language, Filters(cities=("Metz", "Nancy"), sources=("assoc",)))
    assert f" {BASE_URL}/?source=assoc&lang={language}\n" in both.text
    one = digest([], language, Filters(cities=("Metz",)))
    assert f" {BASE_URL}/?city=Metz&lang={language}\n" in one.text


def test_the_subject_counts_every_event_of_the_week_beyond_those_listed() -> None:
    # A busy week of 90 events read "80 events this week" (the listing's cap) above
    # "… and 10 more events in the online agenda".
    events = [event(f"talk-{n}", f"Talk {n:02d}", f"2026-12-{8 + n % 5:02d}T{8 + n % 12:02d}:"
                    f"{n % 60:02d}:00+01:00", None, "Metz", "venue") for n in range(90)]
    rendered = digest(events, "en", news=[])
    assert rendered.subject == "90 events this week in Metz"
    assert "… and 10 more events in the online agenda" in rendered.text


def test_a_quiet_week_before_a_busy_one_counts_every_event_of_the_two_weeks() -> None:
    # Nothing this week, 90 events the next: the subject said "80 events in the next two
    # weeks" (the listing's cap) above "… and 10 more events in the online agenda".
    events = [event(f"talk-{n}", f"Talk {n:02d}", f"2026-12-{15 + n % 5:02d}T{8 + n % 12:02d}:"
                    f"{n % 60:02d}:00+01:00", None, "Metz", "venue") for n in range(90)]
    rendered = digest(events, "en", news=[])
    assert rendered.subject.startswith("90 events "), rendered.subject
    assert "… and 10 more events in the online agenda" in rendered.text


def test_the_subject_counts_the_weeks_articles_left_out_by_the_caps() -> None:
    # A newsroom's 8 articles of the week read "5 news items" in the subject (the listing's
    # cap per organisation) above "… and 3 more news items on the website".
    articles = [{"id": f"b{n}", "title": f"Article {n}", "link": f"https://assoc.example.org/{n}",
                 "published": f"2026-12-0{1 + n % 6}T09:00:00+00:00", "summary": "",
                 "sources": [{"source": "assoc", "feed": "https://assoc.example.org/news.xml",
                              "guid": str(n), "link": f"https://assoc.example.org/{n}"}]}
                for n in range(8)]
    rendered = digest([], "en", news=articles)
    assert rendered.subject == "Nothing planned this week · 8 news items"
    assert "… and 3 more news items on the website" in rendered.text
