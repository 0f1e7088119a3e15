"""Each duplicate family of issue 3 is merged, and each look-alike is kept apart.

One test per family: the organiser's record and one cross-post written the way that family
writes it. What a subscriber sees is the number of events in calendar.ics.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aggregator.dedup import explain, merge_events
from aggregator.models import Event, Source

SOURCES = {
    "lorntech": Source(id="lorntech", name="Lor'N'Tech", kind="association", city="Nancy",
                       country="FR"),
    "totem": Source(id="totem", name="Totem", kind="venue", city="Metz", country="FR"),
    "grandest": Source(id="grandest", name="Grand Est Numérique", kind="institution",
                       city="Metz", country="FR"),
    "puzzle": Source(id="puzzle", name="Puzzle", kind="venue", city="Thionville", country="FR"),
}
PARIS = ZoneInfo("Europe/Paris")
START = datetime(2025, 3, 12, 18, 30, tzinfo=PARIS)


def organiser(**fields: object) -> Event:
    values: dict[str, object] = {
        "uid": "a1b2c3@google.com", "title": "Meetup Python #12 : les décorateurs",
        "start": START, "timezone": "Europe/Paris", "location": "Totem, Metz",
        "url": "https://lorntech.fr/evenements/meetup-python-12/", "source_id": "lorntech"}
    values.update(fields)
    return Event(**values)  # type: ignore[arg-type]


def cross_post(**fields: object) -> Event:
    values: dict[str, object] = {
        "uid": "9876-totem", "title": "Meetup Python #12 : les décorateurs", "start": START,
        "timezone": "Europe/Paris", "location": "Totem", "source_id": "totem"}
    values.update(fields)
    return Event(**values)  # type: ignore[arg-type]


def count(*events: Event) -> int:
    return len(merge_events(list(events), SOURCES).events)


DUPLICATES: dict[str, dict[str, object]] = {
    "case": {"title": "MEETUP PYTHON #12 : LES DÉCORATEURS"},
    "accents": {"title": "Meetup Python #12 : les decorateurs"},
    "emoji": {"title": "🐍 Meetup Python #12 : les décorateurs 🚀"},
    "city prefix": {"title": "[Metz] Meetup Python #12 : les décorateurs"},
    "city suffix": {"title": "Meetup Python #12 : les décorateurs – Metz"},
    "brand suffix": {"title": "Meetup Python #12 : les décorateurs | Lor'N'Tech"},
    "free": {"title": "Meetup Python #12 : les décorateurs (gratuit)"},
    "word order": {"title": "Python Meetup #12 - les décorateurs"},
    "n°": {"title": "Meetup Python n°12 : les décorateurs"},
    "édition": {"title": "12e édition du Meetup Python : les décorateurs"},
    # numbers that are a date, a room or a count, not another edition
    "date in title": {"title": "Meetup Python (12/03) : les décorateurs"},
    "day and month": {"title": "Meetup Python – mercredi 12 mars : les décorateurs"},
    "room": {"title": "Meetup Python : les décorateurs – salle 2"},
    "count of talks": {"title": "Meetup Python : 3 talks sur les décorateurs"},
    "german": {"title": "Python-Treffen #12 : les décorateurs"},
    "french": {"title": "Rencontre Python #12 : les décorateurs"},
    "subtitle dropped": {"title": "Meetup Python #12"},
    "utc": {"start": START.astimezone(UTC), "timezone": "UTC"},
    "luxembourg zone": {"start": START.astimezone(ZoneInfo("Europe/Luxembourg"))},
    "windows zone resolved": {"start": START.astimezone(ZoneInfo("Europe/Berlin")),
                              "timezone": "Europe/Berlin"},
    "floating": {"start": START.replace(tzinfo=None)},
    "doors 15 min": {"start": START - timedelta(minutes=15)},
    "doors 30 min": {"start": START - timedelta(minutes=30)},
    "end missing": {"end": None},
    "address": {"location": "TOTEM, 12 RUE SERPENOISE, 57000 METZ"},
    "location missing": {"location": ""},
    "same uid": {"uid": "a1b2c3@google.com"},
    "tracking link": {"title": "Soirée au Totem",
                      "url": "http://www.lorntech.fr/evenements/meetup-python-12?utm_source=x"},
}


@pytest.mark.parametrize("family", sorted(DUPLICATES))
def test_duplicate_family_is_one_event(family: str) -> None:
    assert count(organiser(), cross_post(**DUPLICATES[family])) == 1


def test_ampersand_and_et_are_one_event() -> None:
    assert count(organiser(title="Atelier Data & IA"),
                 cross_post(title="Atelier Data et intelligence artificielle")) == 1


def test_bilingual_city_names_are_one_event() -> None:
    assert count(organiser(title="Startup Weekend Thionville", location="Puzzle, Thionville"),
                 cross_post(title="Startup Weekend Diedenhofen", location="Diedenhofen",
                            source_id="puzzle")) == 1


def test_all_day_records_of_one_day_are_one_event() -> None:
    day = date(2025, 3, 12)
    assert count(organiser(start=day, all_day=True, timezone=None),
                 cross_post(start=day, all_day=True, timezone=None)) == 1


def test_meetup_page_links_are_one_event() -> None:
    page = "https://www.meetup.com/fr-FR/Python-Nancy/events/301234567/?eventOrigin=group"
    assert count(organiser(title="Python", url="https://meetup.com/python-nancy/events/301234567"),
                 cross_post(title="Soirée développeurs", url=page)) == 1


TRANSLATED = [("Cybersecurity workshop", "Atelier cybersécurité"),
              ("Open Data Day 2026", "Journée Open Data 2026"),
              ("Machine learning meetup", "Rencontre apprentissage automatique"),
              ("Tag der offenen Tür", "Journée portes ouvertes"),
              ("Python training", "Formation Python")]


@pytest.mark.parametrize(("english", "french"), TRANSLATED)
def test_a_title_in_another_language_of_the_region_is_one_event(english: str, french: str
                                                                 ) -> None:
    """A Luxembourg venue posts in English or German what the association posts in French:
    at one place and time, the subject words are one event's in three languages."""
    assert count(organiser(title=french), cross_post(title=english)) == 1


LOOK_ALIKES: dict[str, tuple[dict[str, object], dict[str, object]]] = {
    "parallel session": ({"title": "Atelier Docker", "location": "Totem"},
                         {"title": "Atelier Kubernetes", "location": "Totem"}),
    "two cities": ({"title": "Startup Weekend Metz", "location": ""},
                   {"title": "Startup Weekend Nancy", "location": ""}),
    "next week": ({"title": "Meetup Python"},
                  {"title": "Meetup Python", "start": START + timedelta(days=7)}),
    "next number": ({"title": "Meetup Python #12"}, {"title": "Meetup Python #13"}),
    "afternoon session": ({"title": "Atelier Git"},
                          {"title": "Atelier Git", "start": START + timedelta(hours=3)}),
    "unrelated same hour": ({"title": "Apéro RGPD : mythes et réalités"},
                            {"title": "Atelier Symfony : mythes et réalités"}),
    "other venue": ({"title": "Afterwork Data", "location": "Arsenal, Metz"},
                    {"title": "Afterwork Data", "location": "TCRM-Blida, Metz"}),
    "other subject, other language": ({"title": "Atelier cybersécurité"},
                                      {"title": "Data workshop"}),
    "open day, open data day": ({"title": "Journée portes ouvertes"},
                                {"title": "Open Data Day"}),
    "other training": ({"title": "Formation Python"}, {"title": "Java training"}),
}


@pytest.mark.parametrize("case", sorted(LOOK_ALIKES))
def test_look_alikes_stay_apart(case: str) -> None:
    first, second = LOOK_ALIKES[case]
    assert count(organiser(**first), cross_post(**second)) == 2


def test_a_city_less_relay_never_chains_two_cities() -> None:
    metz = organiser(title="Startup Weekend Metz", location="")
    nancy = cross_post(title="Startup Weekend Nancy", location="", source_id="lorntech",
                       uid="sw-nancy@x")
    umbrella = cross_post(title="Startup Weekend", location="", source_id="grandest",
                          uid="sw@grandest")
    assert count(metz, nancy, umbrella) == 2


def test_meetups_named_for_their_organisers_are_told_apart_by_those_names() -> None:
    """Source names are dropped from titles ("LORIA – Séminaire X" is "Séminaire X"), which
    left "Meetup Python Nancy" and "Meetup Nancy JS", two meetups of one evening at one
    place, both "meetup": one was merged into the other and vanished from the calendar."""
    sources = {**SOURCES,
               "pynancy": Source(id="pynancy", name="Python Nancy", kind="association",
                                 city="Nancy", country="FR"),
               "nancyjs": Source(id="nancyjs", name="Nancy JS", kind="association",
                                 city="Nancy", country="FR")}
    python = organiser(uid="py42@python-nancy.fr", title="Meetup Python Nancy",
                       location="L'Octroi, Nancy", source_id="pynancy")
    javascript = cross_post(uid="js17@nancyjs.org", title="Meetup Nancy JS",
                            location="L'Octroi, Nancy", source_id="nancyjs")
    assert len(merge_events([python, javascript], sources).events) == 2
    numbered = organiser(uid="py42@python-nancy.fr", title="Meetup Python Nancy #42",
                         location="L'Octroi, Nancy", source_id="pynancy")
    at_the_venue = cross_post(title="Python Nancy #42", location="L'Octroi, Nancy")
    assert len(merge_events([numbered, at_the_venue], sources).events) == 1


def test_an_agendas_all_day_copy_takes_the_time_the_others_give() -> None:
    """The organiser (ranked first by kind) lists its seminar for the day; the venue says
    14:00: the merged event was all-day, its time lost to every subscriber."""
    day = organiser(title="Séminaire : IA frugale", start=START.date(), all_day=True,
                    timezone=None)
    timed = cross_post(title="Séminaire : IA frugale", start=START.replace(hour=14))
    [merged] = merge_events([day, timed], SOURCES).events
    assert merged.start == START.replace(hour=14) and not merged.all_day
    conference = organiser(title="DevFest Metz", start=START.date(), all_day=True,
                           timezone=None, end=START.date() + timedelta(days=2))
    keynote = cross_post(title="DevFest Metz", start=START.replace(hour=9))
    [kept] = merge_events([conference, keynote], SOURCES).events
    assert kept.all_day and kept.end == START.date() + timedelta(days=2)  # its three days


@pytest.mark.parametrize("part", ["Afterwork du DevFest", "DevFest Metz : remise des prix",
                                  "DevFest Metz : keynote d'ouverture"])
def test_a_part_of_an_all_day_event_is_not_merged_into_it(part: str) -> None:
    """The conference (all day) and its afterwork (18:30) at one venue were one event: the
    afterwork's time won and the conference left the calendar."""
    conference = organiser(title="DevFest Metz 2026", start=START.date(), all_day=True,
                           timezone=None)
    assert count(conference, cross_post(title=part, start=START)) == 2


@pytest.mark.parametrize(("first", "second"), [("Blida", "TCRM-Blida, Metz"),
                                                ("Totem", "Totem Metz"), ("Totem", "Blida")])
def test_an_operators_venue_takes_the_built_in_venue_it_names(first: str, second: str) -> None:
    """sources.yaml's venue of the operator named "TCRM Blida" and "Totem Metz", two aliases
    of two built-in venues: those aliases alone moved to it, "Blida" and "Totem" stayed, and
    one meetup posted at "Blida" and at "TCRM-Blida, Metz" was two events (venues differ).
    Metz's Totem is at TCRM-Blida: one venue."""
    venues = {"metz-blida": ("TCRM-Blida", "TCRM Blida", "7 avenue de Blida, 57000 Metz",
                             "Totem Metz")}
    records = [organiser(location=first), cross_post(location=second)]
    assert len(merge_events(records, SOURCES, venues=venues).events) == 1
    assert count(*records) == 1  # and without the operator's table


def test_a_weekly_series_stays_one_event() -> None:
    weekly = "FREQ=WEEKLY;BYDAY=WE"
    assert count(organiser(rrule=weekly), cross_post(rrule=weekly)) == 1


def test_explain_shows_the_scores_and_the_decision() -> None:
    events = [organiser(), cross_post(title="[Metz] Python Meetup #12"),
              cross_post(uid="other", title="Atelier Kubernetes")]
    scores = explain(events, SOURCES, "lorntech:a1b2c3@google.com")
    decisions = {(p.a, p.b): p.decision for p in scores}
    assert decisions[("lorntech:a1b2c3@google.com", "totem:9876-totem")] == "merged"
    assert all("title" in " ".join(p.reasons) or p.reasons for p in scores)


def test_explain_finds_a_cross_post_across_midnight_and_only_the_events_near_the_target() -> None:
    """Explaining one event pairs it with the records of its days and their neighbours only
    (40,000 others cannot share a time bucket with it): a record 20 minutes later, on the
    next day, is still found and scored, merged or kept apart."""
    late = datetime(2026, 3, 13, 23, 50, tzinfo=PARIS)
    events = [organiser(start=late), cross_post(start=late + timedelta(minutes=20)),
              organiser(uid="later@google.com", start=late + timedelta(days=7)),
              cross_post(uid="later-totem", start=late + timedelta(days=7))]
    scores = explain(events, SOURCES, "lorntech:a1b2c3@google.com")
    assert [(p.a, p.b, p.decision) for p in scores] == [
        ("lorntech:a1b2c3@google.com", "totem:9876-totem", "merged")]
    assert [(p.a, p.b) for p in explain(events, SOURCES, "totem:later-totem")] == [
        ("lorntech:later@google.com", "totem:later-totem")]
    # a candidate kept apart (another episode) 20 minutes later, on the next day
    apart = [organiser(start=late), cross_post(title="Meetup Python #13 : les décorateurs",
                                               start=late + timedelta(minutes=20))]
    assert [(p.b, p.decision) for p in explain(apart, SOURCES, "lorntech:a1b2c3@google.com")] == [
        ("totem:9876-totem", "apart")]


def test_the_operators_assignment_is_the_merges_without_merging_each_event() -> None:
    """Merge and split name events by `event_assignment`, which skips building the merged
    events: it must map every record to the UID a build gives it, stable UIDs included."""
    from aggregator.dedup import event_assignment

    events = [organiser()] + [cross_post(**{"uid": f"post-{name}", **fields})
                              for name, fields in DUPLICATES.items()]
    events += [cross_post(uid="other", title="Atelier Kubernetes", source_id="puzzle"),
               organiser(uid="series@google.com", start=START + timedelta(days=1))]
    first = {"lorntech:a1b2c3@google.com": "published-last-week@aggregator"}  # a stable UID
    assignment = event_assignment(events, SOURCES, previous=first)
    assert assignment == merge_events(events, SOURCES, previous=first).assignment
    assert assignment["lorntech:a1b2c3@google.com"] == "published-last-week@aggregator"
    merged = event_assignment(events, SOURCES)
    assert len(set(merged.values())) < len(merged)  # some records were merged
