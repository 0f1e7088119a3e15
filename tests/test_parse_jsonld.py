"""Events pages read like feeds: schema.org Event JSON-LD embedded in HTML (``type: jsonld``)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aggregator.errors import ParseError
from aggregator.models import MergedEvent, Source
from aggregator.parse import parse_body
from aggregator.parse.jsonld import parse_jsonld
from aggregator.render.pages import render_index

PARIS = ZoneInfo("Europe/Paris")
URL = "https://asso.example.org/agenda/"


def page(*blocks: object, raw: str = "") -> bytes:
    scripts = "".join(f'<script type="application/ld+json">{json.dumps(b)}</script>' for b in blocks)
    return (f"<!DOCTYPE html><html><head><title>Agenda – L&#39;Asso</title>{scripts}{raw}</head>"
            "<body><h1>Agenda</h1></body></html>").encode()


WORDPRESS = {  # The Events Calendar / Yoast: a @graph with the events and other nodes
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "WebPage", "@id": URL, "name": "Agenda"},
        {"@type": "Event", "@id": "https://asso.example.org/event/meetup-12/#event",
         "name": "Meetup Python #12 &amp; pizza", "startDate": "2026-12-07T18:30:00+01:00",
         "endDate": "2026-12-07T21:00:00+01:00", "url": "/event/meetup-12/",
         "description": "<p>Talks <b>and</b> pizza</p>", "keywords": "python, meetup",
         "eventStatus": "https://schema.org/EventScheduled",
         "location": {"@type": "Place", "name": "TCRM-Blida",
                      "address": {"@type": "PostalAddress", "streetAddress": "7 avenue de Blida",
                                  "postalCode": "57000", "addressLocality": "Metz"}},
         "organizer": {"@type": "Organization", "name": "L'Asso"}},
    ],
}


def test_wordpress_graph_gives_events_with_place_link_and_times() -> None:
    parsed = parse_jsonld(page(WORDPRESS), URL)
    assert parsed.format == "jsonld" and parsed.title == "Agenda – L'Asso"
    [event] = parsed.events
    assert event.title == "Meetup Python #12 & pizza"
    assert event.start == datetime(2026, 12, 7, 18, 30, tzinfo=PARIS)
    assert event.end == datetime(2026, 12, 7, 21, tzinfo=PARIS)
    assert event.url == "https://asso.example.org/event/meetup-12/"
    assert event.uid == "https://asso.example.org/event/meetup-12/#event"
    assert event.location == "TCRM-Blida, 7 avenue de Blida, 57000 Metz"
    assert event.description == "Talks and pizza"
    assert event.categories == ("python", "meetup")
    assert event.status == "CONFIRMED" and event.organizer == "L'Asso"


def test_item_lists_subtypes_local_times_all_day_and_cancellations() -> None:
    listing = {"@context": "https://schema.org", "@type": "ItemList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "item": {
            "@type": "Hackathon", "name": "Hack Lorraine", "startDate": "2026-12-12",
            "endDate": "2026-12-13", "url": "https://h.example.org/"}},
        {"@type": "ListItem", "position": 2, "item": {
            "@type": ["Event", "EducationEvent"], "name": "Atelier", "startDate": "2026-12-09T14:00",
            "eventStatus": "EventCancelled", "location": "Le Quai Alpha, Épinal"}},
    ]}
    hackathon, workshop = parse_jsonld(page(listing), URL).events
    assert hackathon.all_day and hackathon.start == date(2026, 12, 12)
    assert hackathon.end == date(2026, 12, 14)  # schema.org's endDate is inclusive, DTEND is not
    assert workshop.start == datetime(2026, 12, 9, 14, tzinfo=PARIS)  # local time of the region
    assert workshop.status == "CANCELLED" and workshop.location == "Le Quai Alpha, Épinal"


def test_dates_not_in_iso_8601_are_read_as_people_write_them_and_reported() -> None:
    """A theme that formats startDate with the site's date format: each such event was
    skipped ("no valid startDate"); search engines skip them, so the organiser is told."""
    events = [{"@type": "Event", "name": f"Atelier {n}", "startDate": start}
              for n, start in enumerate(["2026-12-9T14:00", "09/12/2026 14:00", "9 décembre 2026",
                                         "13/12/2026", "2026-12-09T14:00:00+01:00"])]
    parsed = parse_jsonld(page({"@context": "https://schema.org", "@graph": events}), URL)
    assert [e.start for e in parsed.events] == [
        datetime(2026, 12, 9, 14, tzinfo=PARIS), datetime(2026, 12, 9, 14, tzinfo=PARIS),
        date(2026, 12, 9), date(2026, 12, 13), datetime(2026, 12, 9, 14, tzinfo=PARIS)]
    assert [e.all_day for e in parsed.events] == [False, False, True, True, False]
    assert parsed.warnings == (
        "4 dates not written as schema.org asks (ISO 8601: 2026-12-07T18:00+01:00), the first: "
        "'2026-12-9T14:00': read as people write them",)


def test_a_date_beyond_datetimes_years_costs_its_event_not_the_page() -> None:
    """The page was refused whole ("unexpected OverflowError while parsing")."""
    events = [{"@type": "Event", "name": name, "startDate": start}
              for name, start in (("Zéro", "0001-01-01T00:30:00+01:00"),
                                  ("Atelier", "2026-12-09T14:00:00+01:00"))]
    parsed = parse_jsonld(page({"@context": "https://schema.org", "@graph": events}), URL)
    assert [e.title for e in parsed.events] == ["Atelier"]
    assert parsed.warnings == ("JSON-LD Event 'Zéro' skipped: no name or no valid startDate",)


def test_the_last_day_of_the_calendar_costs_its_event_not_the_page() -> None:
    """9999-12-31 has no next day for an all-day event to end on: the page was refused whole
    ("unexpected OverflowError while parsing"); an end on it is dropped, its start kept."""
    events = [{"@type": "Event", "name": name, "startDate": start, "endDate": "9999-12-31"}
              for name, start in (("Fin", "9999-12-31"), ("Veille", "9999-12-30"))]
    parsed = parse_jsonld(page({"@context": "https://schema.org", "@graph": events}), URL)
    assert [(e.title, e.start, e.end) for e in parsed.events] == [
        ("Veille", date(9999, 12, 30), None)]
    assert parsed.warnings == ("JSON-LD Event 'Fin' skipped: no name or no valid startDate",)


def test_a_page_writing_its_dates_month_first_is_read_so() -> None:
    events = [{"@type": "Event", "name": name, "startDate": start}
              for name, start in (("Workshop", "12/09/2026 2:00 pm"), ("Demo day", "12/13/2026"))]
    parsed = parse_jsonld(page({"@context": "https://schema.org", "@graph": events}), URL)
    assert [e.start for e in parsed.events] == [datetime(2026, 12, 9, 14, tzinfo=PARIS),
                                                date(2026, 12, 13)]


def test_broken_blocks_and_nameless_events_are_warnings_not_failures() -> None:
    good = {"@type": "Event", "name": "Afterwork", "startDate": "2026-12-10T19:00:00Z"}
    nameless = {"@type": "Event", "startDate": "2026-12-10T19:00:00Z"}
    parsed = parse_jsonld(page(good, nameless, raw='<script type="application/ld+json">{oops'
                                                   '</script>'), URL)
    assert [e.title for e in parsed.events] == ["Afterwork"]
    assert len(parsed.warnings) == 2
    assert any("not valid JSON" in w for w in parsed.warnings)


@pytest.mark.parametrize("body, reason", [
    (b"<html><head><title>Accueil</title></head><body>Bienvenue</body></html>", "no schema.org JSON-LD"),
    (page({"@type": "Organization", "name": "L'Asso"}), "holds no schema.org Event"),
])
def test_pages_without_events_say_why(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_jsonld(body, URL)


def test_parse_body_reads_events_pages_declared_or_sniffed() -> None:
    assert parse_body(page(WORDPRESS), "jsonld", URL).format == "jsonld"
    assert parse_body(page(WORDPRESS), "auto", URL).events[0].title.startswith("Meetup Python")
    with pytest.raises(ParseError, match="HTML page"):
        parse_body(b"<html><head><title>Blog</title></head><body></body></html>", "auto", URL)


def test_our_own_agenda_page_is_readable_by_the_same_parser() -> None:
    """What we publish for search engines is what we read from others: a round trip."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    merged = MergedEvent(uid="u1@agg", title="Rencontre IA", start=start,
                         end=start + timedelta(hours=2), all_day=False, timezone="Europe/Paris",
                         location="TCRM-Blida, Metz", city="Metz",
                         url="https://lab.example.org/talk", description="", status="CONFIRMED",
                         categories=(), rrule=None, rdates=(), exdates=(), sequence=0,
                         last_modified=None, members=())
    sources = {"lab": Source(id="lab", name="Le Lab", kind="lab", city="Nancy", country="FR")}
    html = render_index([merged], [], sources, now=start - timedelta(days=1),
                        base_url="https://agenda.example.org", timezone="Europe/Paris")
    [event] = parse_jsonld(html, "https://agenda.example.org/").events
    assert event.title == "Rencontre IA" and event.start == start
    assert event.url == "https://lab.example.org/talk"
    assert "TCRM-Blida" in event.location


def test_a_page_without_an_html_root_is_read_whole_when_declared_jsonld() -> None:
    """Its JSON-LD opens a line with "{": the skipping of a PHP notice before a JSON Feed
    must not cut the page there (it did, and the page's events were lost)."""
    page = (b'<head><meta charset="utf-8"><title>Agenda</title>\n<script type="application/ld+json">'
            b'\n{"@context": "https://schema.org", "@type": "Event", "name": "Atelier IA",'
            b' "startDate": "2026-12-10T18:00:00+01:00",'
            b' "location": {"@type": "Place", "name": "TCRM-Blida"}}\n</script></head><body></body>')
    feed = parse_body(page, "jsonld", "https://tcrm-blida.example/agenda")
    assert [event.title for event in feed.events] == ["Atelier IA"]


def test_a_lone_surrogate_in_json_ld_becomes_a_replacement_character() -> None:
    """json.loads keeps "\\ud800" alone; UTF-8 cannot encode it and storing it failed the
    refresh of every feed."""
    event = {"@type": "Event", "name": "Caf\ud800 philo", "startDate": "2026-12-10T19:00:00Z",
             "location": {"@type": "Place", "name": "Salle \udc00"}, "url": "/e/\ud800"}
    [parsed] = parse_jsonld(page(event), URL).events
    assert parsed.title == "Caf\ufffd philo" and parsed.location == "Salle \ufffd"
    for text in (parsed.title, parsed.location, parsed.url, parsed.uid, parsed.description):
        text.encode("utf-8")


def test_control_characters_leave_uids_and_links() -> None:
    """A NUL kept in an event's UID or link made PostgreSQL refuse the whole batch of feeds."""
    event = {"@type": "Event", "@id": "https://asso.example.org/e\x00\x01#event", "name": "Talk",
             "url": "/e/\x00x\x1f", "startDate": "2026-12-10T19:00:00Z"}
    [parsed] = parse_jsonld(page(event), URL).events
    assert parsed.uid == "https://asso.example.org/e#event"
    assert parsed.url == "https://asso.example.org/e/x"
