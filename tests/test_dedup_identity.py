"""Exact-identity deduplication: shared UIDs, canonical links, overrides, stable UIDs.

Plain records in, merged records out; each test is one situation a subscriber would notice.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

from aggregator.dedup import Overrides, merge_events, merge_news, record_key
from aggregator.dedup.keys import clean_url, url_key
from aggregator.models import Event, NewsItem, Source

SOURCES = {
    "rmll": Source(id="rmll", name="Lor'N'Tech", kind="association", city="Nancy", country="FR"),
    "loria": Source(id="loria", name="LORIA", kind="lab", city="Nancy", country="FR"),
    "totem": Source(id="totem", name="Totem", kind="venue", city="Metz", country="FR"),
    "grandest": Source(id="grandest", name="Grand Est Num", kind="institution", city="Metz",
                       country="FR"),
}
START = datetime(2025, 3, 12, 18, 30, tzinfo=UTC)


def event(source: str, uid: str, title: str = "Meetup Python", **fields: object) -> Event:
    values: dict[str, object] = {"start": START, "source_id": source, "uid": uid, "title": title}
    values.update(fields)
    return Event(**values)  # type: ignore[arg-type]


def test_url_key_folds_tracking_scheme_www_slash_fragment_and_case() -> None:
    a = url_key("http://www.Example.org/agenda/meetup/?utm_source=x&fbclid=1#top")
    b = url_key("https://example.org/agenda/meetup?mc_cid=9&gclid=2")
    c = url_key("https://example.org/agenda/meetup?xtor=RSS-1")  # AT Internet's, French feeds
    assert a == b == c == "example.org/agenda/meetup"
    # a page's AMP and mobile copies, which relays link to as often as to the page
    assert {url_key("https://m.example.org/agenda/meetup"),
            url_key("https://example.org/amp/agenda/meetup"),
            url_key("https://example.org/agenda/meetup/amp/"),
            url_key("https://example.org/agenda/meetup?amp=1"),
            url_key("https://www.example.org/agenda/meetup?output=amp"),
            url_key("https://example.org/AMP/agenda/meetup")} == {a}
    assert url_key("https://example.org/amplify/meetup") != url_key("https://example.org/meetup")


def test_url_key_reduces_meetup_event_pages_to_their_id() -> None:
    a = url_key("https://www.meetup.com/fr-FR/Python-Nancy/events/301234567/?eventOrigin=home")
    b = url_key("http://meetup.com/python-nancy/events/301234567")
    assert a == b


def test_clean_url_keeps_a_working_link() -> None:
    assert clean_url("https://www.example.org/a/?utm_medium=rss&id=3#x") == \
        "https://www.example.org/a/?id=3"


def test_same_uid_in_two_feeds_is_one_event() -> None:
    result = merge_events([event("rmll", "abc-123@lorntech.fr"),
                           event("totem", "abc-123@lorntech.fr")], SOURCES)
    assert len(result.events) == 1
    assert result.events[0].source_ids == ("rmll", "totem")


def test_same_canonical_link_same_day_is_one_event() -> None:
    result = merge_events([
        event("rmll", "a@x", url="https://lorntech.fr/evenements/python-42/"),
        event("totem", "b@y", url="http://www.lorntech.fr/evenements/python-42?utm_source=totem"),
    ], SOURCES)
    assert len(result.events) == 1


def test_site_root_link_never_merges() -> None:
    result = merge_events([event("rmll", "a@x", url="https://lorntech.fr/"),
                           event("rmll", "b@x", title="Autre", url="https://lorntech.fr")],
                          SOURCES)
    assert len(result.events) == 2


def test_organiser_wins_over_venue_and_categories_unite() -> None:
    result = merge_events([
        event("totem", "u@shared", title="MEETUP PYTHON @ TOTEM", location="Totem, 1 rue X, Metz",
              categories=("Tech", "python")),
        event("rmll", "u@shared", title="Meetup Python", location="Totem", categories=("Python",)),
    ], SOURCES)
    merged = result.events[0]
    assert merged.title == "Meetup Python"
    assert merged.city == "Metz"  # where it happens, not the Nancy organiser's home town
    assert merged.location == "Totem, 1 rue X, Metz"
    assert merged.categories == ("Python", "Tech")
    assert merged.members[0].source_id == "rmll"


def test_the_place_shown_is_the_organisers_completed_never_replaced() -> None:
    """The most complete location won whatever it said: an umbrella's stale street address
    replaced the organiser's "En ligne (Zoom)", and another venue's its new venue. A longer
    spelling of the organiser's place still completes it (above)."""
    def place(organiser_says: str, umbrella_says: str) -> str:
        return merge_events([
            event("rmll", "u@shared", location=organiser_says),
            event("totem", "u@shared", location=umbrella_says),
        ], SOURCES).events[0].location

    assert place("En ligne (Zoom)", "Salle 2, Le Hublot, 4 rue des Jardins, 57000 Metz") == (
        "En ligne (Zoom)")
    assert place("Le Hublot, Metz", "La Fabrique, 4 rue des Jardins, 57000 Metz") == (
        "Le Hublot, Metz")
    assert place("Totem", "TCRM-Blida, 7 avenue de Blida, 57000 Metz") == (
        "TCRM-Blida, 7 avenue de Blida, 57000 Metz")  # the same place, written in full
    assert place("", "Le Hublot, Metz") == "Le Hublot, Metz"


WITH_SITES = {**SOURCES,
              "loria": dataclasses.replace(SOURCES["loria"], website="https://www.loria.example/"),
              "rmll": dataclasses.replace(SOURCES["rmll"], website="lorntech.example"),
              "datalyse": Source(id="datalyse", name="Datalyse", kind="startup", city="Metz",
                                 country="FR", website="https://datalyse.example")}


def test_the_source_whose_page_the_reposts_link_to_speaks_for_the_event() -> None:
    """Among sources of one rank by kind, the latest LAST-MODIFIED won, and a record without
    one (Outlook's) always lost: a start-up's repost, half an hour late, gave the lab's day
    its time, title and link, and the lab was only "also posted by"."""
    nine = datetime(2027, 1, 6, 8, 0, tzinfo=UTC)
    lab = event("loria", "ia-sante@shared", title="Journée IA & Santé", start=nine)
    repost = event("datalyse", "ia-sante@shared", title="Journée IA et santé (LORIA)",
                   start=nine.replace(minute=30), last_modified=datetime(2026, 12, 1, tzinfo=UTC))
    relay = event("rmll", "ia-sante@shared", title="Journée IA & Santé – Nancy", start=nine,
                  url="https://loria.example/fr/ia-sante/?utm_source=lorntech&lang=fr#programme")
    [merged] = merge_events([repost, relay, lab], WITH_SITES).events
    assert [m.source_id for m in merged.members] == ["loria", "datalyse", "rmll"]
    assert (merged.title, merged.start) == ("Journée IA & Santé", nine)
    # the link as a reader follows it: the campaign tag gone, the rest as written
    assert merged.url == "https://loria.example/fr/ia-sante/?lang=fr#programme"
    # with no link to tell, kind and then LAST-MODIFIED decide as before
    [unlinked] = merge_events([repost, dataclasses.replace(relay, url=""), lab],
                              WITH_SITES).events
    assert unlinked.members[0].source_id == "datalyse"


def test_a_venue_linking_to_its_own_agenda_does_not_speak_for_the_organisers_event() -> None:
    """Every source links to its own pages: the venue's copy, linking to its agenda, outranked
    the organiser's Google export (no link), and its "MEETUP PYTHON @ TOTEM" at the doors'
    18:00 was the title and time in every calendar (a review's finding)."""
    sites = {**WITH_SITES, "totem": dataclasses.replace(SOURCES["totem"],
                                                        website="https://totem.example")}
    organiser = event("rmll", "org@google.com", "Meetup Python : les décorateurs",
                      location="Totem")
    venue = event("totem", "v-42", "MEETUP PYTHON @ TOTEM", location="TCRM-Blida, Metz",
                  start=START.replace(hour=18, minute=0),
                  url="https://totem.example/agenda/meetup-python")
    [merged] = merge_events([organiser, venue], sites).events
    assert [m.source_id for m in merged.members] == ["rmll", "totem"]
    assert (merged.title, merged.start) == ("Meetup Python : les décorateurs", START)


def test_an_article_speaks_with_the_source_it_links_to() -> None:
    """A start-up's relay, earlier by an hour, gave the article its title and grouped it
    under the start-up in the digest, though it links to the association's own page."""
    published = datetime(2025, 3, 1, 9, tzinfo=UTC)
    items = [
        NewsItem(guid="https://datalyse.example/?p=4", title="Bilan 2024 de Lor'N'Tech",
                 source_id="datalyse", link="https://lorntech.example/bilan-2024/",
                 published=published),
        NewsItem(guid="https://lorntech.example/?p=12", title="Bilan 2024", source_id="rmll",
                 link="https://www.lorntech.example/bilan-2024/?utm_source=rss",
                 published=published.replace(hour=10)),
    ]
    [merged] = merge_news(items, WITH_SITES).items
    assert merged.members[0].source_id == "rmll" and merged.title == "Bilan 2024"
    assert merged.published == published  # the earliest date still


def test_cancelled_only_when_the_organiser_cancelled() -> None:
    venue_cancel = merge_events([event("rmll", "u@s"), event("totem", "u@s", status="CANCELLED")],
                                SOURCES)
    organiser_cancel = merge_events([event("rmll", "u@s", status="CANCELLED"),
                                     event("totem", "u@s")], SOURCES)
    assert venue_cancel.events[0].status == "CONFIRMED"
    assert organiser_cancel.events[0].status == "CANCELLED"


def test_recurrence_overrides_attach_to_their_master() -> None:
    master = event("rmll", "series@x", rrule="FREQ=WEEKLY;BYDAY=WE")
    moved = event("rmll", "series@x", recurrence_id=START, start=START.replace(hour=19))
    result = merge_events([master, moved], SOURCES)
    assert len(result.events) == 1
    (override,) = result.events[0].overrides
    assert override.uid == result.events[0].uid


def test_uid_survives_a_source_joining_and_leaving() -> None:
    first = merge_events([event("rmll", "u@s")], SOURCES)
    uid = first.events[0].uid
    joined = merge_events([event("rmll", "u@s"), event("totem", "u@s")], SOURCES,
                          previous=first.assignment)
    assert joined.events[0].uid == uid
    left = merge_events([event("totem", "u@s")], SOURCES, previous=joined.assignment)
    assert left.events[0].uid == uid


def test_operator_merge_and_split_are_respected() -> None:
    records = [event("rmll", "a@x"), event("totem", "b@y", title="Soirée")]
    merged = merge_events(records, SOURCES,
                          overrides=Overrides(merges=(("rmll:a@x", "totem:b@y"),)))
    assert len(merged.events) == 1
    shared = [event("rmll", "u@s"), event("totem", "u@s")]
    split = merge_events(shared, SOURCES, overrides=Overrides(splits=("totem:u@s",)))
    assert len(split.events) == 2


def test_hidden_records_are_left_out_with_their_series_exceptions() -> None:
    """An event the operator hid is as if no feed carried it; a cross-post of it by another
    organisation that was not hidden stays."""
    master = event("rmll", "series@x", rrule="FREQ=WEEKLY;BYDAY=WE")
    moved = event("rmll", "series@x", recurrence_id=START, start=START.replace(hour=19))
    other = event("totem", "soiree@y", title="Soirée jeux", start=START.replace(day=13))
    kept = merge_events([master, moved, other], SOURCES,
                        overrides=Overrides(hidden=frozenset({"rmll:series@x"})))
    assert [(e.title, e.overrides) for e in kept.events] == [("Soirée jeux", ())]
    assert set(kept.assignment) == {"totem:soiree@y"}


def test_output_is_deterministic_whatever_the_input_order() -> None:
    records = [event("rmll", "u@s"), event("totem", "u@s"),
               event("loria", "z@l", start=datetime(2025, 3, 13, tzinfo=UTC)),
               event("grandest", "d@g", title="Forum", start=date(2025, 3, 12), all_day=True)]
    a = merge_events(records, SOURCES)
    b = merge_events(list(reversed(records)), SOURCES)
    assert a == b
    assert [record_key(m.members[0]) for m in a.events] == \
        ["grandest:d@g", "rmll:u@s", "loria:z@l"]


def test_news_relayed_with_tracking_link_is_one_item() -> None:
    published = datetime(2025, 3, 1, 9, tzinfo=UTC)
    items = [
        NewsItem(guid="https://lorntech.fr/?p=12", title="Bilan 2024", source_id="rmll",
                 link="https://lorntech.fr/bilan-2024/", published=published),
        NewsItem(guid="tag:grandest,2025:881", title="[Relais] Bilan 2024", source_id="grandest",
                 link="http://www.lorntech.fr/bilan-2024?utm_source=rss",
                 published=published.replace(hour=10)),
    ]
    result = merge_news(items, SOURCES)
    assert len(result.items) == 1
    assert result.items[0].title == "Bilan 2024"
    assert result.items[0].published == published


def test_event_city_is_the_place_named_else_the_organisers_city() -> None:
    from aggregator.dedup.policy import event_city

    assert event_city(["TCRM-Blida, 7 avenue de Blida, 57000 Metz"], [None], "Nancy") == "Metz"
    assert event_city(["Le Puzzle"], [None], "Metz") == "Thionville"
    assert event_city(["Diedenhofen, Stadthalle"], [None], "Thionville") == "Thionville"
    assert event_city(["Online"], [None], "Nancy") == "Nancy"
    assert event_city([""], [None], "Épinal") == "Épinal"
    # an address naming two cities is ambiguous: the organiser's city stands
    assert event_city(["Metz", "Nancy"], [None, None], "Épinal") == "Épinal"


def test_profiles_of_events_in_the_same_city_share_one_set_of_cities() -> None:
    """40,000 profiles hold one set per distinct set of cities, not one each (memory, issue 8)."""
    from zoneinfo import ZoneInfo

    from aggregator.dedup.keys import profile_events
    from aggregator.dedup.places import PlaceNormaliser
    from aggregator.dedup.text import TitleNormaliser

    records = [event("loria", f"talk-{n}", title=f"Talk {n}", location="TCRM-Blida, Metz")
               for n in range(3)]
    first, *others = profile_events(records, SOURCES, ZoneInfo("Europe/Paris"),
                                    TitleNormaliser(), PlaceNormaliser())
    assert first.cities == {"metz"}
    assert all(other.cities is first.cities for other in others)


def test_merged_events_share_one_status_object() -> None:
    """Status as the feeds spell it ("confirmed"), read back upper-cased: one string object
    for the 40,000 events a build keeps, not one each (memory of a build, issue 8)."""
    result = merge_events([event("rmll", "a@x", status="confirmed"),
                           event("loria", "b@y", title="Séminaire", status="Confirmed")], SOURCES)
    first, second = result.events
    assert first.status == "CONFIRMED" and first.status is second.status


def test_a_rebuild_reads_each_stored_uid_as_the_merged_events_own_string(
        tmp_path: Path) -> None:
    """A daemon's rebuild loads the stored assignment (a record key and a merged UID for each
    of 120,000 records at N = 3,000) and holds it through the merge, its peak: each UID read
    from the database is the merged event's own string, not a copy of it (issue 8)."""
    from aggregator.store import open_store

    store = open_store(f"sqlite:///{tmp_path}/uids.db")
    records = [event("rmll", "abc-123@lorntech.fr"), event("loria", f"talk-{len(SOURCES)}",
                                                           title="Séminaire Rust")]
    first = merge_events(records, SOURCES)
    store.save_assignment("event", first.assignment)
    previous = store.load_assignment("event")
    again = merge_events(records, SOURCES, previous=previous)
    assert [e.uid for e in again.events] == [e.uid for e in first.events]
    for merged in again.events:
        [member] = merged.members
        assert previous[record_key(member)] is merged.uid
    stored_key = next(k for k in previous if k.startswith("rmll:"))
    assert stored_key is next(k for k in again.assignment if k.startswith("rmll:"))
    store.close()
