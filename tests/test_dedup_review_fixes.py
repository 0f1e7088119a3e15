"""Where the review's false merges were fixed, the real copies still merge.

Each fix of tests/test_review_dedup.py keeps two real-world events apart; these tests hold
the other side: the cross-posts a subscriber expects as one event stay one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aggregator.dedup import merge_events
from aggregator.dedup.keys import _groups, url_key
from aggregator.dedup.places import PlaceNormaliser, cities_differ, place_agreement
from aggregator.dedup.policy import event_city
from aggregator.models import Event, Source

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 3, 12, 18, 30, tzinfo=PARIS)
SOURCES = {
    "pymetz": Source(id="pymetz", name="Python Metz", kind="association", city="Metz",
                     country="FR"),
    "pynancy": Source(id="pynancy", name="Python Nancy", kind="association", city="Nancy",
                      country="FR"),
    "totem": Source(id="totem", name="Totem", kind="venue", city="Metz", country="FR"),
    "grandest": Source(id="grandest", name="Grand Est Numérique", kind="institution",
                       city="Metz", country="FR"),
    "loria": Source(id="loria", name="LORIA", kind="lab", city="Nancy", country="FR"),
}


def event(source: str, uid: str, title: str, **fields: object) -> Event:
    values: dict[str, object] = {"uid": uid, "title": title, "start": START,
                                 "timezone": "Europe/Paris", "source_id": source}
    values.update(fields)
    return Event(**values)  # type: ignore[arg-type]


def count(*events: Event) -> int:
    return len(merge_events(list(events), SOURCES).events)


# --- places that differ (unlisted venues, Luxembourg's cities) -----------------------------


def test_a_name_and_a_street_address_of_one_unlisted_place_still_merge() -> None:
    """One place written as its name by one poster and as its address by the other cannot
    be compared: "unknown", not "differ" (bench recall of the address-only family)."""
    places = PlaceNormaliser()
    name, address = places("Le Cercle, Nancy"), places("12 rue des Jardiniers, 54000 Nancy")
    assert place_agreement(name, address) == "unknown"
    assert count(event("pynancy", "c-1@python-nancy.fr", "Atelier Rust", location="Le Cercle, Nancy"),
                 event("loria", "l-1@loria.fr", "Atelier Rust",
                       location="12 rue des Jardiniers, 54000 Nancy")) == 1


def test_two_names_of_unlisted_places_differ() -> None:
    places = PlaceNormaliser()
    assert place_agreement(places("Médiathèque Jean-Macé, Metz"),
                           places("Médiathèque du Pontiffroy, Metz")) == "differ"


def test_kirchberg_is_luxembourg_city_and_luxembourg_alone_meets_both() -> None:
    places = PlaceNormaliser()
    kirchberg, belval = places("Luxembourg-Kirchberg").cities, places("Belval").cities
    plain = places("Luxembourg").cities
    assert cities_differ(kirchberg, belval)
    assert not cities_differ(plain, belval) and not cities_differ(plain, kirchberg)
    assert event_city(["12 rue Alphonse Weicker, Luxembourg-Kirchberg"], [], "Metz") == \
        "Luxembourg"


# --- organisers' cities ----------------------------------------------------------------------


def test_a_nancy_association_posting_its_metz_talk_without_a_place_merges_with_the_venue() -> None:
    """An organisation's city is weak evidence: no place at all says nothing against the
    venue's copy, which names Metz."""
    assert count(event("pynancy", "talk@python-nancy.fr", "Meetup Python"),
                 event("totem", "v-7", "Meetup Python", location="TCRM-Blida")) == 1


def test_a_nancy_association_whose_place_says_metz_merges_with_a_metz_association() -> None:
    assert count(event("pynancy", "talk@python-nancy.fr", "Meetup Python",
                       location="TCRM-Blida, Metz"),
                 event("pymetz", "talk@python-metz.fr", "Meetup Python")) == 1


def test_an_umbrellas_copy_without_a_city_does_not_fuse_two_cities_meetups() -> None:
    """Clustering asks what a pair asks (cluster.Traits): the umbrella's copy is like both,
    but it joins one of them only."""
    records = [event("pymetz", "py-metz@python-metz.fr", "Meetup Python"),
               event("grandest", "g-1", "Meetup Python"),
               event("pynancy", "py-nancy@python-nancy.fr", "Meetup Python")]
    assert count(*records) == 2
    assert count(*reversed(records)) == 2


# --- shared links ----------------------------------------------------------------------------


def test_an_events_link_keeps_its_fragment_a_news_link_does_not() -> None:
    assert url_key("https://fest.fr/programme#docker", fragment=True) == "fest.fr/programme#docker"
    assert url_key("https://fest.fr/programme/#docker") == "fest.fr/programme"


def test_a_renamed_cross_post_on_the_organisers_page_still_merges() -> None:
    link = "https://fest.fr/programme/atelier-docker"
    assert count(event("loria", "d@loria.fr", "Atelier Docker", location="Totem", url=link),
                 event("totem", "v-3", "Soirée conteneurs", location="Totem", url=link)) == 1


# --- groups ----------------------------------------------------------------------------------


def test_a_title_that_says_a_in_french_names_no_group() -> None:
    """"à" folds to "a": "Session à Metz" is no group A; "groupe A –" and "(groupe B)" are."""
    assert _groups("Session à Metz") == frozenset()
    assert _groups("Équipe à distance") == frozenset()
    assert _groups("Groupe A – débutants") == {"a"}
    assert _groups("Formation (groupe B)") == {"b"}


def test_the_same_group_posted_twice_is_one_event() -> None:
    assert count(event("pymetz", "fa@python-metz.fr", "Formation Python – groupe A",
                       location="Totem"),
                 event("totem", "v-a", "Formation Python (groupe A)", location="Totem")) == 1


# --- cluster span and order ------------------------------------------------------------------


def test_two_sessions_an_hour_apart_never_fuse_through_a_copy_between_them() -> None:
    records = [event("pymetz", "s18@python-metz.fr", "Atelier tablette", location="Totem",
                     start=START - timedelta(minutes=30)),
               event("grandest", "g-30", "Atelier tablette", location="Totem"),
               event("totem", "v-19", "Atelier tablette", location="Totem",
                     start=START + timedelta(minutes=30))]
    assert count(*records) == 2
