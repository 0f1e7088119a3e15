"""The store on real SQLite and PostgreSQL: records round-trip, updates are all-or-nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from aggregator import decide
from aggregator.errors import StoreError
from aggregator.models import Event, FeedOutcome, FetchResult, NewsItem, ParsedFeed
from aggregator.store import Store, open_store
from conftest import make_source, schema_at

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)

RICH_EVENT = Event(
    uid="meetup-42@example.org", title="Rencontre Python #42 – Metz",
    start=datetime(2026, 12, 7, 18, 30, tzinfo=PARIS), end=datetime(2026, 12, 7, 21, 0, tzinfo=PARIS),
    timezone="Europe/Paris", location="TCRM-Blida, 7 avenue de Blida, 57000 Metz",
    description="Deux talks,\nune pizza.", url="https://example.org/e/42", status="CONFIRMED",
    categories=("python", "meetup"), rrule="FREQ=MONTHLY;BYDAY=1MO",
    exdates=(datetime(2027, 1, 4, 18, 30, tzinfo=PARIS),), sequence=3,
    last_modified=datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc), organizer="Python Metz",
)
ALL_DAY = Event(uid="hack@x", title="Hackathon", start=date(2026, 12, 12), end=date(2026, 12, 14), all_day=True)
UTC_EVENT = Event(uid="utc@x", title="Webinar", start=datetime(2026, 12, 3, 17, 0, tzinfo=timezone.utc), timezone="UTC")
@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = open_store(db_url)
    yield opened
    opened.close()


ITEM = NewsItem(guid="tag:x,2026:1", title="Appel à projets", link="https://example.org/n/1",
                published=datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc), summary="<p>Hello</p>")


def test_records_round_trip_with_their_zones(store: Store) -> None:
    source = make_source("lab", "https://example.org/events.ics")
    store.sync_feeds([source])
    [state] = store.feed_states([source])
    assert state.status == "pending"
    fetched = FetchResult(url=state.url, status_code=200, body=b"x", etag='"1"')
    update = decide.after_parse(
        state, fetched, ParsedFeed("ical", events=(RICH_EVENT, ALL_DAY, UTC_EVENT), items=(ITEM,)),
        "hash", NOW, timedelta(hours=1),
    )
    store.apply_update(update)
    records = store.current_records([source], NOW - timedelta(days=30))
    by_uid = {e.uid: e for e in records.events}
    assert by_uid["meetup-42@example.org"] == RICH_EVENT.__class__(
        **{**_fields(RICH_EVENT), "source_id": "lab", "feed_url": state.url}
    )
    assert by_uid["meetup-42@example.org"].start.tzinfo == PARIS  # type: ignore[union-attr]
    assert by_uid["hack@x"].start == date(2026, 12, 12) and by_uid["hack@x"].all_day
    assert by_uid["utc@x"].start == datetime(2026, 12, 3, 17, 0, tzinfo=timezone.utc)
    assert [i.title for i in records.items] == ["Appel à projets"]
    [after] = store.feed_states([source])
    assert after.status == "ok" and after.etag == '"1"' and after.record_count == 4


def test_the_titles_of_hidden_records_are_read_by_their_keys(store: Store) -> None:
    """What the operator's list of hidden events and articles shows beside their keys."""
    source = make_source("lab", "https://example.org/events.ics")
    store.sync_feeds([source])
    [state] = store.feed_states([source])
    moved = dataclasses.replace(RICH_EVENT, title="Rencontre Python #42 (salle B)",
                                recurrence_id=datetime(2026, 12, 7, 18, 30, tzinfo=PARIS))
    store.apply_update(decide.after_parse(
        state, FetchResult(url=state.url, status_code=200, body=b"x"),
        ParsedFeed("ical", events=(RICH_EVENT, moved, ALL_DAY), items=(ITEM,)), "hash", NOW,
        timedelta(hours=1)))
    assert store.record_titles(["lab:meetup-42@example.org", "lab:hack@x", "lab:gone@x",
                                "other:hack@x", "no-colon"]) == {
        "lab:meetup-42@example.org": "Rencontre Python #42 – Metz",  # the series, first stored
        "lab:hack@x": "Hackathon"}
    assert store.record_titles(["lab:tag:x,2026:1"], news=True) == {
        "lab:tag:x,2026:1": "Appel à projets"}  # a guid holding colons
    assert store.record_titles([]) == {}


def test_records_of_a_feed_share_the_strings_they_repeat(store: Store) -> None:
    """Source, feed URL, zone, status, categories, the venue's address: one string object for
    all the records that repeat it, not one copy per record (memory of a build, issue 8)."""
    source = make_source("lab", "https://example.org/events.ics")
    store.sync_feeds([source])
    [state] = store.feed_states([source])
    twins = tuple(dataclasses.replace(RICH_EVENT, uid=f"talk-{n}@example.org") for n in range(3))
    store.apply_update(decide.after_parse(
        state, FetchResult(url=state.url, status_code=200, body=b"x"),
        ParsedFeed("ical", events=twins), "hash", NOW, timedelta(hours=1)))

    first, *others = store.current_records([source], NOW - timedelta(days=30)).events

    assert len(others) == 2
    for other in others:
        assert other.source_id is first.source_id and other.feed_url is first.feed_url
        assert other.timezone is first.timezone and other.status is first.status
        assert other.organizer is first.organizer and other.location is first.location
        assert all(a is b for a, b in zip(other.categories, first.categories, strict=True))


def _fields(event: Event) -> dict[str, object]:
    return {name: getattr(event, name) for name in event.__slots__}


def test_past_events_are_left_out_but_series_stay(store: Store) -> None:
    source = make_source("lab", "https://example.org/events.ics")
    store.sync_feeds([source])
    [state] = store.feed_states([source])
    old = Event(uid="old", title="Old", start=datetime(2026, 1, 5, 18, 0, tzinfo=PARIS), timezone="Europe/Paris")
    old_series = Event(uid="series", title="Weekly", start=datetime(2025, 1, 6, 18, 0, tzinfo=PARIS),
                       timezone="Europe/Paris", rrule="FREQ=WEEKLY")
    ended = Event(uid="ended", title="Ended", start=datetime(2025, 1, 6, 18, 0, tzinfo=PARIS),
                  timezone="Europe/Paris", rrule="FREQ=WEEKLY;UNTIL=20250301T000000Z")
    fetched = FetchResult(url=state.url, status_code=200, body=b"x")
    store.apply_update(decide.after_parse(
        state, fetched, ParsedFeed("ical", events=(old, old_series, ended)), "h", NOW, timedelta(hours=1)
    ))
    kept = {e.uid for e in store.current_records([source], NOW - timedelta(days=30)).events}
    assert kept == {"series"}


def test_sources_removed_from_the_configuration_disappear_from_records(store: Store) -> None:
    a = make_source("a", "https://a.example.org/e.ics")
    b = make_source("b", "https://b.example.org/e.ics")
    store.sync_feeds([a, b])
    for state in store.feed_states([a, b]):
        fetched = FetchResult(url=state.url, status_code=200, body=b"x")
        event = Event(uid=f"{state.source_id}-1", title="T", start=date(2026, 12, 20), all_day=True)
        store.apply_update(decide.after_parse(
            state, fetched, ParsedFeed("ical", events=(event,)), "h", NOW, timedelta(hours=1)))
    assert {e.source_id for e in store.current_records([a], NOW).events} == {"a"}


def test_assignment_is_remembered_between_builds(store: Store) -> None:
    store.save_assignment("event", {"a:1": "m1@aggregator", "b:9": "m1@aggregator"})
    store.save_assignment("event", {"a:1": "m1@aggregator"})
    assert store.load_assignment("event") == {"a:1": "m1@aggregator"}
    assert store.load_assignment("news") == {}


def test_assignment_saved_as_changes_since_the_build_loaded_it(store: Store) -> None:
    """A build writes only what changed. Builds run one at a time (the build lease); when a
    manual build overlaps, a key both wrote does not break the save (no duplicate key), and a
    key only the other wrote keeps its value, as publications do."""
    store.save_assignment("event", {"a:1": "m1", "b:2": "m2", "c:3": "m3"})
    loaded = store.load_assignment("event")
    store.save_assignment("event", {"d:4": "m4", "a:1": "mX"}, loaded)  # another node
    store.save_assignment("event", {"a:1": "m1", "b:2": "m9", "d:4": "m4", "k" * 900: "m5"},
                          loaded)
    assert store.load_assignment("event") == {
        "a:1": "mX", "b:2": "m9", "d:4": "m4", "k" * 700: "m5"}
    before = store.load_assignment("event")
    store.save_assignment("event", before, before)  # nothing changed: every row stays
    assert store.load_assignment("event") == before


def test_publication_is_read_back_from_the_database_only_when_someone_else_wrote_it(
    store: Store, db_url: str
) -> None:
    """A build's own publication is not read back from the table; another node's is."""
    from aggregator import lifecycle
    from aggregator.dedup import merge_events

    def published(*events: Event, now: datetime = NOW) -> dict:
        merged = merge_events(events, {}).events
        return lifecycle.publish(merged, {}, now)[1]

    first = published(RICH_EVENT, ALL_DAY)
    store.save_publication(first, {})
    reader = open_store(db_url)
    fresh = reader.load_publication()
    reader.close()
    assert {uid: (p.fingerprint, p.sequence) for uid, p in store.load_publication().items()} \
        == {uid: (p.fingerprint, p.sequence) for uid, p in fresh.items()}
    assert all(p.snapshot is not None for p in store.load_publication().values())  # own memory

    other = open_store(db_url)  # another node builds and publishes something else
    second = published(UTC_EVENT)
    other.save_publication(second, fresh)
    other.close()
    assert set(store.load_publication()) == set(second)
    [uid] = second
    assert store.load_publication(with_snapshots=[uid])[uid].snapshot.title == "Webinar"


@pytest.mark.parametrize("table_name", ["publications", "events", "news_items"])
def test_rows_inserted_in_bulk_are_stored_as_sqlalchemy_stores_them(
        store: Store, db_url: str, table_name: str) -> None:
    """The build and the refresh hand their rows to the driver as they are (store/bulk.py,
    issue 8): each value must be what SQLAlchemy's own insert stores (the same text on
    SQLite, the same instant on PostgreSQL), whatever the zone of a datetime, a missing one
    included; and what is stored reads back as the datetime given, in UTC."""
    import sqlalchemy as sa

    from aggregator.store.bulk import insert_rows
    from aggregator.store.publication_tables import publications
    from aggregator.store.tables import events, news_items

    source = make_source("lab", "https://example.org/events.ics")
    store.sync_feeds([source])
    [state] = store.feed_states([source])
    paris = datetime(2026, 12, 1, 9, 0, 7, 123456, tzinfo=PARIS)  # 08:00:07.123456 UTC
    whole = datetime(2026, 12, 24, 0, 0, tzinfo=timezone.utc)  # no microseconds
    table, columns, row, twin = {
        "publications": (publications, ("uid", "fingerprint", "sequence", "last_modified",
                                        "until_utc", "vanished", "snapshot"),
                         ("a@x", "f" * 64, 3, paris, whole, True, "{}"),
                         ("b@x", "f" * 64, 3, paris, whole, True, "{}")),
        "events": (events, ("feed_id", "uid", "start_utc", "until_utc", "payload"),
                   (state.feed_id, "a@x", paris, whole, "{}"),
                   (state.feed_id, "b@x", paris, whole, "{}")),
        "news_items": (news_items, ("feed_id", "guid", "published", "seen", "payload"),
                       (state.feed_id, "a@x", None, paris, "{}"),
                       (state.feed_id, "b@x", None, paris, "{}")),
    }[table_name]
    key = columns.index("guid" if "guid" in columns else "uid")
    engine = sa.create_engine(db_url)
    with engine.begin() as connection:
        insert_rows(connection, table, columns, [row])
        connection.execute(table.insert(), [dict(zip(columns, twin))])
    with engine.connect() as connection:
        raw = connection.exec_driver_sql(
            f"SELECT {', '.join(columns)} FROM {table_name} ORDER BY {columns[key]}").all()
        [read] = connection.execute(sa.select(table).where(table.c[columns[key]] == "a@x")).all()
    engine.dispose()
    mine, theirs = ([value for i, value in enumerate(stored) if i != key] for stored in raw)
    assert mine == theirs
    for name, given in zip(columns, row):
        if isinstance(given, datetime):
            assert getattr(read, name) == given and getattr(read, name).utcoffset() == timedelta(0)
        elif given is None:
            assert getattr(read, name) is None


def test_snapshots_written_in_earlier_forms_still_read_back_whole() -> None:
    """Databases hold snapshots whose members are whole events (before 2026-12-04), some of
    them nested as JSON strings inside the JSON (before 2026-11-29); a vanished event's
    snapshot from then must still publish as CANCELLED, members and all."""
    import json

    from aggregator.dedup import merge_events
    from aggregator.store import codec

    [event] = merge_events([RICH_EVENT], {}).events
    new = codec.encode_merged(event)
    data = json.loads(new)
    members = [{"e": json.loads(codec.encode_event(m)), "s": m.source_id, "f": m.feed_url}
               for m in event.members]
    whole = json.dumps(dict(data, members=members), ensure_ascii=False)
    nested = json.dumps({
        "head": json.dumps(data["head"], ensure_ascii=False), "city": data["city"],
        "members": [dict(m, e=json.dumps(m["e"], ensure_ascii=False)) for m in members],
        "overrides": [],
    }, ensure_ascii=False)
    assert codec.decode_merged(nested) == codec.decode_merged(whole) == event
    assert len(new) < len(whole) < len(nested)


def test_unreachable_database_is_a_store_error_that_says_what_to_check() -> None:
    with pytest.raises(StoreError, match="check AGGREGATOR_DB"):
        open_store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")


def test_password_is_not_shown_in_errors() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in caught.value.message


def test_outcome_type_is_plain_data() -> None:
    assert FeedOutcome("a", "u", "updated").records == 0


@pytest.mark.empty_database
def test_the_migrations_build_the_schema_the_code_declares(db_url: str) -> None:
    """Every table, column, index and constraint the queries rely on, on both databases:
    a column declared in the code but missing from a migration fails only in production."""
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from aggregator.store.tables import metadata

    store = open_store(db_url)
    try:
        with store.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), metadata)
    finally:
        store.close()
    # APScheduler's table, Alembic's own, and the lease columns of ``feeds``, which
    # store/lease_tables.py declares apart (a lightweight table() over the same table)
    ignored = ("apscheduler_jobs", "alembic_version", "'lease_owner'", "'lease_until'")
    assert [d for d in differences if not any(name in repr(d) for name in ignored)] == []


def test_a_registration_is_found_by_its_secret_and_changed_whole(db_url: str) -> None:
    from aggregator.models import FeedRef

    store = open_store(db_url)
    now = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)
    try:
        source = dataclasses.replace(make_source("asso"), contact="a@asso.example.org",
                                     feeds=(FeedRef("https://asso.example.org/a.ics"),))
        added = store.add_registration(source, now, "s3cret-token-of-twenty-four")
        assert store.registration_by_token("s3cret-token-of-twenty-four") == added
        assert store.registration_by_token("another-token-entirely-xx") is None
        changed = dataclasses.replace(source, city="Épinal", tags=("maker",), feeds=(
            FeedRef("https://asso.example.org/b.ics", "ical"), FeedRef("https://asso.example.org/feed/")))
        store.update_registration(added.id, changed, now + timedelta(hours=1))
        found = store.registration_by_token("s3cret-token-of-twenty-four")
        assert found is not None and found.source == changed and found.status == "pending"
        assert found.changed_at == now + timedelta(hours=1)
    finally:
        store.close()


@pytest.mark.empty_database
def test_registrations_made_before_the_manage_links_get_a_secret_each(db_url: str) -> None:
    import sqlalchemy as sa

    with schema_at(db_url, "0004_registrations") as connection:  # the schema before this change
        for n in (1, 2):
            connection.execute(sa.text(
                "INSERT INTO registrations (id, source_id, name, kind, city, country, language, "
                "website, contact, tags, status, created_at, note) VALUES (:n, :id, 'X', 'lab', "
                "'Metz', 'FR', 'fr', '', 'x@example.org', '[]', 'approved', :at, '')"),
                {"n": n, "id": f"org-{n}", "at": datetime(2026, 12, 1, tzinfo=timezone.utc)})
    store = open_store(db_url)
    try:
        tokens = [r.token for r in store.registrations()]
        assert len(set(tokens)) == 2 and all(len(token) >= 24 for token in tokens)
        assert store.registration_by_token(tokens[0]).source.id == "org-1"  # type: ignore[union-attr]
    finally:
        store.close()


def test_a_database_that_cannot_be_opened_says_why_not_a_traceback(tmp_path: Path) -> None:
    """A SQLite file under a file (its directory cannot be made), and a URL whose driver is
    not installed, ended in tracebacks (NotADirectoryError, "No module named 'MySQLdb'")."""
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(StoreError, match="check AGGREGATOR_DB and that its directory can be"):
        open_store(f"sqlite:///{tmp_path / 'a-file' / 'data' / 'aggregator.db'}")
    with pytest.raises(StoreError, match=r"driver is not installed .*postgresql\+psycopg"):
        open_store("mysql://user:secret@127.0.0.1/agenda")
