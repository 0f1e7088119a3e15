"""A year of stored events and news survives what months of operation bring: every upgrade
path, a newer database, processes starting together, a feed's address changed, names and
texts PostgreSQL holds otherwise than SQLite, an organisation off the list for a while.

Each test reads as the operator meets it; real SQLite and PostgreSQL databases, a real HTTP
server on 127.0.0.1, the CLI as a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
import sqlalchemy as sa

from aggregator.core import make_aggregator
from aggregator.store import open_store
from aggregator.store.tables import metadata
from conftest import REPO, make_settings, make_source, schema_at
from hostile import ics
from misbehaving import MisbehavingServer, body, misbehaving_server

NOW = datetime.now(timezone.utc).replace(microsecond=0)
START = NOW + timedelta(days=3)


def talks(count: int = 4, prefix: str = "talk") -> bytes:
    return ics(*(f"UID:{prefix}-{n}@lab.example.org\r\n"
                 f"DTSTART:{(START + timedelta(days=n)).strftime('%Y%m%dT180000Z')}\r\n"
                 f"SUMMARY:Talk {n} 🎉\r\nLOCATION:Salle {n}, Metz" for n in range(count)))


NEWS = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Lab</title>"
        "<link>https://lab.example.org/</link>"
        "<item><title>Rapport annuel</title><link>https://lab.example.org/rapport</link>"
        f"<guid>rapport</guid><pubDate>{format_datetime(NOW - timedelta(days=6))}</pubDate></item>"
        "</channel></rss>").encode()


@pytest.fixture
def server() -> Any:
    with misbehaving_server() as running:
        running.route("/talks.ics", body(talks()))
        running.route("/news.xml", body(NEWS, "application/rss+xml"))
        yield running


# --- upgrades -----------------------------------------------------------------------------

def a_year_of_data(tmp_path: Path, server: MisbehavingServer) -> dict[str, list[dict[str, Any]]]:
    """Rows of every table as the application itself wrote them: feeds with their events and
    news, a build's publication and assignments, a subscriber and its digest, an approved
    registration with its feeds, a switched-off source, a hidden event, an outage."""
    lab = make_source("lab", server.url("/talks.ics"), server.url("/news.xml"))
    app = make_aggregator(make_settings(tmp_path / "template", (lab,)))
    store = app.store
    try:
        assert {o.result for o in app.refresh()} == {"updated"}
        app.build()
        subscriber = store.insert_subscriber("ana@example.org", "fr", ["Metz"], [], [],
                                             "confirmed", "t" * 32, NOW, sources=["lab"])
        assert store.claim_delivery(subscriber.id, "2026-W49", NOW, "node-a")
        asso = make_source("asso", "https://asso.example.org/agenda.ics", contact="a@asso.org")
        registration = store.add_registration(asso, NOW)
        store.decide_registration(registration.id, "approved", NOW)
        store.set_source_disabled("asso", True, NOW)
        store.add_override("hide", ["lab:talk-3@lab.example.org"], NOW)
        store.save_outage(app.store.feed_states()[0].feed_id or 0, NOW)
        with store.engine.connect() as connection:
            return {table.name: [dict(row._mapping) for row in connection.execute(
                        sa.select(table))] for table in metadata.sorted_tables}
    finally:
        app.close()


def fresh(db_url: str, tmp_path: Path, revision: str) -> str:
    """An empty database for one revision: a file of its own, or an empty PostgreSQL schema."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'at-{revision}.db'}"
    engine = sa.create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    return db_url


def revisions() -> list[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import aggregator.store as store_package

    config = Config()
    config.set_main_option("script_location", str(Path(store_package.__file__).parent / "migrations"))
    return sorted(r.revision for r in ScriptDirectory.from_config(config).walk_revisions())


def test_every_earlier_revision_upgrades_with_every_row_kept(
        db_url: str, tmp_path: Path, server: MisbehavingServer) -> None:
    """An operator upgrading from any earlier version keeps what it stored. On SQLite, the
    registrations table rebuilt by 0006 with foreign keys on deleted every registered
    organisation's feeds (ON DELETE CASCADE): approved, then nothing to fetch."""
    rows = a_year_of_data(tmp_path, server)
    assert all(rows[name] for name in ("events", "news_items", "registration_feeds",
                                      "digest_deliveries", "publications", "feed_outages"))
    for revision in revisions():
        url = fresh(db_url, tmp_path, revision)
        kept: dict[str, list[dict[str, Any]]] = {}
        with schema_at(url, revision) as connection:
            present = sa.inspect(connection)
            for table in metadata.sorted_tables:
                if present.has_table(table.name) and rows[table.name]:
                    columns = {c["name"] for c in present.get_columns(table.name)}
                    kept[table.name] = [{k: v for k, v in row.items() if k in columns}
                                        for row in rows[table.name]]
                    connection.execute(table.insert(), kept[table.name])
        store = open_store(url)
        try:
            with store.engine.connect() as connection:
                for name, expected in kept.items():
                    table = metadata.tables[name]
                    found = [{k: v for k, v in dict(row._mapping).items() if k in expected[0]}
                             for row in connection.execute(sa.select(table))]
                    assert found == expected, f"{name} changed upgrading from {revision}"
        finally:
            store.close()


def test_a_database_a_newer_version_migrated_is_refused_with_what_to_do(tmp_path: Path) -> None:
    """Rolled back to the previous release after an upgrade, the operator's every command
    ended in Alembic's traceback ("Can't locate revision identified by …")."""
    db = tmp_path / "data" / "aggregator.db"
    open_store(f"sqlite:///{db}").close()
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO alembic_version VALUES ('0042_from_the_future')"))
    engine.dispose()
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "aggregator", "--config", str(tmp_path / "sources.yaml"),
         "sources", "list"], capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO), "AGGREGATOR_DB": f"sqlite:///{db}"})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "a newer version of aggregator migrated it (revision 0042_from_the_future" in done.stderr
    assert "restore the backup" in done.stderr


STARTER = """
import sys
from pathlib import Path
from aggregator.store import open_store
Path(sys.argv[2]).touch()
open_store(sys.argv[1]).close()
"""


@pytest.mark.empty_database
def test_processes_starting_together_on_a_new_database_all_start(
        db_url: str, tmp_path: Path) -> None:
    """The daemon and `aggregator serve` (or a cron refresh) started together on a fresh or
    just-upgraded SQLite database: all but one failed on "table feeds already exists"
    (each had found the schema behind before the first one wrote it). PostgreSQL nodes
    wait for each other on an advisory lock (issue 4)."""
    import sqlite3

    engine = sa.create_engine(db_url)
    if db_url.startswith("sqlite"):
        holder: Any = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("PRAGMA journal_mode=WAL")
        holder.execute("BEGIN IMMEDIATE")  # a writer busy: the starters reach the schema at once
    else:
        holder = engine.connect()
        holder.execute(sa.text("SELECT pg_advisory_lock(4242000005)"))  # a node migrating
    ready = [tmp_path / f"ready-{n}" for n in range(2)]
    starters = [subprocess.Popen(
        [sys.executable, "-c", STARTER, db_url, str(flag)], stderr=subprocess.PIPE,
        text=True, env={**os.environ, "PYTHONPATH": str(REPO)}) for flag in ready]
    deadline = time.monotonic() + 60
    while not all(flag.exists() for flag in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(1.2)  # both waiting on the lock
    if db_url.startswith("sqlite"):
        holder.execute("ROLLBACK")
    else:
        holder.execute(sa.text("SELECT pg_advisory_unlock(4242000005)"))
    holder.close()
    engine.dispose()
    errors = [p.communicate(timeout=60)[1] for p in starters]
    assert [p.returncode for p in starters] == [0, 0], errors
    open_store(db_url).close()


# --- a feed's address changed -----------------------------------------------------------

def published(output: Path) -> dict[str, tuple[str, str]]:
    """UID -> (title, status) of calendar.ics: what subscribed calendar clients see."""
    calendar = icalendar.Calendar.from_ical((output / "calendar.ics").read_bytes())
    return {str(e["UID"]): (str(e["SUMMARY"]), str(e.get("STATUS")))
            for e in calendar.walk("VEVENT")}


def refresh_and_build(tmp_path: Path, *sources: Any) -> list[str]:
    app = make_aggregator(make_settings(tmp_path, sources))
    try:
        results = [o.result for o in app.refresh()]
        app.build()
        return results
    finally:
        app.close()


def test_a_feed_moved_to_an_address_that_fails_keeps_its_events_until_it_is_read(
        server: MisbehavingServer, tmp_path: Path) -> None:
    """The organisation moved its calendar; the operator put the new address in sources.yaml
    the day before the new site went live. Every event of the source went out CANCELLED to
    every subscriber, though the last good copy was stored, as it is for a failing feed."""
    refresh_and_build(tmp_path, make_source("lab", server.url("/talks.ics")))
    before = published(tmp_path / "output")
    assert len(before) == 4 and {status for _, status in before.values()} == {"CONFIRMED"}

    server.route("/agenda/talks.ics", body(b"<h1>Bient\xc3\xb4t</h1>", "text/html", 503))
    moved = make_source("lab", server.url("/agenda/talks.ics"))
    assert refresh_and_build(tmp_path, moved) == ["error"]
    assert published(tmp_path / "output") == before

    server.route("/agenda/talks.ics", body(talks()))  # the new site is live: the same events
    assert refresh_and_build(tmp_path, moved) == ["updated"]
    assert published(tmp_path / "output") == before  # the same UIDs, none twice
    events = json.loads((tmp_path / "output" / "events.json").read_text())["events"]
    assert {s["feed"] for e in events for s in e["sources"]} == {server.url("/agenda/talks.ics")}


# --- names the database stores ------------------------------------------------------------

def test_a_node_name_too_long_for_its_leases_is_refused_before_anything_runs(tmp_path: Path) -> None:
    """A descriptive AGGREGATOR_NODE of 250 characters: on PostgreSQL every refresh failed
    on "value too long for type character varying(200)", while SQLite took it."""
    from aggregator import config
    from aggregator.errors import ConfigError

    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="AGGREGATOR_NODE is 250 characters long: .* at most 150"):
        config.load(tmp_path / "sources.yaml", {"AGGREGATOR_NODE": "n" * 250})


@pytest.mark.postgres
def test_the_longest_node_name_allowed_leases_its_feeds_on_postgresql(
        postgres_url: str, server: MisbehavingServer, tmp_path: Path) -> None:
    import dataclasses

    from aggregator import config

    settings = make_settings(tmp_path, (make_source("lab", server.url("/talks.ics")),),
                             db_url=postgres_url)
    (tmp_path / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    node = config.load(tmp_path / "sources.yaml", {"AGGREGATOR_NODE": "n" * 150}).daemon.node
    app = make_aggregator(dataclasses.replace(settings, daemon=dataclasses.replace(
        settings.daemon, node=node)))
    try:
        assert [o.result for o in app.refresh()] == ["updated"]
        app.build()
    finally:
        app.close()


def test_a_source_id_longer_than_the_database_holds_is_refused_in_sources_yaml(
        tmp_path: Path) -> None:
    """An id of 120 characters passed the check of sources.yaml, then every command failed on
    PostgreSQL with "value too long for type character varying(100)" (SQLite took it)."""
    from aggregator import config
    from aggregator.errors import ConfigError

    (tmp_path / "sources.yaml").write_text(
        f"sources:\n  - id: {'a' * 120}\n    name: Lab\n    kind: lab\n    city: Metz\n"
        "    country: FR\n    feeds:\n      - url: https://lab.example.org/a.ics\n",
        encoding="utf-8")
    with pytest.raises(ConfigError, match="field id: String should have at most 100 characters"):
        config.load(tmp_path / "sources.yaml", {})


def test_a_nul_typed_into_the_registration_form_is_stored_without_it_on_both_databases(
        db_url: str, tmp_path: Path) -> None:
    """A NUL in the organisation's name or city (a form posted with %00) was stored as is on
    SQLite and failed the registration with "database error" on PostgreSQL (HTTP 503); so did
    one in a feed's address, which is refused as no address."""
    from aggregator.models import FeedRef
    from aggregator.registrations import RegistrationError

    app = make_aggregator(make_settings(tmp_path, (), db_url=db_url))
    try:
        registration, _ = app.register_source(
            name="Lab\x00 Num\x00érique", kind="lab", city="Metz\x00", website="",
            contact="hello@lab.example.org", feeds=[FeedRef("https://lab.example.org/a.ics")])
        [stored] = app.store.registrations()
        assert (stored.source.name, stored.source.city) == ("Lab Num érique", "Metz")
        app.reject_registration(registration.id, "spam\x00?")
        assert [(r.status, r.note) for r in app.store.registrations()] == [("rejected", "spam?")]
        with pytest.raises(RegistrationError) as refused:
            app.register_source(name="Lab", kind="lab", city="Metz", website="",
                                contact="other@lab.example.org",
                                feeds=[FeedRef("https://lab.example.org/b\x00.ics")])
        assert refused.value.field == "feeds"
    finally:
        app.close()


def test_a_database_in_memory_keeps_its_schema_once_migrated() -> None:
    """AGGREGATOR_DB=sqlite:// (a throw-away run, a quick check): the migration's connection,
    thrown away to restore its foreign keys, took the whole database with it."""
    store = open_store("sqlite://")
    try:
        store.sync_feeds([make_source("lab", "https://lab.example.org/a.ics")])
        assert [s.source_id for s in store.feed_states()] == ["lab"]
    finally:
        store.close()


# --- a source off the list for a while ----------------------------------------------------

def test_a_subscriber_saving_its_preferences_keeps_following_a_source_switched_off_meanwhile(
        server: MisbehavingServer, tmp_path: Path) -> None:
    """The operator switched the lab off for a week (its feed was broken); a subscriber who
    followed it changed the digest's language meanwhile. The form, which lists the published
    organisations, did not post the lab: the follow was gone for good when it came back."""
    lab = make_source("lab", server.url("/talks.ics"))
    other = make_source("other", server.url("/news.xml"))
    app = make_aggregator(make_settings(tmp_path, (lab, other)))
    try:
        subscriber, _ = app.add_subscriber("ana@example.org", sources=["lab", "other"],
                                           confirmed=True)
        app.set_source_disabled("lab", True)
        app.update_preferences(subscriber.token, language="de", sources=["other"])
        app.set_source_disabled("lab", False)
        again = app.subscriber_by_token(subscriber.token)
        assert (again.language, sorted(again.sources)) == ("de", ["lab", "other"])
        app.update_preferences(subscriber.token, language="de", sources=["other"])  # unfollowed
        assert app.subscriber_by_token(subscriber.token).sources == ("other",)
    finally:
        app.close()
