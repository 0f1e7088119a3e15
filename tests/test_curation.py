"""Deduplication as the operator and subscribers live it, end to end through the CLI:
explain, merge and split overrides that survive rebuilds, cancellations and vanished events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import icalendar

from datetime import timedelta

from sites import SOON, ics, one_calendar, run


def calendar_events(tmp_path: Path) -> dict[str, icalendar.Event]:
    data = (tmp_path / "output" / "calendar.ics").read_bytes()
    return {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def json_events(tmp_path: Path) -> list[dict[str, Any]]:
    return json.loads((tmp_path / "output" / "events.json").read_text())["events"]  # type: ignore[no-any-return]


def refresh_and_build() -> None:
    assert run("refresh").exit_code == 0
    assert run("build").exit_code == 0


def test_explain_shows_why_cross_posts_were_merged(site: Any, tmp_path: Path) -> None:
    refresh_and_build()
    uid = str(calendar_events(tmp_path)["Rencontre IA"]["UID"])
    result = run("events", "explain", uid)
    assert result.exit_code == 0
    assert "lab:talk-1@lab" in result.output and "venue:blida-99@venue" in result.output
    assert "merged" in result.output
    # a typo said "nothing near it" and exited 0, as for a real event compared with none
    typo = run("events", "explain", uid[:-3])
    assert typo.exit_code == 1 and "is no event UID or record key of the last build" in \
        " ".join(typo.stderr.split())
    alone = run("events", "explain", "assoc:meetup-7@assoc")  # real, compared with none
    assert alone.exit_code == 0 and "nothing near it" in alone.output


def test_split_and_merge_overrides_survive_rebuilds(site: Any, tmp_path: Path) -> None:
    refresh_and_build()
    talk = str(calendar_events(tmp_path)["Rencontre IA"]["UID"])
    split = run("events", "split", talk, "venue:blida-99@venue")
    assert split.exit_code == 0, split.output + split.stderr
    refresh_and_build()
    assert sum(e["title"] == "Rencontre IA" for e in json_events(tmp_path)) == 2
    by_title = {e["title"]: e["uid"] for e in json_events(tmp_path)}
    merge = run("events", "merge", by_title["Apéro start-up"], talk)
    assert merge.exit_code == 0, merge.output + merge.stderr
    run("build")
    run("build")
    live = [e["title"] for e in json_events(tmp_path) if e["status"] != "CANCELLED"]
    assert len(live) == 2  # the split record stays apart, the merged pair is one event
    cancelled = [e for e in json_events(tmp_path) if e["status"] == "CANCELLED"]
    assert len(cancelled) == 1  # the absorbed UID is withdrawn from subscribed calendars


def test_a_hidden_event_stays_out_while_its_feeds_post_it_until_the_operator_shows_it_again(
    site: Any, tmp_path: Path
) -> None:
    """An internal meeting or a spam event in a feed that is otherwise fine: the operator
    hides that event, not the feed; it leaves every output, not announced as cancelled (it
    is not, and a spam title would stay on every page until its date)."""
    from aggregator import config
    from aggregator.core import make_aggregator

    refresh_and_build()
    talk = calendar_events(tmp_path)["Rencontre IA"]
    hidden = run("events", "hide", str(talk["UID"]))
    assert hidden.exit_code == 0 and "lab:talk-1@lab" in hidden.output
    assert "venue:blida-99@venue" in hidden.output  # every record of the merged event
    aggregator = make_aggregator(config.load(None))
    assert aggregator.build_needed()  # the daemon builds again though no feed changed
    aggregator.close()
    refresh_and_build()  # the feeds still post it
    refresh_and_build()
    assert "Rencontre IA" not in calendar_events(tmp_path)
    assert "Rencontre IA" not in {e["title"] for e in json_events(tmp_path)}
    assert calendar_events(tmp_path)["Apéro start-up"]["STATUS"] == "CONFIRMED"
    listed = run("events", "hidden").output
    assert listed.startswith("#1  ") and "  Rencontre IA  [lab:talk-1@lab, venue:blida-99@venue]" in listed
    assert run("events", "unhide", "1").exit_code == 0
    assert run("events", "hidden").output == "no hidden event\n"
    refresh_and_build()
    back = calendar_events(tmp_path)["Rencontre IA"]
    assert back["STATUS"] == "CONFIRMED" and back["UID"] == talk["UID"]
    assert run("events", "unhide", "1").exit_code == 1  # already shown
    assert run("events", "hide", "nope@x").exit_code == 1


def test_a_hidden_article_stays_out_of_the_news_until_shown_again(site: Any, tmp_path: Path) -> None:
    def titles() -> dict[str, str]:
        items = json.loads((tmp_path / "output" / "news.json").read_text())["items"]
        return {i["title"]: i["id"] for i in items}

    refresh_and_build()
    ident = titles()["Appel à projets"]
    hidden = run("news", "hide", ident)
    assert hidden.exit_code == 0 and "lab:https://news.example.org/0" in hidden.output
    refresh_and_build()
    assert set(titles()) == {"Nouveau labo"}
    assert "Appel à projets" not in (tmp_path / "output" / "news.atom").read_text()
    assert run("news", "hidden").output.startswith("#1  ")
    assert "  Appel à projets  [lab:https://news.example.org/0]" in run("news", "hidden").output
    assert run("news", "unhide", "1").exit_code == 0
    refresh_and_build()
    assert titles()["Appel à projets"] == ident  # back, under its id
    assert run("news", "hide", "nope").exit_code == 1
    assert run("news", "unhide", "1").exit_code == 1
    assert run("news", "hidden").output == "no hidden article\n"


def test_unknown_names_are_refused_with_a_clear_line(site: Any) -> None:
    refresh_and_build()
    result = run("events", "merge", "nope@x", "neither@y")
    assert result.exit_code == 1 and "is no merged UID or record key" in result.stderr
    result = run("events", "split", "nope@x", "lab:talk-1@lab")
    assert result.exit_code == 1 and "is not a record of" in result.stderr


def test_merged_uid_is_stable_when_a_cross_poster_leaves_and_content_change_raises_sequence(
    site: Any, tmp_path: Path
) -> None:
    refresh_and_build()
    first = calendar_events(tmp_path)["Rencontre IA"]
    site.set("/venue.ics", ics("other@venue", "Portes ouvertes", SOON.replace(hour=9)), "text/calendar")
    refresh_and_build()
    second = calendar_events(tmp_path)["Rencontre IA"]
    assert second["UID"] == first["UID"]
    assert int(second["SEQUENCE"]) > int(first["SEQUENCE"])  # "also posted by" changed
    assert second.decoded("LAST-MODIFIED") >= first.decoded("LAST-MODIFIED")


def test_cancelled_by_the_organiser_is_published_cancelled(site: Any, tmp_path: Path) -> None:
    site.set("/assoc.ics", ics("meetup-7@assoc", "Apéro start-up", SOON, extra="STATUS:CANCELLED"), "text/calendar")
    refresh_and_build()
    # its title says so too: Outlook shows a CANCELLED event as any other
    assert str(calendar_events(tmp_path)["Annulé : Apéro start-up"]["STATUS"]) == "CANCELLED"
    [apero] = [e for e in json_events(tmp_path) if e["title"] == "Apéro start-up"]
    assert apero["status"] == "CANCELLED"
    assert "Annulé" in (tmp_path / "output" / "index.html").read_text()


def test_event_dropped_by_every_feed_is_published_cancelled_not_silently_removed(
    site: Any, tmp_path: Path
) -> None:
    refresh_and_build()
    before = calendar_events(tmp_path)["Apéro start-up"]
    site.set("/assoc.ics", ics("meetup-8@assoc", "Hackathon", SOON), "text/calendar")
    refresh_and_build()
    after = calendar_events(tmp_path)["Annulé : Apéro start-up"]
    assert after["UID"] == before["UID"]
    assert str(after["STATUS"]) == "CANCELLED"
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1


def test_explaining_one_event_reads_only_the_days_around_it_and_says_the_same(
    feed_server: Any, tmp_path: Path, db_url: str
) -> None:
    """The operator's explanation reads and clusters the records starting within three days
    of the event's own, not all of them (2.0 → 0.27 s at N = 1,000 sources): its pairs, scores
    and decisions are those of the explanation over every record, for every event and record
    key, a cross-post and a neighbour half an hour later included."""
    from aggregator.core import make_aggregator
    from aggregator.dedup import explain
    from aggregator.memo import not_kept
    from conftest import make_settings, make_source

    day = SOON.replace(hour=18, minute=30)
    feed_server.set("/lab.ics", one_calendar(
        ics("ia@lab", "Meetup IA", day), ics("py@lab", "Atelier Python", day + timedelta(days=1)),
        ics("far@lab", "Conférence", day + timedelta(days=9))), "text/calendar")
    feed_server.set("/venue.ics", one_calendar(
        ics("v-ia@venue", "Meetup IA au Blida", day), ics("v-jeux@venue", "Soirée jeux",
                                                        day - timedelta(days=1)),
        ics("v-cafe@venue", "Café", day + timedelta(days=9, hours=1)),
        ics("v-ia2@venue", "Meetup IA (suite)", day + timedelta(minutes=30))), "text/calendar")
    sources = (make_source("lab", feed_server.url("/lab.ics")),
               make_source("venue", feed_server.url("/venue.ics"), kind="venue"))
    app = make_aggregator(make_settings(tmp_path, sources, db_url))
    app.refresh()
    app.build()
    assignment = app.store.load_assignment("event")
    with not_kept():
        everything, names, options = app._dedup_inputs()
        for name in [*set(assignment.values()), *assignment, "ia@lab"]:
            assert app.explain_event(name) == explain(everything, names, name, **options), name
    meetup = app.explain_event("lab:ia@lab")
    assert {"venue:v-ia@venue", "venue:v-ia2@venue"} <= {k for p in meetup for k in (p.a, p.b)}
    window = app._around("lab:ia@lab", assignment, app.store.load_overrides())
    assert window is not None
    near = app.store.current_records(sources, SOON - timedelta(days=30), news=False,
                                     starting=window).events
    assert sorted(e.uid for e in near) == [
        "ia@lab", "py@lab", "v-ia2@venue", "v-ia@venue", "v-jeux@venue"]
    app.close()


def test_a_split_after_a_merge_pulls_the_record_out_as_the_command_says(
        site: Any, tmp_path: Path, db_url: str, monkeypatch: Any) -> None:
    """The operator merged the wrong event in, then split it out: `events split` said
    "split … out of …; run `aggregator build`", and every build kept it merged, for the
    earlier merge forced it back in whatever came after. The later decision now wins."""
    monkeypatch.setenv("AGGREGATOR_DB", db_url)
    refresh_and_build()
    by_title = {e["title"]: e["uid"] for e in json_events(tmp_path)}
    merge = run("events", "merge", by_title["Apéro start-up"], by_title["Rencontre IA"])
    assert merge.exit_code == 0, merge.output + merge.stderr
    run("build")
    [merged] = [e for e in json_events(tmp_path) if e["status"] != "CANCELLED"]
    assert len(merged["sources"]) == 3
    split = run("events", "split", merged["uid"], "assoc:meetup-7@assoc")
    assert split.exit_code == 0, split.output + split.stderr
    run("build")
    run("build")
    live = {e["title"]: e for e in json_events(tmp_path) if e["status"] != "CANCELLED"}
    assert {title: len(e["sources"]) for title, e in live.items()} == {
        "Rencontre IA": 2, "Apéro start-up": 1}
    # and merged again by the operator, it is one event again: the latest decision wins
    again = run("events", "merge", live["Rencontre IA"]["uid"], "assoc:meetup-7@assoc")
    assert again.exit_code == 0, again.output + again.stderr
    run("build")
    assert [len(e["sources"]) for e in json_events(tmp_path) if e["status"] != "CANCELLED"] == [3]
