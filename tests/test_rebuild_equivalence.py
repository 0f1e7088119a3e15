"""A long-lived process's builds equal a fresh process's, round after round of feed changes.

The daemon builds again and again in one process, reusing the last build's work through its
memos (decoded records, dedup profiles, merged events, publication marks, calendar blocks and
export records, the latter in a scratch file). A memo that answers with stale work would show
subscribers an old title, a lost cancellation or a wrong SEQUENCE, and the memo tests cannot
see every way the pieces interact. So here one Aggregator lives through several rounds of real
feed changes on a loopback server (an edited title, a vanished event, a new cross-post, a
dropped cross-post, a moved occurrence, a relayed article, time passing), and after each
refresh a separate Python process builds from a copy of the same database (SQLite, and
PostgreSQL as several nodes use it) at the same clock: every output file must be byte for
byte the same. And since those memos are the process's, two builds asked at once (the
scheduler's and an admin page's) must run one after the other.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from aggregator.config import load
from aggregator.core import make_aggregator
from conftest import PG_ADMIN_URL

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
"""The first round's clock; feed dates are counted from it."""
FRESH_BUILD = """
import sys
from datetime import datetime
from pathlib import Path
from aggregator.config import load
from aggregator.core import make_aggregator
config, db, output, now = sys.argv[1:]
clock = datetime.fromisoformat(now)
settings = load(config, {}, db_url=db, output_dir=Path(output),
                allow_private_networks=True)
aggregator = make_aggregator(settings, clock=lambda: clock)
aggregator.build()
aggregator.close()
"""


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def vevent(uid: str, title: str, start: datetime, *lines: str, hours: int = 2) -> str:
    return "\r\n".join([
        "BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260201T000000Z", f"DTSTART:{stamp(start)}",
        f"DTEND:{stamp(start + timedelta(hours=hours))}", f"SUMMARY:{title}", *lines,
        "END:VEVENT",
    ])


def calendar(*events: str) -> bytes:
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//rebuilds//EN",
            "X-WR-TIMEZONE:Europe/Paris"]
    return "\r\n".join([*head, *events, "END:VCALENDAR", ""]).encode()


def rss(*items: tuple[str, str, datetime]) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{when:%a, %d %b %Y %H:%M:%S +0000}</pubDate>"
        f"<description>&lt;p&gt;{title}&lt;/p&gt;</description></item>"
        for title, link, when in items
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Lab</title>'
            f"<link>https://lab.example.org/</link><description>d</description>{body}"
            "</channel></rss>").encode()


def atom(*entries: tuple[str, str, datetime]) -> bytes:
    body = "".join(
        f'<entry><title>{title}</title><link href="{link}"/><id>{link}#relay</id>'
        f"<updated>{when:%Y-%m-%dT%H:%M:%SZ}</updated><summary>{title}</summary></entry>"
        for title, link, when in entries
    )
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Venue</title><id>https://venue.example.org/</id>"
            f"<updated>{START:%Y-%m-%dT%H:%M:%SZ}</updated>{body}</feed>").encode()


TALK = START + timedelta(days=3, hours=8)
SERIES = START + timedelta(days=1, hours=3)
LAB_NEWS = [("Appel à projets IA", "https://lab.example.org/news/1", START - timedelta(days=2)),
            ("Nouveau labo", "https://lab.example.org/news/2", START - timedelta(days=5))]


def lab_calendar(talk_title: str, moved_occurrence: timedelta) -> bytes:
    overridden = SERIES + timedelta(days=14)
    return calendar(
        vevent("talk-1@lab", talk_title, TALK, "URL:https://lab.example.org/talk-1",
               "LOCATION:TCRM-Blida\\, Metz"),
        vevent("series@lab", "Lunch & Learn", SERIES, "RRULE:FREQ=WEEKLY;COUNT=6"),
        vevent("series@lab", "Lunch & Learn (salle B)", overridden + moved_occurrence,
               f"RECURRENCE-ID:{stamp(overridden)}"),
        "\r\n".join(["BEGIN:VEVENT", "UID:hack@lab", "DTSTAMP:20260201T000000Z",
                     f"DTSTART;VALUE=DATE:{(START + timedelta(days=10)):%Y%m%d}",
                     f"DTEND;VALUE=DATE:{(START + timedelta(days=12)):%Y%m%d}",
                     "SUMMARY:Hackathon données ouvertes", "END:VEVENT"]),
    )


@pytest.fixture
def world(feed_server: Any, tmp_path: Path) -> Any:
    """Three sources on the loopback server, one talk cross-posted, one article relayed."""
    serve = feed_server.set
    serve("/lab.ics", lab_calendar("Rencontre IA", timedelta(0)), "text/calendar")
    serve("/lab.xml", rss(*LAB_NEWS), "application/rss+xml")
    serve("/venue.ics", calendar(
        vevent("blida-99@venue", "Rencontre IA", TALK,
               "URL:https://lab.example.org/talk-1/?utm_source=venue"),
        vevent("expo@venue", "Expo robots", START + timedelta(days=5))), "text/calendar")
    serve("/venue.atom", atom(LAB_NEWS[0]), "application/atom+xml")
    serve("/assoc.ics", calendar(
        vevent("apero@assoc", "Apéro start-up", START + timedelta(days=2, hours=10)),
        vevent("pitch@assoc", "Soirée pitch", START + timedelta(days=1, hours=1))),
        "text/calendar")
    base = feed_server.base_url
    (tmp_path / "sources.yaml").write_text(f"""
sources:
  - {{id: lab, name: Le Lab, kind: lab, city: Nancy, country: FR, tags: [ai],
     feeds: [{{url: "{base}/lab.ics"}}, {{url: "{base}/lab.xml"}}]}}
  - {{id: venue, name: La Venue, kind: venue, city: Metz, country: FR,
     feeds: [{{url: "{base}/venue.ics"}}, {{url: "{base}/venue.atom"}}]}}
  - {{id: assoc, name: L'Asso, kind: association, city: Metz, country: FR, tags: [startup],
     feeds: [{{url: "{base}/assoc.ics"}}]}}
""", encoding="utf-8")
    return feed_server


def change(server: Any, round_number: int) -> timedelta:
    """The feeds' changes before a round; returns how far the clock moves."""
    if round_number == 1:  # an edited title, a vanished event, a new event, a new article
        server.set("/lab.ics", lab_calendar("Rencontre IA : agents", timedelta(0)),
                   "text/calendar")
        server.set("/assoc.ics", calendar(
            vevent("apero@assoc", "Apéro start-up", START + timedelta(days=2, hours=10))),
            "text/calendar")
        server.set("/venue.ics", calendar(
            vevent("blida-99@venue", "Rencontre IA", TALK,
                   "URL:https://lab.example.org/talk-1/?utm_source=venue"),
            vevent("expo@venue", "Expo robots", START + timedelta(days=5)),
            vevent("quiz@venue", "Quiz numérique", START + timedelta(days=6, hours=9))),
            "text/calendar")
        server.set("/lab.xml", rss(("Résultats du hackathon", "https://lab.example.org/news/3",
                                    START + timedelta(hours=1)), *LAB_NEWS),
                   "application/rss+xml")
        return timedelta(hours=1)
    if round_number == 2:  # the cross-post dropped, an occurrence moved, a relayed title edited
        server.set("/venue.ics", calendar(
            vevent("expo@venue", "Expo robots", START + timedelta(days=5)),
            vevent("quiz@venue", "Quiz numérique", START + timedelta(days=6, hours=9))),
            "text/calendar")
        server.set("/lab.ics", lab_calendar("Rencontre IA : agents", timedelta(hours=2)),
                   "text/calendar")
        server.set("/venue.atom", atom(("Appel à projets IA (prolongé)", LAB_NEWS[0][1],
                                        START + timedelta(days=1))), "application/atom+xml")
        return timedelta(days=1)
    return timedelta(days=3)  # nothing changes: time passes, the cancelled event's date too


def outputs(directory: Path) -> dict[str, bytes]:
    return {str(path.relative_to(directory)): path.read_bytes()
            for path in sorted(directory.rglob("*")) if path.is_file()}


def snapshot(url: str, name: str, tmp_path: Path) -> str:
    """A copy of the database at ``url`` as it is now, for the fresh process: SQLite's backup
    (the WAL's pages too, which a file copy misses), or PostgreSQL's CREATE DATABASE from it
    as a template (no session may be connected to it meanwhile)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        copy = tmp_path / f"{name}.db"
        with sqlite3.connect(str(parsed.database)) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        return f"sqlite:///{copy}"
    copy_name = f"{parsed.database}_{name}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{copy_name}" TEMPLATE "{parsed.database}"'))
    admin.dispose()
    return parsed.set(database=copy_name).render_as_string(hide_password=False)


def drop(url: str) -> None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        admin.dispose()


def test_every_build_of_a_long_lived_process_equals_a_fresh_process_build(
    world: Any, tmp_path: Path, db_url: str
) -> None:
    config = tmp_path / "sources.yaml"
    clock = [START]
    settings = load(config, {}, db_url=db_url, output_dir=tmp_path / "output",
                    allow_private_networks=True)
    aggregator = make_aggregator(settings, clock=lambda: clock[0])
    copies: list[str] = []
    try:
        for round_number in range(4):
            if round_number:
                clock[0] += change(world, round_number)
            aggregator.refresh()
            aggregator.store.engine.dispose()  # PostgreSQL copies a database nobody is in
            copies.append(snapshot(db_url, f"fresh{round_number}", tmp_path))
            aggregator.build()
            fresh_output = tmp_path / f"fresh-{round_number}"
            subprocess.run(
                [sys.executable, "-c", FRESH_BUILD, str(config), copies[-1], str(fresh_output),
                 clock[0].isoformat()], check=True, cwd=tmp_path)
            long_lived, fresh = outputs(settings.output_dir), outputs(fresh_output)
            assert sorted(long_lived) == sorted(fresh), f"round {round_number}"
            for name, content in fresh.items():
                assert long_lived[name] == content, f"round {round_number}: {name} differs"
            assert_round_shows_its_changes(round_number, fresh)
    finally:
        aggregator.close()
        for copy in copies:
            drop(copy)


def assert_round_shows_its_changes(round_number: int, files: dict[str, bytes]) -> None:
    """The rounds really change what subscribers see (else the equality above proves little)."""
    calendar_text = files["calendar.ics"].decode()
    items = json.loads(files["news.json"])["items"]
    news = " ".join(item["title"] for item in items)
    if round_number == 0:
        assert calendar_text.count("SUMMARY:Rencontre IA\r\n") == 1  # cross-posts merged
        relayed = [item for item in items if item["link"] == LAB_NEWS[0][1]]
        assert len(relayed) == 1 and len(relayed[0]["sources"]) == 2  # relayed: one item
    if round_number == 1:
        assert "SEQUENCE:1" in vevent_of(calendar_text, "Rencontre IA : agents")
        assert "Soirée pitch" in calendar_text and "STATUS:CANCELLED" in calendar_text
        assert "Quiz numérique" in calendar_text and "Résultats du hackathon" in news
    if round_number == 2:
        talk = vevent_of(calendar_text, "Rencontre IA : agents")
        assert "SEQUENCE:2" in talk and "La Venue" not in talk  # one edit, then one poster less
        assert "DTSTART;TZID=Europe/Paris:20260317T150000" in calendar_text  # moved occurrence
    if round_number == 3:
        assert "Soirée pitch" not in calendar_text  # its date has passed: it leaves


def vevent_of(calendar_text: str, title: str) -> str:
    start = calendar_text.index(f"SUMMARY:{title}\r\n")
    return calendar_text[calendar_text.rindex("BEGIN:VEVENT", 0, start):
                         calendar_text.index("END:VEVENT", start)]


def test_two_builds_asked_at_once_in_one_process_run_one_after_the_other(
    world: Any, tmp_path: Path
) -> None:
    """The scheduler's build and one an admin page starts share the process's memos and
    scratch files: the second must wait for the first, not interleave with it."""
    import threading

    settings = load(tmp_path / "sources.yaml", {}, db_url=f"sqlite:///{tmp_path / 'a.db'}",
                    output_dir=tmp_path / "output", allow_private_networks=True)
    armed, inside, release = threading.Event(), threading.Event(), threading.Event()
    entered: list[str] = []

    def clock(name: str) -> Any:
        def now() -> datetime:
            if armed.is_set():
                if not entered or entered[-1] != name:
                    entered.append(name)
                if name == "first" and not release.is_set():
                    inside.set()
                    release.wait(10)  # the first build holds on inside its work
            return START
        return now

    first = make_aggregator(settings, clock=clock("first"))
    second = make_aggregator(settings, clock=clock("second"))
    try:
        first.refresh()
        armed.set()
        builds = [threading.Thread(target=first.build)]
        builds[0].start()
        assert inside.wait(10)
        builds.append(threading.Thread(target=second.build))
        builds[1].start()
        builds[1].join(0.5)
        assert entered == ["first"]  # the second build has not started its work
        release.set()
        for build in builds:
            build.join(20)
        assert entered == ["first", "second"]
        assert (tmp_path / "output" / "calendar.ics").exists()
    finally:
        release.set()
        first.close()
        second.close()
