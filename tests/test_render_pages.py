"""index.html: what a visitor reads, checked in the HTML text (fr, en, de)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from aggregator.models import Event
from aggregator.render import render_index
from aggregator.render.agenda import by_last_date, last_occurrence
from aggregator.render.pages import event_dates, google_calendar_url, outlook_calendar_url
from render_builders import BASE_URL, NOW, PARIS, SOURCES, merged, news


def page(events: list, items: list | None = None, language: str = "fr") -> str:
    body = render_index(
        events,
        items or [],
        SOURCES,
        now=NOW,
        base_url=BASE_URL,
        timezone="Europe/Paris",
        language=language,
    )
    return body.decode("utf-8")


def day_sections(html: str) -> dict[str, str]:
    """Heading text of each day -> the HTML of its list."""
    parts = re.split(r'<h3><time datetime="[^"]+"[^>]*>([^<]+)</time></h3>', html.split('id="news"')[0])
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_page_is_self_contained_with_lang_title_and_subscribe_links() -> None:
    html = page([merged()])
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert "<title>Agenda numérique Grand Est – Luxembourg</title>" in html
    assert 'href="webcal://agenda.example.org/calendar.ics"' in html
    assert 'href="https://agenda.example.org/calendar.ics"' in html
    assert 'href="https://agenda.example.org/news.atom"' in html
    assert 'href="https://agenda.example.org/calendars/nancy.ics">Nancy</a>' in html
    assert '<link rel="stylesheet"' not in html and "<script src" not in html
    assert '<link rel="alternate" type="text/calendar" title="L’agenda (iCalendar)"' in html


def test_events_are_grouped_by_local_day() -> None:
    late = merged(
        "late-1",
        title="Hackathon de nuit",
        start=datetime(2025, 12, 8, 23, 30, tzinfo=UTC),
        end=None,
        timezone="UTC",
    )
    days = day_sections(page([merged(), late]))
    assert list(days) == ["lundi 8 décembre 2025", "mardi 9 décembre 2025"]
    assert "18:30 – 20:00" in days["lundi 8 décembre 2025"]
    assert "Meetup IA" in days["lundi 8 décembre 2025"]
    assert "00:30" in days["mardi 9 décembre 2025"]
    assert "Hackathon de nuit" in days["mardi 9 décembre 2025"]
    assert "Campus Scientifique, Nancy — Publié par LORIA" in days["lundi 8 décembre 2025"]


def test_recurring_series_lists_its_occurrences_with_overrides_and_exdates() -> None:
    series = merged(
        "series-1",
        title="Café numérique",
        start=datetime(2025, 11, 4, 8, 30, tzinfo=PARIS),
        end=datetime(2025, 11, 4, 9, 30, tzinfo=PARIS),
        rrule="FREQ=WEEKLY;BYDAY=TU",
        exdates=(datetime(2025, 12, 23, 8, 30, tzinfo=PARIS),),
        overrides=(
            Event(
                uid="o",
                title="Café numérique spécial Noël",
                start=datetime(2025, 12, 16, 10, 0, tzinfo=PARIS),
                recurrence_id=datetime(2025, 12, 16, 8, 30, tzinfo=PARIS),
            ),
        ),
    )
    days = day_sections(page([series]))
    tuesdays = [d for d in days if d.startswith("mardi")]
    assert len(days) == len(tuesdays) == 8  # 9 Tuesdays in 60 days, minus the EXDATE
    assert "mardi 23 décembre 2025" not in days
    assert "Café numérique spécial Noël" in days["mardi 16 décembre 2025"]
    assert "10:00" in days["mardi 16 décembre 2025"]
    assert "08:30 – 09:30" in days["mardi 2 décembre 2025"]
    assert "mardi 3 février 2026" not in days  # past the 60-day horizon


def test_past_events_are_gone_and_ongoing_ones_are_listed_today() -> None:
    past = merged("past", title="Passé", start=datetime(2025, 11, 20, 18, 0, tzinfo=PARIS))
    ongoing = merged("fair", title="Salon", start=date(2025, 11, 30), end=date(2025, 12, 3))
    days = day_sections(page([past, ongoing]))
    assert list(days) == ["lundi 1er décembre 2025"]
    assert "Salon" in days["lundi 1er décembre 2025"] and "En cours" in days["lundi 1er décembre 2025"]
    assert "Jusqu’au mar. 2 déc." in days["lundi 1er décembre 2025"]  # not "All day": 3 days


def test_a_page_of_past_days_lists_what_took_place_under_its_day_marked_past() -> None:
    past = merged("past", title="Passé", start=datetime(2025, 11, 20, 18, 0, tzinfo=PARIS),
                  end=datetime(2025, 11, 20, 20, 0, tzinfo=PARIS))
    no_end = merged("flash", title="Annonce", start=datetime(2025, 11, 25, 9, 0, tzinfo=PARIS),
                    end=None)
    ongoing = merged("fair", title="Salon", start=date(2025, 11, 30), end=date(2025, 12, 3))
    html = render_index([past, no_end, ongoing], [], SOURCES, now=NOW, base_url=BASE_URL,
                        timezone="Europe/Paris", after=datetime(2025, 11, 19, tzinfo=PARIS)
                        ).decode()
    assert '<h2 id="events">Événements</h2>' in html
    days = day_sections(html)
    assert list(days) == ["jeudi 20 novembre 2025", "mardi 25 novembre 2025",
                          "dimanche 30 novembre 2025"]
    for day in ("jeudi 20 novembre 2025", "mardi 25 novembre 2025"):
        assert 'class="event past"' in days[day] and ">Passé</span>" in days[day]
        assert "En cours" not in days[day]
    fair = days["dimanche 30 novembre 2025"]
    assert "En cours" in fair and "past" not in fair  # not over at NOW: ongoing, not past
    assert '<h2 id="events">Prochains événements</h2>' in page([past, ongoing])


def test_cancelled_events_are_struck_through_and_labelled() -> None:
    html = page([merged(status="CANCELLED")])
    assert re.search(r'<s><a href="https://example.org/evt-1"[^>]*>Meetup IA</a></s>', html)
    assert '<strong class="badge off">Annulé</strong>' in html


def test_markup_in_titles_is_escaped_everywhere() -> None:
    html = page(
        [merged(title='<script>alert("x")</script>')],
        [news(title="<img src=x onerror=alert(1)>", summary="<p>ok</p><script>alert(2)</script>")],
    )
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "<p>ok</p>" in html
    assert html.count("</script") == 1  # only the end of the JSON-LD block
    assert '"name":"\\u003cscript\\u003ealert(\\"x\\")\\u003c/script\\u003e"' in html


def test_news_of_the_last_30_days_newest_first_with_sources() -> None:
    items = [
        news("old", title="Vieille nouvelle", published=NOW - timedelta(days=31)),
        news(
            "new",
            title="Toute fraîche",
            published=NOW - timedelta(hours=2),
            sources=("loria", "tcrm"),
        ),
        news(),
    ]
    html = page([], items).split('id="news"')[1]
    assert "Vieille nouvelle" not in html
    assert html.index("Toute fraîche") < html.index("Nouvelle levée de fonds")
    assert "1er décembre 2025</time> — LORIA, TCRM Blida" in html
    assert "<p>Une <b>startup</b> messine lève 2 M€.</p>" in html


@pytest.mark.parametrize(
    ("language", "day", "time", "cancelled"),
    [
        ("en", "Monday, 8 December 2025", "6:30\u202fpm – 8:00\u202fpm", "Cancelled"),
        ("de", "Montag, 8. Dezember 2025", "18:30 – 20:00", "Abgesagt"),
    ],
)
def test_dates_follow_the_language(language: str, day: str, time: str, cancelled: str) -> None:
    html = page([merged(), merged("c", status="CANCELLED")], language=language)
    assert f'<html lang="{language}">' in html
    assert day in day_sections(html)
    assert time in html
    assert cancelled in html


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        page([], language="it")


def test_two_hundred_events_stay_under_200_kb() -> None:
    events = [
        merged(
            f"evt-{n}",
            title=f"Événement numéro {n} avec un titre assez long",
            start=datetime(2025, 12, 2, 18, 0, tzinfo=PARIS) + timedelta(hours=7 * n),
            sources=("loria", "tcrm"),
            description="x" * 2000,
        )
        for n in range(200)
    ]
    items = [
        news(f"n{n}", published=NOW - timedelta(hours=n), summary="<p>" + "y" * 1000 + "</p>")
        for n in range(100)
    ]
    body = render_index(
        events, items, SOURCES, now=NOW, base_url=BASE_URL, timezone="Europe/Paris"
    )
    assert body.count(b'<li class="event') == 200
    assert len(body) < 200_000


def test_a_runaway_series_is_capped() -> None:
    minutely = merged(
        "minutely",
        title="Ping",
        start=datetime(2025, 12, 1, 10, 0, tzinfo=PARIS),
        end=None,
        rrule="FREQ=MINUTELY",
    )
    html = page([minutely])
    assert html.count('<li class="event') == 60


def test_the_page_keeps_the_first_rows_in_order_when_there_are_more() -> None:
    """Only MAX_ROWS occurrences are kept; they are the earliest, ties broken by title then
    uid, exactly the head of the full sorted list (the page's cut is not a random one)."""
    from aggregator.render.agenda import upcoming
    from aggregator.render.pages import MAX_ROWS

    start = datetime(2025, 12, 2, 18, 0, tzinfo=PARIS)
    events = [
        merged(f"evt-{n:04d}", title=f"Talk {n % 7}", start=start + timedelta(hours=n % 40),
               end=None)
        for n in range(3 * MAX_ROWS, 0, -1)
    ] + [merged("weekly", title="Talk 0", start=start, end=None, rrule="FREQ=WEEKLY")]
    every = upcoming(events, now=NOW, zone=PARIS)
    first = upcoming(events, now=NOW, zone=PARIS, limit=MAX_ROWS)
    assert [(o.event.uid, o.start) for o in first] == [
        (o.event.uid, o.start) for o in every[:MAX_ROWS]]
    html = page(events)
    assert html.count('<li class="event') == MAX_ROWS
    assert html.index("evt-0040") < html.index("evt-0001")  # 18:00 before 19:00


def test_titles_and_summaries_in_another_language_than_the_page_say_which() -> None:
    """A screen reader reads "Café IA" in French on the English page (WCAG 3.1.2)."""
    events = [merged("fr-1", title="Café IA"),
              merged("en-1", title="Cyber Breakfast", sources=("lux-tech",), city="Luxembourg")]
    items = [news("en-news", title="Fintech report", sources=("lux-tech",),
                  published=NOW - timedelta(hours=1))]
    english = page(events, items, language="en")
    assert 'lang="fr">Café IA<' in english
    assert 'lang="en">Cyber Breakfast<' not in english and "<h3 lang=" not in english
    french = page(events, items)
    assert 'lang="en">Cyber Breakfast<' in french and 'lang="fr">Café IA<' not in french
    assert '<h3 lang="en"><a href=' in french and '<div class="summary" lang="en">' in french
    assert '<html lang="fr">' in french  # the page itself keeps its language


def test_an_event_page_lists_a_series_next_dates_and_none_once_it_is_over() -> None:
    series = merged("series-2", title="Café numérique", rrule="FREQ=WEEKLY;BYDAY=TU",
                    start=datetime(2025, 11, 4, 8, 30, tzinfo=PARIS),
                    end=datetime(2025, 11, 4, 9, 30, tzinfo=PARIS))
    dates, data = event_dates(series, SOURCES, now=NOW, timezone="Europe/Paris", language="fr",
                              limit=3)
    assert [(d["day"], d["when"]) for d in dates] == [
        ("mardi 2 décembre 2025", "08:30 – 09:30"), ("mardi 9 décembre 2025", "08:30 – 09:30"),
        ("mardi 16 décembre 2025", "08:30 – 09:30")]
    assert data.count('"@type":"Event"') == 3
    over = merged("over", start=datetime(2025, 11, 20, 18, 0, tzinfo=PARIS), end=None)
    assert event_dates(over, SOURCES, now=NOW, timezone="Europe/Paris", language="en")[0] == []


def test_a_yearly_series_shows_its_next_edition_and_a_finished_one_its_last_date() -> None:
    """Past the agenda's 60-day horizon a yearly conference still has a next edition on its
    page; a series whose dates are all past took place last on its last date, not its first."""
    yearly = merged("yearly", title="Conférence annuelle", rrule="FREQ=YEARLY",
                    start=datetime(2025, 3, 12, 9, 0, tzinfo=PARIS),
                    end=datetime(2025, 3, 12, 18, 0, tzinfo=PARIS))
    dates, _ = event_dates(yearly, SOURCES, now=NOW, timezone="Europe/Paris", language="en")
    assert [d["day"] for d in dates] == ["Thursday, 12 March 2026"]
    finished = merged("finished", title="Cycle", rrule="FREQ=WEEKLY;COUNT=3",
                      start=datetime(2025, 10, 7, 18, 0, tzinfo=PARIS),
                      end=datetime(2025, 10, 7, 20, 0, tzinfo=PARIS))
    assert event_dates(finished, SOURCES, now=NOW, timezone="Europe/Paris", language="en")[0] == []
    assert last_occurrence(finished, now=NOW, zone=PARIS).start == datetime(2025, 10, 21, 18, 0,
                                                                             tzinfo=PARIS)
    one_off = merged("one-off", start=datetime(2025, 11, 20, 18, 0, tzinfo=PARIS), end=None)
    assert last_occurrence(one_off, now=NOW, zone=PARIS).start == one_off.start


def test_what_took_place_is_listed_once_each_at_its_last_date_newest_first() -> None:
    finished = merged("finished", title="Cycle", rrule="FREQ=WEEKLY;COUNT=3",
                      start=datetime(2025, 10, 7, 18, 0, tzinfo=PARIS),
                      end=datetime(2025, 10, 7, 20, 0, tzinfo=PARIS))
    one_off = merged("one-off", start=datetime(2025, 11, 20, 18, 0, tzinfo=PARIS), end=None)
    running = merged("weekly", rrule="FREQ=WEEKLY", start=datetime(2025, 10, 1, 18, 0, tzinfo=PARIS),
                     end=datetime(2025, 10, 1, 19, 0, tzinfo=PARIS))  # goes on: not over
    coming = merged("coming")  # 8 December
    found = by_last_date([finished, coming, running, one_off], now=NOW, zone=PARIS)
    assert [(o.event.uid, o.start) for o in found] == [
        ("one-off", one_off.start), ("finished", datetime(2025, 10, 21, 18, 0, tzinfo=PARIS))]


def test_google_calendar_link_carries_the_event_as_google_reads_it() -> None:
    """Android opens no downloaded .ics: the event page offers Google's own "add" link."""
    timed = google_calendar_url(merged(location="TCRM-Blida"), "https://agenda.example.org/events/e1")
    assert timed is not None
    query = parse_qs(urlsplit(timed).query)
    assert timed.startswith("https://calendar.google.com/calendar/render?")
    assert query["action"] == ["TEMPLATE"] and query["text"] == ["Meetup IA"]
    assert query["dates"] == ["20251208T173000Z/20251208T190000Z"]  # 18:30-20:00 in Paris
    assert query["ctz"] == ["Europe/Paris"] and query["location"] == ["TCRM-Blida, Nancy"]
    assert query["details"] == ["https://agenda.example.org/events/e1"]
    all_day = parse_qs(urlsplit(google_calendar_url(
        merged(start=date(2025, 12, 10), end=None), "u") or "").query)
    assert all_day["dates"] == ["20251210/20251211"] and "ctz" not in all_day
    series_link = google_calendar_url(merged(rrule="FREQ=WEEKLY;BYDAY=TU"), "u")
    assert series_link is not None
    assert parse_qs(urlsplit(series_link).query)["recur"] == ["RRULE:FREQ=WEEKLY;BYDAY=TU"]
    # dates without a rule: the link would add the first alone (the .ics has them all)
    assert google_calendar_url(merged(rdates=(datetime(2025, 12, 15, 18, 30, tzinfo=PARIS),)),
                               "u") is None


def test_outlook_links_carry_a_single_event_and_leave_a_series_to_its_ics() -> None:
    """Outlook.com and Microsoft 365 have "add" links too, without recurrence."""
    timed = outlook_calendar_url(merged(location="TCRM-Blida"), "https://agenda.example.org/events/e1")
    assert timed is not None
    query = parse_qs(urlsplit(timed).query)
    assert timed.startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    assert query["rru"] == ["addevent"] and query["path"] == ["/calendar/action/compose"]
    assert query["startdt"] == ["2025-12-08T17:30:00Z"] and query["enddt"] == ["2025-12-08T19:00:00Z"]
    assert query["allday"] == ["false"] and query["subject"] == ["Meetup IA"]
    assert query["location"] == ["TCRM-Blida, Nancy"]
    assert query["body"] == ["https://agenda.example.org/events/e1"]
    work = outlook_calendar_url(merged(start=date(2025, 12, 10), end=None), "u", "office")
    assert work is not None and work.startswith("https://outlook.office.com/calendar/0/")
    all_day = parse_qs(urlsplit(work).query)
    assert (all_day["startdt"], all_day["enddt"], all_day["allday"]) == (
        ["2025-12-10"], ["2025-12-11"], ["true"])
    assert outlook_calendar_url(merged(rrule="FREQ=WEEKLY;BYDAY=TU"), "u") is None
    assert outlook_calendar_url(merged(rdates=(datetime(2025, 12, 15, 18, 30, tzinfo=PARIS),)),
                                "u") is None


def test_a_long_agenda_pages_by_whole_days_and_the_pages_miss_nothing() -> None:
    """The web app's agenda ends with "Later events", ?from= the first day it did not show
    whole; walking the pages lists every occurrence once, in order."""
    from datetime import time

    from aggregator.render.pages import MAX_ROWS

    first = datetime(2025, 12, 2, 8, 0, tzinfo=PARIS)
    events = [merged(f"e{n:04d}", title=f"T{n:04d}", end=None,
                     start=first + timedelta(days=n // 100, minutes=n % 100))
              for n in range(7 * 100)]
    seen: list[str] = []
    after, pages = None, 0
    while True:
        html = render_index(events, [], SOURCES, now=NOW, base_url=BASE_URL,
                            timezone="Europe/Paris", after=after, later_query={"city": "Nancy"})
        html_text = html.decode()
        pages += 1
        seen += re.findall(r'/events/(e\d{4})">Détails', html_text)
        later = re.search(r'href="\?city=Nancy&amp;from=(\d{4}-\d\d-\d\d)" rel="next"', html_text)
        if later is None:
            break
        after = datetime.combine(date.fromisoformat(later.group(1)), time(), PARIS)
    assert seen == [f"e{n:04d}" for n in range(700)]
    assert pages == 3  # days 1-3 (MAX_ROWS rows), 4-6, then day 7
    # a limit that falls inside a day moves that whole day to the next page
    html = render_index(events[50:], [], SOURCES, now=NOW, base_url=BASE_URL,
                        timezone="Europe/Paris", later_query={})
    assert html.decode().count('<li class="event') == 250  # 50 + 100 + 100, not 300
    assert 'href="?from=2025-12-05" rel="next"' in html.decode()
    static = page(events)  # index.html has no later page: its first MAX_ROWS rows, no link
    assert static.count('<li class="event') == MAX_ROWS and 'rel="next"' not in static


def test_summaries_are_clipped_at_a_word_and_a_lone_long_link_keeps_its_start() -> None:
    from aggregator.render.text import clip

    assert clip("Venez  avec\nvos idées.", 200) == "Venez avec vos idées."
    assert clip("mot " * 100, 20) == "mot mot mot mot mot…"
    link = "https://example.org/" + "a" * 300
    assert clip(link, 200) == link[:200] + "…"  # textwrap.shorten would give "…" alone


@pytest.mark.parametrize("location", ["En ligne", "Online (Zoom)", "Webinaire sur Teams", "Webinar",
                                      "https://meet.jit.si/devmetz", "Visioconférence"])
def test_an_online_event_is_not_placed_in_its_organisers_city(location: str) -> None:
    """"En ligne, Nancy" would send people to Nancy: an online event's place is the location
    alone, with no map, and search engines get a VirtualLocation with the link to join."""
    from aggregator.render.text import place_of

    online = merged(location=location, url="https://meet.example/join")
    assert place_of(location, "Nancy") == location
    html = page([online])
    row = html.split('id="events"')[1].split('id="news"')[0]
    assert f'<p class="meta">{location} — ' in row and "Nancy" not in row
    google = parse_qs(urlsplit(google_calendar_url(online, "u")).query)
    assert google["location"] == [location]
    [data] = [d for d in _structured(html) if d["name"] == "Meetup IA"]
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "name": location,
                                "url": "https://meet.example/join"}


def test_a_place_that_only_mentions_a_meeting_word_is_still_a_place() -> None:
    from aggregator.render.text import place_of

    assert place_of("Salle Zoological, Muséum-Aquarium", "Nancy") == \
        "Salle Zoological, Muséum-Aquarium, Nancy"
    [data] = [d for d in _structured(page([merged(location="TCRM-Blida")]))
              if d["name"] == "Meetup IA"]
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["@type"] == "Place"


def _structured(html: str) -> list:
    import json

    text = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    document = json.loads(text)
    return document["@graph"] if "@graph" in document else [document]


@pytest.mark.parametrize(("location", "shown"), [
    ("TCRM-Blida", "TCRM-Blida, Nancy"),
    ("7 avenue de Blida, 54000 Nancy", "7 avenue de Blida, 54000 Nancy"),
    ("Nancy", "Nancy"),  # a feed that gives only the city as its location
    ("", "Nancy"),
])
def test_an_agenda_row_says_where_once_and_never_drops_it(location: str, shown: str) -> None:
    row = page([merged(location=location, city="Nancy")]).split('id="events"')[1]
    assert f'<p class="meta">{shown} — Publié par LORIA' in row


@pytest.mark.parametrize(("language", "weekend", "until_late", "conference"), [
    ("fr", "18:00 – dim. 7 déc. 21:00", "20:00 – 00:00", "Jusqu’au mer. 10 déc."),
    ("en", "6:00\u202fpm – Sun 7 Dec, 9:00\u202fpm", "8:00\u202fpm – 12:00\u202fam",
     "Until Wed 10 Dec"),
    ("de", "18:00 – So., 7. Dez., 21:00", "20:00 – 00:00", "Bis Mi., 10. Dez."),
])
def test_what_lasts_several_days_says_until_when(
    language: str, weekend: str, until_late: str, conference: str
) -> None:
    """A startup weekend read "18:00", as an evening, and a three-day conference "All day"."""
    events = [
        merged("weekend", title="Startup Weekend", start=datetime(2025, 12, 5, 18, 0, tzinfo=PARIS),
               end=datetime(2025, 12, 7, 21, 0, tzinfo=PARIS)),
        merged("late", title="Soirée", start=datetime(2025, 12, 5, 20, 0, tzinfo=PARIS),
               end=datetime(2025, 12, 6, 0, 0, tzinfo=PARIS)),  # ends at midnight: one evening
        merged("conference", title="Conférence", start=date(2025, 12, 8), end=date(2025, 12, 11)),
        merged("day", title="Journée", start=date(2025, 12, 9)),
    ]
    agenda = "".join(day_sections(page(events, language=language)).values())
    rows = {title: next(row for row in agenda.split('<li class="event">') if title in row)
            for title in ("Startup Weekend", "Soirée", "Conférence", "Journée")}
    assert weekend in rows["Startup Weekend"]
    assert until_late in rows["Soirée"]
    assert conference in rows["Conférence"]
    assert {"fr": "Toute la journée", "en": "All day", "de": "Ganztägig"}[language] in rows["Journée"]


def test_what_began_the_day_before_a_page_says_since_when() -> None:
    """Listed under the Saturday a page starts with, the weekend stood at "18:00" that day."""
    weekend = merged("weekend", title="Startup Weekend",
                     start=datetime(2025, 12, 5, 18, 0, tzinfo=PARIS),
                     end=datetime(2025, 12, 7, 21, 0, tzinfo=PARIS))
    html = render_index([weekend], [], SOURCES, now=NOW, base_url=BASE_URL,
                        timezone="Europe/Paris", language="fr",
                        after=datetime(2025, 12, 6, 0, 0, tzinfo=PARIS)).decode()
    [(day, row)] = day_sections(html).items()
    assert day == "samedi 6 décembre 2025"
    assert "ven. 5 déc. 18:00 – dim. 7 déc. 21:00" in row


def test_french_writes_the_first_of_a_month_1er() -> None:
    from aggregator.render.text import first_of_month

    assert first_of_month("lundi 1 février 2027", "fr") == "lundi 1er février 2027"
    assert first_of_month("lun. 1 févr., 18:00", "fr") == "lun. 1er févr., 18:00"
    assert first_of_month("jeudi 11 février et 21 mars", "fr") == "jeudi 11 février et 21 mars"
    assert first_of_month("Monday, February 1, 2027", "en") == "Monday, February 1, 2027"
    assert first_of_month("Montag, 1. Februar 2027", "de") == "Montag, 1. Februar 2027"


def test_a_venue_that_posts_each_date_is_linked_by_its_next_dates_page() -> None:
    """The event page names each source once; for a venue that posts each date of a series
    on its own, its link is the page of the next date to come (its first copy's was a past
    date's page), or of the last date once all are past; the organiser's series link stays."""
    from aggregator.render.text import source_posts

    def copy(weeks: int) -> Event:
        return Event(uid=f"d{weeks}", title="Atelier", start=NOW + timedelta(weeks=weeks),
                     url=f"https://tcrm.example/d{weeks}", source_id="tcrm")

    series = Event(uid="s", title="Atelier", start=NOW - timedelta(weeks=2), rrule="FREQ=WEEKLY",
                   url="https://loria.example/atelier", source_id="loria")
    members = [series, copy(-2), copy(-1), copy(1), copy(2)]
    assert source_posts(members, SOURCES, now=NOW) == [
        ("loria", "LORIA", "https://loria.example/atelier"),
        ("tcrm", "TCRM Blida", "https://tcrm.example/d1")]
    assert source_posts(members[:3], SOURCES, now=NOW)[1][2] == (
        "https://tcrm.example/d-1")
    assert source_posts(members, SOURCES)[1][2] == "https://tcrm.example/d-2"  # no clock
    far = Event(uid="far", title="Atelier", start=datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
                url="https://tcrm.example/far", source_id="tcrm")  # a hostile feed's end of time
    assert source_posts([far], SOURCES, now=NOW)[0][2] == "https://tcrm.example/far"
